import { describe, expect, it } from 'vitest';
import {
  buildInteractionMatrix,
  createCsrMatrix,
  createEaseRecommender,
  createItemKnnRecommender,
  createRecommender,
  generateSyntheticExchange,
  type Interaction,
  MODEL_NAMES,
  topK,
  transposeCsr,
} from '../../../models/recommend/index.js';
import {
  invertSymmetricPositiveDefinite,
  LinearAlgebraError,
} from '../../../models/recommend/linear-algebra.js';

/** A small exchange with structure: users stay mostly inside clusters of coins. */
function fixture(): Interaction[] {
  const exchange = generateSyntheticExchange({ users: 400, events: 4000, seed: 3 });
  const weights = { view: 1, trade: 3, subscribe: 5 } as const;
  return exchange.events.map((event) => ({
    userId: event.userId,
    itemId: event.itemId,
    value: weights[event.eventType],
    time: Date.parse(event.createdAt) / 1000,
  }));
}

describe('sparse matrices', () => {
  it('sums duplicates, sorts columns and transposes', () => {
    const matrix = createCsrMatrix(
      2,
      3,
      Int32Array.of(1, 0, 1, 1),
      Int32Array.of(2, 1, 0, 2),
      Float32Array.of(1, 5, 2, 3),
    );
    expect([...matrix.indptr]).toEqual([0, 1, 3]);
    expect([...matrix.indices]).toEqual([1, 0, 2]);
    expect([...matrix.values]).toEqual([5, 2, 4]);
    const transposed = transposeCsr(matrix);
    expect([...transposed.indptr]).toEqual([0, 1, 2, 3]);
    expect([...transposed.indices]).toEqual([1, 0, 1]);
    expect([...transposed.values]).toEqual([2, 5, 4]);
  });
});

describe('topK', () => {
  it('returns the best first, breaks ties by the lower index and skips excluded indexes', () => {
    expect(topK([0.5, 0.9, 0.5, 0.1, 0.9], 3)).toEqual([
      { index: 1, score: 0.9 },
      { index: 4, score: 0.9 },
      { index: 0, score: 0.5 },
    ]);
    expect(topK([0.5, 0.9, 0.5], 2, (index) => index === 1).map((entry) => entry.index)).toEqual([0, 2]);
  });
});

describe('invertSymmetricPositiveDefinite', () => {
  it('inverts a 2 × 2 matrix exactly', () => {
    const inverse = invertSymmetricPositiveDefinite(Float64Array.of(4, 2, 2, 3), 2);
    expect([...inverse].map((value) => Number(value.toFixed(12)))).toEqual([0.375, -0.25, -0.25, 0.5]);
  });

  it('gives A·A⁻¹ = I for sizes that exercise the four-row blocks and the tail', () => {
    for (const size of [1, 2, 3, 4, 5, 6, 9, 10, 13, 17]) {
      const matrix = new Float64Array(size * size);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j <= i; j++) {
          const value = Math.sin(i * 7 + j * 3);
          matrix[i * size + j] = value;
          matrix[j * size + i] = value;
        }
        matrix[i * size + i] = size + 1;
      }
      const inverse = invertSymmetricPositiveDefinite(matrix, size);
      let worst = 0;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          let sum = 0;
          for (let k = 0; k < size; k++) sum += matrix[i * size + k]! * inverse[k * size + j]!;
          worst = Math.max(worst, Math.abs(sum - (i === j ? 1 : 0)));
        }
      }
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSymmetricPositiveDefinite(Float64Array.of(1, 2, 2, 1), 2)).toThrow(LinearAlgebraError);
  });
});

