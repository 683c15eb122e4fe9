/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): an item-item weight matrix B
 * with a zero diagonal that best reconstructs X from itself under an L2 penalty λ. Closed form:
 * P = (XᵀX + λI)⁻¹, B = I − P·diag(1/diag(P)), i.e. B[i][j] = −P[i][j] / P[j][j] for i ≠ j.
 * score(u, j) = Σ_{i ∈ u} x_ui · B[i][j]. One dense inverse, no iterations, no randomness.
 */
import type { InteractionMatrix } from './interactions.js';
import { gramMatrix, invertSymmetricPositiveDefinite } from './linear-algebra.js';
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

/** Hyper-parameters of {@link createEaseRecommender}. */
export interface EaseOptions {
  /** L2 regularisation λ added to the Gram diagonal (default 500, chosen on validation splits). */
  readonly lambda?: number;
  /** Training values (default 'binary', as in the paper). */
  readonly transform?: ValueTransform;
}

/** A trained EASE model exposes its weights, so serving can store and reuse them. */
export interface EaseRecommender extends Recommender {
  /** B, items × items row-major; B[i·n + j] is how much having i adds to j. Empty before `fit`. */
  readonly weights: Float32Array;
}

/** Creates an EASE recommender. */
export function createEaseRecommender(options: EaseOptions = {}): EaseRecommender {
  const lambda = options.lambda ?? 500;
  const transform = options.transform ?? 'binary';
  if (!(lambda > 0)) throw new RangeError('ease: lambda must be > 0');
  let matrix: CsrMatrix | undefined;
  let size = 0;
  let weights = new Float32Array(0);

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
    name: 'ease',
    parameters: { lambda, transform },
    get weights() {
      return weights;
    },
    fit(data: InteractionMatrix) {
      matrix = transformMatrix(data.matrix, transform);
      size = matrix.columns;
      const gram = gramMatrix(matrix);
      for (let i = 0; i < size; i++) gram[i * size + i]! += lambda;
      const inverse = invertSymmetricPositiveDefinite(gram, size);
      weights = new Float32Array(size * size);
      for (let j = 0; j < size; j++) {
        const scale = -1 / inverse[j * size + j]!;
        for (let i = 0; i < size; i++) {
          if (i !== j) weights[i * size + j] = inverse[i * size + j]! * scale;
        }
      }
    },
    scoreUser(userIndex: number) {
      checkIndex('ease', 'user', userIndex, matrix?.rows ?? 0);
      return scoreHistory(historyOf(matrix!, userIndex));
    },
    scoreHistory(history: History) {
      checkFitted('ease', matrix !== undefined);
      return scoreHistory(transformHistory(history, transform));
    },
    recommend(userIndex: number, k: number, exclude?: Exclusion) {
      checkIndex('ease', 'user', userIndex, matrix?.rows ?? 0);
      const history = historyOf(matrix!, userIndex);
      return recommendFromScores(scoreHistory(history), history, k, exclude);
    },
    similarItems(itemIndex: number, k: number): ScoredIndex[] {
      // Row i of B: how strongly having item i predicts each other item.
      checkIndex('ease', 'item', itemIndex, size);
      const row = weights.subarray(itemIndex * size, (itemIndex + 1) * size);
      return topK(row, k, (index) => index === itemIndex || !(row[index]! > 0));
    },
    contributions(history: History, itemIndex: number) {
      checkIndex('ease', 'item', itemIndex, size);
      return itemItemContributions(
        transformHistory(history, transform),
        itemIndex,
        (from, to) => weights[from * size + to]!,
      );
    },
  };
}
