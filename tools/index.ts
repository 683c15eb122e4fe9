export type { AddressProfileResult } from './address-profile.js';
export { addressProfileInput, addressProfileTool, CHAINS } from './address-profile.js';
export type { AlertsListResult } from './alerts-list.js';
export { ALERTS_LIST_LIMIT, alertsListInput, alertsListTool } from './alerts-list.js';
export type { AnomalyScanHit, AnomalyScanResult } from './anomaly-scan.js';
export { AML_SCENARIOS, anomalyScanInput, anomalyScanTool, DEFAULT_SCAN_LIMIT } from './anomaly-scan.js';
export type {
  Asker,
  AuditEntry,
  AuditSink,
  ExecutedSql,
  Role,
  Tool,
  ToolContext,
  ToolResultBase,
} from './define-tool.js';
export { defineTool, runAuditedQuery } from './define-tool.js';
export type { DescribeDataResult } from './describe-data.js';
export { DESCRIBED_TABLES, describeDataInput, describeDataTool } from './describe-data.js';
export { feedbackSearchInput, feedbackSearchTool } from './feedback-search.js';
export { feedbackSummaryInput, feedbackSummaryTool } from './feedback-summary.js';
export { metricForecastInput, metricForecastTool } from './metric-forecast.js';
export type { MetricQueryResult } from './metric-query.js';
export { metricQueryInput, metricQueryTool } from './metric-query.js';
export { TOOLS } from './registry.js';
export { timeRangeSchema } from './time-range-schema.js';
export type { UserProfileResult } from './user-profile.js';
export { userProfileInput, userProfileTool } from './user-profile.js';
// risk-source.ts (audited sources and scan windows for the risk tools) is internal to tools/ on purpose.
