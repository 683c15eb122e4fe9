/**
 * Compressed sparse row (CSR) matrices on typed arrays: the user × item interaction matrix and its
 * transpose. Rows are sorted by column index, duplicates are summed, so every model can rely on
 * `indices[indptr[r]..indptr[r+1])` being strictly increasing.
 */

/** A sparse matrix in CSR form. Row `r` holds columns `indices[indptr[r]..indptr[r + 1])`. */
export interface CsrMatrix {
  readonly rows: number;
  readonly columns: number;
  /** Length `rows + 1`; `indptr[rows]` is the number of stored entries. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry, increasing within a row. */
  readonly indices: Int32Array;
  /** Value of each stored entry. */
  readonly values: Float32Array;
}

/**
 * Builds a CSR matrix from coordinate triples. Entries with the same (row, column) are summed, because
 * repeated events (two views of the same coin) are more evidence, not a conflict.
 *
 * @example
 * const matrix = createCsrMatrix(2, 3, Int32Array.of(0, 1), Int32Array.of(2, 0), Float32Array.of(1, 5));
 */
export function createCsrMatrix(
  rows: number,
  columns: number,
  rowIndex: Int32Array,
  columnIndex: Int32Array,
  values: Float32Array,
): CsrMatrix {
  if (rowIndex.length !== columnIndex.length || rowIndex.length !== values.length) {
    throw new RangeError('createCsrMatrix: row, column and value arrays must have the same length');
  }
  const counts = new Int32Array(rows + 1);
  for (let n = 0; n < rowIndex.length; n++) {
    const row = rowIndex[n]!;
    const column = columnIndex[n]!;
    if (row < 0 || row >= rows || column < 0 || column >= columns) {
      throw new RangeError(`createCsrMatrix: entry (${row}, ${column}) is outside ${rows} × ${columns}`);
    }
    counts[row + 1]!++;
  }
  for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
  // Counting sort by row, then an insertion sort by column inside each (short) row.
  const order = new Int32Array(rowIndex.length);
  const cursor = counts.slice(0, rows);
  for (let n = 0; n < rowIndex.length; n++) order[cursor[rowIndex[n]!]!++] = n;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(rowIndex.length);
  const out = new Float32Array(rowIndex.length);
  let written = 0;
  for (let r = 0; r < rows; r++) {
    const start = counts[r]!;
    const end = counts[r + 1]!;
    const rowStart = written;
    for (let p = start; p < end; p++) {
      const source = order[p]!;
      const column = columnIndex[source]!;
      const value = values[source]!;
      // Insert keeping columns sorted; merge a duplicate column into the existing entry.
      let position = written;
      while (position > rowStart && indices[position - 1]! > column) position--;
      if (position > rowStart && indices[position - 1] === column) {
        out[position - 1]! += value;
        continue;
      }
      for (let move = written; move > position; move--) {
        indices[move] = indices[move - 1]!;
        out[move] = out[move - 1]!;
      }
      indices[position] = column;
      out[position] = value;
      written++;
    }
    indptr[r + 1] = written;
  }
  return {
    rows,
    columns,
    indptr,
    indices: written === indices.length ? indices : indices.slice(0, written),
    values: written === out.length ? out : out.slice(0, written),
  };
}

/** The transpose of a CSR matrix (item × user from user × item), still with sorted rows. */
export function transposeCsr(matrix: CsrMatrix): CsrMatrix {
  const indptr = new Int32Array(matrix.columns + 1);
  for (let n = 0; n < matrix.indices.length; n++) indptr[matrix.indices[n]! + 1]!++;
  for (let c = 0; c < matrix.columns; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, matrix.columns);
  const indices = new Int32Array(matrix.indices.length);
  const values = new Float32Array(matrix.indices.length);
  // Walking rows in order writes each transposed row in increasing order, so no sort is needed.
  for (let r = 0; r < matrix.rows; r++) {
    for (let p = matrix.indptr[r]!; p < matrix.indptr[r + 1]!; p++) {
      const target = cursor[matrix.indices[p]!]!++;
      indices[target] = r;
      values[target] = matrix.values[p]!;
    }
  }
  return { rows: matrix.columns, columns: matrix.rows, indptr, indices, values };
}

/** A copy of the matrix with every value passed through `transform` (binarise, confidence, log). */
export function mapCsrValues(matrix: CsrMatrix, transform: (value: number) => number): CsrMatrix {
  const values = new Float32Array(matrix.values.length);
  for (let n = 0; n < values.length; n++) values[n] = transform(matrix.values[n]!);
  return { ...matrix, values };
}

/** Number of stored entries in row `row`. */
export function rowLength(matrix: CsrMatrix, row: number): number {
  return matrix.indptr[row + 1]! - matrix.indptr[row]!;
}
