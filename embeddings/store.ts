import { createHash } from 'node:crypto';
import { AnalystError } from '../core/errors.js';
import { maskPiiInText } from '../core/pii.js';
import type { SqlConnection } from '../warehouse/connection.js';
import type { Embedder } from './embedder.js';
import { type BinaryColumnType, encodeBinaryCopy } from './store-copy.js';
import { toPgVector } from './vector-math.js';

/** A feedback message to store: its id, original text and optional metadata. */
export interface FeedbackRecord {
  /** Stable id (the source's own, or a content hash when the source has none). */
  readonly id: string;
  /** The message as written; PII is masked before it is stored or embedded. */
  readonly text: string;
  readonly createdAt?: Date | null;
  readonly channel?: string | null;
  /** 1–5 stars (or any small integer scale the source uses). */
  readonly rating?: number | null;
  /** Where the record starts in its file (1-based), for reports. */
  readonly sourceLine?: number | null;
}

/** Sentiment labels, as in DESIGN.md's `sentiment` dimension. */
export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** A per-message sentiment: a label and a score in [-1, 1] (negative to positive). */
export interface SentimentResult {
  readonly label: SentimentLabel;
  readonly score: number;
}

/**
 * Scores sentiment at ingestion. Implemented in `models/feedback/sentiment.ts` (a lexicon, or a
 * classifier on the embeddings calibrated on ratings); the store only needs this shape.
 */
export interface SentimentScorer {
  /** Names the method and its fitted weights, e.g. `lexicon:v1` or `ratings-logistic:3f2a…`. */
  readonly id: string;
  score(texts: readonly string[], vectors: readonly Float32Array[]): SentimentResult[];
}

/** HNSW index settings (pgvector). */
export interface HnswSettings {
  /** Links per node; pgvector's default is 16. */
  readonly m: number;
  /** Candidate list while building; pgvector's default is 64. */
  readonly efConstruction: number;
  /** Candidate list while searching (`hnsw.ef_search`); pgvector's default is 40. */
  readonly efSearch: number;
}

/**
 * Chosen with `npm run bench -- feedback` (see models/feedback/README.md): m = 16 and ef_construction
 * = 64 (pgvector's defaults) keep recall@10 above 0.95 at 100k vectors with ef_search = 100, whose
 * queries stay far under the 20 ms p95 budget; cheaper builds (m = 8) lost recall on the
 * near-duplicate clusters that feedback is full of.
 */
export const DEFAULT_HNSW_SETTINGS: HnswSettings = { m: 16, efConstruction: 64, efSearch: 100 };

/**
 * Below this many rows the store searches exactly (a sequential scan of a few thousand vectors is a
 * few milliseconds) and builds no HNSW index.
 */
export const HNSW_MINIMUM_ROWS = 2000;

/** What {@link FeedbackStore.upsert} did with a batch. */
export interface UpsertOutcome {
  readonly added: number;
  readonly updated: number;
  /** Same id and same content as what is stored: nothing to do (re-ingesting a file, resuming). */
  readonly unchanged: number;
  /** Repeats of an id earlier in the same batch (the first one wins). */
  readonly duplicates: number;
  /** Milliseconds spent embedding and scoring sentiment, and in the database. */
  readonly embedMs: number;
  readonly storeMs: number;
}

/** Options of {@link createFeedbackStore}. */
export interface FeedbackStoreOptions {
  readonly embedder: Embedder;
  readonly sentiment: SentimentScorer;
  /** Keep the unmasked text in `original_text` (default false: only the masked text is stored). */
  readonly keepOriginalText?: boolean;
  readonly hnsw?: Partial<HnswSettings>;
}

/** The pgvector feedback store in the app database (`app.feedback_documents`). */
export interface FeedbackStore {
  readonly app: SqlConnection;
  readonly embedder: Embedder;
  readonly sentiment: SentimentScorer;
  readonly hnsw: HnswSettings;
  /**
   * Types the embedding column to the embedder's dimension on first use and checks that stored
   * vectors come from the same model.
   *
   * @throws FeedbackModelMismatchError when stored vectors were made by another embedder.
   */
  prepare(): Promise<void>;
  /**
   * Stores records: unchanged ones (same id, same content hash) are skipped without embedding, changed
   * ones replaced, new ones added, all in one transaction. `afterWrite` runs inside that transaction
   * (ingestion records its checkpoint there, so a crash never separates the rows from the checkpoint).
   */
  upsert(
    records: readonly FeedbackRecord[],
    options: { source: string; afterWrite?: (transaction: SqlConnection) => Promise<void> },
  ): Promise<UpsertOutcome>;
  /** Rows stored. */
  count(): Promise<number>;
  /** True when the HNSW index exists. */
  hasIndex(): Promise<boolean>;
  /** Builds the HNSW index when missing and the table is large enough; returns the build time. */
  buildIndex(options?: { force?: boolean }): Promise<{ built: boolean; durationMs: number; rows: number }>;
  /** Drops the HNSW index (before a bulk load; rebuilding once is far cheaper than inserting into it). */
  dropIndex(): Promise<void>;
}

