/**
 * The ordinary life of each user: trades (heavy-tailed sizes, taste clusters, seasonality), deposits and
 * withdrawals with realistic rails and counterparties, logins from home, mobile, household and travel,
 * and the views/trades/subscriptions of `user_events`. Each user is simulated into a {@link UserDraft}
 * that the AML planting may extend and the guards may repair before it is flushed into the buffers.
 */
import type { Random } from '../../core/random.js';
import type { AddressFactory, UserAddressBook } from './address-book.js';
import { CHAINS } from './addresses.js';
import type { EventBuffer, LoginBuffer, TradeBuffer, TransferBuffer } from './buffers.js';
import { randomIp, TRAVEL_DESTINATIONS } from './geography.js';
import type { LabelCatalogue } from './labels.js';
import type { Population } from './population.js';
import {
  ASSETS,
  CLUSTER_WEIGHTS,
  type Cluster,
  COUNTRIES,
  type Country,
  FEE_SCHEDULE,
  MARKETS,
  PRODUCTS,
  TASTE_CLUSTERS,
  VIP_ACTIVITY,
  VIP_SIZE,
} from './reference-data.js';
import { exponential, logNormal, pickIndex, poisson, roundTo, uniform } from './sampling.js';
import { DAY_MS, HOUR_MS, type TimeModel } from './time-model.js';

const MINUTE_MS = 60_000;

/** A deposit or withdrawal before it gets an id. `locked` rows are planted and never repaired. */
export interface TransferDraft {
  time: number;
  asset: number;
  chain: number;
  amountUsd: number;
  /** Index in TRANSFER_STATUSES. */
  status: number;
  platform: number;
  /** from_address of a deposit, to_address of a withdrawal. */
  counterparty: string;
  locked: boolean;
  /** Buffer index once flushed, -1 before. */
  index: number;
}

/** A login before it gets an id. */
export interface LoginDraft {
  time: number;
  device: number;
  ip: number;
  /** Index in IP_COUNTRIES. */
  country: number;
  platform: number;
  locked: boolean;
  index: number;
}

/** Trade modes: ordinary, or one of the outlier behaviours. */
export const TRADE_MODE = { normal: 0, whale: 1, night: 2, sprayer: 3 } as const;

/** Everything one user does, before ids and amounts in asset units are fixed. */
export interface UserDraft {
  readonly user: number;
  deposits: TransferDraft[];
  withdrawals: TransferDraft[];
  logins: LoginDraft[];
  tradeTimes: number[];
  tradeModes: number[];
  /** Buffer indexes of the user's trades once flushed. */
  tradeIndexes: number[];
}

/** The facts about a user the simulation keeps while building its draft. */
export interface UserProfile {
  readonly user: number;
  readonly country: Country;
  readonly activeFrom: number;
  readonly activeTo: number;
  readonly canTrade: boolean;
  readonly sizeScale: number;
  readonly futuresShare: number;
  readonly marginShare: number;
  readonly clusters: readonly number[];
  readonly portfolio: readonly number[];
  readonly portfolioWeights: readonly number[];
  readonly devices: readonly number[];
  readonly homeIp: number;
  readonly homeIpCountry: number;
}

/** Buffers and shared state of one generation. */
export interface SimulationContext {
  readonly time: TimeModel;
  readonly population: Population;
  readonly labels: LabelCatalogue;
  readonly factory: AddressFactory;
  readonly addresses: UserAddressBook;
  readonly trades: TradeBuffer;
  readonly deposits: TransferBuffer;
  readonly withdrawals: TransferBuffer;
  readonly logins: LoginBuffer;
  readonly events: EventBuffer;
  /** Device ids, indexed by the numbers stored in logins. */
  readonly devices: string[];
  readonly devicePlatforms: number[];
  /** The shared device of each two-person household, keyed by its first member. */
  readonly householdDevices: Map<number, number>;
}

/** Per-user activity plan computed for everyone before the simulation (trade counts need a global total). */
export interface ActivityPlan {
  readonly activeFrom: Float64Array;
  readonly activeTo: Float64Array;
  readonly tradeCount: Int32Array;
}

