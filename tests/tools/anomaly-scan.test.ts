import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RenderableResult, renderAnswer } from '../../bot/render/answer.js';
import { ungroundedFigures } from '../../bot/render/grounding.js';
import { createRandom } from '../../core/random.js';
import { alertsListTool } from '../../tools/alerts-list.js';
import { type AnomalyScanResult, anomalyScanTool } from '../../tools/anomaly-scan.js';
import type { AuditEntry, ToolContext } from '../../tools/define-tool.js';
import { userProfileTool } from '../../tools/user-profile.js';
import type { Stores } from '../../warehouse/stores.js';
import { NOW, openRiskFixture } from '../models/risk/risk-fixture.js';

let stores: Stores;
const audit: AuditEntry[] = [];

const context = (): ToolContext => ({
  warehouse: stores.warehouse,
  app: stores.app,
  now: NOW,
  random: createRandom(1),
  asker: { id: 'tester', role: 'compliance', surface: 'test' },
  audit: {
    async record(entry) {
      audit.push(entry);
    },
  },
  maxRows: 1000,
  statementTimeoutMs: 10_000,
});

const scan = (input: Record<string, unknown>): Promise<AnomalyScanResult> =>
  anomalyScanTool.run(anomalyScanTool.input.parse(input), context());

beforeAll(async () => {
  ({ stores } = await openRiskFixture());
});
afterAll(async () => {
  await stores?.close();
});

