/**
 * A synthetic exchange for recommendation work when the demo warehouse is not generated: users with
 * taste clusters (majors, layer 1s, memecoins, …) shaped by country, VIP tiers, and `user_events`
 * (views, trades, subscriptions) over about sixty items, 34 assets and 22 products. It has real
 * structure (users stay mostly inside their clusters; earn products follow the assets users trade), so
 * offline metrics on it mean something, and a fixed seed makes it identical on every run.
 */
import { createRandom, type Random } from '../../core/random.js';
import type { BulkColumn, SqlConnection } from '../../warehouse/connection.js';

/** Sizes and seed of the synthetic data. Defaults match the demo's default scale. */
export interface SyntheticOptions {
  /** Users (default 50 000); about 8 % have no events (cold start). */
  readonly users?: number;
  /** Events, approximately (default 500 000). */
  readonly events?: number;
  readonly seed?: number;
  /** The most recent event time (default 2026-11-24T00:00:00Z); events span the 180 days before. */
  readonly end?: Date;
}

/** Rows for the warehouse tables the recommender reads. */
export interface SyntheticExchange {
  readonly users: { userId: number; country: string; vipTier: number; createdAt: string }[];
  readonly assets: { symbol: string; name: string; category: string; cluster: string }[];
  readonly products: { productId: string; name: string; product: string; asset: string | null }[];
  readonly events: {
    eventId: number;
    userId: number;
    itemId: string;
    itemType: 'asset' | 'product';
    eventType: 'view' | 'trade' | 'subscribe';
    createdAt: string;
  }[];
}

type Cluster = 'majors' | 'legacy' | 'l1' | 'l2' | 'meme' | 'defi';

const CLUSTERS: readonly Cluster[] = ['majors', 'legacy', 'l1', 'l2', 'meme', 'defi'];

const ASSET_LIST: readonly [symbol: string, name: string, cluster: Cluster, popularity: number][] = [
  ['BTC', 'Bitcoin', 'majors', 30],
  ['ETH', 'Ethereum', 'majors', 18],
  ['BNB', 'BNB', 'majors', 4],
  ['XRP', 'XRP', 'legacy', 4],
  ['LTC', 'Litecoin', 'legacy', 1.3],
  ['BCH', 'Bitcoin Cash', 'legacy', 0.9],
  ['XLM', 'Stellar', 'legacy', 0.7],
  ['TRX', 'TRON', 'legacy', 1.6],
  ['ADA', 'Cardano', 'legacy', 2.2],
  ['DOT', 'Polkadot', 'legacy', 1.2],
  ['ATOM', 'Cosmos', 'legacy', 0.8],
  ['SOL', 'Solana', 'l1', 8],
  ['AVAX', 'Avalanche', 'l1', 1.8],
  ['TON', 'Toncoin', 'l1', 1.2],
  ['SUI', 'Sui', 'l1', 1.8],
  ['APT', 'Aptos', 'l1', 0.9],
  ['NEAR', 'NEAR Protocol', 'l1', 1],
  ['INJ', 'Injective', 'l1', 0.6],
  ['POL', 'Polygon', 'l2', 1.1],
  ['ARB', 'Arbitrum', 'l2', 1.2],
  ['OP', 'Optimism', 'l2', 0.9],
  ['DOGE', 'Dogecoin', 'meme', 4],
  ['SHIB', 'Shiba Inu', 'meme', 2],
  ['PEPE', 'Pepe', 'meme', 2.6],
  ['FLOKI', 'Floki', 'meme', 0.8],
  ['WIF', 'dogwifhat', 'meme', 1],
  ['BONK', 'Bonk', 'meme', 0.9],
  ['LINK', 'Chainlink', 'defi', 2],
  ['UNI', 'Uniswap', 'defi', 1.2],
  ['AAVE', 'Aave', 'defi', 1],
  ['LDO', 'Lido DAO', 'defi', 0.6],
  ['JUP', 'Jupiter', 'defi', 0.6],
  ['USDT', 'Tether USD', 'majors', 0.5],
  ['USDC', 'USD Coin', 'majors', 0.3],
];

