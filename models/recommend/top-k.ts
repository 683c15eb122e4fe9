/**
 * Top-k selection over a score vector. Ties are broken by the lower index so results never depend on
 * engine sort details (determinism).
 */

/** An item with its score, as models return them (indexes, not ids). */
export interface ScoredIndex {
  readonly index: number;
  readonly score: number;
}

/**
 * The `k` highest-scoring indexes, best first, skipping those where `exclude(index)` is true.
 * O(n·k) worst case with an early reject, which beats sorting for the k ≤ 50 the tools use.
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  exclude?: (index: number) => boolean,
): ScoredIndex[] {
  const size = Math.max(0, Math.min(k, scores.length));
  const bestIndex = new Int32Array(size);
  const bestScore = new Float64Array(size);
  let filled = 0;
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (Number.isNaN(score)) continue;
    if (filled === size && !(score > bestScore[size - 1]!)) continue;
    if (exclude?.(index)) continue;
    // Strictly greater moves up, so an equal score stays behind the earlier (lower) index.
    let position = filled < size ? filled : size - 1;
    while (position > 0 && score > bestScore[position - 1]!) {
      bestScore[position] = bestScore[position - 1]!;
      bestIndex[position] = bestIndex[position - 1]!;
      position--;
    }
    bestScore[position] = score;
    bestIndex[position] = index;
    if (filled < size) filled++;
  }
  const result: ScoredIndex[] = [];
  for (let n = 0; n < filled; n++) result.push({ index: bestIndex[n]!, score: bestScore[n]! });
  return result;
}
