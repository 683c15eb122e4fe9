/**
 * Ranking metrics exactly as Microsoft Recommenders' `python_evaluation.py` defines them (relevancy
 * 'top_k', binary relevance), averaged over the evaluated users:
 *
 * - precision@k = hits in the top k / k (k, even when fewer than k items were recommended);
 * - recall@k = hits / |relevant|;
 * - nDCG@k = Σ_hits 1/log(1 + rank) / Σ_{r ≤ min(k, |relevant|)} 1/log(1 + r);
 * - MAP@k (`map_at_k`) = Σ_hits (hits so far / rank) / min(|relevant|, k). (Their older `map` divides by
 *   |relevant|, which is why published MAP figures are lower; we report `map_at_k`.)
 *
 * Catalogue coverage follows their `catalog_coverage`: distinct recommended items / distinct training items.
 */

/** Averages over the users passed in. */
export interface RankingMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly map: number;
  /** Users averaged over (those with at least one relevant item). */
  readonly users: number;
}

/** One user's ranked recommendations (best first) and relevant (held-out) items. */
export interface RankedCase {
  readonly recommended: readonly number[];
  readonly relevant: ReadonlySet<number>;
}

/**
 * Computes the four ranking metrics at `k`. Users with no relevant item are left out (they are not in
 * the test set); a user with an empty recommendation list counts as all zeros.
 *
 * @example
 * rankingMetrics([{ recommended: [3, 1, 2], relevant: new Set([1]) }], 3);
 * // { precision: 1/3, recall: 1, ndcg: (1/ln 3)/(1/ln 2), map: 1/2, users: 1 }
 */
export function rankingMetrics(cases: readonly RankedCase[], k: number): RankingMetrics {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  let users = 0;
  for (const { recommended, relevant } of cases) {
    if (relevant.size === 0) continue;
    users++;
    let hits = 0;
    let dcg = 0;
    let precisionSum = 0;
    const depth = Math.min(k, recommended.length);
    for (let position = 0; position < depth; position++) {
      if (!relevant.has(recommended[position]!)) continue;
      hits++;
      const rank = position + 1;
      dcg += 1 / Math.log(1 + rank);
      precisionSum += hits / rank;
    }
    let idealDcg = 0;
    const idealDepth = Math.min(k, relevant.size);
    for (let rank = 1; rank <= idealDepth; rank++) idealDcg += 1 / Math.log(1 + rank);
    precision += hits / k;
    recall += hits / relevant.size;
    ndcg += dcg / idealDcg;
    map += precisionSum / idealDepth;
  }
  if (users === 0) return { precision: 0, recall: 0, ndcg: 0, map: 0, users: 0 };
  return {
    precision: precision / users,
    recall: recall / users,
    ndcg: ndcg / users,
    map: map / users,
    users,
  };
}

/** Distinct recommended items / distinct training items (0 when nothing was trained on). */
export function catalogueCoverage(
  recommendations: readonly (readonly number[])[],
  trainingItemCount: number,
): number {
  if (trainingItemCount === 0) return 0;
  const distinct = new Set<number>();
  for (const list of recommendations) for (const item of list) distinct.add(item);
  return distinct.size / trainingItemCount;
}
