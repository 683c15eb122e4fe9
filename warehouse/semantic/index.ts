export type {
  Aggregation,
  DimensionDefinition,
  DimensionName,
  MetricDefinition,
  MetricName,
  SourceDefinition,
  TimeGrain,
} from './catalogue.js';
export { DIMENSION_NAMES, DIMENSIONS, METRIC_NAMES, METRICS, SOURCES, TIME_GRAINS } from './catalogue.js';
export type { CompiledMetricQuery, ResolvedMetricQuery } from './compile.js';
export { compileMetricQuery } from './compile.js';
export type { MetricDescription } from './describe.js';
export { describeDimensions, describeMetrics } from './describe.js';
export type {
  MetricQueryInput,
  MetricQueryOutcome,
  MetricRow,
  RunMetricQueryOptions,
  SemanticStatement,
  TimeRangeInput,
} from './query.js';
export {
  addMonths,
  clearSemanticCaches,
  dimensionValues,
  formatInstant,
  parseInstant,
  previousRange,
  resolveMetricQuery,
  runMetricQuery,
} from './query.js';
export type { RollupPlan } from './rollups.js';
export { buildRollups, listRollups, plannedRollups } from './rollups.js';
