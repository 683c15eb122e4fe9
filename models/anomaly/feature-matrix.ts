/**
 * The input of the anomaly models: a dense row-major matrix of numbers (one row per entity, one column
 * per feature) in a single typed array, so a row's features sit next to each other in memory while a
 * tree walks them.
 */
import { InvalidInputError } from '../../core/errors.js';

/** Row-major values: the feature `column` of row `row` is `values[row * columns + column]`. */
export interface FeatureMatrix {
  readonly values: Float64Array | Float32Array;
  readonly rows: number;
  readonly columns: number;
}

/**
 * Wraps row-major values as a {@link FeatureMatrix}, checking the shape.
 *
 * @example
 * const matrix = createFeatureMatrix(new Float64Array([1, 2, 3, 4, 5, 6]), 3, 2); // 3 rows × 2 features
 */
export function createFeatureMatrix(
  values: Float64Array | Float32Array,
  rows: number,
  columns: number,
): FeatureMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 1) {
    throw new InvalidInputError(
      'anomaly_input_invalid',
      `A feature matrix needs a whole number of rows and at least one column, got ${rows} × ${columns}.`,
    );
  }
  if (values.length !== rows * columns) {
    throw new InvalidInputError(
      'anomaly_input_invalid',
      `A ${rows} × ${columns} feature matrix needs ${rows * columns} values, got ${values.length}.`,
    );
  }
  return { values, rows, columns };
}

/** Throws when a value is NaN or infinite: trees would send it down an arbitrary branch. */
export function assertFiniteMatrix(matrix: FeatureMatrix): void {
  const { values, columns } = matrix;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    // value - value is NaN for NaN and ±Infinity, 0 otherwise: one test for both.
    if (value - value !== 0) {
      throw new InvalidInputError(
        'anomaly_input_invalid',
        `Row ${Math.floor(index / columns) + 1}, feature ${(index % columns) + 1} is ${value}; impute missing values before scoring.`,
      );
    }
  }
}

/** The median of each column, ignoring NaN; NaN for a column with no numbers. */
export function columnMedians(matrix: FeatureMatrix): Float64Array {
  const medians = new Float64Array(matrix.columns);
  const scratch = new Float64Array(matrix.rows);
  for (let column = 0; column < matrix.columns; column++) {
    let count = 0;
    for (let row = 0; row < matrix.rows; row++) {
      const value = matrix.values[row * matrix.columns + column]!;
      if (!Number.isNaN(value)) scratch[count++] = value;
    }
    medians[column] = median(scratch.subarray(0, count));
  }
  return medians;
}

/** The median of the values (reordered in place); NaN when empty. */
export function median(values: Float64Array): number {
  const count = values.length;
  if (count === 0) return Number.NaN;
  const middle = count >> 1;
  const upper = select(values, middle, 0, count - 1);
  if (count % 2 === 1) return upper;
  // After selecting `middle`, everything before it is ≤ it: the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < middle; index++) if (values[index]! > lower) lower = values[index]!;
  return (lower + upper) / 2;
}

/**
 * Quickselect (Hoare partition, median-of-three pivot): puts the k-th smallest value at index k with
 * smaller-or-equal values before it, in linear expected time. Sorting 100k values per column took
 * ten times longer.
 */
function select(values: Float64Array, k: number, first: number, last: number): number {
  let low = first;
  let high = last;
  while (high > low) {
    const middle = (low + high) >> 1;
    // Median of three as pivot, which keeps sorted and reversed input linear.
    const a = values[low]!;
    const b = values[middle]!;
    const c = values[high]!;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let left = low;
    let right = high;
    while (left <= right) {
      while (values[left]! < pivot) left++;
      while (values[right]! > pivot) right--;
      if (left <= right) {
        const swap = values[left]!;
        values[left] = values[right]!;
        values[right] = swap;
        left++;
        right--;
      }
    }
    if (k <= right) high = right;
    else if (k >= left) low = left;
    else break;
  }
  return values[k]!;
}