describe('EASE', () => {
  it('matches the closed form B = I − P·diag(1/diag P) on a tiny matrix', () => {
    // Users: {a, b}, {a, b}, {b, c}; λ = 1. G + λI = [[3,2,0],[2,4,1],[0,1,2]].
    const data = buildInteractionMatrix([
      { userId: 1, itemId: 'a', value: 1, time: 0 },
      { userId: 1, itemId: 'b', value: 1, time: 0 },
      { userId: 2, itemId: 'a', value: 1, time: 0 },
      { userId: 2, itemId: 'b', value: 1, time: 0 },
      { userId: 3, itemId: 'b', value: 1, time: 0 },
      { userId: 3, itemId: 'c', value: 1, time: 0 },
    ]);
    const model = createEaseRecommender({ lambda: 1 });
    model.fit(data);
    // P = (G + I)⁻¹ = [[7,−4,2],[−4,6,−3],[2,−3,8]] / 13, so B[i][j] = −P[i][j] / P[j][j].
    const expected = [0, 4 / 6, -2 / 8, 4 / 7, 0, 3 / 8, -2 / 7, 3 / 6, 0];
    expect([...model.weights].map((value) => Number(value.toFixed(6)))).toEqual(
      expected.map((value) => Number(value.toFixed(6))),
    );
    // User 3 has {b, c}: a scores B[b][a] + B[c][a] = 4/7 − 2/7.
    expect(model.scoreUser(2)[0]).toBeCloseTo(2 / 7, 6);
    expect(model.recommend(2, 5)).toEqual([{ index: 0, score: model.scoreUser(2)[0] }]);
    expect(model.contributions({ items: Int32Array.of(1, 2), values: Float32Array.of(1, 1) }, 0)).toEqual([
      { index: 1, score: expect.closeTo(4 / 7, 6) },
    ]);
  });
});

describe('item-kNN', () => {
  it('uses cosine with shrinkage: co / (√(nᵢ·nⱼ) + shrink)', () => {
    const data = buildInteractionMatrix([
      { userId: 1, itemId: 'a', value: 1, time: 0 },
      { userId: 1, itemId: 'b', value: 1, time: 0 },
      { userId: 2, itemId: 'a', value: 1, time: 0 },
      { userId: 2, itemId: 'b', value: 1, time: 0 },
      { userId: 3, itemId: 'b', value: 1, time: 0 },
      { userId: 3, itemId: 'c', value: 1, time: 0 },
    ]);
    const model = createItemKnnRecommender({ shrink: 1, neighbours: 5 });
    model.fit(data);
    // a and b co-occur twice; ‖a‖ = √2, ‖b‖ = √3.
    expect(model.similarItems(0, 1)[0]!.score).toBeCloseTo(2 / (Math.sqrt(6) + 1), 6);
  });
});

describe('every model', () => {
  const interactions = fixture();
  const data = buildInteractionMatrix(interactions);

  it.each(MODEL_NAMES)('%s never recommends an item seen in training', (name) => {
    const model = createRecommender(name);
    model.fit(data);
    for (let user = 0; user < data.userIds.length; user++) {
      const seen = new Set(
        data.matrix.indices.subarray(data.matrix.indptr[user], data.matrix.indptr[user + 1]),
      );
      const recommended = model.recommend(user, 10).map((entry) => entry.index);
      expect(recommended.length).toBe(Math.min(10, data.itemIds.length - seen.size));
      for (const item of recommended) expect(seen.has(item)).toBe(false);
    }
  });

  it.each(MODEL_NAMES)('%s is deterministic: the same seed gives the same recommendations', (name) => {
    const first = createRecommender(name, { seed: 7 });
    const second = createRecommender(name, { seed: 7 });
    first.fit(data);
    second.fit(buildInteractionMatrix([...interactions].reverse()));
    for (let user = 0; user < data.userIds.length; user += 17) {
      expect(second.recommend(user, 10)).toEqual(first.recommend(user, 10));
      expect(second.similarItems(user % data.itemIds.length, 5)).toEqual(
        first.similarItems(user % data.itemIds.length, 5),
      );
    }
  });

  it('ALS depends on its seed', () => {
    const first = createRecommender('als', { seed: 1, als: { iterations: 2 } });
    const second = createRecommender('als', { seed: 2, als: { iterations: 2 } });
    first.fit(data);
    second.fit(data);
    expect([...second.scoreUser(0)]).not.toEqual([...first.scoreUser(0)]);
  });

  it('refuses use before fit and out-of-range indexes, naming the model', () => {
    expect(() => createRecommender('ease').recommend(0, 5)).toThrow(
      'ease: call fit() before using the model',
    );
    const model = createRecommender('item-knn');
    model.fit(data);
    expect(() => model.recommend(data.userIds.length, 5)).toThrow(
      `item-knn: user index ${data.userIds.length} is outside 0..${data.userIds.length - 1}`,
    );
  });

  it('rejects an unknown model name with the list of models', () => {
    expect(() => createRecommender('svd')).toThrow(
      "Unknown recommender model 'svd'. Available: popularity, item-knn, als, ease.",
    );
  });
});
