/**
 * Is a topic growing? Counts of one topic in two windows are compared against the rest of the
 * feedback in the same windows (the exposure), so a busy week for everyone is not a trend for one
 * topic: conditional on the topic's total n, its count in the recent window is Binomial(n, p0) with p0
 * the recent window's share of the other messages. Exact binomial tails for n ≤ 5,000, a normal
 * approximation beyond.
 */

/** The outcome of {@link compareWindows}. */
export interface WindowComparison {
  readonly current: number;
  readonly previous: number;
  /** Relative rate of the topic, current vs previous, normalised by the other messages (1 = flat). */
  readonly ratio: number;
  /** Two-sided p-value of "no change". */
  readonly pValue: number;
  /** One-sided p-value of "no increase" (for spikes). */
  readonly pValueIncrease: number;
  readonly direction: 'up' | 'down' | 'flat';
}

/**
 * Compares a topic's counts in two windows given the other messages in each.
 *
 * @example
 * compareWindows({ current: 120, previous: 30, otherCurrent: 1000, otherPrevious: 1000 }).pValue < 0.001
 */
export function compareWindows(counts: {
  current: number;
  previous: number;
  otherCurrent: number;
  otherPrevious: number;
}): WindowComparison {
  const { current, previous } = counts;
  const n = current + previous;
  // Half a message of smoothing keeps windows with no other messages or no previous count finite.
  const otherCurrent = counts.otherCurrent + 0.5;
  const otherPrevious = counts.otherPrevious + 0.5;
  const p0 = otherCurrent / (otherCurrent + otherPrevious);
  const ratio = (current + 0.5) / otherCurrent / ((previous + 0.5) / otherPrevious);
  if (n === 0) return { current, previous, ratio: 1, pValue: 1, pValueIncrease: 1, direction: 'flat' };
  const upper = binomialUpperTail(current, n, p0);
  const lower = binomialLowerTail(current, n, p0);
  const pValue = Math.min(1, 2 * Math.min(upper, lower));
  const direction = pValue < 0.05 ? (ratio > 1 ? 'up' : 'down') : 'flat';
  return { current, previous, ratio, pValue, pValueIncrease: upper, direction };
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (n > 5000) return normalTail((k - 0.5 - n * p) / Math.sqrt(n * p * (1 - p)));
  let sum = 0;
  for (let x = k; x <= n; x++) sum += Math.exp(logBinomialPmf(x, n, p));
  return Math.min(1, sum);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  if (n > 5000) return normalTail((n * p - k - 0.5) / Math.sqrt(n * p * (1 - p)));
  let sum = 0;
  for (let x = 0; x <= k; x++) sum += Math.exp(logBinomialPmf(x, n, p));
  return Math.min(1, sum);
}

function logBinomialPmf(x: number, n: number, p: number): number {
  if (p <= 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p >= 1) return x === n ? 0 : Number.NEGATIVE_INFINITY;
  return (
    logFactorial(n) - logFactorial(x) - logFactorial(n - x) + x * Math.log(p) + (n - x) * Math.log(1 - p)
  );
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let index = LOG_FACTORIALS.length; index <= n; index++) {
    LOG_FACTORIALS[index] = LOG_FACTORIALS[index - 1]! + Math.log(index);
  }
  return LOG_FACTORIALS[n]!;
}

/** P(Z ≥ z) for a standard normal Z (Abramowitz–Stegun 7.1.26 on erfc). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** When a topic counts as emerging (a spike). */
export interface SpikeRule {
  /** Days of the recent window, ending at the end of the range; default 4. */
  readonly recentDays: number;
  /** Days of the baseline before it; default 28. */
  readonly baselineDays: number;
  /** One-sided p-value below which the rise is significant; default 0.001. */
  readonly maxPValue: number;
  /** Minimum relative rate; default 2. */
  readonly minRatio: number;
  /** Minimum messages in the recent window; default 5. */
  readonly minCount: number;
}

/** The defaults of {@link SpikeRule}. */
export const DEFAULT_SPIKE_RULE: SpikeRule = {
  recentDays: 4,
  baselineDays: 28,
  maxPValue: 0.001,
  minRatio: 2,
  minCount: 5,
};

/** True when a comparison of recent against baseline windows is a spike under the rule. */
export function isSpike(comparison: WindowComparison, rule: SpikeRule = DEFAULT_SPIKE_RULE): boolean {
  return (
    comparison.current >= rule.minCount &&
    comparison.ratio >= rule.minRatio &&
    comparison.pValueIncrease < rule.maxPValue
  );
}
