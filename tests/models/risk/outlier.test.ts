import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import {
  defaultRiskConfig,
  plainSource,
  type RiskThresholds,
  runOutlierScan,
} from '../../../models/risk/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { NOW, WINDOW } from './risk-fixture.js';

let stores: Stores;
const base = defaultRiskConfig().thresholds;
const thresholds: RiskThresholds = { ...base, outlier: { ...base.outlier, max_samples: 256, top: 5 } };
const WHALE = 9_001;
const NIGHT_OWL = 9_002;
const SPRAYER = 9_003;

/** 400 ordinary traders (a few daytime trades of ordinary size in 1–3 assets) and three odd ones. */
beforeAll(async () => {
  stores = await openStores({ inMemory: true });
  const random = createRandom(11);
  const trades: unknown[][] = [];
  const logins: unknown[][] = [];
  const at = (day: number, hour: number): string =>
    new Date(NOW.getTime() - day * 86_400_000 + (hour - 12) * 3_600_000).toISOString();
  const trade = (user: number, when: string, usd: number, asset: string): void => {
    trades.push([
      trades.length + 1,
      user,
      `${asset}USDT`,
      asset,
      'USDT',
      'spot',
      'buy',
      1,
      usd,
      usd,
      0,
      'web',
      when,
    ]);
  };
  const assets = ['BTC', 'ETH', 'SOL', 'XRP', 'ADA', 'DOGE', 'TRX', 'BNB', 'LTC', 'DOT', 'LINK', 'AVAX'];
  for (let user = 1; user <= 400; user++) {
    const own = assets.slice(0, random.int(1, 3));
    for (let index = random.int(2, 25); index > 0; index--) {
      trade(user, at(random.int(1, 85), random.int(8, 22)), 50 + random.next() * 2_000, random.pick(own));
    }
    for (let index = random.int(1, 8); index > 0; index--) {
      logins.push([
        logins.length + 1,
        user,
        '10.0.0.1',
        `device-${user}`,
        'DE',
        'web',
        at(random.int(1, 85), random.int(8, 22)),
      ]);
    }
  }
  for (let index = 0; index < 40; index++)
    trade(WHALE, at(1 + index * 2, 14), 900_000 + index * 1_000, 'BTC');
  for (let index = 0; index < 300; index++) trade(NIGHT_OWL, at(1 + (index % 80), 3), 300, 'ETH');
  for (let index = 0; index < 36; index++)
    trade(SPRAYER, at(1 + index * 2, 15), 40, assets[index % assets.length]!);
  const column = (name: string) => ({ name, type: 'text' });
  await stores.warehouse.bulkInsert(
    'trades',
    [
      'trade_id',
      'user_id',
      'market',
      'asset',
      'quote_asset',
      'product',
      'side',
      'price',
      'quantity',
      'notional_usd',
      'fee_usd',
      'platform',
      'executed_at',
    ].map(column),
    trades,
  );
  await stores.warehouse.bulkInsert(
    'logins',
    ['login_id', 'user_id', 'ip', 'device_id', 'country', 'platform', 'created_at'].map(column),
    logins,
  );
});
afterAll(async () => {
  await stores?.close();
});

describe('outlier scenario', () => {
  it('ranks the odd users first and explains them by their features', async () => {
    const { hits, population, features } = await runOutlierScan(plainSource(stores.warehouse), {
      window: WINDOW,
      thresholds,
    });
    expect(population).toBe(403);
    expect(features).toEqual(thresholds.outlier.features);
    expect(hits.length).toBeGreaterThanOrEqual(3);
    expect(hits.every((hit) => hit.score >= thresholds.outlier.min_score)).toBe(true);
    expect(
      hits
        .slice(0, 3)
        .map((hit) => hit.userId)
        .sort(),
    ).toEqual([WHALE, NIGHT_OWL, SPRAYER]);
    const whale = hits.find((hit) => hit.userId === WHALE)!;
    expect(whale.explanation![0]!.feature).toBe('avg_trade_usd');
    expect(whale.explanation![0]!.text).toMatch(/^average trade size [\d,]+× the median$/);
    expect(whale.reason).toContain('average trade size');
    expect(whale.facts).toMatchObject({ population: 403, trade_assets: 1 });
    // Evidence: the whale's largest trades.
    expect(whale.evidence.filter((item) => item.kind === 'trade')).toHaveLength(5);
    expect(Math.min(...whale.evidence.map((item) => item.amountUsd ?? 0))).toBeGreaterThanOrEqual(935_000);
    const owl = hits.find((hit) => hit.userId === NIGHT_OWL)!;
    expect(owl.explanation!.map((item) => item.feature)).toContain('trade_hour_concentration');
    const sprayer = hits.find((hit) => hit.userId === SPRAYER)!;
    expect(sprayer.explanation![0]!.feature).toBe('trade_assets');
  });

  it('gives the same hits, scores and fingerprints for the same seed, and other scores for another', async () => {
    const first = await runOutlierScan(plainSource(stores.warehouse), { window: WINDOW, thresholds });
    const second = await runOutlierScan(plainSource(stores.warehouse), { window: WINDOW, thresholds });
    expect(second.hits).toEqual(first.hits);
    const reseeded = await runOutlierScan(plainSource(stores.warehouse), {
      window: WINDOW,
      thresholds: { ...thresholds, outlier: { ...thresholds.outlier, seed: 7 } },
    });
    expect(reseeded.hits.map((hit) => hit.score)).not.toEqual(first.hits.map((hit) => hit.score));
  });

  it('returns at most `limit` users', async () => {
    const { hits } = await runOutlierScan(plainSource(stores.warehouse), {
      window: WINDOW,
      thresholds,
      limit: 2,
    });
    expect(hits.map((hit) => hit.facts['rank'])).toEqual([1, 2]);
  });
});