const USDT = ASSETS.findIndex((item) => item.symbol === 'USDT');
const USDC = ASSETS.findIndex((item) => item.symbol === 'USDC');
const BTC = ASSETS.findIndex((item) => item.symbol === 'BTC');
const ETH = ASSETS.findIndex((item) => item.symbol === 'ETH');
const ASSET_COUNT = ASSETS.length;
/** Market index per base asset: [USDT market, USDC market or -1]. */
const MARKET_OF_ASSET: readonly (readonly [number, number])[] = ASSETS.map((_item, index) => {
  const usdt = MARKETS.findIndex((market) => market.base === index && market.quote === 'USDT');
  const usdc = MARKETS.findIndex((market) => market.base === index && market.quote === 'USDC');
  return [usdt, usdc] as const;
});
const CLUSTER_ASSETS: Readonly<Record<Cluster, readonly number[]>> = {
  majors: [],
  legacy: [],
  l1: [],
  l2: [],
  meme: [],
  defi: [],
  stable: [],
};
ASSETS.forEach((item, index) => {
  (CLUSTER_ASSETS[item.cluster] as number[]).push(index);
});
const TRADABLE_ASSETS = ASSETS.map((_item, index) => index).filter(
  (index) => ASSETS[index]!.cluster !== 'stable',
);
const PRODUCT_INDEX = new Map(PRODUCTS.map((item, index) => [item.productId, ASSET_COUNT + index]));
const EARN_BY_ASSET = new Map<number, number[]>();
PRODUCTS.forEach((item, index) => {
  if (item.product !== 'earn' || !item.asset) return;
  const assetIndex = ASSETS.findIndex((entry) => entry.symbol === item.asset);
  const list = EARN_BY_ASSET.get(assetIndex) ?? [];
  list.push(ASSET_COUNT + index);
  EARN_BY_ASSET.set(assetIndex, list);
});

/** The user_events item index of a product id (assets come first, then products). */
export function productItem(productId: string): number {
  const index = PRODUCT_INDEX.get(productId);
  if (index === undefined) throw new Error(`unknown product ${productId}`);
  return index;
}

/**
 * Draws each user's active span and trade count so the total is about `totalTrades`: weights are
 * log-normal (a few very active traders), scaled by VIP tier and API use, times the days active.
 * `activeToOverride` lets the AML planting end a user's ordinary life early (dormant accounts).
 */
export function planActivity(
  population: Population,
  time: TimeModel,
  random: Random,
  totalTrades: number,
  activeToOverride: ReadonlyMap<number, number>,
): ActivityPlan {
  const count = population.count;
  const activeFrom = new Float64Array(count);
  const activeTo = new Float64Array(count);
  const weight = new Float64Array(count);
  let total = 0;
  for (let user = 0; user < count; user++) {
    const approved = population.kycApproved[user]!;
    const canTrade = !Number.isNaN(approved) && approved < time.nowMs;
    const from = canTrade ? approved : population.created[user]!;
    const churned = population.status[user] === 2 || random.next() < 0.36;
    let to = churned ? Math.min(time.nowMs, from + DAY_MS + exponential(random, 260 * DAY_MS)) : time.nowMs;
    const override = activeToOverride.get(user);
    if (override !== undefined) to = override;
    activeFrom[user] = from;
    activeTo[user] = Math.max(from, to);
    const trader = canTrade && random.next() < 0.82;
    if (!trader) continue;
    const vip = population.vipTier[user]!;
    const api = population.platform[user] === 3 ? 4 : 1;
    weight[user] = Math.min(60, logNormal(random, 0, 1.15)) * VIP_ACTIVITY[vip]! * api;
    total += weight[user]! * ((activeTo[user]! - from) / DAY_MS);
  }
  const perUnit = total > 0 ? totalTrades / total : 0;
  const tradeCount = new Int32Array(count);
  for (let user = 0; user < count; user++) {
    const expected = Math.min(
      9000,
      weight[user]! * ((activeTo[user]! - activeFrom[user]!) / DAY_MS) * perUnit,
    );
    tradeCount[user] = Math.floor(expected) + (random.next() < expected % 1 ? 1 : 0);
  }
  return { activeFrom, activeTo, tradeCount };
}

