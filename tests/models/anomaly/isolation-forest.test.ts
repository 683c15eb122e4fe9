import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import {
  averagePathLength,
  columnMedians,
  createFeatureMatrix,
  type FeatureMatrix,
  fitIsolationForest,
  type IsolationForest,
  isolationContributions,
  scoreIsolationForest,
} from '../../../models/anomaly/index.js';

/** `rows` standard normal rows, then `planted` rows appended as given. */
function gaussianMatrix(
  rows: number,
  columns: number,
  seed: number,
  planted: number[][] = [],
): FeatureMatrix {
  const random = createRandom(seed);
  const values = new Float64Array((rows + planted.length) * columns);
  for (let index = 0; index < rows * columns; index++) values[index] = random.normal();
  planted.forEach((row, offset) => {
    values.set(row, (rows + offset) * columns);
  });
  return createFeatureMatrix(values, rows + planted.length, columns);
}

/** True when two forests have the same sizes and the same node arrays, element by element. */
function sameForest(a: IsolationForest, b: IsolationForest): boolean {
  const sizes = (forest: IsolationForest) => [
    forest.trees,
    forest.sampleSize,
    forest.maxDepth,
    forest.columns,
  ];
  if (sizes(a).join() !== sizes(b).join()) return false;
  const arrays = (forest: IsolationForest) => [
    forest.roots,
    forest.treeDepth,
    forest.feature,
    forest.walkFeature,
    forest.threshold,
    forest.child,
    forest.nodeSamples,
    forest.logNodeSamples,
    forest.leafPathLength,
  ];
  const left = arrays(a);
  const right = arrays(b);
  // A plain loop: vitest's deep equality walks typed arrays of this size very slowly.
  return left.every((array, index) => {
    const other = right[index]!;
    if (array.length !== other.length) return false;
    for (let position = 0; position < array.length; position++) {
      if (!Object.is(array[position], other[position])) return false;
    }
    return true;
  });
}

/** Scores by walking each tree node by node: the plain reading of the algorithm. */
function referenceScores(forest: IsolationForest, matrix: FeatureMatrix): number[] {
  const scores: number[] = [];
  for (let row = 0; row < matrix.rows; row++) {
    let total = 0;
    for (let tree = 0; tree < forest.trees; tree++) {
      let node = forest.roots[tree]!;
      let depth = 0;
      while (forest.feature[node]! >= 0) {
        const value = matrix.values[row * matrix.columns + forest.feature[node]!]!;
        node = value <= forest.threshold[node]! ? forest.child[node]! : forest.child[node]! + 1;
        depth++;
      }
      total += depth + averagePathLength(forest.nodeSamples[node]!);
    }
    // With ψ = 1 the normaliser is 0 and scikit-learn scores 2^−1.
    const normaliser = averagePathLength(forest.sampleSize);
    scores.push(normaliser === 0 ? 0.5 : 2 ** (-total / forest.trees / normaliser));
  }
  return scores;
}

describe('averagePathLength', () => {
  it('is c(n) = 2 (ln(n − 1) + γ) − 2 (n − 1) / n, as in scikit-learn', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // Values printed by scikit-learn 1.2.1's _average_path_length([n]).
    expect(averagePathLength(3)).toBeCloseTo(1.207392357589623, 14);
    expect(averagePathLength(100)).toBeCloseTo(8.364671030072245, 14);
    expect(averagePathLength(256)).toBeCloseTo(10.244770920119917, 14);
  });
});

