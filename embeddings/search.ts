/**
 * Hybrid search over the feedback store, in the steps a search engine takes beyond one vector
 * (each one measured on Banking77 by `npm run bench -- feedback`, figures in models/feedback/README.md):
 *
 * 1. candidates from two retrievers: the HNSW index (cosine on the model's vectors) and PostgreSQL
 *    full-text search (any of the query's words, ranked by `ts_rank_cd`);
 * 2. fusion of the two rankings by reciprocal rank fusion (`mode: 'rrf'`);
 * 3. re-ranking of the candidate pool by a second, corpus-fitted representation: an LSA model fitted
 *    on the stored feedback itself (`feedback-lexical` in `app.embedding_models`), whose cosine is
 *    averaged with the model's (`mode: 'rerank'`);
 * 4. pseudo-relevance feedback (Rocchio): the query moves toward the centroid of its best candidates
 *    in both spaces, the index is asked again with the moved query, and the pool is scored once more
 *    (`mode: 'hybrid'`, the default).
 *
 * Filters (time range, channel, sentiment, rating) apply inside both retrievers; filtered HNSW scans
 * use pgvector's iterative scan so a selective filter still fills the pool.
 */
import { NotAvailableError } from '../core/errors.js';
import type { SqlConnection } from '../warehouse/connection.js';
import type { Embedder } from './embedder.js';
import { createLsaEmbedder, fitLsaModel } from './lsa-embedder.js';
import { loadLsaModel, saveLsaModel } from './lsa-store.js';
import { DEFAULT_HNSW_SETTINGS, type SentimentLabel } from './store.js';
import { tokenizeWords } from './text-features.js';
import { fromPgVector, normalizeInPlace, toPgVector } from './vector-math.js';

/** Where to look. Times are half-open `[start, end)`, UTC. */
export interface FeedbackFilters {
  readonly start?: Date;
  readonly end?: Date;
  readonly channel?: string;
  readonly sentiment?: SentimentLabel;
  readonly minRating?: number;
  readonly maxRating?: number;
}

/** Which steps run; each adds to the previous one. */
export type SearchMode = 'vector' | 'text' | 'rrf' | 'rerank' | 'hybrid';

/** One search result. */
export interface FeedbackHit {
  /** The id the message was ingested under. */
  readonly id: string;
  /** Display text (PII masked). */
  readonly text: string;
  /** Higher is better; the final step's score (cosine-like for vector modes, RRF or ts_rank otherwise). */
  readonly score: number;
  readonly channel: string | null;
  readonly rating: number | null;
  /** ISO timestamp. */
  readonly createdAt: string | null;
  readonly sentiment: SentimentLabel;
  readonly sentimentScore: number;
}

/** A statement the searcher ran, for the tool's `sql` trail. */
export interface SearchStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly rowCount: number;
  readonly durationMs: number;
}

/** Options of one search. */
export interface SearchOptions {
  /** Results wanted; default 10. */
  readonly k?: number;
  readonly filters?: FeedbackFilters;
  /** Default `hybrid`. */
  readonly mode?: SearchMode;
}

/** Options of {@link createFeedbackSearcher}. */
export interface FeedbackSearcherOptions {
  /** The model the stored vectors were made with. */
  readonly embedder: Embedder;
  /**
   * The corpus-fitted second representation for re-ranking; default: the `feedback-lexical` LSA model
   * stored in the app database, if any (none when the main embedder is itself LSA).
   */
  readonly lexical?: Embedder | null;
  /** Candidates taken from each retriever; default 100. */
  readonly poolSize?: number;
  /** `hnsw.ef_search`; default {@link DEFAULT_HNSW_SETTINGS}.efSearch. */
  readonly efSearch?: number;
  /** Weight of the model's cosine against the lexical one in re-ranking; default 0.5. */
  readonly denseWeight?: number;
  /** Pseudo-relevance feedback: candidates averaged and the weight of their centroid; defaults 10 and 1. */
  readonly feedbackDocuments?: number;
  readonly feedbackWeight?: number;
}

/** Searches the feedback store. */
export interface FeedbackSearcher {
  search(
    query: string,
    options?: SearchOptions,
  ): Promise<{ hits: FeedbackHit[]; statements: SearchStatement[] }>;
}

/** Name of the corpus-fitted LSA model used for re-ranking. */
export const LEXICAL_MODEL_NAME = 'feedback-lexical';

const RRF_K = 60;