/** Builds the profile (taste, sizes, devices, home IP) of a user. */
export function createProfile(
  context: SimulationContext,
  plan: ActivityPlan,
  user: number,
  random: Random,
): UserProfile {
  const population = context.population;
  const countryIndex = population.country[user]!;
  const country = COUNTRIES[countryIndex]!;
  const vip = population.vipTier[user]!;
  // Interest clusters: one or two, biased by country taste.
  const clusterWeights = TASTE_CLUSTERS.map(
    (cluster) => CLUSTER_WEIGHTS[cluster] * (country.taste?.[cluster] ?? 1),
  );
  const first = pickIndex(random, clusterWeights);
  const clusters = [first];
  if (random.next() < 0.5) {
    const second = pickIndex(
      random,
      clusterWeights.map((value, index) => (index === first ? 0 : value)),
    );
    clusters.push(second);
  }
  const portfolio: number[] = [];
  const portfolioWeights: number[] = [];
  const add = (asset: number, weight: number): void => {
    const existing = portfolio.indexOf(asset);
    if (existing >= 0) portfolioWeights[existing]! += weight;
    else {
      portfolio.push(asset);
      portfolioWeights.push(weight);
    }
  };
  if (random.next() < 0.72) add(BTC, 3);
  if (random.next() < 0.55) add(ETH, 2);
  clusters.forEach((clusterIndex, position) => {
    const members = CLUSTER_ASSETS[TASTE_CLUSTERS[clusterIndex]!];
    const picks = position === 0 ? 1 + poisson(random, 1.6) : 1 + poisson(random, 0.6);
    for (let pick = 0; pick < picks; pick++) {
      const asset =
        members[
          pickIndex(
            random,
            members.map((index) => ASSETS[index]!.popularity),
          )
        ]!;
      add(asset, (position === 0 ? 2.5 : 1.2) * (0.5 + random.next()));
    }
  });
  if (random.next() < 0.1) add(TRADABLE_ASSETS[random.int(0, TRADABLE_ASSETS.length - 1)]!, 0.5);
  if (portfolio.length === 0) add(BTC, 1);

  const platform = population.platform[user]!;
  const devices: number[] = [];
  const deviceCount =
    platform === 3 ? 1 : 1 + (random.next() < 0.35 ? 1 : 0) + (random.next() < 0.08 ? 1 : 0);
  for (let index = 0; index < deviceCount; index++) {
    const devicePlatform = index === 0 ? platform : random.int(0, 2);
    devices.push(newDevice(context, random, devicePlatform));
  }
  const futuresShare =
    platform === 3 ? uniform(random, 0.3, 0.9) : random.next() < 0.35 ? uniform(random, 0.1, 0.8) : 0;
  const marginShare = random.next() < 0.12 ? uniform(random, 0.05, 0.3) : 0;
  return {
    user,
    country,
    activeFrom: plan.activeFrom[user]!,
    activeTo: plan.activeTo[user]!,
    canTrade:
      !Number.isNaN(population.kycApproved[user]!) && population.kycApproved[user]! < context.time.nowMs,
    sizeScale: logNormal(random, Math.log(80), 0.85) * VIP_SIZE[vip]!,
    futuresShare,
    marginShare,
    clusters,
    portfolio,
    portfolioWeights,
    devices,
    homeIp: randomIp(random, countryIndex),
    homeIpCountry: countryIndex,
  };
}

/** Registers a new device of a platform and returns its index. */
export function newDevice(context: SimulationContext, random: Random, platform: number): number {
  const hex = (length: number): string => {
    let text = '';
    for (let index = 0; index < length; index++) text += '0123456789abcdef'[random.int(0, 15)]!;
    return text;
  };
  // Mobile apps report a vendor UUID, browsers a fingerprint hash, API clients a key id.
  const id =
    platform === 1 || platform === 2
      ? `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[random.int(0, 3)]!}${hex(3)}-${hex(12)}`
      : platform === 3
        ? `api-${hex(20)}`
        : `fp-${hex(32)}`;
  context.devices.push(id);
  context.devicePlatforms.push(platform);
  return context.devices.length - 1;
}

