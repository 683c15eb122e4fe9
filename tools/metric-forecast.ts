import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { fitSeasonalModel, forecastSeasonal } from '../models/forecast/index.js';
import { DIMENSION_NAMES, METRIC_NAMES, runMetricQuery } from '../warehouse/semantic/index.js';
import { defineTool, type ExecutedSql } from './define-tool.js';

/** Input of `metric_forecast`. */
export const metricForecastInput = z.object({
  metric: z.enum(METRIC_NAMES).describe('Metric to forecast. Example: withdrawal_volume_usd'),
  horizon_days: z.number().int().min(1).max(90).default(7).describe('Days ahead to forecast. Example: 14'),
  filters: z
    .partialRecord(z.enum(DIMENSION_NAMES), z.union([z.string(), z.number()]))
    .optional()
    .describe('Forecast only this slice. Example: {"product": "futures"}'),
});

/** Result of `metric_forecast`. */
export interface MetricForecastResult {
  readonly kind: 'forecast';
  readonly metric: string;
  readonly label: string;
  readonly unit: 'usd' | 'count' | 'ratio' | 'rating';
  readonly filters: Record<string, readonly (string | number)[]>;
  readonly horizonDays: number;
  readonly level: number;
  readonly historyDays: number;
  readonly history: { period: string; value: number }[];
  readonly forecast: { period: string; value: number; lower: number; upper: number }[];
  /** Sum of the forecast values, for additive metrics (volumes, counts). */
  readonly forecastTotal: number | undefined;
  readonly model: string;
  readonly sql: ExecutedSql[];
}

const ADDITIVE_UNITS = new Set(['usd', 'count']);

/** `metric_forecast`: a daily forecast with prediction intervals from a trend + day-of-week model. */
export const metricForecastTool = defineTool({
  name: 'metric_forecast',
  description:
    'Forecast a metric for the coming days with prediction intervals, from a model with weekly seasonality and trend.',
  input: metricForecastInput,
  async run(input, context): Promise<MetricForecastResult> {
    const historyDays = 56;
    const today = new Date(
      Date.UTC(context.now.getUTCFullYear(), context.now.getUTCMonth(), context.now.getUTCDate()),
    );
    const start = new Date(today.getTime() - historyDays * 86_400_000);
    const outcome = await runMetricQuery(
      context.warehouse,
      {
        metric: input.metric,
        time_range: { start: start.toISOString().slice(0, 10), end: today.toISOString().slice(0, 10) },
        group_by: ['day'],
        ...(input.filters ? { filters: input.filters as Record<string, string | number> } : {}),
      },
      {
        now: context.now,
        maxRows: 1000,
        onStatement: (statement) =>
          context.audit.record({
            kind: 'sql',
            tool: 'metric_forecast',
            sql: statement.sql,
            rowCount: statement.rowCount,
            durationMs: statement.durationMs,
          }),
      },
    );
    // Days without rows had no activity: zero for sums and counts, a gap otherwise.
    const byDay = new Map(outcome.rows.map((row) => [String(row.period), row.value]));
    const additive =
      ADDITIVE_UNITS.has(outcome.metric.unit) && outcome.metric.aggregation.kind !== 'snapshot';
    const history: { period: string; value: number }[] = [];
    for (let day = 0; day < historyDays; day++) {
      const period = new Date(start.getTime() + day * 86_400_000).toISOString().slice(0, 10);
      const value = byDay.get(period);
      if (value !== undefined && value !== null) history.push({ period, value });
      else if (additive) history.push({ period, value: 0 });
    }
    if (history.length < 14) {
      throw new InvalidInputError(
        'forecast_history_short',
        `Not enough history to forecast ${input.metric}: ${history.length} days with data in the last ${historyDays} (need 14).`,
      );
    }
    const model = fitSeasonalModel(
      history.map((point) => ({ at: new Date(`${point.period}T00:00:00Z`), value: point.value })),
      { grain: 'day' },
    );
    const level = 0.95;
    const forecast = forecastSeasonal(model, input.horizon_days, level).map((point) => ({
      period: point.at,
      value: point.value,
      lower: additive ? Math.max(0, point.lower) : point.lower,
      upper: point.upper,
    }));
    return {
      kind: 'forecast',
      metric: outcome.metric.name,
      label: outcome.metric.label,
      unit: outcome.metric.unit,
      filters: outcome.filters,
      horizonDays: input.horizon_days,
      level,
      historyDays: history.length,
      history,
      forecast,
      forecastTotal: additive ? forecast.reduce((sum, point) => sum + point.value, 0) : undefined,
      model: `linear trend + day-of-week effects${model.logScale ? ' on the log scale' : ''}, fitted on ${model.trainingPoints} days`,
      sql: outcome.statements.map((statement) => ({
        sql: statement.sql,
        params: statement.params,
        rowCount: statement.rowCount,
        durationMs: statement.durationMs,
      })),
    };
  },
});
