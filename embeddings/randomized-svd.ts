import { createRandom } from '../core/random.js';
import type { CsrMatrix } from './text-features.js';

/**
 * Truncated SVD of a sparse matrix by the randomized range finder of Halko, Martinsson and Tropp
 * (2011, algorithms 4.4 and 5.1): project on a seeded Gaussian sketch, sharpen it with a few power
 * iterations, then solve the small problem exactly. Dense work is on row-major `Float64Array`s.
 */

/** Options of {@link randomizedSvd}. */
export interface RandomizedSvdOptions {
  /** Seed of the Gaussian sketch; the same seed gives the same result bit for bit. */
  readonly seed: number;
  /** Extra sketch columns beyond the rank; 10 is the usual choice. */
  readonly oversamples?: number;
  /** Power iterations; tf-idf spectra decay slowly, so a few are needed for accurate components. */
  readonly powerIterations?: number;
}

/** The leading right singular vectors (as columns of a `columns × rank` matrix) and singular values. */
export interface TruncatedSvd {
  readonly rank: number;
  /** Row-major, `matrix.columns × rank`: row t holds feature t's coordinates on each component. */
  readonly components: Float64Array;
  /** Descending. */
  readonly singularValues: Float64Array;
}

/**
 * The `rank` leading singular triplets of `matrix` (right vectors and values). The rank is capped by
 * the matrix's smaller side; components whose singular value is numerically zero are zero columns.
 */
export function randomizedSvd(matrix: CsrMatrix, rank: number, options: RandomizedSvdOptions): TruncatedSvd {
  const smaller = Math.min(matrix.rows, matrix.columns);
  const k = Math.max(0, Math.min(rank, smaller));
  const sketch = Math.min(k + (options.oversamples ?? 10), smaller);
  if (k === 0) return { rank: 0, components: new Float64Array(0), singularValues: new Float64Array(0) };

  const random = createRandom(options.seed).fork('randomized-svd');
  const omega = new Float64Array(matrix.columns * sketch);
  for (let index = 0; index < omega.length; index++) omega[index] = random.normal();

  const iterations = options.powerIterations ?? 3;
  // Xᵀ as its own CSR matrix, so both products run the same row-gathering kernel.
  const transposed = transposeCsr(matrix);
  let basis = sparseTimesDense(matrix, omega, sketch);
  orthonormalizeColumns(basis, matrix.rows, sketch, iterations === 0 ? 2 : 1);
  for (let iteration = 0; iteration < iterations; iteration++) {
    // Only the row-side sketch is orthonormalised: one product with X and Xᵀ squares the condition
    // number at most, which Cholesky QR in doubles handles; it halves the dense work. The last basis
    // gets a second pass so the small problem below sees an exactly orthonormal Q.
    const feature = sparseTimesDense(transposed, basis, sketch);
    basis = sparseTimesDense(matrix, feature, sketch);
    orthonormalizeColumns(basis, matrix.rows, sketch, iteration === iterations - 1 ? 2 : 1);
  }

  // B = Qᵀ X is small (sketch × columns); its left singular vectors are the eigenvectors of B Bᵀ.
  const projected = sparseTimesDense(matrix, sparseTimesDense(transposed, basis, sketch), sketch);
  const gram = gramMatrix(basis, projected, matrix.rows, sketch);
  const { values, vectors } = symmetricEigen(gram, sketch);

  // U_k = Q E_k, then V_k = Xᵀ U_k Σ⁻¹ (a sparse product, cheaper than Bᵀ E_k when features outnumber rows).
  const left = new Float64Array(matrix.rows * k);
  const eigenColumns = transpose(vectors, sketch, sketch);
  const leftRow = new Float64Array(k);
  for (let row = 0; row < matrix.rows; row++) {
    rowTimesTransposed(basis, row * sketch, eigenColumns, sketch, k, leftRow, false);
    left.set(leftRow, row * k);
  }
  const components = sparseTimesDense(transposed, left, k);
  const singularValues = new Float64Array(k);
  const largest = Math.sqrt(Math.max(values[0] ?? 0, 0));
  const scales = new Float64Array(k);
  for (let component = 0; component < k; component++) {
    const sigma = Math.sqrt(Math.max(values[component]!, 0));
    const keep = sigma > largest * 1e-10;
    singularValues[component] = keep ? sigma : 0;
    scales[component] = keep ? 1 / sigma : 0;
  }
  for (let feature = 0; feature < matrix.columns; feature++) {
    for (let component = 0; component < k; component++)
      components[feature * k + component]! *= scales[component]!;
  }
  return { rank: k, components, singularValues };
}

