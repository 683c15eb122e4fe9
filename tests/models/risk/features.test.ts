import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BEHAVIOURAL_FEATURES,
  buildFeatureQuery,
  computeBehaviouralFeatures,
  defaultRiskConfig,
  type FeatureRow,
  plainSource,
} from '../../../models/risk/index.js';
import { postgresDialect } from '../../../warehouse/dialect.js';
import type { Stores } from '../../../warehouse/stores.js';
import { openRiskFixture, WINDOW } from './risk-fixture.js';

let stores: Stores;
let perUser: FeatureRow[];
const { thresholds } = defaultRiskConfig();

beforeAll(async () => {
  ({ stores } = await openRiskFixture());
  ({ rows: perUser } = await computeBehaviouralFeatures(plainSource(stores.warehouse), {
    window: WINDOW,
    thresholds,
    userIds: [101, 201, 301, 401, 501, 506, 602, 901],
  }));
});
afterAll(async () => {
  await stores?.close();
});

const valuesOf = (userId: number) => perUser.find((row) => row.userId === userId)!.values;

describe('behavioural features', () => {
  it('computes counts, sums, shares and ratios per user in the warehouse', () => {
    expect(valuesOf(901)).toMatchObject({
      trade_count: 2,
      trade_usd: 550,
      avg_trade_usd: 275,
      trade_assets: 2,
      deposit_count: 1,
      deposit_usd: 1_901,
      withdrawal_count: 1,
      withdrawal_usd: 400,
      withdrawal_addresses: 1,
      login_count: 1,
      foreign_login_share: 0,
      shared_devices: 0,
      labelled_exposure_transfers: 0,
      fastest_in_out_minutes: null,
      dormancy_days: null,
    });
    expect(valuesOf(901)['turnover_ratio']).toBeCloseTo(400 / 1_901, 10);
  });

  it('measures what each scenario is about', () => {
    expect(valuesOf(101)['near_threshold_share']).toBe(1);
    expect(valuesOf(201)['fastest_in_out_minutes']).toBeCloseTo(30, 6);
    expect(valuesOf(301)['dormancy_days']).toBeCloseTo(517, 6);
    expect(valuesOf(401)['foreign_login_share']).toBe(1);
    expect(valuesOf(501)).toMatchObject({ labelled_exposure_transfers: 1, labelled_exposure_usd: 12_000 });
    expect(valuesOf(506)).toMatchObject({ labelled_exposure_transfers: 1, labelled_exposure_usd: 1_000 });
    expect(valuesOf(602)['shared_devices']).toBe(1);
  });

  it('gives the same values for everyone at once as user by user', async () => {
    const { rows } = await computeBehaviouralFeatures(plainSource(stores.warehouse), {
      window: WINDOW,
      thresholds,
      features: BEHAVIOURAL_FEATURES.map((feature) => feature.name).filter(
        (name) => name !== 'dormancy_days',
      ),
    });
    const { dormancy_days: _dropped, ...expected } = valuesOf(901);
    expect(rows.find((row) => row.userId === 901)!.values).toEqual(expected);
    // Users with no activity in the window (302 deposited 223 days ago … and came back, so is in) are absent.
    expect(rows.some((row) => row.userId === 608)).toBe(false);
  });

  it('only computes the aggregates the requested features need', () => {
    const { sql } = buildFeatureQuery(postgresDialect, {
      window: WINDOW,
      thresholds,
      features: thresholds.outlier.features,
    });
    expect(sql).toContain('g_trades AS');
    expect(sql).toContain('g_logins AS');
    expect(sql).toContain('g_withdrawals AS');
    expect(sql).not.toContain('g_deposits');
    expect(sql).not.toContain('g_latency');
    expect(sql).not.toContain('g_dormancy');
  });

  it('refuses the dormancy gap for a whole population and unknown features', () => {
    expect(() =>
      buildFeatureQuery(postgresDialect, { window: WINDOW, thresholds, features: ['dormancy_days'] }),
    ).toThrow('dormancy_days needs a list of users');
    expect(() =>
      buildFeatureQuery(postgresDialect, { window: WINDOW, thresholds, features: ['nope'] }),
    ).toThrow("unknown behavioural feature 'nope'");
  });
});