describe('anomaly_scan tool', () => {
  it('scans one scenario, stores its hits as alerts and renders a grounded answer', async () => {
    audit.length = 0;
    const result = await scan({
      scenario: 'structuring',
      time_range: { start: '2026-08-26', end: '2026-11-25' },
    });
    expect(result).toMatchObject({
      kind: 'anomaly_scan',
      scenario: 'structuring',
      window: { start: '2026-08-26T00:00:00.000Z', end: '2026-11-24T12:00:00.000Z' },
      thresholdsVersion: 1,
      totalHits: 1,
      truncated: false,
      alerts: { raised: 1, updated: 0 },
    });
    expect(result.hits[0]).toMatchObject({ userId: 101, alertStatus: 'open' });
    expect(result.hits[0]!.alertId).toBeGreaterThan(0);
    // Every statement is in the audit log and in the result.
    expect(audit.filter((entry) => entry.kind === 'sql' && entry.tool === 'anomaly_scan')).toHaveLength(
      result.sql.length,
    );
    const answer = renderAnswer(result as unknown as RenderableResult);
    expect(answer.summary).toBe(
      'Structuring scan, 2026-08-26 00:00 UTC to 2026-11-24 12:00 UTC (thresholds v1): 1 hit. Stored as 1 new and 0 updated alerts. Highest: user 101 (score 0.68). 1 row.',
    );
    expect(ungroundedFigures(answer.summary, result)).toEqual([]);
    expect(answer.table!.rows[0]![3]).toBe(result.hits[0]!.reason);
  });

  it('runs every scenario, updates instead of duplicating alerts, and cuts the list at the limit', async () => {
    const first = await scan({
      scenario: 'all',
      time_range: { start: '2026-08-26T12:00:00Z', end: '2026-11-24T12:00:00Z' },
    });
    expect(first.scenarios.map((item) => [item.scenario, item.hits])).toEqual([
      ['structuring', 1],
      ['rapid_movement', 1],
      ['dormant_reactivation', 1],
      ['high_risk_jurisdiction', 1],
      ['sanctioned_exposure', 3],
      ['shared_device', 3],
      ['outlier', first.scenarios[6]!.hits],
    ]);
    // The structuring alert existed already.
    expect(first.alerts.updated).toBe(1);
    expect(first.alerts.raised).toBe(first.totalHits - 1);
    const again = await scan({
      scenario: 'all',
      time_range: { start: '2026-08-26T12:00:00Z', end: '2026-11-24T12:00:00Z' },
      limit: 3,
    });
    expect(again.alerts).toEqual({ raised: 0, updated: first.totalHits });
    expect(again.hits).toHaveLength(3);
    expect(again.truncated).toBe(true);
    expect(again.hits.map((hit) => hit.fingerprint)).toEqual(
      first.hits.slice(0, 3).map((hit) => hit.fingerprint),
    );
    const answer = renderAnswer(again as unknown as RenderableResult);
    expect(answer.summary).toMatch(
      /^AML scan \(all scenarios\), .*: \d+ hits \(structuring 1, rapid movement 1, dormant reactivation 1, high risk jurisdiction 1, sanctioned exposure 3, shared device 3, outlier \d+\)\./,
    );
    expect(answer.summary).toContain('Showing the first 3 rows; more exist beyond the limit.');
    expect(ungroundedFigures(answer.summary, again)).toEqual([]);
    expect(answer.chart?.kind).toBe('bar');
  });

  it('lists the stored alerts', async () => {
    const result = await alertsListTool.run(alertsListTool.input.parse({ status: 'open' }), context());
    expect(result.counts.open).toBe(result.alerts.length);
    expect(result.alerts.every((alert) => alert.status === 'open')).toBe(true);
    const answer = renderAnswer(result as unknown as RenderableResult);
    expect(answer.summary).toMatch(/^\d+ open alerts\. Overall: \d+ open, 0 acked, 0 resolved\./);
    expect(ungroundedFigures(answer.summary, result)).toEqual([]);
  });

  it('adds the risk section to user_profile: flags with alerts, and linked accounts', async () => {
    const result = await userProfileTool.run({ user_id: 602 }, context());
    const device = result.risk.flags.find((flag) => flag.scenario === 'shared_device')!;
    expect(device).toMatchObject({ source: 'scan', status: 'open', evidenceCount: 2 });
    expect(device.alertId).toBeGreaterThan(0);
    // Outlier hits of the earlier scan come back as stored alerts (the model is not rerun per user).
    expect(
      result.risk.flags
        .filter((flag) => flag !== device)
        .every((flag) => flag.scenario === 'outlier' && flag.source === 'alert'),
    ).toBe(true);
    const expected = Math.round(
      100 * (1 - result.risk.flags.reduce((product, flag) => product * (1 - flag.score), 1)),
    );
    expect(result.risk.score).toBe(expected);
    expect(
      result.risk.linkedAccounts.map((account) => [account.userId, account.devices, account.ips]),
    ).toEqual([
      [601, ['farm-device'], ['203.0.113.7']],
      [603, ['farm-device'], ['203.0.113.7']],
    ]);
    expect(result.risk.features.find((feature) => feature.name === 'shared_devices')?.value).toBe(1);
    const answer = renderAnswer(result as unknown as RenderableResult);
    expect(answer.summary).toContain(`Risk score ${result.risk.score} (`);
    expect(answer.summary).toContain(
      '2 linked accounts (shared devices, IPs or addresses): user 601, user 603.',
    );
    expect(ungroundedFigures(answer.summary, result)).toEqual([]);
    // 608 was active only before the window: no flag, but the device still links it to 606 and 607.
    const quiet = await userProfileTool.run({ user_id: 608 }, context());
    expect(quiet.risk).toMatchObject({ score: 0, level: 'none', flags: [] });
    expect(quiet.risk.linkedAccounts.map((account) => account.userId)).toEqual([606, 607]);
    const quietAnswer = renderAnswer(quiet as unknown as RenderableResult);
    expect(quietAnswer.summary).toContain('Risk score 0: no AML flag in the last 90 days.');
    expect(ungroundedFigures(quietAnswer.summary, quiet)).toEqual([]);
  });

  it('rejects a range that starts after now', async () => {
    await expect(
      scan({ scenario: 'structuring', time_range: { start: '2026-12-01', end: '2026-12-08' } }),
    ).rejects.toThrow('time_range starts (2026-12-01) after now (2026-11-24T12:00:00.000Z).');
  });
});