/** Stored vectors were made by another embedding model than the one configured now. */
export class FeedbackModelMismatchError extends AnalystError {
  readonly storedModel: string;
  readonly currentModel: string;

  constructor(storedModel: string, currentModel: string) {
    super(
      'feedback_model_mismatch',
      `The stored feedback was embedded with ${storedModel}, but the embedder now is ${currentModel}; ` +
        'vectors of different models cannot be compared. Point EMBEDDING_MODEL_DIR back at the first model, ' +
        'or ingest into a fresh data directory (--db).',
    );
    this.storedModel = storedModel;
    this.currentModel = currentModel;
  }
}

/** The HNSW index's name. */
export const FEEDBACK_HNSW_INDEX = 'feedback_documents_embedding_hnsw';

const COPY_COLUMNS: readonly { name: string; type: BinaryColumnType }[] = [
  { name: 'id', type: 'text' },
  { name: 'content_hash', type: 'text' },
  { name: 'text', type: 'text' },
  { name: 'original_text', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'rating', type: 'int2' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'sentiment', type: 'text' },
  { name: 'sentiment_score', type: 'float4' },
  { name: 'source', type: 'text' },
  { name: 'source_line', type: 'int4' },
  { name: 'model_id', type: 'text' },
  { name: 'embedding', type: 'vector' },
];

/**
 * The content hash of a record: its original text and metadata. Re-ingesting the same row finds the
 * same hash and does nothing; an edited row gets a new one and is replaced.
 */
export function contentHash(record: FeedbackRecord): string {
  return createHash('sha1')
    .update(
      JSON.stringify([
        record.text,
        record.createdAt ? record.createdAt.toISOString() : null,
        record.channel ?? null,
        record.rating ?? null,
      ]),
    )
    .digest('hex');
}

/**
 * Opens the feedback store over the app database.
 *
 * @example
 * const store = createFeedbackStore(stores.app, { embedder, sentiment: createLexiconSentiment() });
 * await store.prepare();
 * await store.upsert([{ id: 'fb-1', text: 'My card has not arrived' }], { source: 'test' });
 */