/** Simulates the ordinary activity of one user into a draft. */
export function simulateBackground(
  context: SimulationContext,
  plan: ActivityPlan,
  profile: UserProfile,
  random: Random,
): UserDraft {
  const { time, population } = context;
  const user = profile.user;
  const created = population.created[user]!;
  const offset = profile.country.utcOffset;
  const draft: UserDraft = {
    user,
    deposits: [],
    withdrawals: [],
    logins: [],
    tradeTimes: [],
    tradeModes: [],
    tradeIndexes: [],
  };
  const { activeFrom, activeTo } = profile;
  const tradeCount = plan.tradeCount[user]!;
  if (profile.canTrade && activeTo > activeFrom) {
    for (let index = 0; index < tradeCount; index++) {
      draft.tradeTimes.push(time.sampleActivity(random, activeFrom, activeTo, offset));
      draft.tradeModes.push(TRADE_MODE.normal);
    }
    draft.tradeTimes.sort((a, b) => a - b);
  }

  // Deposits fund the trading: the first shortly before the first trade, more for active traders.
  if (profile.canTrade && activeTo > activeFrom) {
    const depositCount =
      tradeCount > 0 ? 1 + poisson(random, 2.4 * Math.log1p(tradeCount / 2)) : random.next() < 0.45 ? 1 : 0;
    const firstTrade = draft.tradeTimes[0];
    for (let index = 0; index < depositCount; index++) {
      let when: number;
      if (index === 0) {
        when = activeFrom + exponential(random, 6 * HOUR_MS);
        if (firstTrade !== undefined && when >= firstTrade)
          when = firstTrade - uniform(random, 5, 120) * MINUTE_MS;
        when = Math.max(activeFrom + MINUTE_MS, when);
      } else {
        when = time.sampleActivity(random, activeFrom, activeTo, offset);
      }
      if (when >= activeTo || when >= time.nowMs) continue;
      const deposit = backgroundDeposit(context, profile, random, when);
      draft.deposits.push(deposit);
      // Most deposits are later taken out again, in part or in full (with trading gains or losses).
      if (random.next() < 0.62) {
        const later = when + 6 * HOUR_MS + logNormal(random, Math.log(4 * DAY_MS), 1.2);
        if (later < activeTo && later < time.nowMs) {
          draft.withdrawals.push(
            backgroundWithdrawal(
              context,
              profile,
              random,
              later,
              deposit.amountUsd * uniform(random, 0.15, 1.1),
              deposit.asset,
            ),
          );
        }
      }
    }
    const extraWithdrawals = tradeCount > 0 ? poisson(random, 0.25 * Math.log1p(tradeCount)) : 0;
    for (let index = 0; index < extraWithdrawals && draft.deposits.length > 0; index++) {
      const when = time.sampleActivity(random, draft.deposits[0]!.time + DAY_MS, activeTo, offset);
      if (when <= draft.deposits[0]!.time + DAY_MS || when >= activeTo) continue;
      const amount = profile.sizeScale * logNormal(random, Math.log(3), 1);
      draft.withdrawals.push(backgroundWithdrawal(context, profile, random, when, amount, -1));
    }
  }

  // Logins: sign-up, sessions spread over the active life, and one just before each withdrawal
  // (withdrawals need a fresh session) and before many deposits.
  draft.logins.push(backgroundLogin(context, profile, random, created + uniform(random, 5, 300) * 1000));
  const sessions = profile.canTrade
    ? poisson(random, 1 + 1.3 * Math.log1p(tradeCount))
    : poisson(random, 1.2);
  const sessionEnd = profile.canTrade ? activeTo : Math.min(activeTo, created + 60 * DAY_MS);
  for (let index = 0; index < sessions; index++) {
    if (sessionEnd <= created) break;
    draft.logins.push(
      backgroundLogin(context, profile, random, time.sampleActivity(random, created, sessionEnd, offset)),
    );
  }
  for (const withdrawal of draft.withdrawals) {
    draft.logins.push(
      backgroundLogin(context, profile, random, withdrawal.time - uniform(random, 1, 25) * MINUTE_MS),
    );
  }
  for (const deposit of draft.deposits) {
    if (random.next() < 0.4) {
      draft.logins.push(
        backgroundLogin(context, profile, random, deposit.time - uniform(random, 1, 60) * MINUTE_MS),
      );
    }
  }
  // A trip abroad now and then (never to a listed jurisdiction: those are planted on purpose).
  if (random.next() < 0.05 && activeTo - created > 20 * DAY_MS) {
    const destination = pickTravelDestination(random, profile.homeIpCountry);
    const start = time.sampleActivity(random, created, activeTo - 15 * DAY_MS, offset);
    const days = uniform(random, 3, 14);
    const tripIp = randomIp(random, destination);
    const logins = random.int(2, 6);
    for (let index = 0; index < logins; index++) {
      const login = backgroundLogin(context, profile, random, start + random.next() * days * DAY_MS);
      login.country = destination;
      login.ip = random.next() < 0.7 ? tripIp : randomIp(random, destination);
      if (login.time < activeTo) draft.logins.push(login);
    }
  }
  // Logins never precede sign-up.
  for (const login of draft.logins)
    login.time = Math.max(created + 1000, Math.min(time.nowMs - 1000, login.time));
  return draft;
}

