import { describe, expect, it } from 'vitest';
import { catalogueCoverage, rankingMetrics } from '../../../models/recommend/index.js';

// Hand computation (natural log, as Microsoft Recommenders; the base cancels in nDCG):
// user A: top 3 = [1, 2, 3], relevant {2, 4, 9}: one hit at rank 2.
//   precision 1/3, recall 1/3, DCG = 1/ln 3, IDCG = 1/ln 2 + 1/ln 3 + 1/ln 4 → nDCG 0.2960819,
//   MAP@3 = (1/2) / min(3, 3) = 1/6.
// user B: top 3 = [5, 6] (only two), relevant {5}: one hit at rank 1.
//   precision 1/3 (divided by k, not by the list length), recall 1, nDCG 1, MAP@3 = 1 / min(1, 3) = 1.
// user C has no relevant item and is not averaged.
const cases = [
  { recommended: [1, 2, 3, 4], relevant: new Set([2, 4, 9]) },
  { recommended: [5, 6], relevant: new Set([5]) },
  { recommended: [7, 8, 9], relevant: new Set<number>() },
];

describe('rankingMetrics', () => {
  it('matches hand-computed precision, recall, nDCG and MAP at k = 3', () => {
    const metrics = rankingMetrics(cases, 3);
    expect(metrics.users).toBe(2);
    expect(metrics.precision).toBeCloseTo(1 / 3, 12);
    expect(metrics.recall).toBeCloseTo(2 / 3, 12);
    expect(metrics.ndcg).toBeCloseTo(0.6480409554829326, 12);
    expect(metrics.map).toBeCloseTo(7 / 12, 12);
  });

  it('counts only the top k: at k = 1 user A has no hit', () => {
    const metrics = rankingMetrics(cases, 1);
    expect(metrics.precision).toBeCloseTo(0.5, 12);
    expect(metrics.recall).toBeCloseTo(0.5, 12);
    expect(metrics.ndcg).toBeCloseTo(0.5, 12);
    expect(metrics.map).toBeCloseTo(0.5, 12);
  });

  it('divides MAP by min(k, |relevant|), not by |relevant| (map_at_k, not map)', () => {
    // Four relevant items, k = 2, both recommended items hit: AP = (1/1 + 2/2) / min(2, 4) = 1.
    const metrics = rankingMetrics([{ recommended: [1, 2], relevant: new Set([1, 2, 3, 4]) }], 2);
    expect(metrics.map).toBe(1);
    expect(metrics.recall).toBe(0.5);
  });

  it('gives zeros when there is nobody to evaluate, and refuses a bad k', () => {
    expect(rankingMetrics([], 10)).toEqual({ precision: 0, recall: 0, ndcg: 0, map: 0, users: 0 });
    expect(() => rankingMetrics(cases, 0)).toThrow('k must be a positive integer, got 0');
  });
});

describe('catalogueCoverage', () => {
  it('is distinct recommended items over distinct training items', () => {
    expect(
      catalogueCoverage(
        [
          [1, 2, 3],
          [3, 5, 6],
        ],
        10,
      ),
    ).toBe(0.5);
    expect(catalogueCoverage([], 0)).toBe(0);
  });
});
