import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRiskAlerts,
  listRiskAlerts,
  plainSource,
  type RiskHit,
  setAlertStatus,
  upsertRiskAlerts,
} from '../../../models/risk/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';

let stores: Stores;
const query = () => plainSource(stores.app).query;

const hit = (userId: number, overrides: Partial<RiskHit> = {}): RiskHit => ({
  scenario: 'structuring',
  userId,
  score: 0.8,
  rule: 'At least 4 deposits just under the threshold.',
  reason: `User ${userId} made 4 deposits.`,
  facts: { deposits: 4 },
  evidence: [{ kind: 'deposit', id: userId * 10, at: '2026-11-20T10:00:00.000Z', amountUsd: 9_500 }],
  firstAt: '2026-11-20T10:00:00.000Z',
  lastAt: '2026-11-21T10:00:00.000Z',
  fingerprint: `fingerprint-${userId}`,
  ...overrides,
});

beforeAll(async () => {
  stores = await openStores({ inMemory: true });
});
afterAll(async () => {
  await stores?.close();
});

describe('AML alert store', () => {
  it('raises one alert per fingerprint and updates it when the pattern is seen again', async () => {
    const first = await upsertRiskAlerts(query(), [hit(1), hit(2)], {
      now: new Date('2026-11-22T00:00:00Z'),
      thresholdsVersion: 1,
      actor: 'test:scan',
    });
    expect(first).toMatchObject({ raised: 2, updated: 0 });
    const again = await upsertRiskAlerts(
      query(),
      [hit(1, { score: 0.9, reason: 'User 1 made 5 deposits.' }), hit(3)],
      {
        now: new Date('2026-11-23T00:00:00Z'),
        thresholdsVersion: 2,
        actor: 'test:scan',
      },
    );
    expect(again).toMatchObject({ raised: 1, updated: 1 });
    expect(again.byFingerprint.get('fingerprint-1')).toMatchObject({
      alertId: first.byFingerprint.get('fingerprint-1')!.alertId,
      raised: false,
    });
    const [alert] = await listRiskAlerts(query(), { userId: 1, withEvidence: true, limit: 10 });
    expect(alert).toMatchObject({
      scenario: 'structuring',
      subject: 'user:1',
      score: 0.9,
      status: 'open',
      thresholdsVersion: 2,
      firstSeen: '2026-11-22T00:00:00.000Z',
      lastSeen: '2026-11-23T00:00:00.000Z',
      occurrences: 2,
      title: 'structuring: user 1. User 1 made 5 deposits.',
    });
    expect(alert!.evidence).toMatchObject({
      reason: 'User 1 made 5 deposits.',
      facts: { deposits: 4 },
      evidence: [{ id: 10 }],
    });
    const { rows } = await stores.app.query<{ event: string }>(
      'SELECT event FROM app.aml_alert_events WHERE alert_id = $1 ORDER BY event_id',
      [alert!.alertId],
    );
    expect(rows.map((row) => row.event)).toEqual(['alert-raised']);
  });

  it('records status changes and never reopens an alert on a rescan', async () => {
    const [alert] = await listRiskAlerts(query(), { userId: 2, limit: 1 });
    const acked = await setAlertStatus(query(), alert!.alertId, 'acked', {
      actor: 'slack:U1',
      now: new Date('2026-11-23T09:00:00Z'),
      note: 'looking',
    });
    expect(acked).toMatchObject({
      status: 'acked',
      statusChangedBy: 'slack:U1',
      statusChangedAt: '2026-11-23T09:00:00.000Z',
    });
    await setAlertStatus(query(), alert!.alertId, 'resolved', {
      actor: 'slack:U1',
      now: new Date('2026-11-23T10:00:00Z'),
    });
    await upsertRiskAlerts(query(), [hit(2)], {
      now: new Date('2026-11-24T00:00:00Z'),
      thresholdsVersion: 1,
      actor: 'test',
    });
    const [after] = await listRiskAlerts(query(), { userId: 2, limit: 1 });
    expect(after).toMatchObject({ status: 'resolved', occurrences: 2 });
    const { rows } = await stores.app.query<{
      event: string;
      from_status: string | null;
      to_status: string;
      note: string | null;
    }>(
      'SELECT event, from_status, to_status, note FROM app.aml_alert_events WHERE alert_id = $1 ORDER BY event_id',
      [alert!.alertId],
    );
    expect(rows).toEqual([
      { event: 'alert-raised', from_status: null, to_status: 'open', note: null },
      { event: 'alert-acked', from_status: 'open', to_status: 'acked', note: 'looking' },
      { event: 'alert-resolved', from_status: 'acked', to_status: 'resolved', note: null },
    ]);
    await expect(setAlertStatus(query(), 999_999, 'acked', { actor: 'x', now: new Date() })).rejects.toThrow(
      'There is no alert 999999.',
    );
  });

  it('lists by status and period, newest first, and counts per status', async () => {
    const open = await listRiskAlerts(query(), { status: 'open', limit: 10 });
    expect(open.map((alert) => alert.userId)).toEqual([1, 3]);
    const seenOn22nd = await listRiskAlerts(query(), {
      range: { start: new Date('2026-11-22T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z') },
      limit: 10,
    });
    // Alerts 1 and 2 were first seen on the 22nd; alert 3 only on the 23rd.
    expect(seenOn22nd.map((alert) => alert.userId).sort()).toEqual([1, 2]);
    expect(await countRiskAlerts(query(), {})).toEqual({ open: 2, acked: 0, resolved: 1 });
  });
});
