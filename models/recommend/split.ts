/**
 * Train/test splits for offline evaluation.
 *
 * - `stratified` (default): the Microsoft Recommenders `python_stratified_split` protocol. Every
 *   interaction, in input order, draws a uniform number from NumPy's Mersenne Twister seeded with `seed`
 *   (so the split is identical to theirs for the same file and seed); within each user the interactions
 *   are ordered by it and those with rank / count ≤ ratio go to train. Every user keeps ~75 % of their
 *   own history in train. `stratifyBy: 'item'` groups by item instead (their benchmark notebook's choice).
 * - `temporal`: the same per-user rule with the order given by time (`python_chrono_split`): each user's
 *   latest 25 % is the test.
 * - `temporal-global`: one cut-off time for everyone, at the ratio quantile of all timestamps; the train is
 *   strictly before it, so nothing from the test period leaks into training.
 */
import type { Interaction } from './interactions.js';
import { createNumpyRandom } from './mt19937.js';

/** How to split. */
export type SplitMethod = 'stratified' | 'temporal' | 'temporal-global';

/** All split methods (for flags and messages). */
export const SPLIT_METHODS: readonly SplitMethod[] = ['stratified', 'temporal', 'temporal-global'];

/** Options of {@link splitInteractions}. */
export interface SplitOptions {
  readonly method?: SplitMethod;
  /** Share of each user's interactions that goes to train (default 0.75). */
  readonly ratio?: number;
  /** Seed of the stratified shuffle (default 42), an integer in [0, 2³² − 1] as in NumPy. */
  readonly seed?: number;
  /** Whose interactions are split 75/25: each user's (default, the protocol) or each item's. */
  readonly stratifyBy?: 'user' | 'item';
}

/** A train/test split. */
export interface Split {
  readonly train: Interaction[];
  readonly test: Interaction[];
}

/**
 * Splits interactions into train and test. The result depends only on the input order and the seed.
 *
 * @example
 * const { train, test } = splitInteractions(ratings, { method: 'stratified', ratio: 0.75, seed: 42 });
 */
export function splitInteractions(interactions: readonly Interaction[], options: SplitOptions = {}): Split {
  const method = options.method ?? 'stratified';
  const ratio = options.ratio ?? 0.75;
  if (!(ratio > 0 && ratio < 1)) throw new RangeError(`split ratio must be in (0, 1), got ${ratio}`);
  if (method === 'temporal-global') return splitGlobal(interactions, ratio);
  const keys = new Float64Array(interactions.length);
  if (method === 'stratified') {
    const random = createNumpyRandom(options.seed ?? 42);
    for (let n = 0; n < keys.length; n++) keys[n] = random.next();
  } else {
    for (let n = 0; n < keys.length; n++) keys[n] = interactions[n]!.time;
  }
  const byGroup = new Map<number | string, number[]>();
  const byItem = options.stratifyBy === 'item';
  interactions.forEach((entry, index) => {
    const key = byItem ? entry.itemId : entry.userId;
    const list = byGroup.get(key);
    if (list) list.push(index);
    else byGroup.set(key, [index]);
  });
  const inTrain = new Uint8Array(interactions.length);
  for (const indexes of byGroup.values()) {
    // Ties (same second) keep file order, so the split is stable.
    indexes.sort((a, b) => keys[a]! - keys[b]! || a - b);
    const count = indexes.length;
    indexes.forEach((index, position) => {
      // The same float comparison as pandas (rank / count ≤ ratio), so the per-user counts match it.
      if ((position + 1) / count <= ratio) inTrain[index] = 1;
    });
  }
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  interactions.forEach((entry, index) => {
    (inTrain[index] === 1 ? train : test).push(entry);
  });
  return { train, test };
}

function splitGlobal(interactions: readonly Interaction[], ratio: number): Split {
  if (interactions.length === 0) return { train: [], test: [] };
  const times = Float64Array.from(interactions, (entry) => entry.time).sort();
  const cutoff = times[Math.min(times.length - 1, Math.floor(ratio * times.length))]!;
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  for (const entry of interactions) (entry.time < cutoff ? train : test).push(entry);
  return { train, test };
}