describe('fitIsolationForest', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const matrix = gaussianMatrix(500, 4, 1);
    const first = fitIsolationForest(matrix, { seed: 7 });
    const second = fitIsolationForest(matrix, { seed: 7 });
    expect(sameForest(second, first)).toBe(true);
    expect(Array.from(scoreIsolationForest(second, matrix))).toEqual(
      Array.from(scoreIsolationForest(first, matrix)),
    );
    const other = fitIsolationForest(matrix, { seed: 8 });
    expect(sameForest(other, first)).toBe(false);
    expect(other.threshold[0]).not.toBe(first.threshold[0]);
  });

  it('uses scikit-learn sizes: ψ = min(256, rows), depth ⌈log2 ψ⌉, and at most rows when asked for more', () => {
    const large = fitIsolationForest(gaussianMatrix(1000, 3, 2), { trees: 10 });
    expect([large.trees, large.sampleSize, large.maxDepth]).toEqual([10, 256, 8]);
    expect(Math.max(...large.treeDepth)).toBeLessThanOrEqual(8);
    const small = fitIsolationForest(gaussianMatrix(100, 3, 2), { trees: 5 });
    expect([small.sampleSize, small.maxDepth]).toEqual([100, 7]);
    const capped = fitIsolationForest(gaussianMatrix(50, 3, 2), { trees: 5, maxSamples: 80 });
    expect([capped.sampleSize, capped.maxDepth]).toEqual([50, 6]);
    const chosen = fitIsolationForest(gaussianMatrix(1000, 3, 2), { trees: 5, maxSamples: 64 });
    expect([chosen.sampleSize, chosen.maxDepth]).toEqual([64, 6]);
  });

  it('grows well-formed trees: each split cuts its node in two non-empty parts inside the node range', () => {
    const matrix = gaussianMatrix(2000, 5, 3);
    const forest = fitIsolationForest(matrix, { trees: 20, seed: 3 });
    for (let tree = 0; tree < forest.trees; tree++) {
      const root = forest.roots[tree]!;
      expect(forest.nodeSamples[root]).toBe(256);
      const stack: Array<[number, number]> = [[root, 0]];
      let leafSamples = 0;
      while (stack.length > 0) {
        const [node, depth] = stack.pop()!;
        if (forest.feature[node]! < 0) {
          leafSamples += forest.nodeSamples[node]!;
          expect(forest.leafPathLength[node]).toBeCloseTo(
            depth + averagePathLength(forest.nodeSamples[node]!),
            12,
          );
          // A leaf above the depth limit holds one row (or rows that are all equal).
          if (depth < forest.maxDepth) expect(forest.nodeSamples[node]).toBe(1);
          continue;
        }
        const left = forest.child[node]!;
        expect(forest.nodeSamples[left]! + forest.nodeSamples[left + 1]!).toBe(forest.nodeSamples[node]);
        expect(forest.nodeSamples[left]).toBeGreaterThan(0);
        expect(forest.nodeSamples[left + 1]).toBeGreaterThan(0);
        stack.push([left, depth + 1], [left + 1, depth + 1]);
      }
      expect(leafSamples).toBe(256);
    }
  });

  it('never splits on a constant feature, and scores all-equal rows 2^−1', () => {
    const random = createRandom(4);
    const values = new Float64Array(300 * 3);
    for (let row = 0; row < 300; row++) {
      values[row * 3] = random.normal();
      values[row * 3 + 1] = 5;
      values[row * 3 + 2] = random.normal();
    }
    const forest = fitIsolationForest(createFeatureMatrix(values, 300, 3), { trees: 30 });
    expect(forest.feature.includes(1)).toBe(false);
    expect(forest.feature.includes(0) && forest.feature.includes(2)).toBe(true);

    const constant = createFeatureMatrix(new Float64Array(40 * 2).fill(1), 40, 2);
    const flat = fitIsolationForest(constant, { trees: 10 });
    expect(Array.from(flat.feature)).toEqual(new Array(10).fill(-1));
    expect(Array.from(scoreIsolationForest(flat, constant))).toEqual(new Array(40).fill(0.5));
  });

  it('refuses NaN, a wrong column count and bad options with clear messages', () => {
    const values = new Float64Array([1, 2, 3, Number.NaN, 5, 6]);
    expect(() => fitIsolationForest(createFeatureMatrix(values, 3, 2))).toThrow(
      'Row 2, feature 2 is NaN; impute missing values before scoring.',
    );
    const forest = fitIsolationForest(gaussianMatrix(20, 2, 5), { trees: 3 });
    expect(() => scoreIsolationForest(forest, gaussianMatrix(5, 3, 5))).toThrow(
      'The forest was fitted on 2 features but the rows have 3.',
    );
    expect(() => fitIsolationForest(gaussianMatrix(20, 2, 5), { trees: 0 })).toThrow(
      'trees must be a positive integer, got 0.',
    );
    expect(() => fitIsolationForest(gaussianMatrix(20, 2, 5), { maxSamples: 0.5 })).toThrow(
      "maxSamples must be 'auto' or a positive integer, got 0.5.",
    );
    expect(() => createFeatureMatrix(new Float64Array(5), 2, 3)).toThrow(
      'A 2 × 3 feature matrix needs 6 values, got 5.',
    );
  });
});

describe('scoreIsolationForest', () => {
  it('agrees with a node-by-node walk, for row counts that are not a multiple of the lockstep width', () => {
    for (const rows of [1, 2, 3, 5, 257, 1030]) {
      const matrix = gaussianMatrix(rows, 6, rows);
      const forest = fitIsolationForest(matrix, { trees: 25, seed: rows });
      const scores = Array.from(scoreIsolationForest(forest, matrix));
      const reference = referenceScores(forest, matrix);
      scores.forEach((score, index) => {
        expect(score).toBeCloseTo(reference[index]!, 12);
      });
    }
  });

  it('ranks obvious outliers first, with scores in (0, 1)', () => {
    const matrix = gaussianMatrix(300, 2, 6, [
      [8, 8],
      [-9, 0],
      [0, 10],
    ]);
    const scores = scoreIsolationForest(fitIsolationForest(matrix, { seed: 1 }), matrix);
    const ranked = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    expect(ranked.slice(0, 3).sort()).toEqual([300, 301, 302]);
    expect(scores[300]).toBeGreaterThan(0.7);
    for (const score of scores) {
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThan(1);
    }
    // Ordinary rows sit around or below one half.
    expect(columnMedians(createFeatureMatrix(scores, scores.length, 1))[0]).toBeLessThan(0.5);
  });

  it('scores Float32Array storage like Float64Array storage of the same values', () => {
    const matrix64 = gaussianMatrix(400, 3, 9);
    const matrix32 = createFeatureMatrix(Float32Array.from(matrix64.values), 400, 3);
    const rounded = createFeatureMatrix(Float64Array.from(matrix32.values), 400, 3);
    const forest = fitIsolationForest(rounded, { seed: 2 });
    expect(Array.from(scoreIsolationForest(forest, matrix32))).toEqual(
      Array.from(scoreIsolationForest(forest, rounded)),
    );
    expect(sameForest(fitIsolationForest(matrix32, { seed: 2 }), forest)).toBe(true);
  });
});

describe('isolationContributions', () => {
  it('credits the feature that makes a planted outlier odd, and each row sums to 1', () => {
    const planted = [0, 0, 0, 12, 0];
    const matrix = gaussianMatrix(500, 5, 10, [planted]);
    const forest = fitIsolationForest(matrix, { seed: 4 });
    const contributions = isolationContributions(forest, matrix);
    const outlier = Array.from(contributions.subarray(500 * 5, 501 * 5));
    expect(outlier.indexOf(Math.max(...outlier))).toBe(3);
    expect(outlier[3]).toBeGreaterThan(0.5);
    for (let row = 0; row < matrix.rows; row++) {
      const sum = contributions.subarray(row * 5, row * 5 + 5).reduce((total, value) => total + value, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});
