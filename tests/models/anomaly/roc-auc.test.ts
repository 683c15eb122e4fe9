import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../../models/anomaly/index.js';

describe('rocAuc', () => {
  it('matches hand-computed pair counts', () => {
    // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats 0.1 only, 0.8 beats both → 3/4.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.3, 0.4], [1, 1, 0, 0])).toBe(0);
    // Positives 0.9, 0.7, 0.6 against negatives 0.65, 0.2: pairs won 2 + 2 + 1 = 5 of 6.
    expect(rocAuc([0.9, 0.65, 0.7, 0.6, 0.2], [true, false, true, true, false])).toBe(5 / 6);
  });

  it('counts ties as half a pair', () => {
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Positives {0.5, 0.9}, negatives {0.1, 0.5}: 1 + 0.5 + 1 + 1 = 3.5 of 4.
    expect(rocAuc(new Float64Array([0.1, 0.5, 0.5, 0.9]), new Uint8Array([0, 1, 0, 1]))).toBe(0.875);
  });

  it('refuses one-class labels, NaN scores and mismatched lengths', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(
      'ROC AUC needs both positive and negative labels, got 2 positive and 0 negative.',
    );
    expect(() => rocAuc([0.1, Number.NaN], [0, 1])).toThrow('Score 1 is NaN.');
    expect(() => rocAuc([0.1], [0, 1])).toThrow(
      'rocAuc needs one label per score, got 1 scores and 2 labels.',
    );
  });
});
