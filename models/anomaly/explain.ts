/**
 * Words for an anomaly score: which features isolated a row, and how the row's value compares with
 * the feature's median ("withdrawal_count 14× the median", "odd_hour_share 0.91 vs median 0.05"), the
 * evidence an investigator puts in a case file.
 */
import { InvalidInputError } from '../../core/errors.js';
import { accumulateContributions, type IsolationForest } from './isolation-forest.js';

/** One feature's part in a row's score. */
export interface FeatureExplanation {
  /** Feature name as given (a column name). */
  readonly feature: string;
  /** Column index of the feature. */
  readonly index: number;
  /** Share of the row's isolation credited to this feature, in [0, 1]; shares of all features sum to 1. */
  readonly contribution: number;
  readonly value: number;
  readonly median: number;
  /** value / median when that comparison is meaningful (see {@link describeDeviation}), else null. */
  readonly ratio: number | null;
  /** The comparison in words, e.g. `withdrawal count 14× the median`. */
  readonly text: string;
}

/** Options of {@link explainRow}. */
export interface ExplainRowOptions {
  /** Name of each feature, in column order. */
  readonly featureNames: readonly string[];
  /** Median of each feature on the data the row is judged against (see `columnMedians`). */
  readonly medians: ArrayLike<number>;
  /** How many features to return, default 3. */
  readonly top?: number;
  /** Display names for some features (`{ withdrawal_count: 'withdrawal count' }`); others use their name. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The features that did most to isolate `row`, largest contribution first, with their values in words.
 *
 * @example
 * explainRow(forest, [3, 40, 0.91], { featureNames: ['deposits', 'withdrawals', 'odd_hour_share'], medians })
 * // [{ feature: 'withdrawals', contribution: 0.62, ratio: 14, text: 'withdrawals 14× the median', … }, …]
 */
export function explainRow(
  forest: IsolationForest,
  row: ArrayLike<number>,
  options: ExplainRowOptions,
): FeatureExplanation[] {
  const { columns } = forest;
  if (
    row.length !== columns ||
    options.featureNames.length !== columns ||
    options.medians.length !== columns
  ) {
    throw new InvalidInputError(
      'anomaly_input_invalid',
      `explainRow needs ${columns} values, names and medians (one per feature), got ${row.length}, ${options.featureNames.length} and ${options.medians.length}.`,
    );
  }
  const contributions = new Float64Array(columns);
  accumulateContributions(forest, row, 0, contributions, 0);
  const order = Array.from({ length: columns }, (_, index) => index).sort(
    (a, b) => contributions[b]! - contributions[a]! || a - b,
  );
  return order.slice(0, options.top ?? 3).map((index) => {
    const feature = options.featureNames[index]!;
    const value = row[index]!;
    const median = options.medians[index]!;
    const deviation = describeDeviation(options.labels?.[feature] ?? feature, value, median);
    return { feature, index, contribution: contributions[index]!, value, median, ...deviation };
  });
}

/**
 * Compares a value with the median in words. A ratio is used when both are non-negative, the median is
 * positive and at least one of them is above 1 (counts and sums: `deposit sum 0.02× the median`);
 * shares and probabilities in [0, 1], negative values and a zero median are compared side by side
 * (`odd_hour_share 0.91 vs median 0.05`), where a ratio would read oddly or not exist.
 */
export function describeDeviation(
  name: string,
  value: number,
  median: number,
): { ratio: number | null; text: string } {
  const comparable = value >= 0 && median > 0 && (value > 1 || median > 1);
  if (!comparable)
    return { ratio: null, text: `${name} ${formatNumber(value)} vs median ${formatNumber(median)}` };
  const ratio = value / median;
  return { ratio, text: `${name} ${formatRatio(ratio)}× the median` };
}

/** 14, 2.5, 0.02: whole numbers from 10, one decimal from 1, two significant digits below. */
function formatRatio(ratio: number): string {
  if (ratio >= 10) return Math.round(ratio).toLocaleString('en-US');
  if (ratio >= 1) return trimZeros(ratio.toFixed(1));
  if (ratio === 0) return '0';
  return trimZeros(ratio.toPrecision(2));
}

/** Up to three significant decimals for small numbers, thousands separators for large ones. */
function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 1) return trimZeros(value.toFixed(2));
  return trimZeros(value.toPrecision(2));
}

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}
