/**
 * Small vector helpers shared by the embedders, the feedback store and the router. Vectors are
 * `Float32Array`s; sums are accumulated in doubles so results do not depend on float32 rounding order.
 */

/** Below this norm a vector is treated as zero (out-of-vocabulary text, empty input). */
export const NORM_EPSILON = 1e-12;

/** Dot product of two vectors of the same length. */
export function dot(a: Float32Array, b: Float32Array): number {
  checkSameLength(a, b);
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/**
 * Cosine similarity in [-1, 1]. A zero vector has similarity 0 with everything (instead of NaN), so an
 * out-of-vocabulary text simply ranks last.
 */
export function cosine(a: Float32Array, b: Float32Array): number {
  checkSameLength(a, b);
  let product = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    product += x * y;
    normA += x * x;
    normB += y * y;
  }
  const denominator = Math.sqrt(normA) * Math.sqrt(normB);
  return denominator < NORM_EPSILON ? 0 : product / denominator;
}

/** Euclidean (L2) norm. */
export function norm(vector: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  return Math.sqrt(sum);
}

/**
 * Scales a vector to unit length in place and returns it. A vector whose norm is below
 * {@link NORM_EPSILON} becomes all zeros rather than NaN.
 */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  const length = norm(vector);
  if (length < NORM_EPSILON) {
    vector.fill(0);
    return vector;
  }
  const scale = 1 / length;
  for (let index = 0; index < vector.length; index++) vector[index] = vector[index]! * scale;
  return vector;
}

/**
 * The component-wise mean of vectors of one length (a centroid). `normalize: true` returns it at unit
 * length, which is what cosine search over normalised vectors wants.
 *
 * @example
 * const centroid = meanVector(clusterVectors, { normalize: true });
 */
export function meanVector(
  vectors: readonly Float32Array[],
  options: { normalize?: boolean } = {},
): Float32Array {
  const first = vectors[0];
  if (first === undefined) throw new RangeError('meanVector() needs at least one vector');
  const sums = new Float64Array(first.length);
  for (const vector of vectors) {
    checkSameLength(first, vector);
    for (let index = 0; index < vector.length; index++) sums[index]! += vector[index]!;
  }
  const mean = new Float32Array(first.length);
  for (let index = 0; index < mean.length; index++) mean[index] = sums[index]! / vectors.length;
  return options.normalize ? normalizeInPlace(mean) : mean;
}

/**
 * The text form pgvector parses, `[0.1,0.2,…]`. Every component reads back to the same float32
 * (pgvector stores float4), so the round trip is exact. Components of unit vectors (|x| in [0.001, 1))
 * take a fast integer path with 10 decimals, exact there; the rest get the fewest digits that round-trip.
 * About 4× faster than toPrecision() for every value, which matters when ingesting at embedding speed.
 *
 * @example
 * await app.query('INSERT INTO app.feedback_vectors (id, embedding) VALUES ($1, $2::vector)', [id, toPgVector(vector)]);
 */
export function toPgVector(vector: Float32Array | readonly number[]): string {
  const parts = new Array<string>(vector.length);
  for (let index = 0; index < vector.length; index++) {
    parts[index] = formatFloat32(vector[index]!);
  }
  return `[${parts.join(',')}]`;
}

/** Parses pgvector's text form back into a vector (the inverse of {@link toPgVector}). */
export function fromPgVector(text: string): Float32Array {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (inner === '') return new Float32Array(0);
  const parts = inner.split(',');
  const vector = new Float32Array(parts.length);
  for (let index = 0; index < parts.length; index++) {
    const value = Number(parts[index]);
    if (!Number.isFinite(value)) throw new RangeError(`Not a pgvector value: '${parts[index]}'`);
    vector[index] = value;
  }
  return vector;
}

/** One search hit of {@link nearest}: the candidate's position and its cosine similarity. */
export interface Neighbor {
  readonly index: number;
  readonly score: number;
}

/**
 * The `k` candidates most similar to `query` by cosine, best first (ties by lower index, so results are
 * stable). Exact search; for L2-normalised vectors cosine is the dot product.
 */
export function nearest(query: Float32Array, candidates: readonly Float32Array[], k: number): Neighbor[] {
  const limit = Math.max(0, Math.min(k, candidates.length));
  if (limit === 0) return [];
  // A small sorted buffer beats sorting every score when k is much smaller than the candidate count.
  const indexes = new Int32Array(limit);
  const scores = new Float64Array(limit).fill(Number.NEGATIVE_INFINITY);
  let filled = 0;
  for (let candidate = 0; candidate < candidates.length; candidate++) {
    const score = cosine(query, candidates[candidate]!);
    if (filled === limit && score <= scores[limit - 1]!) continue;
    let position = filled < limit ? filled++ : limit - 1;
    while (position > 0 && scores[position - 1]! < score) {
      scores[position] = scores[position - 1]!;
      indexes[position] = indexes[position - 1]!;
      position--;
    }
    scores[position] = score;
    indexes[position] = candidate;
  }
  const hits: Neighbor[] = [];
  for (let position = 0; position < filled; position++) {
    hits.push({ index: indexes[position]!, score: scores[position]! });
  }
  return hits;
}

const TEN_DECIMALS = 1e10;

function formatFloat32(value: number): string {
  const target = Math.fround(value);
  const magnitude = Math.abs(target);
  // From 2^-10 up, a float32's half-ulp exceeds 5e-11, so 10 decimals always read back to it.
  if (magnitude >= 0.0009765625 && magnitude < 1) {
    let digits = String(Math.round(magnitude * TEN_DECIMALS));
    if (digits.length < 10) digits = '0'.repeat(10 - digits.length) + digits;
    let end = digits.length;
    while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
    return `${target < 0 ? '-' : ''}0.${digits.slice(0, end)}`;
  }
  return shortestFloat32(target);
}

function shortestFloat32(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) throw new RangeError(`pgvector cannot store ${value}`);
  const target = Math.fround(value);
  // Most float32 values need 7 or 8 significant digits; 9 always round-trips.
  for (let digits = 7; digits < 9; digits++) {
    const text = compact(target.toPrecision(digits));
    if (Math.fround(Number(text)) === target) return text;
  }
  return compact(target.toPrecision(9));
}

/** Drops trailing zeros of a toPrecision() result ('0.1000000' → '0.1', '1.500e-7' → '1.5e-7'). */
function compact(text: string): string {
  const exponentAt = text.indexOf('e');
  const mantissa = exponentAt === -1 ? text : text.slice(0, exponentAt);
  const exponent = exponentAt === -1 ? '' : text.slice(exponentAt);
  if (!mantissa.includes('.')) return mantissa + exponent;
  return mantissa.replace(/0+$/, '').replace(/\.$/, '') + exponent;
}

function checkSameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) {
    throw new RangeError(`Vectors of different lengths: ${a.length} and ${b.length}`);
  }
}
