/**
 * Unsupervised anomaly detection: an Isolation Forest on typed arrays, per-feature explanations of
 * its scores, the CSV scoring behind `analyst anomaly score`, and ROC AUC for evaluating it.
 *
 * Left out on purpose: `accumulateContributions` (the single-row kernel behind `explainRow` and
 * `isolationContributions`), `assertFiniteMatrix` (the forest calls it itself), and the helpers
 * `median` and `parseDecimal` (exported from their files for tests only).
 */
export type { ExplainRowOptions, FeatureExplanation } from './explain.js';
export { describeDeviation, explainRow } from './explain.js';
export type { FeatureMatrix } from './feature-matrix.js';
export { columnMedians, createFeatureMatrix } from './feature-matrix.js';
export type { IsolationForest, IsolationForestOptions } from './isolation-forest.js';
export {
  averagePathLength,
  fitIsolationForest,
  isolationContributions,
  scoreIsolationForest,
} from './isolation-forest.js';
export { rocAuc } from './roc-auc.js';
export type {
  AnomalyScoreCommandOptions,
  AnomalyScoreReport,
  NumericCsv,
  NumericCsvOptions,
  ScoreCsvOptions,
  ScoreCsvResult,
  ScoredRow,
} from './score-csv.js';
export { readNumericCsv, runAnomalyScoreCommand, scoreCsv } from './score-csv.js';