export function createFeedbackStore(app: SqlConnection, options: FeedbackStoreOptions): FeedbackStore {
  const hnsw: HnswSettings = { ...DEFAULT_HNSW_SETTINGS, ...options.hnsw };
  const { embedder, sentiment } = options;
  if (!Number.isInteger(hnsw.m) || hnsw.m < 2 || hnsw.m > 100) {
    throw new RangeError(`hnsw.m must be an integer in 2..100, got ${hnsw.m}`);
  }
  if (!Number.isInteger(hnsw.efConstruction) || hnsw.efConstruction < 2 * hnsw.m) {
    throw new RangeError(
      `hnsw.efConstruction must be an integer of at least 2·m, got ${hnsw.efConstruction}`,
    );
  }
  let prepared = false;

  const store: FeedbackStore = {
    app,
    embedder,
    sentiment,
    hnsw,
    async prepare() {
      if (prepared) return;
      const { rows: models } = await app.query<{ model_id: string }>(
        'SELECT model_id FROM app.feedback_documents WHERE model_id <> $1 LIMIT 1',
        [embedder.id],
      );
      if (models[0]) throw new FeedbackModelMismatchError(models[0].model_id, embedder.id);
      const { rows } = await app.query<{ dimensions: number }>(
        `SELECT atttypmod AS dimensions FROM pg_attribute
         WHERE attrelid = 'app.feedback_documents'::regclass AND attname = 'embedding'`,
      );
      const dimensions = Number(rows[0]?.dimensions ?? -1);
      if (dimensions !== embedder.dimensions) {
        // Only reachable when the table holds no vector of another model (checked above), so retyping
        // loses nothing. Plain storage keeps vectors inline: no TOAST look-up per distance.
        await app.exec(`DROP INDEX IF EXISTS app.${FEEDBACK_HNSW_INDEX};
          ALTER TABLE app.feedback_documents ALTER COLUMN embedding TYPE vector(${embedder.dimensions});
          ${embedder.dimensions <= 1024 ? 'ALTER TABLE app.feedback_documents ALTER COLUMN embedding SET STORAGE PLAIN;' : ''}`);
      }
      prepared = true;
    },
    async upsert(records, upsertOptions) {
      await store.prepare();
      const started = performance.now();
      const unique = new Map<string, FeedbackRecord>();
      let duplicates = 0;
      for (const record of records) {
        if (unique.has(record.id)) duplicates++;
        else unique.set(record.id, record);
      }
      const ids = [...unique.keys()];
      const hashes = new Map<string, string>();
      for (const [id, record] of unique) hashes.set(id, contentHash(record));
      const { rows: existing } = ids.length
        ? await app.query<{ id: string; content_hash: string }>(
            'SELECT id, content_hash FROM app.feedback_documents WHERE id = ANY($1::text[])',
            [ids],
          )
        : { rows: [] };
      const stored = new Map(existing.map((row) => [row.id, row.content_hash]));
      const toWrite: FeedbackRecord[] = [];
      const changed: string[] = [];
      let unchanged = 0;
      for (const [id, record] of unique) {
        const previous = stored.get(id);
        if (previous === hashes.get(id)) unchanged++;
        else {
          toWrite.push(record);
          if (previous !== undefined) changed.push(id);
        }
      }
      const lookupMs = performance.now() - started;
      const embedStarted = performance.now();
      const displayTexts = toWrite.map((record) => maskPiiInText(record.text));
      const vectors = toWrite.length > 0 ? await embedder.embed(displayTexts) : [];
      const sentiments = sentiment.score(displayTexts, vectors);
      const embedMs = performance.now() - embedStarted;
      const writeStarted = performance.now();
      const rows = toWrite.map((record, index) => [
        record.id,
        hashes.get(record.id)!,
        displayTexts[index]!,
        options.keepOriginalText ? record.text : null,
        record.channel ?? null,
        record.rating ?? null,
        record.createdAt ?? null,
        sentiments[index]!.label,
        sentiments[index]!.score,
        upsertOptions.source,
        record.sourceLine ?? null,
        embedder.id,
        vectors[index]!,
      ]);
      await app.transaction(async (transaction) => {
        if (changed.length > 0) {
          await transaction.query('DELETE FROM app.feedback_documents WHERE id = ANY($1::text[])', [changed]);
        }
        if (rows.length > 0) await writeRows(transaction, rows);
        if (upsertOptions.afterWrite) await upsertOptions.afterWrite(transaction);
      });
      return {
        added: toWrite.length - changed.length,
        updated: changed.length,
        unchanged,
        duplicates,
        embedMs,
        storeMs: lookupMs + (performance.now() - writeStarted),
      };
    },
    async count() {
      const { rows } = await app.query<{ count: number }>(
        'SELECT count(*) AS count FROM app.feedback_documents',
      );
      return Number(rows[0]?.count ?? 0);
    },
    async hasIndex() {
      const { rows } = await app.query<{ present: boolean }>(
        `SELECT to_regclass('app.${FEEDBACK_HNSW_INDEX}') IS NOT NULL AS present`,
      );
      return rows[0]?.present === true;
    },
    async buildIndex(buildOptions = {}) {
      await store.prepare();
      const rows = await store.count();
      if ((await store.hasIndex()) || (rows < HNSW_MINIMUM_ROWS && !buildOptions.force)) {
        return { built: false, durationMs: 0, rows };
      }
      const started = performance.now();
      // The whole graph must fit in maintenance_work_mem, or pgvector falls back to a far slower
      // on-disk build (the 13-minute trial). Vectors plus m·2 neighbour slots of 8 bytes each
      // and tuple overhead, with a third more for headroom, capped where WASM memory ends.
      const perRow = 4 * embedder.dimensions + 16 * hnsw.m + 96;
      const megabytes = Math.min(1536, Math.max(64, Math.ceil((rows * perRow * 1.34) / 2 ** 20)));
      await app.exec(`SET maintenance_work_mem = '${megabytes}MB'`);
      try {
        await app.exec(
          `CREATE INDEX IF NOT EXISTS ${FEEDBACK_HNSW_INDEX} ON app.feedback_documents
           USING hnsw (embedding vector_cosine_ops) WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction})`,
        );
      } finally {
        await app.exec('RESET maintenance_work_mem');
      }
      return { built: true, durationMs: performance.now() - started, rows };
    },
    async dropIndex() {
      await app.exec(`DROP INDEX IF EXISTS app.${FEEDBACK_HNSW_INDEX}`);
    },
  };
  return store;
}

async function writeRows(connection: SqlConnection, rows: readonly (readonly unknown[])[]): Promise<void> {
  const columns = COPY_COLUMNS.map((column) => column.name).join(', ');
  if (connection.copyFrom) {
    const data = encodeBinaryCopy(
      COPY_COLUMNS.map((column) => column.type),
      rows as Parameters<typeof encodeBinaryCopy>[1],
    );
    await connection.copyFrom(
      `COPY app.feedback_documents (${columns}) FROM '/dev/blob' WITH (FORMAT binary)`,
      data,
    );
    return;
  }
  // PostgreSQL over the wire: one multi-row INSERT per 200 rows, vectors in pgvector's text form (the
  // server parses them in its own process, in parallel with this one).
  const width = COPY_COLUMNS.length;
  for (let start = 0; start < rows.length; start += 200) {
    const slice = rows.slice(start, start + 200);
    const params: unknown[] = [];
    const tuples = slice.map((row, rowIndex) => {
      const placeholders = COPY_COLUMNS.map((column, columnIndex) => {
        const value = row[columnIndex];
        params.push(value instanceof Float32Array ? toPgVector(value) : value);
        const cast =
          column.type === 'vector' ? '::vector' : column.type === 'timestamptz' ? '::timestamptz' : '';
        return `$${rowIndex * width + columnIndex + 1}${cast}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await connection.query(
      `INSERT INTO app.feedback_documents (${columns}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}
