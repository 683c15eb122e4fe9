/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with the conjugate-gradient update of Takács, Pilászy
 * & Tikk (2011), as in the `implicit` library's `cg` solver. Every observed pair has preference 1 and
 * confidence c = 1 + α·r; unobserved pairs have preference 0 and confidence 1. Each half-step solves
 * (YᵀY + λI + Σ_{i ∈ u} (c_ui − 1)·yᵢyᵢᵀ)·x_u = Σ_{i ∈ u} c_ui·yᵢ with a few CG steps warm-started
 * from the previous x_u, so one sweep costs O(nnz·f·steps + users·f²·steps) instead of a solve per user.
 */
import { createRandom } from '../../core/random.js';
import type { InteractionMatrix } from './interactions.js';
import { choleskyFactor } from './linear-algebra.js';
import {
  checkFitted,
  checkIndex,
  type Exclusion,
  type History,
  historyOf,
  type Recommender,
  recommendFromScores,
  transformHistory,
  transformMatrix,
  type ValueTransform,
} from './recommender.js';
import { type CsrMatrix, transposeCsr } from './sparse.js';
import { type ScoredIndex, topK } from './top-k.js';

/** Hyper-parameters of {@link createAlsRecommender}. */
export interface AlsOptions {
  /** Latent factors (default 32). */
  readonly factors?: number;
  /** L2 regularisation λ (default 50, chosen on MovieLens validation splits). */
  readonly regularization?: number;
  /** Confidence slope α in c = 1 + α·r (default 5). */
  readonly alpha?: number;
  /** ALS sweeps (default 15). */
  readonly iterations?: number;
  /** Conjugate-gradient steps per half-sweep (default 3, as in `implicit`). */
  readonly cgSteps?: number;
  /** Training values before the confidence mapping (default 'binary'). */
  readonly transform?: ValueTransform;
  /** Seed of the factor initialisation (default 42). */
  readonly seed?: number;
}

