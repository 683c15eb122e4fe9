/**
 * Recommendations: four models on typed arrays (popularity, item-kNN, implicit ALS, EASE), offline
 * evaluation with the Microsoft Recommenders protocol, and the refresh that precomputes what the
 * `recommend_for_user` and `similar_items` tools serve. See README.md here for the model choice.
 *
 * Left out on purpose: the dense linear-algebra kernels and the top-k helper internals beyond `topK`
 * (implementation details of the models), and the MT19937 generator (only the split needs it).
 */
export type { AlsOptions } from './als.js';
export { createAlsRecommender } from './als.js';
export type { EaseOptions, EaseRecommender } from './ease.js';
export { createEaseRecommender } from './ease.js';
export type { RecommendEvalCommandOptions, TextSink } from './eval-command.js';
export { formatEvaluation, runRecommendEvalCommand } from './eval-command.js';
export type { EvaluateOptions, EvaluationDetails, EvaluationSummary, MetricKey } from './evaluate.js';
export { evaluateDetailed, evaluateOnSplit, evaluateRecommender } from './evaluate.js';
export type { BuildMatrixOptions, Interaction, InteractionMatrix } from './interactions.js';
export { buildInteractionMatrix, compareItemIds } from './interactions.js';
export type { ItemKnnOptions, ItemKnnRecommender } from './item-knn.js';
export { createItemKnnRecommender } from './item-knn.js';
export { LinearAlgebraError } from './linear-algebra.js';
export type { RankedCase, RankingMetrics } from './metrics.js';
export { catalogueCoverage, rankingMetrics } from './metrics.js';
export type { RatingsFile, RatingsProblem } from './movielens.js';
export { formatRatingsProblems, loadMovieLens, parseMovieLens } from './movielens.js';
export { createPopularityRecommender } from './popularity.js';
export type { Exclusion, History, ModelName, Recommender, ValueTransform } from './recommender.js';
export { MODEL_NAMES } from './recommender.js';
export type { RefreshOptions, RefreshStores, RefreshSummary } from './refresh.js';
export { CATALOGUE_SQL, refreshRecommendations } from './refresh.js';
export type { ModelOptions } from './registry.js';
export { createRecommender, DEFAULT_MODEL, isModelName, WAREHOUSE_MODEL_OPTIONS } from './registry.js';
export type {
  CatalogueItem,
  ItemAction,
  RankedRecommendation,
  ServingModel,
  ServingScorer,
} from './serving.js';
export {
  actionOf,
  cachedServingModel,
  coldStartReason,
  itemItemWeightsOf,
  parseSegmentKey,
  REASON_ITEMS,
  reasonText,
  recommendForPairs,
  segmentKeys,
  storedItemItemScorer,
  trainServingModel,
  WEAK_REASON,
} from './serving.js';
export type { CsrMatrix } from './sparse.js';
export { createCsrMatrix, transposeCsr } from './sparse.js';
export type { Split, SplitMethod, SplitOptions } from './split.js';
export { SPLIT_METHODS, splitInteractions } from './split.js';
export type { SyntheticExchange, SyntheticOptions } from './synthetic.js';
export { generateSyntheticExchange, loadSyntheticExchange } from './synthetic.js';
export type { ScoredIndex } from './top-k.js';
export { topK } from './top-k.js';
export type { EventPair, EventPairRow, EventType } from './warehouse-events.js';
export {
  EVENT_PAIRS_PARAMS,
  EVENT_PAIRS_SQL,
  EVENT_WEIGHTS,
  eventPairsFromRows,
  interactionsFromPairs,
  isOwned,
  loadEventPairs,
  USER_EVENT_PAIRS_SQL,
  unpackEventPairs,
} from './warehouse-events.js';
