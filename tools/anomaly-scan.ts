import { z } from 'zod';
import { inScanTransaction, type RiskHit, runRiskScan, upsertRiskAlerts } from '../models/risk/index.js';
import { defineTool, type ExecutedSql } from './define-tool.js';
import { auditedQuery, deferredAuditSource, scanWindow } from './risk-source.js';
import { timeRangeSchema } from './time-range-schema.js';

/** AML scenarios of DESIGN.md. */
export const AML_SCENARIOS = [
  'structuring',
  'rapid_movement',
  'dormant_reactivation',
  'high_risk_jurisdiction',
  'sanctioned_exposure',
  'shared_device',
  'outlier',
  'all',
] as const;

/** Input of `anomaly_scan`. */
export const anomalyScanInput = z.object({
  scenario: z.enum(AML_SCENARIOS).describe('AML scenario to run, or all. Example: structuring'),
  time_range: timeRangeSchema,
  limit: z.number().int().min(1).max(500).optional().describe('Most suspicious N hits. Example: 20'),
});

/** Hits shown when the question gives no limit. */
export const DEFAULT_SCAN_LIMIT = 50;

/** A hit as returned: the scan's hit plus the alert it raised or updated. */
export type AnomalyScanHit = RiskHit & {
  readonly alertId: number | null;
  readonly alertStatus: string | null;
};

/** Result of `anomaly_scan`. */
export interface AnomalyScanResult {
  readonly kind: 'anomaly_scan';
  readonly scenario: (typeof AML_SCENARIOS)[number];
  /** The range as asked, and the window scanned (its end capped at now), ISO. */
  readonly timeRange: { readonly start: string; readonly end: string };
  readonly window: { readonly start: string; readonly end: string };
  readonly thresholdsVersion: number;
  /** Per scenario run: the rule in words and its number of hits (outlier: users scored too). */
  readonly scenarios: readonly { scenario: string; rule: string; hits: number; population?: number }[];
  readonly totalHits: number;
  /** The `limit` highest-scoring hits, highest first. */
  readonly hits: readonly AnomalyScanHit[];
  readonly truncated: boolean;
  /** Alerts raised (new fingerprints) and updated (seen before) by this scan; every hit is stored. */
  readonly alerts: { readonly raised: number; readonly updated: number };
  readonly sql: ExecutedSql[];
}

/** `anomaly_scan`: runs AML scenarios over a period, stores the hits as alerts, returns them with evidence. */
export const anomalyScanTool = defineTool({
  name: 'anomaly_scan',
  description:
    'Run AML/abnormal-behaviour scenarios (structuring, rapid in-and-out movement, dormant accounts waking up, high-risk jurisdictions, sanctioned-address exposure, shared devices, statistical outliers) over a time range and list the flagged users with evidence.',
  input: anomalyScanInput,
  async run(input, context): Promise<AnomalyScanResult> {
    const sql: ExecutedSql[] = [];
    const window = scanWindow(input.time_range, context.now);
    let flush = async (): Promise<void> => {};
    const outcome = await inScanTransaction(context.warehouse, (transaction) => {
      const audited = deferredAuditSource(context, 'anomaly_scan', sql, transaction);
      flush = audited.flush;
      return runRiskScan(audited.source, { scenario: input.scenario, window });
    }).finally(() => flush());
    const stored = await upsertRiskAlerts(
      auditedQuery(context, 'anomaly_scan', sql, context.app, (params) => [
        `(${outcome.hits.length} hits as JSON)`,
        ...params.slice(1),
      ]),
      outcome.hits,
      {
        now: context.now,
        thresholdsVersion: outcome.thresholdsVersion,
        actor: `${context.asker.surface}:${context.asker.id}`,
      },
    );
    const limit = input.limit ?? DEFAULT_SCAN_LIMIT;
    const hits = outcome.hits.slice(0, limit).map((hit): AnomalyScanHit => {
      const alert = stored.byFingerprint.get(hit.fingerprint);
      return { ...hit, alertId: alert?.alertId ?? null, alertStatus: alert?.status ?? null };
    });
    return {
      kind: 'anomaly_scan',
      scenario: input.scenario,
      timeRange: input.time_range,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      thresholdsVersion: outcome.thresholdsVersion,
      scenarios: outcome.scenarios.map((summary) => ({
        scenario: summary.scenario,
        rule: summary.rule,
        hits: summary.hits,
        ...(summary.population === undefined ? {} : { population: summary.population }),
      })),
      totalHits: outcome.hits.length,
      hits,
      truncated: outcome.hits.length > hits.length,
      alerts: { raised: stored.raised, updated: stored.updated },
      sql,
    };
  },
});
