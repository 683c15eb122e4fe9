/**
 * Topics of customer feedback: spherical k-means over the stored embeddings (k chosen by the
 * simplified silhouette on a sample), labelled by class-based TF-IDF, with representative quotes,
 * sentiment, week-over-week trends and spikes. The fitted model (centroids and labels) is kept in
 * `app.feedback_models` and refitted when the store has grown by a quarter, so topic ids stay stable
 * between questions.
 */
import type { Embedder, SentimentLabel } from '../../embeddings/index.js';
import {
  createLsaEmbedder,
  filterClause,
  fromPgVector,
  LEXICAL_MODEL_NAME,
  loadLsaModel,
} from '../../embeddings/index.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { chooseClusterCount, nearestCentroid, sphericalKMeans } from './clustering.js';
import { classKeywords, topicName } from './keywords.js';
import {
  compareWindows,
  DEFAULT_SPIKE_RULE,
  isSpike,
  type SpikeRule,
  type WindowComparison,
} from './trends.js';

const DAY_MS = 86_400_000;

/** A fitted topic model. */
export interface TopicModel {
  readonly embedderId: string;
  /** The corpus LSA model whose vectors are concatenated with the embedder's, or null. */
  readonly lexicalId: string | null;
  readonly k: number;
  readonly centroids: Float32Array[];
  readonly names: string[];
  readonly keywords: { term: string; weight: number }[][];
  readonly documentCount: number;
  /** Silhouette of each k tried, for reports. */
  readonly silhouettes: { k: number; silhouette: number }[];
}

/** A stored feedback message with its vector, as topics read it. */
export interface FeedbackDocument {
  readonly id: string;
  readonly text: string;
  readonly channel: string | null;
  readonly rating: number | null;
  readonly createdAt: Date | null;
  readonly sentiment: SentimentLabel;
  readonly sentimentScore: number;
  readonly vector: Float32Array;
}

/** Name of the topic model in `app.feedback_models`. */
export const TOPIC_MODEL_NAME = 'topics';

/**
 * Vectors topics are computed on: the embedder's, concatenated with the corpus LSA model's when one is
 * stored (each half weighted by √0.5, so cosine is the mean of the two cosines — the same fusion that
 * re-ranks search results).
 */
export async function topicSpace(
  app: SqlConnection,
  embedderId: string,
): Promise<{
  lexicalId: string | null;
  project: (documents: readonly { text: string; vector: Float32Array }[]) => Promise<Float32Array[]>;
}> {
  const model = embedderId.startsWith('lsa:') ? undefined : await loadLsaModel(app, LEXICAL_MODEL_NAME);
  if (!model)
    return { lexicalId: null, project: async (documents) => documents.map((document) => document.vector) };
  const lexical = createLsaEmbedder(model);
  return {
    lexicalId: lexical.id,
    project: async (documents) => {
      const lexicalVectors = await lexical.embed(documents.map((document) => document.text));
      return documents.map((document, index) => concatenate(document.vector, lexicalVectors[index]!));
    },
  };
}

function concatenate(a: Float32Array, b: Float32Array): Float32Array {
  const joined = new Float32Array(a.length + b.length);
  const scale = Math.SQRT1_2;
  const bNorm = norm(b);
  for (let index = 0; index < a.length; index++) joined[index] = a[index]! * scale;
  // An all-zero lexical vector (no known word) leaves the dense half alone, rescaled to unit length.
  if (bNorm === 0) {
    for (let index = 0; index < a.length; index++) joined[index] = a[index]!;
    return joined;
  }
  for (let index = 0; index < b.length; index++) joined[a.length + index] = b[index]! * scale;
  return joined;
}

function norm(vector: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  return Math.sqrt(sum);
}

