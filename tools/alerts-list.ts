import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { defineTool, type ToolResultBase } from './define-tool.js';
import { timeRangeSchema } from './time-range-schema.js';

/** Input of `alerts_list`. */
export const alertsListInput = z.object({
  status: z
    .enum(['open', 'acked', 'resolved'])
    .optional()
    .describe('Only alerts in this state. Example: open'),
  time_range: timeRangeSchema.optional(),
});

/** `alerts_list`: the bot's own alerts (built with the alerts work). */
export const alertsListTool = defineTool({
  name: 'alerts_list',
  description:
    'List the alerts the bot has raised (AML hits, metric anomalies, feedback spikes), by status and time range.',
  input: alertsListInput,
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('The alert list');
  },
});
