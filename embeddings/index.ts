/**
 * Sentence embeddings: one {@link Embedder} interface, a transformer loaded from disk and an LSA
 * fallback that needs no weight files, plus the vector helpers the router and the feedback store use.
 *
 * Left out on purpose: the TF-IDF featuriser, the randomized SVD and the LRU cache are internals of
 * the embedders; their shapes may change with tuning.
 */
export type { DefaultEmbedder, DefaultEmbedderOptions } from './default-embedder.js';
export {
  createDefaultEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  DEFAULT_LSA_MODEL_NAME,
} from './default-embedder.js';
export type { Embedder } from './embedder.js';
export { EmbeddingModelInvalidError, EmbeddingModelMissingError } from './embedder.js';
export type { FitLsaOptions, LsaEmbedder, LsaModel } from './lsa-embedder.js';
export {
  createLsaEmbedder,
  DEFAULT_LSA_COMPONENT_SCALING,
  DEFAULT_LSA_DIMENSIONS,
  defaultFeatureOptions,
  deserializeLsaModel,
  fitLsaModel,
  lsaModelHash,
  serializeLsaModel,
} from './lsa-embedder.js';
export type { SavedEmbeddingModel } from './lsa-store.js';
export { loadLsaModel, saveLsaModel } from './lsa-store.js';
export type {
  FeedbackFilters,
  FeedbackHit,
  FeedbackSearcher,
  FeedbackSearcherOptions,
  LexicalModelOptions,
  SearchMode,
  SearchOptions,
  SearchStatement,
} from './search.js';
export {
  createFeedbackSearcher,
  filterClause,
  LEXICAL_MODEL_NAME,
  nothingIngestedError,
  refreshLexicalModel,
  textQueryTerms,
} from './search.js';
export type {
  FeedbackRecord,
  FeedbackStore,
  FeedbackStoreOptions,
  HnswSettings,
  SentimentLabel,
  SentimentResult,
  SentimentScorer,
  UpsertOutcome,
} from './store.js';
export {
  contentHash,
  createFeedbackStore,
  DEFAULT_HNSW_SETTINGS,
  FEEDBACK_HNSW_INDEX,
  FeedbackModelMismatchError,
  HNSW_MINIMUM_ROWS,
} from './store.js';
export type { BinaryColumnType } from './store-copy.js';
export { encodeBinaryCopy } from './store-copy.js';
export type {
  ColumnMapping,
  IngestItem,
  IngestOptions,
  IngestReport,
  RejectedRow,
} from './store-ingest.js';
export {
  ingestFeedbackFile,
  ingestFeedbackRecords,
  parseTimestamp,
  readFeedbackFile,
} from './store-ingest.js';
export type { FeatureOptions } from './text-features.js';
export { tokenizeWords } from './text-features.js';
export type {
  TransformerEmbedder,
  TransformerEmbedderOptions,
  TransformerPooling,
} from './transformer-embedder.js';
export {
  createTransformerEmbedder,
  DEFAULT_TRANSFORMER_BATCH_SIZE,
  DEFAULT_TRANSFORMER_CACHE_SIZE,
} from './transformer-embedder.js';
export type { Neighbor } from './vector-math.js';
export {
  cosine,
  dot,
  fromPgVector,
  meanVector,
  NORM_EPSILON,
  nearest,
  norm,
  normalizeInPlace,
  toPgVector,
} from './vector-math.js';
