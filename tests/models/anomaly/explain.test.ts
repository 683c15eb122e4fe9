import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import {
  columnMedians,
  createFeatureMatrix,
  describeDeviation,
  explainRow,
  fitIsolationForest,
} from '../../../models/anomaly/index.js';

describe('describeDeviation', () => {
  it('uses a ratio for counts and sums, and a side-by-side comparison for shares, zero medians and negatives', () => {
    expect(describeDeviation('withdrawal count', 14, 1)).toEqual({
      ratio: 14,
      text: 'withdrawal count 14× the median',
    });
    expect(describeDeviation('deposit sum', 20, 1000)).toEqual({
      ratio: 0.02,
      text: 'deposit sum 0.02× the median',
    });
    expect(describeDeviation('trades', 5, 2)).toEqual({ ratio: 2.5, text: 'trades 2.5× the median' });
    expect(describeDeviation('volume', 1_234_567, 100)).toEqual({
      ratio: 12_345.67,
      text: 'volume 12,346× the median',
    });
    expect(describeDeviation('odd_hour_share', 0.91, 0.05)).toEqual({
      ratio: null,
      text: 'odd_hour_share 0.91 vs median 0.05',
    });
    expect(describeDeviation('logins', 3, 0)).toEqual({ ratio: null, text: 'logins 3 vs median 0' });
    expect(describeDeviation('net flow', -2500.4, 12.5)).toEqual({
      ratio: null,
      text: 'net flow -2,500 vs median 12.5',
    });
  });
});

describe('explainRow', () => {
  const names = ['deposit_count', 'withdrawal_count', 'odd_hour_share', 'trade_count'];
  const random = createRandom(11);
  const rows = 400;
  const values = new Float64Array((rows + 1) * 4);
  for (let row = 0; row < rows; row++) {
    values[row * 4] = 5 + random.int(0, 4);
    values[row * 4 + 1] = 1 + random.int(0, 2);
    values[row * 4 + 2] = 0.03 + random.next() * 0.04;
    values[row * 4 + 3] = 20 + random.int(0, 10);
  }
  // Withdraws fourteen times as often as usual; the rest is ordinary.
  values.set([7, 28, 0.05, 25], rows * 4);
  const matrix = createFeatureMatrix(values, rows + 1, 4);
  const forest = fitIsolationForest(matrix, { seed: 3 });
  const medians = columnMedians(matrix);

  it('puts the planted feature first, with its ratio in words', () => {
    const explanation = explainRow(forest, values.subarray(rows * 4), {
      featureNames: names,
      medians,
      labels: { withdrawal_count: 'withdrawal count' },
    });
    expect(medians[1]).toBe(2);
    expect(explanation).toHaveLength(3);
    expect(explanation[0]).toMatchObject({
      feature: 'withdrawal_count',
      index: 1,
      value: 28,
      median: 2,
      ratio: 14,
      text: 'withdrawal count 14× the median',
    });
    expect(explanation[0]!.contribution).toBeGreaterThan(0.5);
    expect(explanation[0]!.contribution).toBeGreaterThan(explanation[1]!.contribution);
    expect(explanation[1]!.contribution).toBeGreaterThanOrEqual(explanation[2]!.contribution);
  });

  it('returns as many features as asked, and checks the lengths it is given', () => {
    expect(explainRow(forest, values.subarray(0, 4), { featureNames: names, medians, top: 10 })).toHaveLength(
      4,
    );
    expect(() => explainRow(forest, [1, 2, 3], { featureNames: names, medians })).toThrow(
      'explainRow needs 4 values, names and medians (one per feature), got 3, 4 and 4.',
    );
  });
});