/** Creates an implicit ALS recommender. */
export function createAlsRecommender(options: AlsOptions = {}): Recommender {
  const factors = options.factors ?? 32;
  const regularization = options.regularization ?? 50;
  const alpha = options.alpha ?? 5;
  const iterations = options.iterations ?? 15;
  const cgSteps = options.cgSteps ?? 3;
  const transform = options.transform ?? 'binary';
  const seed = options.seed ?? 42;
  if (!(factors >= 1) || !(regularization >= 0) || !(alpha >= 0) || !(iterations >= 1) || !(cgSteps >= 1)) {
    throw new RangeError('als: factors, iterations and cgSteps must be ≥ 1; regularization and alpha ≥ 0');
  }
  let matrix: CsrMatrix | undefined;
  let userFactors = new Float64Array(0);
  let itemFactors = new Float64Array(0);
  let itemCount = 0;

  const scoreVector = (user: Float64Array, offset: number): Float32Array => {
    const scores = new Float32Array(itemCount);
    for (let j = 0; j < itemCount; j++) {
      const itemOffset = j * factors;
      let sum = 0;
      for (let f = 0; f < factors; f++) sum += user[offset + f]! * itemFactors[itemOffset + f]!;
      scores[j] = sum;
    }
    return scores;
  };

  /** The exact per-user system matrix A = YᵀY + λI + Σ (c−1)·yyᵀ (fold-in and explanations). */
  const userSystem = (history: History): Float64Array => {
    const system = gramWithRegularization(itemFactors, itemCount, factors, regularization);
    for (let n = 0; n < history.items.length; n++) {
      const weight = alpha * history.values[n]!;
      const offset = history.items[n]! * factors;
      for (let a = 0; a < factors; a++) {
        const scaled = weight * itemFactors[offset + a]!;
        for (let b = 0; b < factors; b++) system[a * factors + b]! += scaled * itemFactors[offset + b]!;
      }
    }
    return system;
  };

  return {
    name: 'als',
    parameters: { factors, regularization, alpha, iterations, cgSteps, transform, seed },
    fit(data: InteractionMatrix) {
      matrix = transformMatrix(data.matrix, transform);
      const byItem = transposeCsr(matrix);
      itemCount = matrix.columns;
      const random = createRandom(seed);
      // Small random factors break the symmetry; the scale follows `implicit` (0.01).
      userFactors = new Float64Array(matrix.rows * factors);
      itemFactors = new Float64Array(itemCount * factors);
      for (let n = 0; n < userFactors.length; n++) userFactors[n] = random.normal() * 0.01;
      for (let n = 0; n < itemFactors.length; n++) itemFactors[n] = random.normal() * 0.01;
      for (let iteration = 0; iteration < iterations; iteration++) {
        conjugateGradientSweep(
          matrix,
          userFactors,
          itemFactors,
          itemCount,
          factors,
          regularization,
          alpha,
          cgSteps,
        );
        conjugateGradientSweep(
          byItem,
          itemFactors,
          userFactors,
          matrix.rows,
          factors,
          regularization,
          alpha,
          cgSteps,
        );
      }
    },
    scoreUser(userIndex: number) {
      checkIndex('als', 'user', userIndex, matrix?.rows ?? 0);
      return scoreVector(userFactors, userIndex * factors);
    },
    scoreHistory(history: History) {
      checkFitted('als', matrix !== undefined);
      const transformed = transformHistory(history, transform);
      // Fold-in: the exact least-squares user vector for this history, items fixed.
      const system = userSystem(transformed);
      const rightHand = new Float64Array(factors);
      for (let n = 0; n < transformed.items.length; n++) {
        const confidence = 1 + alpha * transformed.values[n]!;
        const offset = transformed.items[n]! * factors;
        for (let f = 0; f < factors; f++) rightHand[f]! += confidence * itemFactors[offset + f]!;
      }
      return scoreVector(solveCholesky(system, factors, rightHand), 0);
    },
    recommend(userIndex: number, k: number, exclude?: Exclusion) {
      checkIndex('als', 'user', userIndex, matrix?.rows ?? 0);
      return recommendFromScores(
        scoreVector(userFactors, userIndex * factors),
        historyOf(matrix!, userIndex),
        k,
        exclude,
      );
    },
    similarItems(itemIndex: number, k: number): ScoredIndex[] {
      // Cosine of item factors, so popular items (long vectors) do not dominate every list.
      checkIndex('als', 'item', itemIndex, itemCount);
      const norms = new Float64Array(itemCount);
      for (let j = 0; j < itemCount; j++) {
        let sum = 0;
        for (let f = 0; f < factors; f++) sum += itemFactors[j * factors + f]! ** 2;
        norms[j] = Math.sqrt(sum);
      }
      const scores = new Float32Array(itemCount);
      const base = itemIndex * factors;
      for (let j = 0; j < itemCount; j++) {
        let dot = 0;
        for (let f = 0; f < factors; f++) dot += itemFactors[base + f]! * itemFactors[j * factors + f]!;
        const denominator = norms[itemIndex]! * norms[j]!;
        scores[j] = denominator > 0 ? dot / denominator : 0;
      }
      return topK(scores, k, (index) => index === itemIndex);
    },
    contributions(history: History, itemIndex: number) {
      // score_j = y_jᵀ·A⁻¹·Σ c_i·y_i, so item i contributes c_i·(A⁻¹y_j)·y_i exactly (as `implicit` explains).
      checkIndex('als', 'item', itemIndex, itemCount);
      const transformed = transformHistory(history, transform);
      const target = itemFactors.slice(itemIndex * factors, (itemIndex + 1) * factors);
      const solved = solveCholesky(userSystem(transformed), factors, target);
      const result: ScoredIndex[] = [];
      for (let n = 0; n < transformed.items.length; n++) {
        const item = transformed.items[n]!;
        if (item === itemIndex) continue;
        let dot = 0;
        for (let f = 0; f < factors; f++) dot += solved[f]! * itemFactors[item * factors + f]!;
        const contribution = (1 + alpha * transformed.values[n]!) * dot;
        if (contribution > 0) result.push({ index: item, score: contribution });
      }
      return result.sort((a, b) => b.score - a.score || a.index - b.index);
    },
  };
}

/** YᵀY + λI for the factors of the other side (f × f, row-major). */
function gramWithRegularization(
  other: Float64Array,
  count: number,
  factors: number,
  regularization: number,
): Float64Array {
  const gram = new Float64Array(factors * factors);
  for (let n = 0; n < count; n++) {
    const offset = n * factors;
    for (let a = 0; a < factors; a++) {
      const value = other[offset + a]!;
      if (value === 0) continue;
      for (let b = 0; b < factors; b++) gram[a * factors + b]! += value * other[offset + b]!;
    }
  }
  for (let a = 0; a < factors; a++) gram[a * factors + a]! += regularization;
  return gram;
}

