/**
 * Banking77 loading and the retrieval protocol of the feedback issue, shared by the embeddings bench
 * (and usable by other benches): split train.csv 80/20 with a fixed seed, query each held-out text
 * against the rest by cosine, score precision@10 and nearest-neighbour accuracy by intent label.
 *
 * The leading underscore keeps bench/run.ts from listing it as a bench.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../core/config.js';
import { createRandom } from '../core/random.js';

/** One labelled Banking77 text. */
export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

/** Where train.csv lives. */
export const BANKING77_DIR = join(SHARED_DIR, 'data', 'banking77');

/**
 * Reads train.csv. The file has no quoting: the intent is after the last comma, and a few lines are
 * broken (blank, or without an intent); only lines whose intent is in categories.json are kept.
 */
export function loadBanking77(directory = BANKING77_DIR): LabelledText[] {
  const categories = new Set(
    JSON.parse(readFileSync(join(directory, 'categories.json'), 'utf8')) as string[],
  );
  const lines = readFileSync(join(directory, 'train.csv'), 'utf8').split(/\r?\n/).slice(1);
  const rows: LabelledText[] = [];
  for (const line of lines) {
    const comma = line.lastIndexOf(',');
    if (comma <= 0) continue;
    const label = line.slice(comma + 1).trim();
    const text = line.slice(0, comma).trim();
    if (text !== '' && categories.has(label)) rows.push({ text, label });
  }
  return rows;
}

/** A seeded 80/20 split: `corpus` is what gets indexed, `queries` what is searched with. */
export function splitCorpus<T>(
  rows: readonly T[],
  seed = 42,
  corpusShare = 0.8,
): { corpus: T[]; queries: T[] } {
  const shuffled = [...rows];
  const random = createRandom(seed).fork('banking77-split');
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  const cut = Math.round(shuffled.length * corpusShare);
  return { corpus: shuffled.slice(0, cut), queries: shuffled.slice(cut) };
}

/** Retrieval quality of one set of vectors. */
export interface RetrievalScore {
  /** Mean share of the 10 nearest corpus texts with the query's label. */
  readonly precisionAt10: number;
  /** Share of queries whose nearest corpus text has their label. */
  readonly nearestNeighborAccuracy: number;
}

/**
 * Cosine similarities of every query with every corpus text (row-major, queries × corpus). The vectors
 * are unit length, so this is the dot product. Kept as a matrix so fused scores cost no extra products.
 */
export function similarityMatrix(
  corpusVectors: readonly Float32Array[],
  queryVectors: readonly Float32Array[],
): Float32Array {
  const width = corpusVectors[0]?.length ?? 0;
  // One contiguous matrix keeps the inner loop on one typed array.
  const matrix = new Float32Array(corpusVectors.length * width);
  corpusVectors.forEach((vector, row) => {
    matrix.set(vector, row * width);
  });
  const similarities = new Float32Array(queryVectors.length * corpusVectors.length);
  queryVectors.forEach((query, queryIndex) => {
    const out = queryIndex * corpusVectors.length;
    for (let row = 0; row < corpusVectors.length; row++) {
      let sum = 0;
      const offset = row * width;
      for (let column = 0; column < width; column++) sum += query[column]! * matrix[offset + column]!;
      similarities[out + row] = sum;
    }
  });
  return similarities;
}

/** Weighted sum of similarity matrices of the same shape (score fusion). */
export function fuseSimilarities(
  parts: readonly { similarities: Float32Array; weight: number }[],
): Float32Array {
  const fused = new Float32Array(parts[0]?.similarities.length ?? 0);
  for (const { similarities, weight } of parts) {
    for (let index = 0; index < fused.length; index++) fused[index]! += weight * similarities[index]!;
  }
  return fused;
}

/** Scores retrieval by label from a queries × corpus similarity matrix, taking the `k` best per query. */
export function scoreSimilarities(
  similarities: Float32Array,
  corpusLabels: readonly string[],
  queryLabels: readonly string[],
  k = 10,
): RetrievalScore {
  const corpusSize = corpusLabels.length;
  let precisionSum = 0;
  let nearestHits = 0;
  queryLabels.forEach((label, queryIndex) => {
    const top = topIndexes(similarities.subarray(queryIndex * corpusSize, (queryIndex + 1) * corpusSize), k);
    let same = 0;
    for (const row of top) if (corpusLabels[row] === label) same++;
    precisionSum += same / k;
    if (top[0] !== undefined && corpusLabels[top[0]] === label) nearestHits++;
  });
  return {
    precisionAt10: precisionSum / queryLabels.length,
    nearestNeighborAccuracy: nearestHits / queryLabels.length,
  };
}

/** Scores retrieval by label: for each query vector, the `k` most similar corpus vectors by cosine. */
export function scoreRetrieval(
  corpusVectors: readonly Float32Array[],
  corpusLabels: readonly string[],
  queryVectors: readonly Float32Array[],
  queryLabels: readonly string[],
  k = 10,
): RetrievalScore {
  return scoreSimilarities(similarityMatrix(corpusVectors, queryVectors), corpusLabels, queryLabels, k);
}

/** Indexes of the k largest scores, best first (ties by lower index). */
function topIndexes(scores: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (best.length === k && score <= scores[best[k - 1]!]!) continue;
    let position = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(index);
    while (position > 0 && scores[best[position - 1]!]! < score) {
      best[position] = best[position - 1]!;
      position--;
    }
    best[position] = index;
  }
  return best;
}
