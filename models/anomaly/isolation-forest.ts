/**
 * Isolation Forest (Liu, Ting and Zhou, 2008), the same algorithm as scikit-learn's `IsolationForest`:
 * each tree is grown on `maxSamples` rows drawn without replacement; every node splits on a feature
 * drawn uniformly among those not constant in the node, at a threshold drawn uniformly in the node's
 * [min, max] of that feature (rows ≤ threshold go left); trees stop at depth ⌈log2 ψ⌉. A row's path
 * length in a tree is its leaf's depth plus c(n), the expected depth still needed to isolate one of
 * the n training rows left in that leaf; the score is 2^(−E[h(x)] / c(ψ)), in (0, 1], where higher
 * means easier to isolate, i.e. more anomalous (scikit-learn's `score_samples` is its negation).
 *
 * All trees live in one set of parallel typed arrays (struct of arrays), children in adjacent slots,
 * and leaves hold their final path length, so scoring a row is a tight loop of loads and compares
 * with no allocation.
 */
import { InvalidInputError } from '../../core/errors.js';
import { createRandom } from '../../core/random.js';
import { assertFiniteMatrix, type FeatureMatrix } from './feature-matrix.js';

/** Options of {@link fitIsolationForest}; the defaults are scikit-learn's. */
export interface IsolationForestOptions {
  /** Number of trees (`n_estimators`), default 100. */
  readonly trees?: number;
  /** Rows per tree (`max_samples`): a count, or `'auto'` = min(256, rows). Default `'auto'`. */
  readonly maxSamples?: number | 'auto';
  /** Seed of the row sampling and the random splits, default 42. */
  readonly seed?: number;
}

/**
 * A fitted forest. Node arrays are shared by all trees; `roots[t]` is the root of tree t, and an
 * internal node's children are `child[node]` (≤ threshold) and `child[node] + 1` (> threshold).
 *
 * Leaves are made into fixed points of that step (threshold +∞, child = itself, `walkFeature` 0), so
 * scoring can take exactly `treeDepth[t]` steps in every tree with no test for "is this a leaf",
 * which lets several rows walk a tree in lockstep without branches.
 */
export interface IsolationForest {
  readonly trees: number;
  /** ψ, the rows each tree was grown on. */
  readonly sampleSize: number;
  readonly maxDepth: number;
  /** Number of features the forest was fitted on. */
  readonly columns: number;
  readonly roots: Int32Array;
  /** Split feature of each node, −1 for a leaf. */
  readonly feature: Int32Array;
  /** Split feature with leaves as 0, for the branch-free walk. */
  readonly walkFeature: Int32Array;
  /** Split threshold; +∞ at a leaf. */
  readonly threshold: Float64Array;
  /** Left child (the right one is next to it); a leaf points to itself. */
  readonly child: Int32Array;
  /** Depth of the deepest leaf of each tree. */
  readonly treeDepth: Int32Array;
  /** Training rows that reached each node. */
  readonly nodeSamples: Int32Array;
  /** ln(nodeSamples), kept for the contribution walk. */
  readonly logNodeSamples: Float64Array;
  /** At a leaf: depth + c(nodeSamples), the row's path length in that tree. */
  readonly leafPathLength: Float64Array;
}

/** Below this range a feature counts as constant in a node (scikit-learn's `FEATURE_THRESHOLD`). */
const CONSTANT_RANGE = 1e-7;
const EULER_GAMMA = 0.5772156649015329;
/** Rows scored together: 256 rows × 20 features × 8 bytes = 40 KB, about an L1/L2 cache's worth. */
const SCORE_BLOCK_ROWS = 256;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n items, i.e.
 * the expected depth still needed to isolate one row among n (0 for n ≤ 1, 1 for n = 2).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Grows the forest on the rows of `matrix` (which must hold no NaN or infinity).
 *
 * @example
 * const forest = fitIsolationForest(matrix, { seed: 7 });
 * const scores = scoreIsolationForest(forest, matrix); // higher = more anomalous
 */