interface Candidate {
  readonly id: string;
  denseRank?: number;
  textRank?: number;
  textScore?: number;
  dense?: Float32Array;
  lexical?: Float32Array;
  row?: DocumentRow;
}

interface DocumentRow {
  id: string;
  text: string;
  channel: string | null;
  rating: number | null;
  created_at: string | null;
  sentiment: SentimentLabel;
  sentiment_score: number;
  embedding: string;
}

/**
 * Creates a searcher over `app.feedback_documents`.
 *
 * @example
 * const searcher = await createFeedbackSearcher(stores.app, { embedder });
 * const { hits } = await searcher.search('card still not delivered', { k: 10, filters: { channel: 'email' } });
 */
export async function createFeedbackSearcher(
  app: SqlConnection,
  options: FeedbackSearcherOptions,
): Promise<FeedbackSearcher> {
  const embedder = options.embedder;
  const poolSize = options.poolSize ?? 100;
  const efSearch = Math.max(options.efSearch ?? DEFAULT_HNSW_SETTINGS.efSearch, poolSize);
  const denseWeight = options.denseWeight ?? 0.5;
  const feedbackDocuments = options.feedbackDocuments ?? 10;
  const feedbackWeight = options.feedbackWeight ?? 1;
  let lexical: Embedder | null = options.lexical === undefined ? null : options.lexical;
  if (options.lexical === undefined && !embedder.id.startsWith('lsa:')) {
    const model = await loadLsaModel(app, LEXICAL_MODEL_NAME);
    lexical = model ? createLsaEmbedder(model) : null;
  }

  return {
    async search(query, searchOptions = {}) {
      const k = searchOptions.k ?? 10;
      const mode = searchOptions.mode ?? 'hybrid';
      const filters = searchOptions.filters ?? {};
      const statements: SearchStatement[] = [];
      const pool = new Map<string, Candidate>();
      const take = (id: string): Candidate => {
        let candidate = pool.get(id);
        if (!candidate) {
          candidate = { id };
          pool.set(id, candidate);
        }
        return candidate;
      };

      let queryVector: Float32Array | undefined;
      if (mode !== 'text') {
        [queryVector] = await embedder.embed([query]);
        const dense = await denseCandidates(
          app,
          queryVector!,
          filters,
          mode === 'vector' ? k : poolSize,
          efSearch,
          statements,
        );
        dense.forEach((id, rank) => {
          take(id).denseRank = rank;
        });
      }
      if (mode !== 'vector') {
        const text = await textCandidates(app, query, filters, mode === 'text' ? k : poolSize, statements);
        text.forEach(({ id, score }, rank) => {
          const candidate = take(id);
          candidate.textRank = rank;
          candidate.textScore = score;
        });
      }
      await fetchRows(app, [...pool.values()], statements);

      let ranked: { candidate: Candidate; score: number }[];
      if (mode === 'vector' || mode === 'text') {
        ranked = [...pool.values()].map((candidate) => ({
          candidate,
          score: mode === 'vector' ? cosine(queryVector!, candidate.dense!) : (candidate.textScore ?? 0),
        }));
      } else if (mode === 'rrf') {
        ranked = [...pool.values()].map((candidate) => ({ candidate, score: rrfScore(candidate) }));
      } else {
        const queryLexical = lexical ? (await lexical.embed([query]))[0]! : undefined;
        if (lexical) {
          const missing = [...pool.values()].filter((candidate) => !candidate.lexical);
          const vectors = await lexical.embed(missing.map((candidate) => candidate.row!.text));
          missing.forEach((candidate, index) => {
            candidate.lexical = vectors[index]!;
          });
        }
        const fused = (
          dense: Float32Array,
          lexicalQuery: Float32Array | undefined,
          candidate: Candidate,
        ): number =>
          lexicalQuery && candidate.lexical
            ? denseWeight * cosine(dense, candidate.dense!) +
              (1 - denseWeight) * cosine(lexicalQuery, candidate.lexical)
            : cosine(dense, candidate.dense!);
        ranked = [...pool.values()].map((candidate) => ({
          candidate,
          score: fused(queryVector!, queryLexical, candidate),
        }));
        if (mode === 'hybrid' && ranked.length > 0) {
          ranked.sort(byScore);
          const top = ranked.slice(0, feedbackDocuments).map((entry) => entry.candidate);
          const movedDense = rocchio(
            queryVector!,
            top.map((candidate) => candidate.dense!),
            feedbackWeight,
          );
          const movedLexical =
            queryLexical && lexical
              ? rocchio(
                  queryLexical,
                  top.map((candidate) => candidate.lexical!),
                  feedbackWeight,
                )
              : undefined;
          // Ask the index again with the moved query: it reaches neighbours the first query missed.
          const again = await denseCandidates(app, movedDense, filters, poolSize, efSearch, statements);
          const added = again.filter((id) => !pool.has(id)).map((id) => take(id));
          if (added.length > 0) {
            await fetchRows(app, added, statements);
            if (lexical) {
              const vectors = await lexical.embed(added.map((candidate) => candidate.row!.text));
              added.forEach((candidate, index) => {
                candidate.lexical = vectors[index]!;
              });
            }
          }
          ranked = [...pool.values()].map((candidate) => ({
            candidate,
            score: fused(movedDense, movedLexical, candidate),
          }));
        }
      }
      ranked.sort(byScore);
      const hits = ranked.slice(0, k).map(({ candidate, score }) => toHit(candidate.row!, score));
      return { hits, statements };
    },
  };
}

