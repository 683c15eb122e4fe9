/**
 * Spherical k-means (cosine) with k-means++ seeding, and the choice of k from the data by the
 * simplified silhouette (each point against its own and the nearest other centroid: O(n·k), so a grid of
 * k values is affordable on a sample where the full silhouette, O(n²), is not).
 */
import { createRandom } from '../../core/random.js';

/** A clustering: the cluster of each row and the unit-length centroids. */
export interface Clustering {
  readonly k: number;
  readonly assignments: Int32Array;
  readonly centroids: Float32Array[];
}

/** Options of {@link sphericalKMeans}. */
export interface KMeansOptions {
  readonly seed?: number;
  readonly iterations?: number;
}

/**
 * Clusters unit-length vectors into `k` groups by cosine similarity. Deterministic for a seed.
 *
 * @example
 * const { assignments } = sphericalKMeans(vectors, 20, { seed: 42 });
 */
export function sphericalKMeans(
  vectors: readonly Float32Array[],
  k: number,
  options: KMeansOptions = {},
): Clustering {
  const n = vectors.length;
  const clusters = Math.max(1, Math.min(k, n));
  const dimensions = vectors[0]?.length ?? 0;
  const random = createRandom(options.seed ?? 42).fork('kmeans');
  // k-means++: each next seed is drawn with probability proportional to its distance from the seeds.
  const centroids: Float32Array[] = [];
  const closest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  centroids.push(Float32Array.from(vectors[random.int(0, n - 1)]!));
  while (centroids.length < clusters) {
    const last = centroids[centroids.length - 1]!;
    let total = 0;
    for (let row = 0; row < n; row++) {
      const distance = Math.max(0, 1 - dot(vectors[row]!, last));
      if (distance < closest[row]!) closest[row] = distance;
      total += closest[row]!;
    }
    let target = random.next() * total;
    let chosen = n - 1;
    for (let row = 0; row < n; row++) {
      target -= closest[row]!;
      if (target <= 0) {
        chosen = row;
        break;
      }
    }
    centroids.push(Float32Array.from(vectors[chosen]!));
  }
  const assignments = new Int32Array(n).fill(-1);
  const iterations = options.iterations ?? 25;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let moved = 0;
    for (let row = 0; row < n; row++) {
      const best = nearestCentroid(vectors[row]!, centroids).index;
      if (best !== assignments[row]) {
        assignments[row] = best;
        moved++;
      }
    }
    const sums = centroids.map(() => new Float64Array(dimensions));
    const sizes = new Int32Array(clusters);
    for (let row = 0; row < n; row++) {
      const cluster = assignments[row]!;
      sizes[cluster]!++;
      const vector = vectors[row]!;
      const sum = sums[cluster]!;
      for (let column = 0; column < dimensions; column++) sum[column]! += vector[column]!;
    }
    for (let cluster = 0; cluster < clusters; cluster++) {
      if (sizes[cluster] === 0) continue; // an empty cluster keeps its old centroid
      const sum = sums[cluster]!;
      let norm = 0;
      for (let column = 0; column < dimensions; column++) norm += sum[column]! * sum[column]!;
      norm = Math.sqrt(norm) || 1;
      const centroid = centroids[cluster]!;
      for (let column = 0; column < dimensions; column++) centroid[column] = sum[column]! / norm;
    }
    if (moved === 0) break;
  }
  return { k: clusters, assignments, centroids };
}

/** The centroid most similar to a vector. */
export function nearestCentroid(
  vector: Float32Array,
  centroids: readonly Float32Array[],
): { index: number; similarity: number } {
  let best = 0;
  let bestSimilarity = Number.NEGATIVE_INFINITY;
  for (let cluster = 0; cluster < centroids.length; cluster++) {
    const similarity = dot(vector, centroids[cluster]!);
    if (similarity > bestSimilarity) {
      bestSimilarity = similarity;
      best = cluster;
    }
  }
  return { index: best, similarity: bestSimilarity };
}

