/**
 * Wiring of the feedback pipeline: which embedder the stored vectors need, the sentiment scorer, and
 * ingestion of a file or of the demo warehouse's `feedback` table (embed → sentiment → pgvector →
 * HNSW → corpus LSA for re-ranking → topic model).
 */
import { createHash } from 'node:crypto';
import { maskPiiInText } from '../../core/pii.js';
import { createRandom } from '../../core/random.js';
import {
  type ColumnMapping,
  createDefaultEmbedder,
  createFeedbackStore,
  type Embedder,
  type FeedbackStore,
  type IngestItem,
  type IngestOptions,
  type IngestReport,
  ingestFeedbackFile,
  ingestFeedbackRecords,
  readFeedbackFile,
  type SentimentScorer,
} from '../../embeddings/index.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import {
  createLexiconSentiment,
  createRatingSentiment,
  fitRatingSentiment,
  loadSentimentModel,
  type SentimentEvaluation,
  saveSentimentModel,
} from './sentiment.js';
import { ensureTopicModel } from './topics.js';

/** Name of the fallback LSA model the feedback vectors are made with when no transformer is present. */
export const FEEDBACK_LSA_NAME = 'feedback';

/** How to pick the embedder. */
export interface FeedbackEmbedderOptions {
  /** Texts to fit the LSA fallback on when there is no transformer and no stored model. */
  readonly fallbackCorpus?: () => Promise<readonly string[]>;
  /** `lsa` forces the fallback (tests, low-memory hosts). */
  readonly prefer?: 'transformer' | 'lsa';
  /** Extra environment (EMBEDDING_MODEL_DIR) for tests; default process.env. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

const embedders = new WeakMap<SqlConnection, Map<string, Promise<Embedder>>>();

/**
 * The embedder that matches the stored vectors: the LSA model stored as `feedback` when they were made
 * with LSA, the transformer when they were made with it, and for an empty store the transformer when
 * its folder exists (else LSA fitted on `fallbackCorpus`). Cached per connection: loading the
 * transformer takes a second or two.
 *
 * @throws NotAvailableError (via createDefaultEmbedder) when no model can be had.
 */
export async function resolveFeedbackEmbedder(
  app: SqlConnection,
  options: FeedbackEmbedderOptions = {},
): Promise<Embedder> {
  const { rows } = await app.query<{ model_id: string }>(
    'SELECT model_id FROM app.feedback_documents LIMIT 1',
  );
  const stored = rows[0]?.model_id;
  const prefer = stored ? (stored.startsWith('lsa:') ? 'lsa' : 'transformer') : options.prefer;
  const key = `${stored ?? ''}|${prefer ?? ''}`;
  let cache = embedders.get(app);
  if (!cache) {
    cache = new Map();
    embedders.set(app, cache);
  }
  let embedder = cache.get(key);
  if (!embedder) {
    embedder = createDefaultEmbedder({
      app,
      lsaName: FEEDBACK_LSA_NAME,
      ...(prefer ? { prefer } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.fallbackCorpus ? { fallbackCorpus: options.fallbackCorpus } : {}),
    });
    cache.set(key, embedder);
    embedder.catch(() => cache.delete(key));
  }
  return embedder;
}

/** The stored rating-calibrated sentiment model for this embedder, else the lexicon. */
export async function resolveSentiment(app: SqlConnection, embedder: Embedder): Promise<SentimentScorer> {
  const model = await loadSentimentModel(app, embedder.id);
  return model ? createRatingSentiment(model) : createLexiconSentiment();
}

/** Opens the feedback store with the right sentiment scorer. */
export async function openFeedbackStore(
  app: SqlConnection,
  embedder: Embedder,
  options: { keepOriginalText?: boolean } = {},
): Promise<FeedbackStore> {
  return createFeedbackStore(app, {
    embedder,
    sentiment: await resolveSentiment(app, embedder),
    ...(options.keepOriginalText === undefined ? {} : { keepOriginalText: options.keepOriginalText }),
  });
}

/** Rated messages needed before the classifier replaces the lexicon. */
export const MIN_RATED_FOR_SENTIMENT = 200;

/**
 * Fits the rating-calibrated sentiment classifier on rated messages (at most 5,000, a seeded sample)
 * and stores it, unless one is stored for this embedder already. Returns its held-out evaluation, or
 * undefined when there are too few ratings or a model exists.
 */
export async function calibrateSentiment(
  app: SqlConnection,
  embedder: Embedder,
  rated: readonly { text: string; rating: number }[],
  options: { force?: boolean } = {},
): Promise<SentimentEvaluation | undefined> {
  if (rated.length < MIN_RATED_FOR_SENTIMENT) return undefined;
  if (!options.force && (await loadSentimentModel(app, embedder.id))) return undefined;
  const random = createRandom(42).fork('sentiment-sample');
  const sample = [...rated];
  for (let index = sample.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [sample[index], sample[other]] = [sample[other]!, sample[index]!];
  }
  const chosen = sample.slice(0, 5000);
  // The store embeds masked text, so the classifier learns on the same inputs it will score (and the
  // transformer's cache then serves these texts again during ingestion).
  const texts = chosen.map((row) => maskPiiInText(row.text));
  const vectors = await embedder.embed(texts);
  const model = fitRatingSentiment(
    texts,
    vectors,
    chosen.map((row) => row.rating),
    { embedderId: embedder.id },
  );
  await saveSentimentModel(app, model);
  return model.evaluation;
}

/** What a full ingestion did, beyond the store's report. */
export interface FeedbackIngestOutcome extends IngestReport {
  readonly embedder: string;
  readonly sentiment: { readonly method: string; readonly evaluation?: SentimentEvaluation };
  readonly topics: { readonly k: number; readonly durationMs: number } | null;
}

/** Options of {@link ingestFeedbackFromFile} and {@link ingestWarehouseFeedback}. */
export interface FeedbackIngestOptions extends IngestOptions {
  readonly keepOriginalText?: boolean;
  readonly prefer?: 'transformer' | 'lsa';
  /** Skip fitting the topic model at the end (tests that do not need it). */
  readonly skipTopics?: boolean;
}

/**
 * `analyst feedback ingest FILE`: a pre-pass collects texts (to fit the LSA fallback when needed) and
 * rated rows (to calibrate sentiment), then the file is streamed into the store.
 */
export async function ingestFeedbackFromFile(
  app: SqlConnection,
  path: string,
  options: FeedbackIngestOptions & { mapping?: ColumnMapping } = {},
): Promise<FeedbackIngestOutcome> {
  const texts: string[] = [];
  const rated: { text: string; rating: number }[] = [];
  let rows = 0;
  for await (const item of readFeedbackFile(path, options.mapping ?? {})) {
    rows++;
    if (!item.record) continue;
    if (texts.length < 20_000) texts.push(maskPiiInText(item.record.text));
    if (item.record.rating != null && rated.length < 20_000)
      rated.push({ text: item.record.text, rating: item.record.rating });
  }
  const embedder = await resolveFeedbackEmbedder(app, {
    fallbackCorpus: async () => texts,
    ...(options.prefer ? { prefer: options.prefer } : {}),
  });
  const evaluation = await calibrateSentiment(app, embedder, rated);
  const store = await openFeedbackStore(app, embedder, options);
  const report = await ingestFeedbackFile(store, path, { ...options, expectedRows: rows });
  return finish(app, embedder, store, report, evaluation, options);
}

/**
 * Ingests the warehouse's `feedback` table (the demo's Banking77 messages) into the app database, so
 * `feedback_search` and `feedback_summary` work after `analyst demo generate`. Idempotent.
 */
export async function ingestWarehouseFeedback(
  stores: { warehouse: SqlConnection; app: SqlConnection },
  options: FeedbackIngestOptions = {},
): Promise<FeedbackIngestOutcome> {
  const rows: {
    feedback_id: string;
    text: string;
    channel: string;
    rating: number | null;
    created_at: string;
  }[] = [];
  for await (const batch of stores.warehouse.stream<(typeof rows)[number]>(
    'SELECT feedback_id, text, channel, rating, created_at FROM feedback ORDER BY created_at, feedback_id',
  )) {
    rows.push(...batch);
  }
  const embedder = await resolveFeedbackEmbedder(stores.app, {
    fallbackCorpus: async () => rows.slice(-20_000).map((row) => maskPiiInText(row.text)),
    ...(options.prefer ? { prefer: options.prefer } : {}),
  });
  const rated = rows
    .filter((row) => row.rating !== null)
    .map((row) => ({ text: row.text, rating: Number(row.rating) }));
  const evaluation = await calibrateSentiment(stores.app, embedder, rated);
  const store = await openFeedbackStore(stores.app, embedder, options);
  const last = rows[rows.length - 1];
  const sourceKey = createHash('sha1')
    .update(`warehouse:feedback:${rows.length}:${last?.feedback_id ?? ''}:${last?.created_at ?? ''}`)
    .digest('hex');
  async function* items(): AsyncGenerator<IngestItem> {
    let line = 0;
    for (const row of rows) {
      line++;
      yield {
        line,
        record: {
          id: row.feedback_id,
          text: row.text,
          createdAt: new Date(row.created_at),
          channel: row.channel,
          rating: row.rating === null ? null : Number(row.rating),
          sourceLine: null,
        },
      };
    }
  }
  const report = await ingestFeedbackRecords(store, items(), {
    ...options,
    expectedRows: rows.length,
    source: 'warehouse.feedback',
    sourceKey,
  });
  return finish(stores.app, embedder, store, report, evaluation, options);
}

async function finish(
  app: SqlConnection,
  embedder: Embedder,
  store: FeedbackStore,
  report: IngestReport,
  evaluation: SentimentEvaluation | undefined,
  options: FeedbackIngestOptions,
): Promise<FeedbackIngestOutcome> {
  let topics: FeedbackIngestOutcome['topics'] = null;
  if (!options.skipTopics && !options.deferIndex && (report.added > 0 || report.updated > 0)) {
    const started = performance.now();
    const model = await ensureTopicModel(app, embedder.id);
    topics = { k: model.k, durationMs: performance.now() - started };
  }
  return {
    ...report,
    embedder: embedder.id,
    sentiment: { method: store.sentiment.id, ...(evaluation ? { evaluation } : {}) },
    topics,
  };
}