function byScore(
  a: { candidate: Candidate; score: number },
  b: { candidate: Candidate; score: number },
): number {
  return (
    b.score - a.score || (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0)
  );
}

function rrfScore(candidate: Candidate): number {
  let score = 0;
  if (candidate.denseRank !== undefined) score += 1 / (RRF_K + candidate.denseRank + 1);
  if (candidate.textRank !== undefined) score += 1 / (RRF_K + candidate.textRank + 1);
  return score;
}

/** q + weight · unit(centroid of the feedback vectors), at unit length. */
function rocchio(query: Float32Array, documents: readonly Float32Array[], weight: number): Float32Array {
  const centroid = new Float32Array(query.length);
  for (const vector of documents)
    for (let index = 0; index < vector.length; index++) centroid[index]! += vector[index]!;
  normalizeInPlace(centroid);
  const moved = new Float32Array(query.length);
  for (let index = 0; index < query.length; index++) moved[index] = query[index]! + weight * centroid[index]!;
  return normalizeInPlace(moved);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

function toHit(row: DocumentRow, score: number): FeedbackHit {
  return {
    id: row.id,
    text: row.text,
    score,
    channel: row.channel,
    rating: row.rating === null ? null : Number(row.rating),
    createdAt: row.created_at,
    sentiment: row.sentiment,
    sentimentScore: Number(row.sentiment_score),
  };
}

/** SQL conditions for the filters, numbering parameters after `offset`. */
export function filterClause(filters: FeedbackFilters, offset: number): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown): void => {
    params.push(value);
    conditions.push(condition.replace('?', `$${offset + params.length}`));
  };
  if (filters.start) add('created_at >= ?', filters.start.toISOString());
  if (filters.end) add('created_at < ?', filters.end.toISOString());
  if (filters.channel) add('channel = ?', filters.channel);
  if (filters.sentiment) add('sentiment = ?', filters.sentiment);
  if (filters.minRating !== undefined) add('rating >= ?', filters.minRating);
  if (filters.maxRating !== undefined) add('rating <= ?', filters.maxRating);
  return { sql: conditions.length ? conditions.join(' AND ') : 'true', params };
}

async function timed<Row>(
  connection: SqlConnection,
  sql: string,
  params: readonly unknown[],
  statements: SearchStatement[],
): Promise<Row[]> {
  const started = performance.now();
  const { rows } = await connection.query<Row>(sql, params);
  statements.push({ sql, params, rowCount: rows.length, durationMs: performance.now() - started });
  return rows;
}

async function denseCandidates(
  app: SqlConnection,
  vector: Float32Array,
  filters: FeedbackFilters,
  limit: number,
  efSearch: number,
  statements: SearchStatement[],
): Promise<string[]> {
  const where = filterClause(filters, 1);
  const filtered = where.params.length > 0;
  const sql = `SELECT id FROM app.feedback_documents WHERE ${where.sql}
    ORDER BY embedding <=> $1::vector LIMIT ${Math.max(1, Math.floor(limit))}`;
  return app.transaction(async (transaction) => {
    // SET LOCAL keeps the settings to this statement's transaction on a pooled PostgreSQL too.
    await transaction.exec(
      `SET LOCAL hnsw.ef_search = ${Math.min(1000, efSearch)};${filtered ? ' SET LOCAL hnsw.iterative_scan = relaxed_order;' : ''}`,
    );
    const rows = await timed<{ id: string }>(
      transaction,
      sql,
      [toPgVector(vector), ...where.params],
      statements,
    );
    return rows.map((row) => row.id);
  });
}