const PRODUCT_LIST: readonly [id: string, name: string, product: string, asset: string | null][] = [
  ['spot', 'Spot trading', 'spot', null],
  ['futures-usdm', 'USDⓈ-M perpetual futures', 'futures', 'USDT'],
  ['futures-coinm', 'COIN-M futures', 'futures', 'BTC'],
  ['margin-cross', 'Cross margin', 'margin', null],
  ['margin-isolated', 'Isolated margin', 'margin', null],
  ['earn-usdt-flexible', 'USDT Flexible Savings', 'earn', 'USDT'],
  ['earn-usdc-flexible', 'USDC Flexible Savings', 'earn', 'USDC'],
  ['earn-usdt-locked-90d', 'USDT 90-day Locked Savings', 'earn', 'USDT'],
  ['earn-btc-flexible', 'BTC Flexible Savings', 'earn', 'BTC'],
  ['earn-btc-dual-investment', 'BTC Dual Investment', 'earn', 'BTC'],
  ['earn-eth-staking', 'ETH Staking', 'earn', 'ETH'],
  ['earn-eth-flexible', 'ETH Flexible Savings', 'earn', 'ETH'],
  ['earn-bnb-launchpool', 'BNB Launchpool', 'earn', 'BNB'],
  ['earn-sol-staking', 'SOL Staking', 'earn', 'SOL'],
  ['earn-ada-staking', 'ADA Staking', 'earn', 'ADA'],
  ['earn-dot-staking', 'DOT Staking', 'earn', 'DOT'],
  ['earn-atom-staking', 'ATOM Staking', 'earn', 'ATOM'],
  ['earn-near-staking', 'NEAR Staking', 'earn', 'NEAR'],
  ['earn-ton-staking', 'TON Staking', 'earn', 'TON'],
  ['earn-sui-staking', 'SUI Staking', 'earn', 'SUI'],
  ['earn-apt-staking', 'APT Staking', 'earn', 'APT'],
  ['earn-pol-staking', 'POL Staking', 'earn', 'POL'],
];

/** Countries with their share of users and extra taste for some clusters. */
const COUNTRIES: readonly [code: string, weight: number, taste: Partial<Record<Cluster, number>>][] = [
  ['US', 14, { majors: 1.3, defi: 1.3 }],
  ['GB', 7, { majors: 1.2 }],
  ['DE', 8, { majors: 1.4, legacy: 1.2 }],
  ['FR', 6, { legacy: 1.3 }],
  ['BR', 8, { meme: 1.6 }],
  ['TR', 7, { meme: 1.5, l1: 1.2 }],
  ['IN', 9, { meme: 1.4, legacy: 1.3 }],
  ['NG', 5, { meme: 1.8 }],
  ['VN', 6, { l1: 1.5, meme: 1.3 }],
  ['JP', 6, { legacy: 1.6 }],
  ['KR', 6, { l1: 1.4, l2: 1.5 }],
  ['AR', 4, { majors: 1.5 }],
  ['PH', 4, { meme: 1.5, l2: 1.3 }],
  ['AE', 3, { majors: 1.3, defi: 1.4 }],
  ['ES', 4, { legacy: 1.2, l1: 1.2 }],
];

const CLUSTER_BASE: Readonly<Record<Cluster, number>> = {
  majors: 0.3,
  legacy: 0.16,
  l1: 0.2,
  l2: 0.08,
  meme: 0.16,
  defi: 0.1,
};

const VIP_SHARES = [0.8, 0.08, 0.04, 0.025, 0.018, 0.012, 0.009, 0.007, 0.005, 0.004];
const VIP_ACTIVITY = [1, 2.5, 4, 6, 8, 11, 14, 18, 22, 26];