export function fitIsolationForest(
  matrix: FeatureMatrix,
  options: IsolationForestOptions = {},
): IsolationForest {
  const trees = options.trees ?? 100;
  const maxSamples = options.maxSamples ?? 'auto';
  const { rows, columns, values } = matrix;
  if (!Number.isInteger(trees) || trees < 1) {
    throw new InvalidInputError('anomaly_options_invalid', `trees must be a positive integer, got ${trees}.`);
  }
  if (maxSamples !== 'auto' && (!Number.isInteger(maxSamples) || maxSamples < 1)) {
    throw new InvalidInputError(
      'anomaly_options_invalid',
      `maxSamples must be 'auto' or a positive integer, got ${maxSamples}.`,
    );
  }
  if (rows < 1) {
    throw new InvalidInputError('anomaly_input_invalid', 'An Isolation Forest needs at least one row.');
  }
  assertFiniteMatrix(matrix);
  // Like scikit-learn, a sample size above the row count falls back to all rows.
  const sampleSize = maxSamples === 'auto' ? Math.min(256, rows) : Math.min(maxSamples, rows);
  const maxDepth = Math.ceil(Math.log2(Math.max(sampleSize, 2)));
  const nodesPerTree = Math.min(2 * sampleSize - 1, 2 ** (maxDepth + 1) - 1);
  const capacity = trees * nodesPerTree;
  const roots = new Int32Array(trees);
  const treeDepth = new Int32Array(trees);
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float64Array(capacity);
  const child = new Int32Array(capacity);
  const nodeSamples = new Int32Array(capacity);
  const leafPathLength = new Float64Array(capacity);

  const random = createRandom(options.seed ?? 42);
  // Partial Fisher-Yates over a permutation kept between trees: drawing ψ positions from any
  // permutation gives a uniform sample without replacement, and needs no reset.
  const permutation = new Int32Array(rows);
  for (let index = 0; index < rows; index++) permutation[index] = index;
  const sample = new Int32Array(sampleSize);
  const candidates = new Int32Array(columns);
  // Explicit stack of pending nodes: node id, sample range [start, end), depth.
  const stackNode = new Int32Array(nodesPerTree);
  const stackStart = new Int32Array(nodesPerTree);
  const stackEnd = new Int32Array(nodesPerTree);
  const stackDepth = new Int32Array(nodesPerTree);

  let nextNode = 0;
  for (let tree = 0; tree < trees; tree++) {
    for (let index = 0; index < sampleSize; index++) {
      const pick = index + Math.floor(random.next() * (rows - index));
      const chosen = permutation[pick]!;
      permutation[pick] = permutation[index]!;
      permutation[index] = chosen;
      sample[index] = chosen;
    }
    const root = nextNode++;
    roots[tree] = root;
    stackNode[0] = root;
    stackStart[0] = 0;
    stackEnd[0] = sampleSize;
    stackDepth[0] = 0;
    let top = 1;
    while (top > 0) {
      top--;
      const node = stackNode[top]!;
      const start = stackStart[top]!;
      const end = stackEnd[top]!;
      const depth = stackDepth[top]!;
      const count = end - start;
      nodeSamples[node] = count;
      let splitFeature = -1;
      let low = 0;
      let high = 0;
      if (depth < maxDepth && count >= 2) {
        // Draw features without replacement until one is not constant in this node.
        for (let index = 0; index < columns; index++) candidates[index] = index;
        let remaining = columns;
        while (remaining > 0) {
          const drawn = Math.floor(random.next() * remaining);
          const candidate = candidates[drawn]!;
          candidates[drawn] = candidates[remaining - 1]!;
          remaining--;
          low = Number.POSITIVE_INFINITY;
          high = Number.NEGATIVE_INFINITY;
          for (let index = start; index < end; index++) {
            const value = values[sample[index]! * columns + candidate]!;
            if (value < low) low = value;
            if (value > high) high = value;
          }
          if (high > low + CONSTANT_RANGE) {
            splitFeature = candidate;
            break;
          }
        }
      }
      if (splitFeature < 0) {
        leafPathLength[node] = depth + averagePathLength(count);
        threshold[node] = Number.POSITIVE_INFINITY;
        child[node] = node;
        if (depth > treeDepth[tree]!) treeDepth[tree] = depth;
        continue;
      }
      let cut = low + random.next() * (high - low);
      // Rounding can land on the maximum, which would leave the right side empty.
      if (cut >= high) cut = low;
      // Partition the node's rows: ≤ cut to the front.
      let left = start;
      let right = end - 1;
      while (left <= right) {
        if (values[sample[left]! * columns + splitFeature]! <= cut) {
          left++;
        } else {
          const swap = sample[left]!;
          sample[left] = sample[right]!;
          sample[right] = swap;
          right--;
        }
      }
      const leftChild = nextNode;
      nextNode += 2;
      feature[node] = splitFeature;
      threshold[node] = cut;
      child[node] = leftChild;
      stackNode[top] = leftChild;
      stackStart[top] = start;
      stackEnd[top] = left;
      stackDepth[top] = depth + 1;
      top++;
      stackNode[top] = leftChild + 1;
      stackStart[top] = left;
      stackEnd[top] = end;
      stackDepth[top] = depth + 1;
      top++;
    }
  }
  const used = nextNode;
  const logNodeSamples = new Float64Array(used);
  const walkFeature = new Int32Array(used);
  for (let node = 0; node < used; node++) {
    logNodeSamples[node] = Math.log(nodeSamples[node]!);
    walkFeature[node] = Math.max(feature[node]!, 0);
  }
  return {
    trees,
    sampleSize,
    maxDepth,
    columns,
    roots,
    feature: feature.slice(0, used),
    walkFeature,
    treeDepth,
    threshold: threshold.slice(0, used),
    child: child.slice(0, used),
    nodeSamples: nodeSamples.slice(0, used),
    logNodeSamples,
    leafPathLength: leafPathLength.slice(0, used),
  };
}

/**
 * Anomaly scores 2^(−E[h(x)] / c(ψ)) of every row, in (0, 1]; higher = more anomalous (around 0.5 and
 * below is ordinary). Writes into `output` when given (length ≥ rows), so repeated scoring allocates
 * nothing.
 */