/**
 * One half-sweep: updates every row of `target` given `other`, with CG steps from the current value
 * (the `implicit` library's `_least_squares_cg`).
 */
function conjugateGradientSweep(
  matrix: CsrMatrix,
  target: Float64Array,
  other: Float64Array,
  otherCount: number,
  factors: number,
  regularization: number,
  alpha: number,
  steps: number,
): void {
  const gram = gramWithRegularization(other, otherCount, factors, regularization);
  const residual = new Float64Array(factors);
  const direction = new Float64Array(factors);
  const product = new Float64Array(factors);
  for (let row = 0; row < matrix.rows; row++) {
    const start = matrix.indptr[row]!;
    const end = matrix.indptr[row + 1]!;
    const base = row * factors;
    // r = b − A·x = −(YᵀY + λI)·x + Σ (c − (c − 1)·yᵢ·x)·yᵢ
    multiply(gram, target, base, factors, residual);
    for (let f = 0; f < factors; f++) residual[f] = -residual[f]!;
    for (let p = start; p < end; p++) {
      const confidence = 1 + alpha * matrix.values[p]!;
      const offset = matrix.indices[p]! * factors;
      let dot = 0;
      for (let f = 0; f < factors; f++) dot += other[offset + f]! * target[base + f]!;
      const scale = confidence - (confidence - 1) * dot;
      for (let f = 0; f < factors; f++) residual[f]! += scale * other[offset + f]!;
    }
    direction.set(residual);
    let residualNorm = dotProduct(residual, residual, factors);
    if (residualNorm < 1e-20) continue;
    for (let step = 0; step < steps; step++) {
      // A·p = (YᵀY + λI)·p + Σ (c − 1)·(yᵢ·p)·yᵢ
      multiply(gram, direction, 0, factors, product);
      for (let p = start; p < end; p++) {
        const weight = alpha * matrix.values[p]!;
        const offset = matrix.indices[p]! * factors;
        let dot = 0;
        for (let f = 0; f < factors; f++) dot += other[offset + f]! * direction[f]!;
        const scale = weight * dot;
        for (let f = 0; f < factors; f++) product[f]! += scale * other[offset + f]!;
      }
      const curvature = dotProduct(direction, product, factors);
      if (!(curvature > 0)) break;
      const stepSize = residualNorm / curvature;
      for (let f = 0; f < factors; f++) {
        target[base + f]! += stepSize * direction[f]!;
        residual[f]! -= stepSize * product[f]!;
      }
      const nextNorm = dotProduct(residual, residual, factors);
      if (nextNorm < 1e-20) break;
      const ratio = nextNorm / residualNorm;
      for (let f = 0; f < factors; f++) direction[f] = residual[f]! + ratio * direction[f]!;
      residualNorm = nextNorm;
    }
  }
}

function multiply(
  square: Float64Array,
  vector: Float64Array,
  offset: number,
  size: number,
  out: Float64Array,
): void {
  for (let a = 0; a < size; a++) {
    let sum = 0;
    const row = a * size;
    for (let b = 0; b < size; b++) sum += square[row + b]! * vector[offset + b]!;
    out[a] = sum;
  }
}

function dotProduct(a: Float64Array, b: Float64Array, size: number): number {
  let sum = 0;
  for (let n = 0; n < size; n++) sum += a[n]! * b[n]!;
  return sum;
}

/** Solves A·x = b for symmetric positive definite A via its Cholesky factor (f × f, small). */
function solveCholesky(system: Float64Array, size: number, rightHand: Float64Array): Float64Array {
  const lower = choleskyFactor(system, size);
  const forward = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let sum = rightHand[i]!;
    for (let k = 0; k < i; k++) sum -= lower[i * size + k]! * forward[k]!;
    forward[i] = sum / lower[i * size + i]!;
  }
  const solution = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < size; k++) sum -= lower[k * size + i]! * solution[k]!;
    solution[i] = sum / lower[i * size + i]!;
  }
  return solution;
}