/**
 * Generates the synthetic exchange (users, assets, products, events). Same options → same rows.
 *
 * @example
 * const exchange = generateSyntheticExchange({ users: 2000, events: 20000, seed: 7 });
 */
export function generateSyntheticExchange(options: SyntheticOptions = {}): SyntheticExchange {
  const userCount = options.users ?? 50_000;
  const targetEvents = options.events ?? 500_000;
  const random = createRandom(options.seed ?? 42);
  const end = (options.end ?? new Date('2026-11-24T00:00:00Z')).getTime();
  const spanMs = 180 * 86_400_000;

  const assets = ASSET_LIST.map(([symbol, name, cluster]) => ({ symbol, name, category: cluster, cluster }));
  const products = PRODUCT_LIST.map(([productId, name, product, asset]) => ({
    productId,
    name,
    product,
    asset,
  }));
  const assetsByCluster = new Map<Cluster, { symbol: string; popularity: number }[]>();
  for (const [symbol, , cluster, popularity] of ASSET_LIST) {
    if (symbol === 'USDT' || symbol === 'USDC') continue;
    const list = assetsByCluster.get(cluster) ?? [];
    list.push({ symbol, popularity });
    assetsByCluster.set(cluster, list);
  }
  const earnByAsset = new Map<string, string[]>();
  for (const [id, , product, asset] of PRODUCT_LIST) {
    if (product !== 'earn' || !asset) continue;
    earnByAsset.set(asset, [...(earnByAsset.get(asset) ?? []), id]);
  }

  // Activity weights first, so the expected total matches `events`.
  const profiles = Array.from({ length: userCount }, (_, index) => {
    const country = weightedPick(
      random,
      COUNTRIES.map((entry) => entry[1]),
    );
    const tier = weightedPick(random, VIP_SHARES);
    const active = random.next() > 0.08;
    const activity = active ? Math.exp(random.normal() * 0.8) * Math.sqrt(VIP_ACTIVITY[tier]!) : 0;
    return { userId: 100_001 + index, country, tier, activity };
  });
  const totalActivity = profiles.reduce((sum, profile) => sum + profile.activity, 0);
  const users: SyntheticExchange['users'] = [];
  const events: SyntheticExchange['events'] = [];
  let eventId = 1;
  for (const profile of profiles) {
    const [code, , taste] = COUNTRIES[profile.country]!;
    const createdAt = new Date(end - spanMs - random.next() * 400 * 86_400_000).toISOString();
    users.push({ userId: profile.userId, country: code, vipTier: profile.tier, createdAt });
    if (profile.activity === 0) continue;
    const count = Math.max(1, Math.round((profile.activity / totalActivity) * targetEvents));
    // One or two favourite clusters, drawn from the country-adjusted base interest.
    const clusterWeights = CLUSTERS.map((cluster) => CLUSTER_BASE[cluster] * (taste[cluster] ?? 1));
    const favourites = [CLUSTERS[weightedPick(random, clusterWeights)]!];
    if (random.next() < 0.55) favourites.push(CLUSTERS[weightedPick(random, clusterWeights)]!);
    // Each user has a personal short list inside their clusters, so behaviour is consistent over time.
    const shortList: string[] = [];
    for (const cluster of favourites) {
      const list = assetsByCluster.get(cluster)!;
      const picks = 2 + Math.floor(random.next() * 3);
      for (let n = 0; n < picks; n++) {
        const symbol =
          list[
            weightedPick(
              random,
              list.map((entry) => entry.popularity),
            )
          ]!.symbol;
        if (!shortList.includes(symbol)) shortList.push(symbol);
      }
    }
    const traded = new Set<string>();
    for (let n = 0; n < count; n++) {
      const time = new Date(end - random.next() * spanMs).toISOString();
      const roll = random.next();
      if (roll < 0.8) {
        // An asset: mostly from the short list, sometimes exploring anything popular.
        const symbol =
          random.next() < 0.85
            ? random.pick(shortList)
            : ASSET_LIST[
                weightedPick(
                  random,
                  ASSET_LIST.map((entry) => entry[3]),
                )
              ]![0];
        const eventType = random.next() < 0.35 ? 'trade' : 'view';
        if (eventType === 'trade') traded.add(symbol);
        events.push({
          eventId: eventId++,
          userId: profile.userId,
          itemId: symbol,
          itemType: 'asset',
          eventType,
          createdAt: time,
        });
      } else {
        // A product: earn on what the user trades, derivatives for higher tiers, stablecoin savings for all.
        const candidates: string[] = ['earn-usdt-flexible', 'spot'];
        for (const symbol of traded) candidates.push(...(earnByAsset.get(symbol) ?? []));
        for (const symbol of shortList) candidates.push(...(earnByAsset.get(symbol) ?? []));
        if (profile.tier >= 2 || favourites.includes('meme'))
          candidates.push('futures-usdm', 'margin-isolated');
        if (profile.tier >= 4) candidates.push('futures-coinm', 'margin-cross', 'earn-btc-dual-investment');
        if (random.next() < 0.1) candidates.push(random.pick(PRODUCT_LIST)[0]);
        const productId = random.pick(candidates);
        const eventType = random.next() < 0.3 ? 'subscribe' : 'view';
        events.push({
          eventId: eventId++,
          userId: profile.userId,
          itemId: productId,
          itemType: 'product',
          eventType,
          createdAt: time,
        });
      }
    }
  }
  return { users, assets, products, events };
}

