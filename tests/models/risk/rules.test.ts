import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultRiskConfig,
  inScanTransaction,
  plainSource,
  type RiskHit,
  RULE_SCENARIOS,
  runRiskScan,
} from '../../../models/risk/index.js';
import type { Stores } from '../../../warehouse/stores.js';
import { ADDRESS, type FixtureIds, openRiskFixture, USERS, WINDOW } from './risk-fixture.js';

let stores: Stores;
let ids: FixtureIds;
let hits: RiskHit[];

beforeAll(async () => {
  ({ stores, ids } = await openRiskFixture());
  const outcome = await inScanTransaction(stores.warehouse, (transaction) =>
    runRiskScan(plainSource(transaction), { scenario: 'all', window: WINDOW }),
  );
  hits = outcome.hits;
});
afterAll(async () => {
  await stores?.close();
});

const usersOf = (scenario: string): number[] =>
  hits
    .filter((hit) => hit.scenario === scenario)
    .map((hit) => hit.userId)
    .sort((a, b) => a - b);
const hitOf = (scenario: string, userId: number): RiskHit => {
  const hit = hits.find((item) => item.scenario === scenario && item.userId === userId);
  if (!hit) throw new Error(`no ${scenario} hit for user ${userId}`);
  return hit;
};

describe('rule scenarios on the hand-built fixture', () => {
  it('flags exactly the planted users of each rule, and none of the near misses', () => {
    expect(usersOf('structuring')).toEqual([USERS.structuring.hit]);
    expect(usersOf('rapid_movement')).toEqual([USERS.rapid_movement.hit]);
    expect(usersOf('dormant_reactivation')).toEqual([USERS.dormant_reactivation.hit]);
    expect(usersOf('high_risk_jurisdiction')).toEqual([USERS.high_risk_jurisdiction.hit]);
    expect(usersOf('sanctioned_exposure')).toEqual([...USERS.sanctioned_exposure.hits]);
    expect(usersOf('shared_device')).toEqual([...USERS.shared_device.hits]);
  });

  it('scores every hit in [0, 1] and sorts the scan highest first', () => {
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('explains structuring with the deposits, the band and the span', () => {
    const hit = hitOf('structuring', 101);
    expect(hit.rule).toBe(
      'At least 4 completed deposits of 9,000 USD or more but under the 10,000 USD reporting threshold within 168 hours.',
    );
    expect(hit.reason).toBe(
      '4 deposits between 9,000 USD and 10,000 USD within 3 days, 38,499.99 USD in total, from 1 source address.',
    );
    expect(hit.facts).toMatchObject({ deposits: 4, totalUsd: 38_499.99, spanHours: 72, bandLowUsd: 9_000 });
    expect(hit.evidence.map((item) => [item.kind, item.id, item.amountUsd])).toEqual(
      ids.structuringDeposits.map((id, index) => ['deposit', id, [9_100, 9_500, 9_900, 9_999.99][index]]),
    );
    expect(hit.evidence[3]!.note).toBe('0.01 USD under the reporting threshold');
  });

  it('explains rapid movement with each deposit and the withdrawal that followed it', () => {
    const hit = hitOf('rapid_movement', 201);
    expect(hit.facts).toMatchObject({
      roundTrips: 3,
      depositedUsd: 60_000,
      withdrawnUsd: 57_000,
      medianDelayMinutes: 30,
    });
    expect(hit.evidence.map((item) => `${item.kind}:${item.id}`)).toEqual(
      ids.roundTrips.flatMap((trip) => [`deposit:${trip.deposit}`, `withdrawal:${trip.withdrawal}`]),
    );
    expect(hit.evidence[1]!.note).toBe(`95% of deposit ${ids.roundTrips[0]!.deposit}, 30 minutes later`);
  });

  it('explains a dormant reactivation with the gap, the balance and the withdrawal', () => {
    const hit = hitOf('dormant_reactivation', 301);
    expect(hit.reason).toBe(
      'Inactive for 517 days, then a withdrawal of 4,900 USD (98% of the 5,000 USD balance) 2 hours after coming back.',
    );
    expect(hit.evidence.map((item) => item.kind)).toEqual(['activity', 'activity', 'withdrawal']);
    expect(hit.evidence[2]!.id).toBe(ids.dormantWithdrawal);
  });

  it('explains a high-risk jurisdiction with the listed login and the nearest transfer', () => {
    const hit = hitOf('high_risk_jurisdiction', 401);
    expect(hit.reason).toBe(
      '1 login from Iran (IR) while the KYC country is DE, and 1 completed transfer of 2,500 USD in the period, the nearest 3 hours from such a login.',
    );
    expect(hit.evidence[0]).toMatchObject({ kind: 'login', id: ids.iranLogin, country: 'IR' });
    expect(hit.rule).toContain('FATF high-risk and other monitored jurisdictions');
  });

  it('explains sanctioned exposure with the on-chain path, in the direction the money moved', () => {
    const direct = hitOf('sanctioned_exposure', 501);
    expect(direct.facts).toMatchObject({ minHops: 0, exposedUsd: 12_000, sanctionedSources: 1 });
    expect(direct.evidence).toHaveLength(1);
    expect(direct.evidence[0]).toMatchObject({
      kind: 'deposit',
      id: ids.sanctionedDeposit,
      address: ADDRESS.sanctioned,
    });
    const twoHops = hitOf('sanctioned_exposure', 502);
    expect(twoHops.facts).toMatchObject({ minHops: 2, mixerSources: 1 });
    expect(twoHops.evidence.map((item) => `${item.kind}:${item.id}`)).toEqual([
      `chain_transfer:${ids.twoHopTransfers[0]}`,
      `chain_transfer:${ids.twoHopTransfers[1]}`,
      `deposit:${ids.twoHopDeposit}`,
    ]);
    expect(twoHops.evidence[0]).toMatchObject({ address: ADDRESS.mixer, toAddress: ADDRESS.oneHop });
    const withdrawal = hitOf('sanctioned_exposure', 503);
    expect(withdrawal.evidence[0]).toMatchObject({
      kind: 'withdrawal',
      id: ids.oneHopWithdrawal,
      address: ADDRESS.payer,
    });
    expect(withdrawal.evidence[1]).toMatchObject({
      kind: 'chain_transfer',
      address: ADDRESS.payer,
      toAddress: ADDRESS.mixer,
    });
    expect(withdrawal.reason).toContain('1 hop away');
  });

  it('explains a shared device with the other accounts and the logins', () => {
    const hit = hitOf('shared_device', 602);
    expect(hit.facts).toMatchObject({
      sharedDevices: 1,
      accountsOnDevice: 3,
      otherAccounts: 2,
      loginsOnSharedDevices: 2,
    });
    expect(hit.reason).toBe(
      'Logged in 2 times from device farm-device also used by 2 other accounts (601, 603); account opened 60 days ago.',
    );
  });

  it('finds the same hits for one user as in the full scan (the user_profile path)', async () => {
    const outcome = await runRiskScan(plainSource(stores.warehouse), {
      scenario: 'all',
      window: WINDOW,
      userIds: [602],
    });
    expect(outcome.scenarios.map((item) => item.scenario)).toEqual([...RULE_SCENARIOS]);
    expect(outcome.hits.map((hit) => hit.fingerprint)).toEqual([hitOf('shared_device', 602).fingerprint]);
    expect(outcome.hits[0]!.reason).toBe(hitOf('shared_device', 602).reason);
  });

  it('keeps fingerprints stable across windows that contain the pattern', async () => {
    const wider = await runRiskScan(plainSource(stores.warehouse), {
      scenario: 'structuring',
      window: { start: new Date(WINDOW.start.getTime() - 30 * 86_400_000), end: WINDOW.end },
    });
    expect(wider.hits.map((hit) => hit.fingerprint)).toEqual([hitOf('structuring', 101).fingerprint]);
  });

  it('reads thresholds from the versioned file', () => {
    const { thresholds, highRisk } = defaultRiskConfig();
    expect(thresholds.version).toBe(1);
    expect(thresholds.structuring.reporting_threshold_usd).toBe(10_000);
    expect(highRisk.codes).toContain('KP');
    expect(highRisk.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