/** Mean simplified silhouette of a clustering (cosine distance), in [-1, 1]; higher is better. */
export function simplifiedSilhouette(vectors: readonly Float32Array[], clustering: Clustering): number {
  if (clustering.k < 2) return 0;
  let sum = 0;
  for (let row = 0; row < vectors.length; row++) {
    const own = clustering.assignments[row]!;
    const a = 1 - dot(vectors[row]!, clustering.centroids[own]!);
    let b = Number.POSITIVE_INFINITY;
    for (let cluster = 0; cluster < clustering.k; cluster++) {
      if (cluster === own) continue;
      b = Math.min(b, 1 - dot(vectors[row]!, clustering.centroids[cluster]!));
    }
    const denominator = Math.max(a, b);
    sum += denominator > 0 ? (b - a) / denominator : 0;
  }
  return sum / vectors.length;
}

/** Options of {@link chooseClusterCount}. */
export interface ChooseKOptions {
  readonly seed?: number;
  /** Rows the grid is evaluated on (a seeded sample); default 2,000. */
  readonly sampleSize?: number;
  /** Candidate counts; default a geometric grid from 4 to √n (at most 150). */
  readonly candidates?: readonly number[];
}

/**
 * Picks the number of clusters with the best simplified silhouette on a sample. Returns the choice and
 * the score of every candidate (for reports).
 */
export function chooseClusterCount(
  vectors: readonly Float32Array[],
  options: ChooseKOptions = {},
): { k: number; scores: { k: number; silhouette: number }[] } {
  const n = vectors.length;
  if (n < 8) return { k: 1, scores: [] };
  const random = createRandom(options.seed ?? 42).fork('choose-k');
  const sampleSize = Math.min(n, options.sampleSize ?? 2000);
  const indexes = vectors.map((_vector, index) => index);
  for (let index = 0; index < sampleSize; index++) {
    const other = random.int(index, n - 1);
    [indexes[index], indexes[other]] = [indexes[other]!, indexes[index]!];
  }
  const sample = indexes.slice(0, sampleSize).map((index) => vectors[index]!);
  // The simplified silhouette keeps rising slowly with k on text embeddings, so the grid stops at the
  // usual √n rule (and 150): the choice is then the best k below it, not ever-finer clusters.
  const maximum = Math.max(2, Math.min(150, Math.round(Math.sqrt(n)), Math.floor(sampleSize / 12)));
  const candidates = options.candidates ?? geometricGrid(Math.min(4, maximum), maximum, 1.35);
  const scores = candidates
    .filter((k) => k >= 2 && k < sampleSize)
    .map((k) => ({
      k,
      silhouette: simplifiedSilhouette(
        sample,
        sphericalKMeans(sample, k, { seed: options.seed ?? 42, iterations: 15 }),
      ),
    }));
  let best = scores[0] ?? { k: 1, silhouette: 0 };
  for (const score of scores) if (score.silhouette > best.silhouette) best = score;
  return { k: best.k, scores };
}

function geometricGrid(from: number, to: number, factor: number): number[] {
  const grid: number[] = [];
  for (let value = from; value <= to; value = Math.max(value + 1, Math.round(value * factor)))
    grid.push(value);
  if (grid[grid.length - 1] !== to) grid.push(to);
  return grid;
}

/**
 * Normalised mutual information (arithmetic mean normalisation, as scikit-learn's default) between two
 * labellings of the same rows.
 */
export function normalizedMutualInformation(
  a: ArrayLike<number | string>,
  b: ArrayLike<number | string>,
): number {
  const n = a.length;
  if (n === 0) return 0;
  const countA = new Map<number | string, number>();
  const countB = new Map<number | string, number>();
  const joint = new Map<string, number>();
  for (let index = 0; index < n; index++) {
    const x = a[index]!;
    const y = b[index]!;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
    const key = `${String(x)}\u0000${String(y)}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  const entropy = (counts: Map<number | string, number>): number => {
    let sum = 0;
    for (const count of counts.values()) sum -= (count / n) * Math.log(count / n);
    return sum;
  };
  let mutual = 0;
  for (const [key, count] of joint) {
    const [x, y] = key.split('\u0000') as [string, string];
    const px = (countA.get(typeof a[0] === 'number' ? Number(x) : x) ?? 0) / n;
    const py = (countB.get(typeof b[0] === 'number' ? Number(y) : y) ?? 0) / n;
    const pxy = count / n;
    mutual += pxy * Math.log(pxy / (px * py));
  }
  const denominator = (entropy(countA) + entropy(countB)) / 2;
  return denominator > 0 ? mutual / denominator : 1;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}