/** A travel destination other than home, never on the high-risk list. */
export function pickTravelDestination(random: Random, home: number): number {
  for (;;) {
    const destination = TRAVEL_DESTINATIONS[random.int(0, TRAVEL_DESTINATIONS.length - 1)]!;
    if (destination !== home) return destination;
  }
}

/** A deposit of the user's usual kind at `when`. */
export function backgroundDeposit(
  context: SimulationContext,
  profile: UserProfile,
  random: Random,
  when: number,
): TransferDraft {
  const roll = random.next();
  const asset =
    roll < 0.44
      ? USDT
      : roll < 0.56
        ? USDC
        : roll < 0.72
          ? BTC
          : roll < 0.84
            ? ETH
            : profile.portfolio[pickIndex(random, profile.portfolioWeights as number[])]!;
  let amountUsd = profile.sizeScale * logNormal(random, Math.log(4), 1);
  if (ASSETS[asset]!.cluster === 'stable' && random.next() < 0.35) amountUsd = niceRound(amountUsd);
  amountUsd = Math.min(2_500_000, Math.max(10, amountUsd));
  const chain = chainFor(random, asset, profile.country);
  const source = random.next();
  const counterparty =
    source < 0.68
      ? context.addresses.wallet(profile.user, chain)
      : source < 0.95
        ? (pickLabelled(context, random, 'exchange', chain) ?? context.addresses.wallet(profile.user, chain))
        : (pickLabelled(context, random, 'defi', chain) ?? context.addresses.wallet(profile.user, chain));
  return {
    time: when,
    asset,
    chain,
    amountUsd: roundTo(amountUsd, 2),
    status: transferStatus(random, when, context.time.nowMs, false),
    platform: sessionPlatform(context, profile, random),
    counterparty,
    locked: false,
    index: -1,
  };
}

/** A withdrawal of about `amountUsd` at `when`, of `preferredAsset` when given (else a usual one). */
export function backgroundWithdrawal(
  context: SimulationContext,
  profile: UserProfile,
  random: Random,
  when: number,
  amountUsd: number,
  preferredAsset: number,
): TransferDraft {
  const roll = random.next();
  const asset =
    preferredAsset >= 0 && roll < 0.45
      ? preferredAsset
      : roll < 0.75
        ? USDT
        : profile.portfolio[pickIndex(random, profile.portfolioWeights as number[])]!;
  const chain = chainFor(random, asset, profile.country);
  const target = random.next();
  const counterparty =
    target < 0.93
      ? context.addresses.wallet(profile.user, chain)
      : target < 0.97
        ? (pickLabelled(context, random, 'gambling', chain) ?? context.addresses.wallet(profile.user, chain))
        : (pickLabelled(context, random, 'defi', chain) ?? context.addresses.wallet(profile.user, chain));
  return {
    time: when,
    asset,
    chain,
    amountUsd: roundTo(Math.min(2_500_000, Math.max(10, amountUsd)), 2),
    status: transferStatus(random, when, context.time.nowMs, true),
    platform: sessionPlatform(context, profile, random),
    counterparty,
    locked: false,
    index: -1,
  };
}

/** A login from the user's usual places: home IP, mobile IPs at home, sometimes a VPN-free café. */
export function backgroundLogin(
  context: SimulationContext,
  profile: UserProfile,
  random: Random,
  when: number,
): LoginDraft {
  const population = context.population;
  let device = profile.devices[random.next() < 0.78 ? 0 : random.int(0, profile.devices.length - 1)]!;
  const partner = population.household[profile.user]!;
  // Households share one device (the first member's main device) for part of their logins.
  if (partner >= 0 && random.next() < 0.3)
    device = householdDevice(context, Math.min(partner, profile.user), random);
  const ip = random.next() < 0.7 ? profile.homeIp : randomIp(random, profile.homeIpCountry);
  return {
    time: when,
    device,
    ip,
    country: profile.homeIpCountry,
    platform: context.devicePlatforms[device]!,
    locked: false,
    index: -1,
  };
}

