import { addressProfileTool } from './address-profile.js';
import { alertsListTool } from './alerts-list.js';
import { anomalyScanTool } from './anomaly-scan.js';
import type { Tool } from './define-tool.js';
import { describeDataTool } from './describe-data.js';
import { feedbackSearchTool } from './feedback-search.js';
import { feedbackSummaryTool } from './feedback-summary.js';
import { metricForecastTool } from './metric-forecast.js';
import { metricQueryTool } from './metric-query.js';
import { recommendForUserTool } from './recommend-for-user.js';
import { similarItemsTool } from './similar-items.js';
import { sqlQueryTool } from './sql-query.js';
import { userProfileTool } from './user-profile.js';

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