/**
 * Writes a synthetic exchange into a migrated warehouse (users, assets, products, user_events), in
 * bulk. Existing rows of those tables are kept, so call it on an empty warehouse.
 */
export async function loadSyntheticExchange(
  warehouse: SqlConnection,
  exchange: SyntheticExchange,
): Promise<void> {
  const columns = (spec: string): BulkColumn[] =>
    spec.split(',').map((entry) => {
      const [name, type] = entry.trim().split(':') as [string, string];
      return { name, type };
    });
  await warehouse.bulkInsert(
    'users',
    columns(
      'user_id:integer, email:text, full_name:text, country:text, kyc_level:smallint, vip_tier:smallint, platform:text, status:text, created_at:timestamptz',
    ),
    exchange.users.map((user) => [
      user.userId,
      `user${user.userId}@example.com`,
      `User ${user.userId}`,
      user.country,
      2,
      user.vipTier,
      'web',
      'active',
      user.createdAt,
    ]),
  );
  await warehouse.bulkInsert(
    'assets',
    columns('symbol:text, name:text, category:text, chains:text, price_usd:float8, is_stablecoin:boolean'),
    exchange.assets.map((asset) => [
      asset.symbol,
      asset.name,
      asset.category,
      'ethereum',
      1,
      asset.symbol === 'USDT' || asset.symbol === 'USDC',
    ]),
  );
  await warehouse.bulkInsert(
    'products',
    columns('product_id:text, name:text, product:text, asset:text, description:text'),
    exchange.products.map((product) => [
      product.productId,
      product.name,
      product.product,
      product.asset,
      product.name,
    ]),
  );
  const chunk = 100_000;
  for (let start = 0; start < exchange.events.length; start += chunk) {
    await warehouse.bulkInsert(
      'user_events',
      columns(
        'event_id:bigint, user_id:integer, item_id:text, item_type:text, event_type:text, created_at:timestamptz',
      ),
      exchange.events
        .slice(start, start + chunk)
        .map((event) => [
          event.eventId,
          event.userId,
          event.itemId,
          event.itemType,
          event.eventType,
          event.createdAt,
        ]),
    );
  }
}

function weightedPick(random: Random, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let target = random.next() * total;
  for (let index = 0; index < weights.length; index++) {
    target -= weights[index]!;
    if (target < 0) return index;
  }
  return weights.length - 1;
}