/** The device a household shares, created on first use. */
function householdDevice(context: SimulationContext, owner: number, random: Random): number {
  let device = context.householdDevices.get(owner);
  if (device === undefined) {
    device = newDevice(context, random, random.int(0, 2));
    context.householdDevices.set(owner, device);
  }
  return device;
}

/** The rail a deposit or withdrawal of an asset uses (USDT on tron is popular in some markets). */
export function chainFor(random: Random, asset: number, country: Country): number {
  const chains = ASSETS[asset]!.chains;
  if (asset === USDT) {
    if (random.next() < country.tronShare) return CHAINS.indexOf('tron');
    const roll = random.next();
    return CHAINS.indexOf(roll < 0.45 ? 'ethereum' : roll < 0.85 ? 'bsc' : 'solana');
  }
  if (asset === USDC) {
    const roll = random.next();
    return CHAINS.indexOf(roll < 0.55 ? 'ethereum' : roll < 0.85 ? 'solana' : 'bsc');
  }
  return CHAINS.indexOf(chains[random.int(0, chains.length - 1)]!);
}

/** A labelled address of a kind on a chain, or undefined when that chain has none. */
export function pickLabelled(
  context: SimulationContext,
  random: Random,
  label: 'exchange' | 'defi' | 'gambling' | 'scam' | 'mixer' | 'sanctioned',
  chain: number,
): string | undefined {
  const list = context.labels.byLabel(label, chain);
  return list.length === 0 ? undefined : list[random.int(0, list.length - 1)];
}

function transferStatus(random: Random, when: number, nowMs: number, withdrawal: boolean): number {
  if (nowMs - when < (withdrawal ? 2 : 1) * HOUR_MS && random.next() < 0.5) return 1;
  const roll = random.next();
  if (roll < (withdrawal ? 0.008 : 0.012)) return 2;
  if (withdrawal && roll < 0.023) return 3;
  return 0;
}

function sessionPlatform(context: SimulationContext, profile: UserProfile, random: Random): number {
  if (random.next() < 0.85) return context.devicePlatforms[profile.devices[0]!]!;
  return context.devicePlatforms[profile.devices[random.int(0, profile.devices.length - 1)]!]!;
}

/** 100, 250, 500, 1,000, 2,500 … : people often move round amounts of stablecoins. */
function niceRound(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, value)));
  const steps = [1, 2, 2.5, 5, 10];
  let best = magnitude;
  for (const step of steps)
    if (Math.abs(step * magnitude - value) < Math.abs(best - value)) best = step * magnitude;
  return best;
}

/** Price decimals that keep about seven significant digits. */
export function priceDecimals(price: number): number {
  return Math.min(12, Math.max(2, 6 - Math.floor(Math.log10(price))));
}

/**
 * Writes the user's trades and deposits/withdrawals/logins into the buffers (fixing amounts in asset
 * units at the price of the moment, addresses and hashes), then the user's events.
 */
