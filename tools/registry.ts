import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { addressProfileTool } from './address-profile.js';
import { alertsListTool } from './alerts-list.js';
import { anomalyScanTool } from './anomaly-scan.js';
import { defineTool, type Tool, type ToolResultBase } from './define-tool.js';
import { describeDataTool } from './describe-data.js';
import { feedbackSearchTool } from './feedback-search.js';
import { feedbackSummaryTool } from './feedback-summary.js';
import { metricForecastTool } from './metric-forecast.js';
import { metricQueryTool } from './metric-query.js';
import { sqlQueryTool } from './sql-query.js';
import { userProfileTool } from './user-profile.js';

// Temporary stand-ins for tools whose real implementation lands with their issue; they validate
// their arguments like the real ones and answer "not available yet".
const recommendForUserTool = defineTool({
  name: 'recommend_for_user',
  description: 'Recommend assets and products to show one user, with a reason per item.',
  input: z.object({
    user_id: z.number().int().positive().describe('Exchange user id. Example: 48213'),
    k: z.number().int().min(1).max(50).default(5).describe('How many items. Example: 5'),
  }),
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('Recommendations');
  },
});
const similarItemsTool = defineTool({
  name: 'similar_items',
  description: 'Items (assets or products) that the same users engage with, most similar first.',
  input: z.object({
    item: z.string().min(1).max(40).describe('Asset symbol or product id. Example: SOL'),
    k: z.number().int().min(1).max(50).default(5).describe('How many items. Example: 5'),
  }),
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('Similar items');
  },
});

/** Every tool of the DESIGN.md catalogue, by name. The only way the bot touches data. */
export const TOOLS: Readonly<Record<string, Tool>> = Object.fromEntries(
  (
    [
      metricQueryTool,
      sqlQueryTool,
      anomalyScanTool,
      userProfileTool,
      addressProfileTool,
      recommendForUserTool,
      similarItemsTool,
      feedbackSearchTool,
      feedbackSummaryTool,
      alertsListTool,
      describeDataTool,
      metricForecastTool,
    ] as Tool[]
  ).map((tool) => [tool.name, tool]),
);