/** Reads stored documents (with vectors) matching the filters, oldest first. */
export async function loadFeedbackDocuments(
  app: SqlConnection,
  filters: { start?: Date; end?: Date; channel?: string } = {},
  limit = 50_000,
): Promise<FeedbackDocument[]> {
  const where = filterClause(filters, 0);
  const { rows } = await app.query<{
    id: string;
    text: string;
    channel: string | null;
    rating: number | null;
    created_at: string | null;
    sentiment: SentimentLabel;
    sentiment_score: number;
    embedding: string;
  }>(
    `SELECT id, text, channel, rating, created_at, sentiment, sentiment_score, embedding::text AS embedding
     FROM app.feedback_documents WHERE ${where.sql} ORDER BY created_at DESC NULLS LAST, id LIMIT ${Math.floor(limit)}`,
    where.params,
  );
  return rows.reverse().map((row) => ({
    id: row.id,
    text: row.text,
    channel: row.channel,
    rating: row.rating === null ? null : Number(row.rating),
    createdAt: row.created_at ? new Date(row.created_at) : null,
    sentiment: row.sentiment,
    sentimentScore: Number(row.sentiment_score),
    vector: fromPgVector(row.embedding),
  }));
}

/** Options of {@link fitTopicModel}. */
export interface FitTopicOptions {
  readonly seed?: number;
  /** Fix k instead of choosing it (benchmarks, tests). */
  readonly k?: number;
  /** Documents to fit on at most (the most recent); default 20,000. */
  readonly maxDocuments?: number;
}

/** Fits topics on the stored feedback and saves the model. */
export async function fitTopicModel(
  app: SqlConnection,
  embedderId: string,
  options: FitTopicOptions = {},
): Promise<TopicModel> {
  const documents = await loadFeedbackDocuments(app, {}, options.maxDocuments ?? 20_000);
  const space = await topicSpace(app, embedderId);
  const vectors = await space.project(documents);
  const model = fitTopicsOnVectors(
    vectors,
    documents.map((document) => document.text),
    { ...options, embedderId, lexicalId: space.lexicalId },
  );
  await app.query(
    `INSERT INTO app.feedback_models (name, kind, model_id, payload, created_at) VALUES ($1, 'kmeans', $2, $3::jsonb, now())
     ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, model_id = EXCLUDED.model_id, payload = EXCLUDED.payload,
       created_at = EXCLUDED.created_at`,
    [
      TOPIC_MODEL_NAME,
      embedderId,
      JSON.stringify({ ...model, centroids: model.centroids.map((centroid) => Array.from(centroid)) }),
    ],
  );
  return model;
}

/** Fits topics on given vectors and texts (no database): k-means, c-TF-IDF keywords and names. */
export function fitTopicsOnVectors(
  vectors: readonly Float32Array[],
  texts: readonly string[],
  options: FitTopicOptions & { embedderId: string; lexicalId: string | null },
): TopicModel & { assignments: Int32Array } {
  const seed = options.seed ?? 42;
  const chosen =
    options.k !== undefined ? { k: options.k, scores: [] } : chooseClusterCount(vectors, { seed });
  const clustering = sphericalKMeans(vectors, chosen.k, { seed });
  const groups: string[][] = clustering.centroids.map(() => []);
  clustering.assignments.forEach((cluster, row) => {
    groups[cluster]!.push(texts[row]!);
  });
  const keywords = classKeywords(groups, 6);
  return {
    embedderId: options.embedderId,
    lexicalId: options.lexicalId,
    k: clustering.k,
    centroids: clustering.centroids,
    names: keywords.map((terms) => topicName(terms)),
    keywords,
    documentCount: vectors.length,
    silhouettes: chosen.scores,
    assignments: clustering.assignments,
  };
}

/** The stored topic model when it matches the embedder and the store has not grown by a quarter since. */
export async function loadTopicModel(
  app: SqlConnection,
  embedderId: string,
): Promise<TopicModel | undefined> {
  const { rows } = await app.query<{ payload: unknown }>(
    'SELECT payload FROM app.feedback_models WHERE name = $1 AND model_id = $2',
    [TOPIC_MODEL_NAME, embedderId],
  );
  const payload = rows[0]?.payload;
  if (payload === undefined) return undefined;
  const parsed = (typeof payload === 'string' ? JSON.parse(payload) : payload) as Omit<
    TopicModel,
    'centroids'
  > & {
    centroids: number[][];
  };
  return { ...parsed, centroids: parsed.centroids.map((centroid) => Float32Array.from(centroid)) };
}