export function scoreIsolationForest(
  forest: IsolationForest,
  matrix: FeatureMatrix,
  output: Float64Array = new Float64Array(matrix.rows),
): Float64Array {
  checkColumns(forest, matrix);
  assertFiniteMatrix(matrix);
  const { values, columns, rows } = matrix;
  const { roots, treeDepth, walkFeature, threshold, child, leafPathLength, trees } = forest;
  const normaliser = trees * averagePathLength(forest.sampleSize);
  // With ψ = 1 there is nothing to normalise by; scikit-learn then scores every row 2^−1.
  if (normaliser === 0) return output.fill(0.5, 0, rows);
  const scale = -1 / normaliser;
  output.fill(0, 0, rows);
  // Blocks of rows small enough to stay in cache while every tree walks them; within a block, four
  // rows walk each tree together so their (independent) load chains overlap in the CPU. Each step is
  // branch-free: `+(x > t)` picks the right child without a hard-to-predict jump.
  for (let blockStart = 0; blockStart < rows; blockStart += SCORE_BLOCK_ROWS) {
    const blockEnd = Math.min(rows, blockStart + SCORE_BLOCK_ROWS);
    for (let tree = 0; tree < trees; tree++) {
      const root = roots[tree]!;
      const depth = treeDepth[tree]!;
      let row = blockStart;
      for (; row + 3 < blockEnd; row += 4) {
        const offset0 = row * columns;
        const offset1 = offset0 + columns;
        const offset2 = offset1 + columns;
        const offset3 = offset2 + columns;
        let node0 = root;
        let node1 = root;
        let node2 = root;
        let node3 = root;
        for (let level = 0; level < depth; level++) {
          node0 = child[node0]! + +(values[offset0 + walkFeature[node0]!]! > threshold[node0]!);
          node1 = child[node1]! + +(values[offset1 + walkFeature[node1]!]! > threshold[node1]!);
          node2 = child[node2]! + +(values[offset2 + walkFeature[node2]!]! > threshold[node2]!);
          node3 = child[node3]! + +(values[offset3 + walkFeature[node3]!]! > threshold[node3]!);
        }
        output[row]! += leafPathLength[node0]!;
        output[row + 1]! += leafPathLength[node1]!;
        output[row + 2]! += leafPathLength[node2]!;
        output[row + 3]! += leafPathLength[node3]!;
      }
      for (; row < blockEnd; row++) {
        const offset = row * columns;
        let node = root;
        for (let level = 0; level < depth; level++) {
          node = child[node]! + +(values[offset + walkFeature[node]!]! > threshold[node]!);
        }
        output[row]! += leafPathLength[node]!;
      }
    }
    for (let row = blockStart; row < blockEnd; row++) output[row] = 2 ** (output[row]! * scale);
  }
  return output;
}

/**
 * How much each feature did to isolate each row, as a rows × columns row-major matrix whose rows sum
 * to 1 (a row that no split separated from anything gets zeros).
 *
 * Each split on a row's path separates it from part of the node's training rows; the split's feature
 * is credited ln(n_node / n_child), the information (in nats) that split gave about where the row
 * is. Over a path these credits add up to ln(ψ / n_leaf), so a feature that cuts an outlier away from
 * almost everything at once outweighs many ordinary halvings on other features, and the credit stays
 * comparable between short (anomalous) and long (ordinary) paths.
 */
export function isolationContributions(
  forest: IsolationForest,
  matrix: FeatureMatrix,
  output: Float64Array = new Float64Array(matrix.rows * matrix.columns),
): Float64Array {
  checkColumns(forest, matrix);
  assertFiniteMatrix(matrix);
  for (let row = 0; row < matrix.rows; row++) {
    accumulateContributions(forest, matrix.values, row * matrix.columns, output, row * matrix.columns);
  }
  return output;
}

/** Fills `output[outputOffset ..+columns]` with the normalised contributions of one row. */
export function accumulateContributions(
  forest: IsolationForest,
  values: ArrayLike<number>,
  offset: number,
  output: Float64Array,
  outputOffset: number,
): void {
  const { roots, feature, threshold, child, logNodeSamples, trees, columns } = forest;
  output.fill(0, outputOffset, outputOffset + columns);
  let total = 0;
  for (let tree = 0; tree < trees; tree++) {
    let node = roots[tree]!;
    let split = feature[node]!;
    while (split >= 0) {
      const next = values[offset + split]! <= threshold[node]! ? child[node]! : child[node]! + 1;
      const credit = logNodeSamples[node]! - logNodeSamples[next]!;
      output[outputOffset + split]! += credit;
      total += credit;
      node = next;
      split = feature[node]!;
    }
  }
  if (total > 0) for (let column = 0; column < columns; column++) output[outputOffset + column]! /= total;
}

function checkColumns(forest: IsolationForest, matrix: FeatureMatrix): void {
  if (matrix.columns !== forest.columns) {
    throw new InvalidInputError(
      'anomaly_input_invalid',
      `The forest was fitted on ${forest.columns} features but the rows have ${matrix.columns}.`,
    );
  }
}