export function flushUser(
  context: SimulationContext,
  profile: UserProfile,
  draft: UserDraft,
  random: Random,
): void {
  const { time, trades } = context;
  const user = profile.user;
  const userId = user;
  const vip = context.population.vipTier[user]!;
  const api = context.population.platform[user] === 3;
  const traded = new Map<number, number>();
  const tradeEventShare = 0.075;

  // Trades, in time order.
  const order = timeOrder(draft.tradeTimes);
  const nightPool = profile.portfolio.length >= 6 ? profile.portfolio : widenPool(profile, random, 10);
  for (const index of order) {
    const when = draft.tradeTimes[index]!;
    const mode = draft.tradeModes[index]!;
    let asset: number;
    if (mode === TRADE_MODE.sprayer) asset = TRADABLE_ASSETS[random.int(0, TRADABLE_ASSETS.length - 1)]!;
    else if (mode === TRADE_MODE.night) asset = nightPool[random.int(0, nightPool.length - 1)]!;
    else if (mode === TRADE_MODE.whale)
      asset = random.next() < 0.6 ? BTC : random.next() < 0.6 ? ETH : profile.portfolio[0]!;
    else asset = profile.portfolio[pickIndex(random, profile.portfolioWeights as number[])]!;
    const markets = MARKET_OF_ASSET[asset]!;
    let market = markets[1] >= 0 && random.next() < 0.12 ? markets[1] : markets[0];
    if (mode === TRADE_MODE.normal && random.next() < 0.004) market = MARKETS.length - 1; // USDCUSDT
    const productRoll = random.next();
    const product =
      mode === TRADE_MODE.whale
        ? random.next() < 0.6
          ? 1
          : 0
        : productRoll < profile.futuresShare
          ? 1
          : productRoll < profile.futuresShare + profile.marginShare
            ? 2
            : 0;
    let notional: number;
    if (mode === TRADE_MODE.whale) notional = uniform(random, 80_000, 450_000);
    else if (mode === TRADE_MODE.sprayer) notional = uniform(random, 15, 150);
    else {
      notional = profile.sizeScale * logNormal(random, 0, 0.95) * (product === 1 ? 1.8 : 1);
      // A Pareto tail: now and then a trade far larger than the user's habit.
      if (random.next() < 0.01) notional *= (1 - random.next()) ** -0.6;
      if (mode === TRADE_MODE.night) notional *= 2;
      notional = Math.min(notional, 1_500_000);
    }
    const base = MARKETS[market]!.base;
    const mid = time.priceAt(base, when);
    const price = roundTo(mid * (1 + 0.0015 * random.normal()), priceDecimals(mid));
    const decimals = ASSETS[base]!.decimals;
    const minimum = 10 ** -decimals;
    const quantity = Math.max(minimum, roundTo(notional / price, decimals));
    const finalNotional = roundTo(price * quantity, 4);
    const maker = random.next() < (api ? 0.6 : 0.3);
    const rate =
      product === 1
        ? (maker ? FEE_SCHEDULE.futuresMaker : FEE_SCHEDULE.futuresTaker)[vip]!
        : (maker ? FEE_SCHEDULE.spotMaker : FEE_SCHEDULE.spotTaker)[vip]!;
    trades.user.push(userId);
    trades.time.push(when);
    trades.market.push(market);
    trades.product.push(product);
    trades.side.push(random.next() < 0.52 ? 0 : 1);
    trades.price.push(price);
    trades.quantity.push(quantity);
    trades.notional.push(finalNotional);
    trades.fee.push(roundTo(finalNotional * rate, 6));
    trades.platform.push(sessionPlatform(context, profile, random));
    draft.tradeIndexes.push(trades.length - 1);
    // Trade events mirror real trades: the first trade of each asset always, then a sample.
    if (!traded.has(base)) {
      traded.set(base, when);
      context.events.push(userId, when, base, 1);
    } else if (random.next() < tradeEventShare) {
      context.events.push(userId, when, base, 1);
    }
  }

  for (const deposit of draft.deposits) flushTransfer(context, context.deposits, deposit, user, true);
  for (const withdrawal of draft.withdrawals)
    flushTransfer(context, context.withdrawals, withdrawal, user, false);
  for (const login of draft.logins) {
    context.logins.user.push(userId);
    context.logins.time.push(login.time);
    context.logins.ip.push(login.ip);
    context.logins.device.push(login.device);
    context.logins.country.push(login.country);
    context.logins.platform.push(login.platform);
    login.index = context.logins.length - 1;
  }
  generateEvents(context, profile, draft, traded, random);
}

/** Indexes of `times` in ascending time order (the common already-sorted case costs one pass). */
function timeOrder(times: readonly number[]): number[] {
  const order = times.map((_time, index) => index);
  for (let index = 1; index < times.length; index++) {
    if (times[index]! < times[index - 1]!) return order.sort((a, b) => times[a]! - times[b]! || a - b);
  }
  return order;
}

function widenPool(profile: UserProfile, random: Random, size: number): number[] {
  const pool = [...profile.portfolio];
  while (pool.length < size) {
    const asset = TRADABLE_ASSETS[random.int(0, TRADABLE_ASSETS.length - 1)]!;
    if (!pool.includes(asset)) pool.push(asset);
  }
  return pool;
}

