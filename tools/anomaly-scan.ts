import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { defineTool, type ToolResultBase } from './define-tool.js';
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

/** `anomaly_scan`: runs AML scenarios over a period (built with the risk work). */
export const anomalyScanTool = defineTool({
  name: 'anomaly_scan',
  description:
    'Run AML/abnormal-behaviour scenarios (structuring, rapid in-and-out movement, dormant accounts waking up, high-risk jurisdictions, sanctioned-address exposure, shared devices, statistical outliers) over a time range and list the flagged users with evidence.',
  input: anomalyScanInput,
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('AML scenario scanning');
  },
});