/** X · D for sparse X (rows × columns) and dense D (columns × width). */
export function sparseTimesDense(matrix: CsrMatrix, dense: Float64Array, width: number): Float64Array {
  const result = new Float64Array(matrix.rows * width);
  for (let row = 0; row < matrix.rows; row++) {
    const out = row * width;
    const end = matrix.rowStarts[row + 1]!;
    let entry = matrix.rowStarts[row]!;
    // Two nonzeros per pass halve the loads and stores of the output row.
    for (; entry + 1 < end; entry += 2) {
      const first = matrix.values[entry]!;
      const second = matrix.values[entry + 1]!;
      const a = matrix.indices[entry]! * width;
      const b = matrix.indices[entry + 1]! * width;
      for (let column = 0; column < width; column++) {
        result[out + column]! += first * dense[a + column]! + second * dense[b + column]!;
      }
    }
    if (entry < end) {
      const value = matrix.values[entry]!;
      const source = matrix.indices[entry]! * width;
      for (let column = 0; column < width; column++) result[out + column]! += value * dense[source + column]!;
    }
  }
  return result;
}

/** The transpose of a CSR matrix, in CSR form (a counting sort of the entries by column). */
export function transposeCsr(matrix: CsrMatrix): CsrMatrix {
  const rowStarts = new Int32Array(matrix.columns + 1);
  for (let entry = 0; entry < matrix.indices.length; entry++) rowStarts[matrix.indices[entry]! + 1]!++;
  for (let column = 0; column < matrix.columns; column++) rowStarts[column + 1]! += rowStarts[column]!;
  const next = rowStarts.slice(0, matrix.columns);
  const indices = new Int32Array(matrix.indices.length);
  const values = new Float64Array(matrix.indices.length);
  for (let row = 0; row < matrix.rows; row++) {
    for (let entry = matrix.rowStarts[row]!; entry < matrix.rowStarts[row + 1]!; entry++) {
      const position = next[matrix.indices[entry]!]!++;
      indices[position] = row;
      values[position] = matrix.values[entry]!;
    }
  }
  return { rows: matrix.columns, columns: matrix.rows, rowStarts, indices, values };
}

/**
 * Orthonormalises the columns of a tall row-major matrix in place by Cholesky QR (Q = Y R⁻¹ with
 * RᵀR = YᵀY). One pass leaves an orthogonality error of about cond(Y)²·1e-16, which is far below what
 * matters for the well-conditioned sketches here; `passes: 2` (CholeskyQR2) makes it exact to rounding.
 * Columns that are numerically dependent become zero columns.
 */
export function orthonormalizeColumns(matrix: Float64Array, rows: number, width: number, passes = 1): void {
  for (let pass = 0; pass < passes; pass++) {
    const gram = gramMatrix(matrix, matrix, rows, width);
    const inverse = invertUpper(choleskyUpper(gram, width), width);
    // Y ← Y R⁻¹, as dot products of each row with the columns of R⁻¹ (held as rows of its transpose).
    const transposed = transpose(inverse, width, width);
    const out = new Float64Array(width);
    for (let row = 0; row < rows; row++) {
      rowTimesTransposed(matrix, row * width, transposed, width, width, out, true);
      matrix.set(out, row * width);
    }
  }
}

/** Row-major transpose of a rows × columns matrix. */
function transpose(matrix: Float64Array, rows: number, columns: number): Float64Array {
  const result = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++)
      result[column * rows + row] = matrix[row * columns + column]!;
  }
  return result;
}

/**
 * out[j] = Σ_p source[offset + p] · transposed[j·length + p] for j < count: a row times a matrix given by
 * its columns. `triangular` stops each sum at p = j (the matrix is upper-triangular). Four outputs at a
 * time share each load of the row, which is what makes this loop fast in V8.
 */
function rowTimesTransposed(
  source: Float64Array,
  offset: number,
  transposed: Float64Array,
  length: number,
  count: number,
  out: Float64Array,
  triangular: boolean,
): void {
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const c0 = j * length;
    const c1 = c0 + length;
    const c2 = c1 + length;
    const c3 = c2 + length;
    const end = triangular ? j + 4 : length;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let p = 0; p < end; p++) {
      const value = source[offset + p]!;
      // Past its own index a triangular column is zero, so the extra terms add nothing.
      s0 += value * transposed[c0 + p]!;
      s1 += value * transposed[c1 + p]!;
      s2 += value * transposed[c2 + p]!;
      s3 += value * transposed[c3 + p]!;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < count; j++) {
    const column = j * length;
    const end = triangular ? j + 1 : length;
    let sum = 0;
    for (let p = 0; p < end; p++) sum += source[offset + p]! * transposed[column + p]!;
    out[j] = sum;
  }
}

/**
 * Aᵀ·B for row-major A and B of the same shape (rows × width), symmetrised. Columns are copied out
 * first so each entry is one contiguous dot product, which is much faster than accumulating by rows.
 */
