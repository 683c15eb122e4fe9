/**
 * Small sampling helpers over the seeded {@link Random}: weighted choice, Poisson, log-normal,
 * exponential, shuffles. Kept here so every module draws the same way.
 */
import type { Random } from '../../core/random.js';

/** Cumulative weights for {@link pickWeighted}. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => {
    total += Math.max(0, weight);
    sums[index] = total;
  });
  return sums;
}

/** An index drawn in proportion to the weights behind `sums` (binary search). */
export function pickWeighted(random: Random, sums: Float64Array): number {
  const target = random.next() * sums[sums.length - 1]!;
  let left = 0;
  let right = sums.length - 1;
  while (left < right) {
    const middle = (left + right) >>> 1;
    if (sums[middle]! <= target) left = middle + 1;
    else right = middle;
  }
  return left;
}

/** An index drawn in proportion to `weights` (linear scan; for short lists built on the fly). */
export function pickIndex(random: Random, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let target = random.next() * total;
  for (let index = 0; index < weights.length; index++) {
    target -= weights[index]!;
    if (target < 0) return index;
  }
  return weights.length - 1;
}

/** Poisson-distributed count (Knuth for small means, a rounded normal for large ones). */
export function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  const limit = Math.exp(-mean);
  let product = random.next();
  let count = 0;
  while (product > limit) {
    count++;
    product *= random.next();
  }
  return count;
}

/** exp(N(mu, sigma)). */
export function logNormal(random: Random, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * random.normal());
}

/** Exponential with the given mean. */
export function exponential(random: Random, mean: number): number {
  return -Math.log(1 - random.next()) * mean;
}

/** Uniform in [low, high). */
export function uniform(random: Random, low: number, high: number): number {
  return low + random.next() * (high - low);
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1));
    const swap = items[index]!;
    items[index] = items[other]!;
    items[other] = swap;
  }
  return items;
}

/** Rounds to `decimals` places (halves away from zero is not needed for generated data). */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