/** The stored topic model, refitted first when missing or stale. */
export async function ensureTopicModel(app: SqlConnection, embedderId: string): Promise<TopicModel> {
  const stored = await loadTopicModel(app, embedderId);
  const { rows } = await app.query<{ count: number }>('SELECT count(*) AS count FROM app.feedback_documents');
  const count = Number(rows[0]?.count ?? 0);
  const lexical = embedderId.startsWith('lsa:') ? undefined : await loadLsaModel(app, LEXICAL_MODEL_NAME);
  const lexicalId = lexical ? createLsaEmbedder(lexical).id : null;
  if (
    stored &&
    stored.lexicalId === lexicalId &&
    count <= Math.max(stored.documentCount * 1.25, stored.documentCount + 50) &&
    count >= stored.documentCount * 0.8
  ) {
    return stored;
  }
  return fitTopicModel(app, embedderId);
}

/** A quote: a message close to its topic's centroid. */
export interface TopicQuote {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string | null;
  readonly channel: string | null;
}

/** One topic over a period. */
export interface TopicSummary {
  readonly topicId: number;
  readonly name: string;
  readonly keywords: readonly string[];
  /** Messages in the period. */
  readonly size: number;
  readonly share: number;
  readonly sentiment: {
    readonly meanScore: number;
    readonly negativeShare: number;
    readonly positiveShare: number;
  };
  readonly averageRating: number | null;
  /** Last 7 days of the period against the 7 before. */
  readonly trend: WindowComparison;
  /** Last `recentDays` of the period against the `baselineDays` before. */
  readonly spike: WindowComparison & { readonly emerging: boolean };
  readonly quotes: readonly TopicQuote[];
}

/** Options of {@link summarizeTopics}. */
export interface SummarizeTopicsOptions {
  readonly start: Date;
  readonly end: Date;
  readonly channel?: string;
  /** Keep the topics closest to this text (embedded with `embedder`). */
  readonly topic?: string;
  readonly embedder?: Embedder;
  readonly spikeRule?: SpikeRule;
  /** Quotes per topic; default 3. */
  readonly quotes?: number;
}

/** Topics over a period, largest first, and the emerging ones. */
export interface TopicsReport {
  readonly model: { readonly k: number; readonly documentCount: number };
  readonly total: number;
  readonly topics: TopicSummary[];
  readonly emerging: TopicSummary[];
  /** The topics kept for `topic` (empty when none was asked). */
  readonly matchedTopics: readonly number[];
}

