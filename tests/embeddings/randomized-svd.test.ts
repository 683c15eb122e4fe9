import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/random.js';
import { randomizedSvd, symmetricEigen } from '../../embeddings/randomized-svd.js';
import type { CsrMatrix } from '../../embeddings/text-features.js';

/** A seeded sparse matrix (about 30% filled) in CSR form, and the same matrix dense. */
function sparseMatrix(rows: number, columns: number, seed: number): { csr: CsrMatrix; dense: Float64Array } {
  const random = createRandom(seed);
  const dense = new Float64Array(rows * columns);
  const rowStarts = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let row = 0; row < rows; row++) {
    rowStarts[row] = indices.length;
    for (let column = 0; column < columns; column++) {
      if (random.next() < 0.3) {
        const value = random.normal();
        dense[row * columns + column] = value;
        indices.push(column);
        values.push(value);
      }
    }
  }
  rowStarts[rows] = indices.length;
  return {
    csr: { rows, columns, rowStarts, indices: Int32Array.from(indices), values: Float64Array.from(values) },
    dense,
  };
}

/** Singular values of a dense matrix from the eigenvalues of XᵀX. */
function exactSingularValues(dense: Float64Array, rows: number, columns: number): number[] {
  const gram = new Float64Array(columns * columns);
  for (let i = 0; i < columns; i++) {
    for (let j = 0; j < columns; j++) {
      let sum = 0;
      for (let row = 0; row < rows; row++) sum += dense[row * columns + i]! * dense[row * columns + j]!;
      gram[i * columns + j] = sum;
    }
  }
  return Array.from(symmetricEigen(gram, columns).values, (value) => Math.sqrt(Math.max(value, 0)));
}

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix (A v = λ v, eigenvalues descending)', () => {
    const size = 6;
    const matrix = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = i; j < size; j++) {
        const value = Math.sin(3 * i + 7 * j);
        matrix[i * size + j] = value;
        matrix[j * size + i] = value;
      }
    }
    const { values, vectors } = symmetricEigen(matrix, size);
    for (let k = 0; k < size; k++) {
      if (k > 0) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
      for (let i = 0; i < size; i++) {
        let product = 0;
        for (let j = 0; j < size; j++) product += matrix[i * size + j]! * vectors[j * size + k]!;
        expect(product).toBeCloseTo(values[k]! * vectors[i * size + k]!, 12);
      }
    }
  });
});

describe('randomizedSvd', () => {
  const { csr, dense } = sparseMatrix(40, 25, 3);
  const exact = exactSingularValues(dense, 40, 25);

  it('matches the exact singular values when the sketch spans the matrix', () => {
    const svd = randomizedSvd(csr, 6, { seed: 1, oversamples: 30, powerIterations: 1 });
    expect(svd.rank).toBe(6);
    for (let k = 0; k < 6; k++) expect(svd.singularValues[k]!).toBeCloseTo(exact[k]!, 9);
  });

  it('returns orthonormal right singular vectors', () => {
    const svd = randomizedSvd(csr, 6, { seed: 1, oversamples: 4, powerIterations: 3 });
    for (let a = 0; a < 6; a++) {
      for (let b = 0; b < 6; b++) {
        let sum = 0;
        for (let feature = 0; feature < 25; feature++) {
          sum += svd.components[feature * 6 + a]! * svd.components[feature * 6 + b]!;
        }
        expect(sum).toBeCloseTo(a === b ? 1 : 0, 8);
      }
    }
    // With a small sketch the leading values are still close after a few power iterations.
    expect(svd.singularValues[0]!).toBeCloseTo(exact[0]!, 3);
  });

  it('is deterministic for a seed and caps the rank at the smaller side', () => {
    const first = randomizedSvd(csr, 5, { seed: 9 });
    const second = randomizedSvd(csr, 5, { seed: 9 });
    expect(second.components).toEqual(first.components);
    expect(randomizedSvd(csr, 100, { seed: 9 }).rank).toBe(25);
  });
});
