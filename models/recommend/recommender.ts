/**
 * The contract every recommender implements, and the helpers they share. Models work on indexes
 * (rows and columns of an {@link InteractionMatrix}); ids are mapped at the edges.
 */
import type { InteractionMatrix } from './interactions.js';
import type { CsrMatrix } from './sparse.js';
import { type ScoredIndex, topK } from './top-k.js';

/** The models we ship. */
export type ModelName = 'popularity' | 'item-knn' | 'als' | 'ease';

/** All model names, in the order benchmarks print them. */
export const MODEL_NAMES: readonly ModelName[] = ['popularity', 'item-knn', 'als', 'ease'];

/** How a model turns summed interaction values into training values. */
export type ValueTransform = 'binary' | 'raw' | 'log';

/** A user's history outside the training matrix (fold-in at serving time): item indexes and values. */
export interface History {
  readonly items: Int32Array;
  readonly values: Float32Array;
}

/** Which items `recommend` must skip: the user's training items ('seen'), none, or a predicate. */
export type Exclusion = 'seen' | 'none' | ((itemIndex: number) => boolean);

/** A trained (or trainable) top-k recommender. */
export interface Recommender {
  readonly name: ModelName;
  /** Hyper-parameters, for reports and `app.recommendation_runs`. */
  readonly parameters: Readonly<Record<string, number | string>>;
  /** Trains on the matrix; calling it again retrains from scratch (same seed → same model). */
  fit(data: InteractionMatrix): void;
  /** Scores of every item for a training user (higher is better). */
  scoreUser(userIndex: number): Float32Array;
  /** Scores of every item for a history that was not in training (new users, fresh events). */
  scoreHistory(history: History): Float32Array;
  /** The top `k` items for a training user, skipping excluded ones (default: items seen in training). */
  recommend(userIndex: number, k: number, exclude?: Exclusion): ScoredIndex[];
  /** The `k` items most similar to an item (never the item itself). */
  similarItems(itemIndex: number, k: number): ScoredIndex[];
  /**
   * How much each history item adds to `itemIndex`'s score, largest first (positive only): the words
   * behind "because you traded ARB and OP". Popularity has no such reason and returns [].
   */
  contributions(history: History, itemIndex: number): ScoredIndex[];
}

/** Applies a {@link ValueTransform} to one value. */
export function transformValue(value: number, transform: ValueTransform): number {
  if (transform === 'binary') return value > 0 ? 1 : 0;
  if (transform === 'log') return Math.log1p(Math.max(0, value));
  return value;
}

/** Applies a {@link ValueTransform} to a whole matrix (a copy; the input is left alone). */
export function transformMatrix(matrix: CsrMatrix, transform: ValueTransform): CsrMatrix {
  if (transform === 'raw') return matrix;
  const values = new Float32Array(matrix.values.length);
  for (let n = 0; n < values.length; n++) values[n] = transformValue(matrix.values[n]!, transform);
  return { ...matrix, values };
}

/** A history with its values passed through a {@link ValueTransform}, as the model saw them in training. */
export function transformHistory(history: History, transform: ValueTransform): History {
  if (transform === 'raw') return history;
  const values = new Float32Array(history.values.length);
  for (let n = 0; n < values.length; n++) values[n] = transformValue(history.values[n]!, transform);
  return { items: history.items, values };
}

/** The row of a training user as a {@link History}. */
export function historyOf(matrix: CsrMatrix, userIndex: number): History {
  const start = matrix.indptr[userIndex]!;
  const end = matrix.indptr[userIndex + 1]!;
  return { items: matrix.indices.subarray(start, end), values: matrix.values.subarray(start, end) };
}

/** Top-k for a user with the shared exclusion rules; models call this from `recommend`. */
export function recommendFromScores(
  scores: Float32Array,
  seen: History,
  k: number,
  exclude: Exclusion = 'seen',
): ScoredIndex[] {
  if (exclude === 'none') return topK(scores, k);
  if (exclude === 'seen') {
    const blocked = new Uint8Array(scores.length);
    for (const item of seen.items) blocked[item] = 1;
    return topK(scores, k, (index) => blocked[index] === 1);
  }
  return topK(scores, k, exclude);
}

/** Throws a RangeError naming the model when a user or item index is out of range, or it is not trained. */
export function checkIndex(model: ModelName, kind: 'user' | 'item', index: number, size: number): void {
  if (size === 0) throw new RangeError(`${model}: call fit() before using the model`);
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`${model}: ${kind} index ${index} is outside 0..${size - 1}`);
  }
}

/** Throws a RangeError naming the model when it has not been trained yet. */
export function checkFitted(model: ModelName, fitted: boolean): void {
  if (!fitted) throw new RangeError(`${model}: call fit() before using the model`);
}

/**
 * Contributions for item-item models: history item i adds value_i · weight(i, target).
 * `weight` reads the model's item-item matrix.
 */
export function itemItemContributions(
  history: History,
  itemIndex: number,
  weight: (from: number, to: number) => number,
): ScoredIndex[] {
  const result: ScoredIndex[] = [];
  for (let n = 0; n < history.items.length; n++) {
    const item = history.items[n]!;
    if (item === itemIndex) continue;
    const contribution = history.values[n]! * weight(item, itemIndex);
    if (contribution > 0) result.push({ index: item, score: contribution });
  }
  return result.sort((a, b) => b.score - a.score || a.index - b.index);
}