/** Summarises topics of stored feedback in `[start, end)`, optionally for one channel and one topic. */
export async function summarizeTopics(
  app: SqlConnection,
  model: TopicModel,
  options: SummarizeTopicsOptions,
): Promise<TopicsReport> {
  const rule = options.spikeRule ?? DEFAULT_SPIKE_RULE;
  const endMs = options.end.getTime();
  const earliest = Math.min(
    options.start.getTime(),
    endMs - 14 * DAY_MS,
    endMs - (rule.recentDays + rule.baselineDays) * DAY_MS,
  );
  const documents = await loadFeedbackDocuments(app, {
    start: new Date(earliest),
    end: options.end,
    ...(options.channel ? { channel: options.channel } : {}),
  });
  const space = await topicSpace(app, model.embedderId);
  const vectors = await space.project(documents);
  const assignments = vectors.map((vector) => nearestCentroid(vector, model.centroids));

  let matched: number[] = [];
  if (options.topic && options.embedder) {
    const [topicVector] = await space.project([
      { text: options.topic, vector: (await options.embedder.embed([options.topic]))[0]! },
    ]);
    const similarities = model.centroids.map((centroid, index) => ({
      index,
      similarity: dot(topicVector!, centroid),
    }));
    similarities.sort((a, b) => b.similarity - a.similarity);
    const best = similarities[0]?.similarity ?? 0;
    matched = similarities
      .filter((entry, position) => position < 3 && entry.similarity >= best - 0.05)
      .map((entry) => entry.index);
  }

  const inWindow = (index: number, from: number, to: number): boolean => {
    const time = documents[index]!.createdAt?.getTime();
    return time !== undefined && time >= from && time < to;
  };
  const windowCounts = (from: number, to: number): Int32Array => {
    const counts = new Int32Array(model.k);
    documents.forEach((_document, index) => {
      if (inWindow(index, from, to)) counts[assignments[index]!.index]!++;
    });
    return counts;
  };
  const sum = (counts: Int32Array): number => counts.reduce((total, count) => total + count, 0);
  const trendCurrent = windowCounts(endMs - 7 * DAY_MS, endMs);
  const trendPrevious = windowCounts(endMs - 14 * DAY_MS, endMs - 7 * DAY_MS);
  const recentStart = endMs - rule.recentDays * DAY_MS;
  const spikeRecent = windowCounts(recentStart, endMs);
  const spikeBaseline = windowCounts(recentStart - rule.baselineDays * DAY_MS, recentStart);

  const startMs = options.start.getTime();
  const inRange = documents.map(
    (_document, index) => inWindow(index, startMs, endMs) || documents[index]!.createdAt === null,
  );
  const total = inRange.filter(Boolean).length;
  const topics: TopicSummary[] = [];
  for (let topic = 0; topic < model.k; topic++) {
    const members = documents
      .map((_document, index) => index)
      .filter((index) => inRange[index] && assignments[index]!.index === topic);
    if (members.length === 0) continue;
    const ratings = members
      .map((index) => documents[index]!.rating)
      .filter((rating): rating is number => rating !== null);
    const trend = compareWindows({
      current: trendCurrent[topic]!,
      previous: trendPrevious[topic]!,
      otherCurrent: sum(trendCurrent) - trendCurrent[topic]!,
      otherPrevious: sum(trendPrevious) - trendPrevious[topic]!,
    });
    const spike = compareWindows({
      current: spikeRecent[topic]!,
      previous: spikeBaseline[topic]!,
      otherCurrent: sum(spikeRecent) - spikeRecent[topic]!,
      otherPrevious: sum(spikeBaseline) - spikeBaseline[topic]!,
    });
    topics.push({
      topicId: topic,
      name: model.names[topic] ?? `topic ${topic + 1}`,
      keywords: (model.keywords[topic] ?? []).map((keyword) => keyword.term),
      size: members.length,
      share: total > 0 ? members.length / total : 0,
      sentiment: {
        meanScore: mean(members.map((index) => documents[index]!.sentimentScore)),
        negativeShare:
          members.filter((index) => documents[index]!.sentiment === 'negative').length / members.length,
        positiveShare:
          members.filter((index) => documents[index]!.sentiment === 'positive').length / members.length,
      },
      averageRating: ratings.length > 0 ? mean(ratings) : null,
      trend,
      spike: { ...spike, emerging: isSpike(spike, rule) },
      quotes: pickQuotes(members, documents, assignments, options.quotes ?? 3),
    });
  }
  topics.sort((a, b) => b.size - a.size || a.topicId - b.topicId);
  const kept = matched.length > 0 ? topics.filter((topic) => matched.includes(topic.topicId)) : topics;
  return {
    model: { k: model.k, documentCount: model.documentCount },
    total: matched.length > 0 ? kept.reduce((count, topic) => count + topic.size, 0) : total,
    topics: kept,
    emerging: kept
      .filter((topic) => topic.spike.emerging)
      .sort((a, b) => a.spike.pValueIncrease - b.spike.pValueIncrease || b.spike.ratio - a.spike.ratio),
    matchedTopics: matched,
  };
}

/** The members closest to the centroid, skipping texts that repeat one already picked. */
function pickQuotes(
  members: readonly number[],
  documents: readonly FeedbackDocument[],
  assignments: readonly { similarity: number }[],
  count: number,
): TopicQuote[] {
  const ordered = [...members].sort((a, b) => assignments[b]!.similarity - assignments[a]!.similarity);
  const seen = new Set<string>();
  const quotes: TopicQuote[] = [];
  for (const index of ordered) {
    if (quotes.length >= count) break;
    const document = documents[index]!;
    const key = document.text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    if (seen.has(key)) continue;
    seen.add(key);
    quotes.push({
      id: document.id,
      text: document.text,
      createdAt: document.createdAt ? document.createdAt.toISOString() : null,
      channel: document.channel,
    });
  }
  return quotes;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((total, value) => total + value, 0) / values.length;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < Math.min(a.length, b.length); index++) sum += a[index]! * b[index]!;
  return sum;
}
