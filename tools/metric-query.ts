import { z } from 'zod';
import {
  DIMENSION_NAMES,
  type DimensionName,
  METRIC_NAMES,
  type MetricQueryOutcome,
  type MetricRow,
  runMetricQuery,
  TIME_GRAINS,
} from '../warehouse/semantic/index.js';
import { defineTool, type ExecutedSql } from './define-tool.js';
import { timeRangeSchema } from './time-range-schema.js';

const filterValue = z.union([z.string(), z.number()]);

/** Input of `metric_query` (DESIGN.md tool catalogue). */
export const metricQueryInput = z.object({
  metric: z.enum(METRIC_NAMES).describe('Metric from the semantic layer. Example: trading_volume_usd'),
  time_range: timeRangeSchema,
  group_by: z
    .array(z.enum([...DIMENSION_NAMES, ...TIME_GRAINS]))
    .max(3)
    .optional()
    .describe(
      'Dimensions and/or one time grain (hour, day, week, month) to break the metric down by. Example: ["country"]',
    ),
  filters: z
    .partialRecord(z.enum(DIMENSION_NAMES), z.union([filterValue, z.array(filterValue).max(50)]))
    .optional()
    .describe('Keep only these dimension values. Example: {"asset": "ETH", "platform": ["ios", "android"]}'),
  compare: z
    .enum(['previous_period', 'previous_year'])
    .optional()
    .describe(
      'Also compute the same metric for the preceding period of equal length, or the same dates a year earlier',
    ),
  order: z
    .enum(['asc', 'desc'])
    .optional()
    .describe('Sort breakdown rows by value. Example: desc for "top 5"'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Keep only the first N rows after sorting. Example: 5'),
});

/** Result of `metric_query`. */
export interface MetricQueryResult {
  readonly kind: 'metric';
  readonly metric: string;
  readonly label: string;
  readonly unit: 'usd' | 'count' | 'ratio' | 'rating';
  readonly description: string;
  readonly timeRange: { start: string; end: string };
  readonly previousRange: { start: string; end: string } | undefined;
  readonly grain: string | undefined;
  readonly dimensions: readonly DimensionName[];
  readonly filters: Record<string, readonly (string | number)[]>;
  readonly order: 'asc' | 'desc' | undefined;
  readonly rows: MetricRow[];
  readonly total: number | null;
  readonly previousTotal: number | null | undefined;
  /** Change of the total against the comparison period (absolute and relative), when compared. */
  readonly change: { readonly absolute: number; readonly percent: number | null } | undefined;
  readonly truncated: boolean;
  readonly rollup: string | undefined;
  readonly sql: ExecutedSql[];
}

/** `metric_query`: a number, a breakdown or a time series of a catalogue metric. */
export const metricQueryTool = defineTool({
  name: 'metric_query',
  description:
    'Compute a business metric (trading volume, trades, active traders, fees, sign-ups, KYC approval rate and backlog, deposits, withdrawals, net inflow, feedback count, average rating, AML alerts) over a time range, optionally broken down by dimensions or a time grain, filtered, compared with the previous period or year, sorted and limited.',
  input: metricQueryInput,
  async run(input, context): Promise<MetricQueryResult> {
    const outcome: MetricQueryOutcome = await runMetricQuery(context.warehouse, input, {
      now: context.now,
      maxRows: context.maxRows,
      onStatement: (statement) =>
        context.audit.record({
          kind: 'sql',
          tool: 'metric_query',
          sql: statement.sql,
          rowCount: statement.rowCount,
          durationMs: statement.durationMs,
        }),
    });
    return {
      kind: 'metric',
      metric: outcome.metric.name,
      label: outcome.metric.label,
      unit: outcome.metric.unit,
      description: outcome.metric.description,
      timeRange: outcome.timeRange,
      previousRange: outcome.previousRange,
      grain: outcome.grain,
      dimensions: outcome.dimensions,
      filters: outcome.filters,
      order: input.order,
      rows: outcome.rows,
      total: outcome.total,
      previousTotal: outcome.previousTotal,
      change:
        outcome.previousTotal !== undefined && outcome.previousTotal !== null && outcome.total !== null
          ? {
              absolute: outcome.total - outcome.previousTotal,
              percent:
                outcome.previousTotal === 0
                  ? null
                  : (outcome.total - outcome.previousTotal) / Math.abs(outcome.previousTotal),
            }
          : undefined,
      truncated: outcome.truncated,
      rollup: outcome.statements[0]?.rollup,
      sql: outcome.statements.map((statement) => ({
        sql: statement.sql,
        params: statement.params,
        rowCount: statement.rowCount,
        durationMs: statement.durationMs,
      })),
    };
  },
});