function gramMatrix(a: Float64Array, b: Float64Array, rows: number, width: number): Float64Array {
  const columnsOf = (matrix: Float64Array): Float64Array => {
    const columns = new Float64Array(rows * width);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < width; column++)
        columns[column * rows + row] = matrix[row * width + column]!;
    }
    return columns;
  };
  const left = columnsOf(a);
  const right = a === b ? left : columnsOf(b);
  const result = new Float64Array(width * width);
  for (let i = 0; i < width; i++) {
    const x = i * rows;
    // Four columns at a time share each load of column i.
    let j = a === b ? i : 0;
    for (; j + 3 < width; j += 4) {
      const y0 = j * rows;
      const y1 = y0 + rows;
      const y2 = y1 + rows;
      const y3 = y2 + rows;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let row = 0; row < rows; row++) {
        const value = left[x + row]!;
        s0 += value * right[y0 + row]!;
        s1 += value * right[y1 + row]!;
        s2 += value * right[y2 + row]!;
        s3 += value * right[y3 + row]!;
      }
      result[i * width + j] = s0;
      result[i * width + j + 1] = s1;
      result[i * width + j + 2] = s2;
      result[i * width + j + 3] = s3;
    }
    for (; j < width; j++) {
      const y = j * rows;
      let sum = 0;
      for (let row = 0; row < rows; row++) sum += left[x + row]! * right[y + row]!;
      result[i * width + j] = sum;
    }
  }
  // Make it exactly symmetric: fill the lower triangle (a Gram) or average both (Qᵀ·XXᵀQ).
  for (let i = 0; i < width; i++) {
    for (let j = i + 1; j < width; j++) {
      const mean = a === b ? result[i * width + j]! : (result[i * width + j]! + result[j * width + i]!) / 2;
      result[i * width + j] = mean;
      result[j * width + i] = mean;
    }
  }
  return result;
}

/** Upper-triangular R with RᵀR = G; a pivot lost to rounding marks a dependent column (zero row of R). */
function choleskyUpper(gram: Float64Array, width: number): Float64Array {
  let largestDiagonal = 0;
  for (let i = 0; i < width; i++) largestDiagonal = Math.max(largestDiagonal, gram[i * width + i]!);
  const upper = new Float64Array(width * width);
  for (let j = 0; j < width; j++) {
    for (let i = 0; i <= j; i++) {
      let sum = gram[i * width + j]!;
      for (let p = 0; p < i; p++) sum -= upper[p * width + i]! * upper[p * width + j]!;
      if (i === j) {
        upper[j * width + j] = sum > largestDiagonal * 1e-24 ? Math.sqrt(sum) : 0;
      } else {
        const pivot = upper[i * width + i]!;
        upper[i * width + j] = pivot === 0 ? 0 : sum / pivot;
      }
    }
  }
  return upper;
}

/** Inverse of an upper-triangular matrix; a zero pivot gives a zero row and column (dropped column). */
function invertUpper(upper: Float64Array, width: number): Float64Array {
  const inverse = new Float64Array(width * width);
  for (let j = 0; j < width; j++) {
    const pivot = upper[j * width + j]!;
    if (pivot === 0) continue;
    inverse[j * width + j] = 1 / pivot;
    for (let i = j - 1; i >= 0; i--) {
      if (upper[i * width + i] === 0) continue;
      let sum = 0;
      for (let p = i + 1; p <= j; p++) sum += upper[i * width + p]! * inverse[p * width + j]!;
      inverse[i * width + j] = -sum / upper[i * width + i]!;
    }
  }
  return inverse;
}

/**
 * Eigenvalues (descending) and eigenvectors (columns of a row-major n × n matrix, in the same order)
 * of a symmetric matrix, by cyclic Jacobi rotations. Fine for the few-hundred-wide problems here.
 */
export function symmetricEigen(
  symmetric: Float64Array,
  size: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(symmetric);
  // Eigenvectors are kept as rows (the transpose) so every rotation touches contiguous memory.
  const vt = new Float64Array(size * size);
  for (let i = 0; i < size; i++) vt[i * size + i] = 1;
  let total = 0;
  for (let index = 0; index < a.length; index++) total += a[index]! * a[index]!;
  for (let sweep = 0; sweep < 60; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) offDiagonal += a[p * size + q]! * a[p * size + q]!;
    }
    if (offDiagonal <= total * 1e-30) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const rowP = p * size;
        const rowQ = q * size;
        const apq = a[rowP + q]!;
        if (apq === 0) continue;
        const app = a[rowP + p]!;
        const aqq = a[rowQ + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A' = JᵀAJ changes rows and columns p and q only; update the rows, mirror them into the columns.
        for (let r = 0; r < size; r++) {
          const apr = a[rowP + r]!;
          const aqr = a[rowQ + r]!;
          a[rowP + r] = c * apr - s * aqr;
          a[rowQ + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < size; r++) {
          a[r * size + p] = a[rowP + r]!;
          a[r * size + q] = a[rowQ + r]!;
        }
        a[rowP + p] = app - t * apq;
        a[rowQ + q] = aqq + t * apq;
        a[rowP + q] = 0;
        a[rowQ + p] = 0;
        for (let r = 0; r < size; r++) {
          const vpr = vt[rowP + r]!;
          const vqr = vt[rowQ + r]!;
          vt[rowP + r] = c * vpr - s * vqr;
          vt[rowQ + r] = s * vpr + c * vqr;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, index) => index).sort(
    (x, y) => a[y * size + y]! - a[x * size + x]! || x - y,
  );
  const values = new Float64Array(size);
  const vectors = new Float64Array(size * size);
  order.forEach((source, target) => {
    values[target] = a[source * size + source]!;
    for (let r = 0; r < size; r++) vectors[r * size + target] = vt[source * size + r]!;
  });
  return { values, vectors };
}
