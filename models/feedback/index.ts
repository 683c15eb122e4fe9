/**
 * Customer feedback intelligence: sentiment, topics (clustering, c-TF-IDF labels), trends and spikes,
 * summaries and the weekly digest, and the wiring that ingests feedback into the pgvector store.
 *
 * Left out on purpose: the k-means internals' helpers beyond what benches and tests use.
 */
export type { ChooseKOptions, Clustering, KMeansOptions } from './clustering.js';
export {
  chooseClusterCount,
  nearestCentroid,
  normalizedMutualInformation,
  simplifiedSilhouette,
  sphericalKMeans,
} from './clustering.js';
export type {
  DigestChart,
  FeedbackDigest,
  FeedbackSummary,
  PeriodStats,
  SummarizeFeedbackOptions,
} from './digest.js';
export { buildWeeklyDigest, periodStats, renderDigest, summarizeFeedback } from './digest.js';
export type { FeedbackEmbedderOptions, FeedbackIngestOptions, FeedbackIngestOutcome } from './ingest.js';
export {
  calibrateSentiment,
  FEEDBACK_LSA_NAME,
  ingestFeedbackFromFile,
  ingestWarehouseFeedback,
  MIN_RATED_FOR_SENTIMENT,
  openFeedbackStore,
  resolveFeedbackEmbedder,
  resolveSentiment,
} from './ingest.js';
export { classKeywords, keywordTokens, topicName } from './keywords.js';
export type { FitSentimentOptions, RatingSentimentModel, SentimentEvaluation } from './sentiment.js';
export {
  createLexiconSentiment,
  createRatingSentiment,
  fitRatingSentiment,
  lexiconScore,
  loadSentimentModel,
  SENTIMENT_MODEL_NAME,
  saveSentimentModel,
  sentimentOfRating,
} from './sentiment.js';
export type {
  FeedbackDocument,
  FitTopicOptions,
  SummarizeTopicsOptions,
  TopicModel,
  TopicQuote,
  TopicSummary,
  TopicsReport,
} from './topics.js';
export {
  ensureTopicModel,
  fitTopicModel,
  fitTopicsOnVectors,
  loadFeedbackDocuments,
  loadTopicModel,
  summarizeTopics,
  TOPIC_MODEL_NAME,
  topicSpace,
} from './topics.js';
export type { SpikeRule, WindowComparison } from './trends.js';
export {
  binomialLowerTail,
  binomialUpperTail,
  compareWindows,
  DEFAULT_SPIKE_RULE,
  isSpike,
  normalTail,
} from './trends.js';
