import { describe, expect, it } from 'vitest';
import { type Interaction, splitInteractions } from '../../../models/recommend/index.js';
import { createNumpyRandom } from '../../../models/recommend/mt19937.js';

const interactions: Interaction[] = [];
// User 1: 8 ratings, user 2: 4, user 3: 1 (all of a one-rating user goes to test: 1/1 > 0.75).
for (let n = 0; n < 8; n++) interactions.push({ userId: 1, itemId: `i${n}`, value: 1, time: 100 + n });
for (let n = 0; n < 4; n++) interactions.push({ userId: 2, itemId: `i${n}`, value: 1, time: 200 + n });
interactions.push({ userId: 3, itemId: 'i0', value: 1, time: 50 });

const countBy = (list: readonly Interaction[], userId: number): number =>
  list.filter((entry) => entry.userId === userId).length;

describe('splitInteractions', () => {
  it('keeps rank/count ≤ 0.75 of every user in train (stratified)', () => {
    const { train, test } = splitInteractions(interactions, { seed: 42 });
    expect([countBy(train, 1), countBy(test, 1)]).toEqual([6, 2]);
    expect([countBy(train, 2), countBy(test, 2)]).toEqual([3, 1]);
    expect([countBy(train, 3), countBy(test, 3)]).toEqual([0, 1]);
  });

  it('is deterministic for a seed and changes with it', () => {
    const first = splitInteractions(interactions, { seed: 42 });
    const again = splitInteractions(interactions, { seed: 42 });
    expect(again).toEqual(first);
    const seeds = [1, 2, 3, 4, 5].map((seed) =>
      JSON.stringify(splitInteractions(interactions, { seed }).test.map((entry) => entry.itemId)),
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('draws the per-row numbers from NumPy’s legacy Mersenne Twister (np.random.seed(42); np.random.rand())', () => {
    const random = createNumpyRandom(42);
    expect(random.next()).toBe(0.3745401188473625);
    expect(random.next()).toBe(0.9507143064099162);
    expect(() => createNumpyRandom(-1)).toThrow(
      'The split seed must be an integer between 0 and 4294967295, got -1',
    );
  });

  it('puts each user’s latest quarter in test (temporal)', () => {
    const { test } = splitInteractions(interactions, { method: 'temporal' });
    expect(test.filter((entry) => entry.userId === 1).map((entry) => entry.time)).toEqual([106, 107]);
    expect(test.filter((entry) => entry.userId === 2).map((entry) => entry.time)).toEqual([203]);
  });

  it('cuts everyone at one time (temporal-global), train strictly before it', () => {
    const { train, test } = splitInteractions(interactions, { method: 'temporal-global' });
    const cutoff = Math.min(...test.map((entry) => entry.time));
    expect(Math.max(...train.map((entry) => entry.time))).toBeLessThan(cutoff);
    expect(train.length).toBe(9);
    expect(cutoff).toBe(200);
  });

  it('can stratify by item instead', () => {
    const { train } = splitInteractions(interactions, { seed: 42, stratifyBy: 'item' });
    // Item i0 has three interactions (users 1, 2, 3): floor(0.75 · 3) = 2 stay in train.
    expect(train.filter((entry) => entry.itemId === 'i0').length).toBe(2);
  });
});