/** The query's words as an OR query (`card | arriv`); lexemes are made by PostgreSQL's English config. */
export function textQueryTerms(query: string): string {
  const words = [...new Set(tokenizeWords(query))].filter((word) => /^[\p{L}\p{N}]+$/u.test(word));
  return words.join(' | ');
}

async function textCandidates(
  app: SqlConnection,
  query: string,
  filters: FeedbackFilters,
  limit: number,
  statements: SearchStatement[],
): Promise<{ id: string; score: number }[]> {
  const terms = textQueryTerms(query);
  if (terms === '') return [];
  const where = filterClause(filters, 1);
  const sql = `SELECT id, ts_rank_cd(tsv, query) AS score
    FROM app.feedback_documents, to_tsquery('english', $1) AS query
    WHERE tsv @@ query AND ${where.sql}
    ORDER BY score DESC, id LIMIT ${Math.max(1, Math.floor(limit))}`;
  const rows = await timed<{ id: string; score: number }>(app, sql, [terms, ...where.params], statements);
  return rows.map((row) => ({ id: row.id, score: Number(row.score) }));
}

async function fetchRows(
  app: SqlConnection,
  candidates: readonly Candidate[],
  statements: SearchStatement[],
): Promise<void> {
  const missing = candidates.filter((candidate) => !candidate.row);
  if (missing.length === 0) return;
  const rows = await timed<DocumentRow>(
    app,
    `SELECT id, text, channel, rating, created_at, sentiment, sentiment_score, embedding::text AS embedding
     FROM app.feedback_documents WHERE id = ANY($1::text[])`,
    [missing.map((candidate) => candidate.id)],
    statements,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const candidate of missing) {
    const row = byId.get(candidate.id);
    if (!row) continue;
    candidate.row = row;
    candidate.dense = fromPgVector(row.embedding);
  }
}

/** Options of {@link refreshLexicalModel}. */
export interface LexicalModelOptions {
  /** Refit when the store has grown by this factor since the last fit; default 1.25. */
  readonly growth?: number;
  /** At most this many texts (the most recent) are fitted on; default 20,000. */
  readonly maxTexts?: number;
  /** Refit even when the stored model is recent enough. */
  readonly force?: boolean;
}

/**
 * Fits (or refits) the corpus LSA model used for re-ranking on the stored feedback texts, when there is
 * none or the store has grown since. Skipped when the main embedder is itself LSA (the second
 * representation would be the same). Returns whether it fitted and how long it took.
 */
export async function refreshLexicalModel(
  app: SqlConnection,
  embedder: Embedder,
  options: LexicalModelOptions = {},
): Promise<{ fitted: boolean; durationMs: number; texts: number }> {
  if (embedder.id.startsWith('lsa:')) return { fitted: false, durationMs: 0, texts: 0 };
  const { rows: counted } = await app.query<{ count: number }>(
    'SELECT count(*) AS count FROM app.feedback_documents',
  );
  const count = Number(counted[0]?.count ?? 0);
  if (count < 50) return { fitted: false, durationMs: 0, texts: 0 };
  const { rows: models } = await app.query<{ document_count: number }>(
    'SELECT document_count FROM app.embedding_models WHERE name = $1',
    [LEXICAL_MODEL_NAME],
  );
  const previous = models[0] ? Number(models[0].document_count) : 0;
  const maxTexts = options.maxTexts ?? 20_000;
  if (!options.force && previous > 0 && count < Math.min(maxTexts, previous) * (options.growth ?? 1.25)) {
    return { fitted: false, durationMs: 0, texts: previous };
  }
  const started = performance.now();
  const { rows } = await app.query<{ text: string }>(
    'SELECT text FROM app.feedback_documents ORDER BY created_at DESC NULLS LAST, id LIMIT $1',
    [maxTexts],
  );
  const model = fitLsaModel(
    rows.map((row) => row.text),
    { seed: 42 },
  );
  await saveLsaModel(app, LEXICAL_MODEL_NAME, model);
  return { fitted: true, durationMs: performance.now() - started, texts: rows.length };
}

/** Thrown by the tools when nothing has been ingested yet. */
export function nothingIngestedError(): NotAvailableError {
  return new NotAvailableError(
    'Feedback search',
    "no feedback has been ingested; run 'analyst feedback ingest FILE' or 'analyst demo generate' first",
  );
}