function flushTransfer(
  context: SimulationContext,
  buffer: TransferBuffer,
  transfer: TransferDraft,
  user: number,
  deposit: boolean,
): void {
  const asset = ASSETS[transfer.asset]!;
  const price = context.time.priceAt(transfer.asset, transfer.time);
  const amount = Math.max(
    10 ** -Math.max(asset.decimals, 2),
    roundTo(transfer.amountUsd / price, Math.max(asset.decimals, 2)),
  );
  // The USD value follows the rounded amount; planted amounts are in stablecoins or re-checked by the guards.
  const amountUsd = asset.cluster === 'stable' ? roundTo(amount, 2) : roundTo(amount * price, 2);
  transfer.amountUsd = amountUsd;
  buffer.user.push(user);
  buffer.time.push(transfer.time);
  buffer.asset.push(transfer.asset);
  buffer.chain.push(transfer.chain);
  buffer.amount.push(amount);
  buffer.amountUsd.push(amountUsd);
  buffer.platform.push(transfer.platform);
  buffer.status.push(transfer.status);
  const own = context.addresses.depositAddress(user, transfer.chain);
  buffer.from.push(deposit ? transfer.counterparty : '');
  buffer.to.push(deposit ? own : transfer.counterparty);
  buffer.txHash.push(context.factory.txHash(CHAINS[transfer.chain]!));
  transfer.index = buffer.length - 1;
}

/**
 * Views, trades and subscriptions with structure a recommender can learn: views before the first trade
 * of an asset, exploration inside the user's taste clusters (and a little outside), and earn products
 * matching what the user holds.
 */
function generateEvents(
  context: SimulationContext,
  profile: UserProfile,
  draft: UserDraft,
  traded: ReadonlyMap<number, number>,
  random: Random,
): void {
  const { events, time } = context;
  const user = profile.user;
  const created = context.population.created[user]!;
  const offset = profile.country.utcOffset;
  const end = Math.max(created + HOUR_MS, profile.activeTo);
  for (const [asset, first] of traded) {
    const views = 1 + poisson(random, 0.5);
    // Views shortly before the first trade of the asset (never before sign-up).
    const room = Math.max(1000, Math.min(3 * DAY_MS, first - created - MINUTE_MS));
    for (let index = 0; index < views; index++)
      events.push(user, first - 1000 - random.next() * room, asset, 0);
  }
  const tradeCount = draft.tradeTimes.length;
  const explorations = profile.canTrade
    ? poisson(random, 1 + 0.9 * Math.log1p(tradeCount))
    : random.int(1, 4);
  for (let index = 0; index < explorations; index++) {
    let asset: number;
    const roll = random.next();
    if (roll < 0.72) {
      const cluster = profile.clusters[roll < 0.5 || profile.clusters.length === 1 ? 0 : 1]!;
      const members = CLUSTER_ASSETS[TASTE_CLUSTERS[cluster]!];
      asset =
        members[
          pickIndex(
            random,
            members.map((member) => ASSETS[member]!.popularity),
          )
        ]!;
    } else {
      asset =
        TRADABLE_ASSETS[
          pickIndex(
            random,
            TRADABLE_ASSETS.map((member) => ASSETS[member]!.popularity),
          )
        ]!;
    }
    events.push(user, time.sampleActivity(random, created, end, offset), asset, 0);
  }
  // Products: futures/margin pages for those who use them, earn products for what the user holds.
  if (profile.futuresShare > 0 && tradeCount > 0) {
    const views = 1 + poisson(random, 0.8);
    for (let index = 0; index < views; index++) {
      events.push(user, time.sampleActivity(random, created, end, offset), productItem('futures-usdm'), 0);
    }
  }
  if (profile.marginShare > 0 && tradeCount > 0) {
    events.push(user, time.sampleActivity(random, created, end, offset), productItem('margin-cross'), 0);
  }
  const holdsStable = draft.deposits.some((deposit) => ASSETS[deposit.asset]!.cluster === 'stable');
  const candidates: number[] = [];
  if (holdsStable) candidates.push(...(EARN_BY_ASSET.get(USDT) ?? []), ...(EARN_BY_ASSET.get(USDC) ?? []));
  for (const asset of traded.keys()) candidates.push(...(EARN_BY_ASSET.get(asset) ?? []));
  const seen = new Set<number>();
  for (const item of candidates) {
    if (seen.has(item)) continue;
    seen.add(item);
    const product = PRODUCTS[item - ASSET_COUNT]!;
    const interest = product.asset === 'USDT' || product.asset === 'USDC' ? 0.22 : 0.13;
    if (random.next() < interest * 2) {
      const when = time.sampleActivity(random, created, end, offset);
      events.push(user, when, item, 0);
      if (random.next() < 0.5) {
        events.push(user, Math.min(time.nowMs - 1000, when + uniform(random, 1, 600) * MINUTE_MS), item, 2);
      }
    }
  }
}
