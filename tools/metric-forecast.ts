import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { DIMENSION_NAMES, METRIC_NAMES } from '../warehouse/semantic/index.js';
import { defineTool, type ToolResultBase } from './define-tool.js';

/** Input of `metric_forecast`. */
export const metricForecastInput = z.object({
  metric: z.enum(METRIC_NAMES).describe('Metric to forecast. Example: withdrawal_volume_usd'),
  horizon_days: z.number().int().min(1).max(90).default(7).describe('Days ahead to forecast. Example: 14'),
  filters: z
    .partialRecord(z.enum(DIMENSION_NAMES), z.union([z.string(), z.number()]))
    .optional()
    .describe('Forecast only this slice. Example: {"product": "futures"}'),
});

/** `metric_forecast`: seasonal forecast with prediction intervals (built with the forecasting work). */
export const metricForecastTool = defineTool({
  name: 'metric_forecast',
  description:
    'Forecast a metric for the coming days with prediction intervals, from a model with weekly seasonality and trend.',
  input: metricForecastInput,
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('Forecasts');
  },
});
