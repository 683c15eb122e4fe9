/**
 * The popularity baseline: every user gets the items most users interacted with. It is the floor any
 * personalised model must clear, and the cold-start answer for users with no history.
 */
import type { InteractionMatrix } from './interactions.js';
import {
  checkIndex,
  type Exclusion,
  type History,
  historyOf,
  type Recommender,
  recommendFromScores,
} from './recommender.js';
import type { CsrMatrix } from './sparse.js';
import { type ScoredIndex, topK } from './top-k.js';

/** Creates a popularity recommender (score = number of distinct users per item). */
export function createPopularityRecommender(): Recommender {
  let matrix: CsrMatrix | undefined;
  let counts = new Float32Array(0);
  return {
    name: 'popularity',
    parameters: {},
    fit(data: InteractionMatrix) {
      matrix = data.matrix;
      counts = new Float32Array(data.matrix.columns);
      for (let n = 0; n < data.matrix.indices.length; n++) {
        if (data.matrix.values[n]! > 0) counts[data.matrix.indices[n]!]!++;
      }
    },
    scoreUser(userIndex) {
      checkIndex('popularity', 'user', userIndex, matrix?.rows ?? 0);
      return counts.slice();
    },
    scoreHistory(_history: History) {
      return counts.slice();
    },
    recommend(userIndex: number, k: number, exclude?: Exclusion) {
      checkIndex('popularity', 'user', userIndex, matrix?.rows ?? 0);
      return recommendFromScores(counts, historyOf(matrix!, userIndex), k, exclude);
    },
    similarItems(itemIndex: number, k: number): ScoredIndex[] {
      // Without co-occurrence the best "similar" guess is what is popular; said so in the README.
      checkIndex('popularity', 'item', itemIndex, counts.length);
      return topK(counts, k, (index) => index === itemIndex);
    },
    contributions() {
      return [];
    },
  };
}
