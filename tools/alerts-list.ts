import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { type AlertStatus, countRiskAlerts, listRiskAlerts, type StoredAlert } from '../models/risk/index.js';
import { parseInstant } from '../warehouse/semantic/index.js';
import { defineTool, type ExecutedSql } from './define-tool.js';
import { auditedQuery } from './risk-source.js';
import { timeRangeSchema } from './time-range-schema.js';

/** Input of `alerts_list`. */
export const alertsListInput = z.object({
  status: z
    .enum(['open', 'acked', 'resolved'])
    .optional()
    .describe('Only alerts in this state. Example: open'),
  time_range: timeRangeSchema.optional(),
});

/** Alerts listed at most (the newest first). */
export const ALERTS_LIST_LIMIT = 100;

/** Result of `alerts_list`. */
export interface AlertsListResult {
  readonly kind: 'alerts_list';
  readonly status: AlertStatus | null;
  readonly timeRange: { readonly start: string; readonly end: string } | null;
  /** Alerts per status over the same period (all statuses, whatever the filter). */
  readonly counts: Readonly<Record<AlertStatus, number>>;
  readonly alerts: readonly StoredAlert[];
  readonly truncated: boolean;
  readonly sql: ExecutedSql[];
}

/** `alerts_list`: the AML alerts the scans raised, newest first, by status and period. */
export const alertsListTool = defineTool({
  name: 'alerts_list',
  description:
    'List the alerts the bot has raised (AML hits, metric anomalies, feedback spikes), by status and time range.',
  input: alertsListInput,
  async run(input, context): Promise<AlertsListResult> {
    const sql: ExecutedSql[] = [];
    const query = auditedQuery(context, 'alerts_list', sql, context.app);
    let range: { start: Date; end: Date } | undefined;
    if (input.time_range) {
      range = {
        start: parseInstant(input.time_range.start, 'start'),
        end: parseInstant(input.time_range.end, 'end'),
      };
      if (range.end.getTime() <= range.start.getTime()) {
        throw new InvalidInputError(
          'time_range_invalid',
          `time_range ends (${input.time_range.end}) before it starts (${input.time_range.start}).`,
        );
      }
    }
    const limit = Math.min(ALERTS_LIST_LIMIT, context.maxRows);
    const alerts = await listRiskAlerts(query, {
      ...(input.status ? { status: input.status } : {}),
      ...(range ? { range } : {}),
      limit: limit + 1,
    });
    const counts = await countRiskAlerts(query, range ? { range } : {});
    return {
      kind: 'alerts_list',
      status: input.status ?? null,
      timeRange: input.time_range ?? null,
      counts,
      alerts: alerts.slice(0, limit),
      truncated: alerts.length > limit,
      sql,
    };
  },
});
