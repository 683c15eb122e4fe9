/**
 * Nearest-exemplar votes for the offline router: the labelled questions of `prompts/routing-exemplars.ts`
 * embedded once with the shared {@link Embedder}, and a vote for tool, metric and AML scenario among the
 * exemplars nearest to a question. The router consults it only when its keyword evidence is weak or
 * conflicting (see `offline-router.ts`).
 */
import type { Embedder } from '../../embeddings/index.js';
import type { ExemplarScenario, ExemplarTool, RoutingExemplar } from '../../prompts/routing-exemplars.js';
import type { MetricName } from '../../warehouse/semantic/index.js';
import { bytesToVectors, cacheKey, type RouterCache, vectorsToBytes } from './router-cache.js';

/** One label's share of the vote: the summed similarity of its neighbours over that of all k neighbours. */
export interface LabelVote<Label extends string> {
  readonly label: Label;
  /** In [0, 1]; the votes of one kind add up to 1 (or are empty). */
  readonly share: number;
  /** Cosine similarity of the nearest exemplar with this label. */
  readonly best: number;
}

/** The vote for one question, each list best first. */
export interface ExemplarVotes {
  readonly tools: readonly LabelVote<ExemplarTool>[];
  /** Among exemplars that name a metric (metric_query and metric_forecast). */
  readonly metrics: readonly LabelVote<MetricName>[];
  /** Among anomaly_scan exemplars. */
  readonly scenarios: readonly LabelVote<ExemplarScenario>[];
  /** The single nearest exemplar, for logs and explanations. */
  readonly nearest?: { readonly text: string; readonly tool: ExemplarTool; readonly similarity: number };
}

/** Options of {@link createExemplarIndex}. */
export interface ExemplarIndexOptions {
  /** Neighbours that vote; default {@link DEFAULT_EXEMPLAR_NEIGHBOURS}. */
  readonly neighbours?: number;
  /**
   * Turns a text into what is embedded, applied to exemplars and questions alike (the router strips
   * slot values such as dates and countries so that only the wording of the intent is compared).
   */
  readonly prepare?: (text: string) => string;
  /** Where the exemplar vectors are kept between processes (keyed by the embedder id and the texts). */
  readonly cache?: RouterCache;
}

/** Embedded exemplars that answer nearest-neighbour votes. */
export interface ExemplarIndex {
  /** The embedder's id: votes are only meaningful for vectors of that model. */
  readonly embedderId: string;
  readonly size: number;
  /** Milliseconds spent embedding the exemplars (or reading their cached vectors). */
  readonly buildMs: number;
  /** Embeds the question (after `prepare`) and votes. */
  vote(question: string): Promise<ExemplarVotes>;
  /** Votes for an already embedded question; `exclude` leaves one exemplar out (leave-one-out checks). */
  voteVector(vector: Float32Array, exclude?: number): ExemplarVotes;
  /** The exemplars, in index order. */
  readonly exemplars: readonly RoutingExemplar[];
}

/** Neighbours per vote: small enough that a specific exemplar is not outvoted by a crowd of vague ones. */
export const DEFAULT_EXEMPLAR_NEIGHBOURS = 5;

/**
 * Embeds the exemplars (one batch) and returns the index.
 *
 * @throws RangeError when there are no exemplars or the neighbour count is not a positive integer.
 * @example
 * const index = await createExemplarIndex(embedder, ROUTING_EXEMPLARS);
 * const votes = await index.vote('how many people signed up');
 * votes.metrics[0]?.label; // 'new_users'
 */
export async function createExemplarIndex(
  embedder: Embedder,
  exemplars: readonly RoutingExemplar[],
  options: ExemplarIndexOptions = {},
): Promise<ExemplarIndex> {
  const neighbours = options.neighbours ?? DEFAULT_EXEMPLAR_NEIGHBOURS;
  if (!Number.isInteger(neighbours) || neighbours < 1) {
    throw new RangeError(`neighbours must be a positive integer, got ${neighbours}`);
  }
  if (exemplars.length === 0) throw new RangeError('createExemplarIndex() needs at least one exemplar');
  const prepare = options.prepare ?? ((text: string) => text);
  const started = performance.now();
  const texts = exemplars.map((exemplar) => prepare(exemplar.text));
  const dimensions = embedder.dimensions;
  const key = cacheKey('exemplar-vectors', embedder.id, String(dimensions), ...texts);
  const cached = options.cache?.read(key);
  let vectors = cached ? bytesToVectors(cached, texts.length, dimensions) : undefined;
  if (!vectors) {
    vectors = await embedder.embed(texts);
    options.cache?.write(key, vectorsToBytes(vectors));
  }
  const buildMs = performance.now() - started;
  // One contiguous row-major matrix: the scan over ~400 rows is then a tight loop.
  const matrix = new Float32Array(exemplars.length * dimensions);
  for (const [row, vector] of vectors.entries()) matrix.set(vector.subarray(0, dimensions), row * dimensions);
  const similarities = new Float32Array(exemplars.length);

  const voteVector = (vector: Float32Array, exclude = -1): ExemplarVotes => {
    for (let row = 0; row < exemplars.length; row++) {
      let sum = 0;
      const offset = row * dimensions;
      for (let column = 0; column < dimensions; column++) sum += matrix[offset + column]! * vector[column]!;
      similarities[row] = row === exclude ? Number.NEGATIVE_INFINITY : sum;
    }
    const order = [...similarities.keys()].sort((a, b) => similarities[b]! - similarities[a]!);
    const top = (keep: (exemplar: RoutingExemplar) => boolean) =>
      order.filter((row) => keep(exemplars[row]!) && row !== exclude).slice(0, neighbours);
    const first = order[0] === exclude ? order[1] : order[0];
    const nearest = first === undefined ? undefined : exemplars[first];
    return {
      tools: tally(
        top(() => true),
        (row) => exemplars[row]!.tool,
        similarities,
      ),
      metrics: tally(
        top((exemplar) => exemplar.metric !== undefined),
        (row) => exemplars[row]!.metric!,
        similarities,
      ),
      scenarios: tally(
        top((exemplar) => exemplar.scenario !== undefined),
        (row) => exemplars[row]!.scenario!,
        similarities,
      ),
      ...(nearest && first !== undefined
        ? { nearest: { text: nearest.text, tool: nearest.tool, similarity: similarities[first]! } }
        : {}),
    };
  };

  return {
    embedderId: embedder.id,
    size: exemplars.length,
    buildMs,
    exemplars,
    voteVector,
    async vote(question) {
      const [vector] = await embedder.embed([prepare(question)]);
      return voteVector(vector ?? new Float32Array(dimensions));
    },
  };
}

/** Similarity-weighted shares of each label among the given rows (negative similarities count as 0). */
function tally<Label extends string>(
  rows: readonly number[],
  labelOf: (row: number) => Label,
  similarities: Float32Array,
): LabelVote<Label>[] {
  const mass = new Map<Label, { sum: number; best: number }>();
  let total = 0;
  for (const row of rows) {
    const similarity = similarities[row]!;
    const weight = Math.max(0, similarity);
    total += weight;
    const label = labelOf(row);
    const entry = mass.get(label);
    if (entry) {
      entry.sum += weight;
      entry.best = Math.max(entry.best, similarity);
    } else mass.set(label, { sum: weight, best: similarity });
  }
  return [...mass.entries()]
    .map(([label, { sum, best }]) => ({ label, share: total > 0 ? sum / total : 0, best }))
    .sort((a, b) => b.share - a.share || b.best - a.best);
}
