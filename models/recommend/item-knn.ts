/**
 * Item-based k-nearest neighbours with shrunk cosine similarity:
 * sim(i, j) = xᵢ·xⱼ / (‖xᵢ‖·‖xⱼ‖ + shrink), where xᵢ is item i's column of the interaction matrix.
 * The shrink term pulls similarities of rarely co-occurring pairs towards zero (Koren 2008), and each
 * target keeps only its `neighbours` most similar items. score(u, j) = Σ_{i ∈ u} x_ui · sim(i, j).
 */
import type { InteractionMatrix } from './interactions.js';
import { gramMatrix } from './linear-algebra.js';
import {
  checkFitted,
  checkIndex,
  type Exclusion,
  type History,
  historyOf,
  itemItemContributions,
  type Recommender,
  recommendFromScores,
  transformHistory,
  transformMatrix,
  type ValueTransform,
} from './recommender.js';
import type { CsrMatrix } from './sparse.js';
import { type ScoredIndex, topK } from './top-k.js';

/** Hyper-parameters of {@link createItemKnnRecommender}. */
export interface ItemKnnOptions {
  /** Neighbours kept per target item (default 200). */
  readonly neighbours?: number;
  /** Shrinkage added to the cosine denominator (default 25). */
  readonly shrink?: number;
  /** Training values (default 'binary'). */
  readonly transform?: ValueTransform;
}

/** A trained item-kNN model exposes its pruned weights, so serving can store and reuse them. */
export interface ItemKnnRecommender extends Recommender {
  /** items × items row-major; weights[i·n + j] = sim(i, j) when i is among j's neighbours, else 0. */
  readonly weights: Float32Array;
}

/** Creates an item-kNN recommender. */
export function createItemKnnRecommender(options: ItemKnnOptions = {}): ItemKnnRecommender {
  const neighbours = options.neighbours ?? 200;
  const shrink = options.shrink ?? 25;
  const transform = options.transform ?? 'binary';
  if (!(neighbours >= 1) || !(shrink >= 0)) {
    throw new RangeError('item-knn: neighbours must be ≥ 1 and shrink ≥ 0');
  }
  let matrix: CsrMatrix | undefined;
  let size = 0;
  // weights[i * size + j] = sim(i, j) when i is among j's neighbours, else 0 (a pruned, asymmetric matrix).
  let weights = new Float32Array(0);
  // Unpruned similarities, for similar_items ("similar to SOL" should not depend on the pruning).
  let similarity = new Float32Array(0);

  const scoreHistory = (history: History): Float32Array => {
    const scores = new Float32Array(size);
    for (let n = 0; n < history.items.length; n++) {
      const value = history.values[n]!;
      const offset = history.items[n]! * size;
      for (let j = 0; j < size; j++) scores[j]! += value * weights[offset + j]!;
    }
    return scores;
  };

  return {
    name: 'item-knn',
    parameters: { neighbours, shrink, transform },
    get weights() {
      return weights;
    },
    fit(data: InteractionMatrix) {
      matrix = transformMatrix(data.matrix, transform);
      size = matrix.columns;
      const gram = gramMatrix(matrix);
      const norms = new Float64Array(size);
      for (let i = 0; i < size; i++) norms[i] = Math.sqrt(gram[i * size + i]!);
      similarity = new Float32Array(size * size);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          if (i === j) continue;
          const dot = gram[i * size + j]!;
          if (dot !== 0) similarity[i * size + j] = dot / (norms[i]! * norms[j]! + shrink);
        }
      }
      weights = new Float32Array(size * size);
      const column = new Float32Array(size);
      for (let j = 0; j < size; j++) {
        for (let i = 0; i < size; i++) column[i] = similarity[i * size + j]!;
        for (const neighbour of topK(column, neighbours, (i) => i === j)) {
          if (neighbour.score > 0) weights[neighbour.index * size + j] = neighbour.score;
        }
      }
    },
    scoreUser(userIndex: number) {
      checkIndex('item-knn', 'user', userIndex, matrix?.rows ?? 0);
      return scoreHistory(historyOf(matrix!, userIndex));
    },
    scoreHistory(history: History) {
      checkFitted('item-knn', matrix !== undefined);
      return scoreHistory(transformHistory(history, transform));
    },
    recommend(userIndex: number, k: number, exclude?: Exclusion) {
      checkIndex('item-knn', 'user', userIndex, matrix?.rows ?? 0);
      const history = historyOf(matrix!, userIndex);
      return recommendFromScores(scoreHistory(history), history, k, exclude);
    },
    similarItems(itemIndex: number, k: number): ScoredIndex[] {
      checkIndex('item-knn', 'item', itemIndex, size);
      const row = similarity.subarray(itemIndex * size, (itemIndex + 1) * size);
      return topK(row, k, (index) => index === itemIndex || !(row[index]! > 0));
    },
    contributions(history: History, itemIndex: number) {
      checkIndex('item-knn', 'item', itemIndex, size);
      return itemItemContributions(
        transformHistory(history, transform),
        itemIndex,
        (from, to) => weights[from * size + to]!,
      );
    },
  };
}
