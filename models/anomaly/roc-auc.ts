/**
 * Area under the ROC curve, for measuring a detector against known outliers.
 */
import { InvalidInputError } from '../../core/errors.js';

/**
 * ROC AUC of `scores` (higher = more likely positive) against `labels` (truthy / 1 = positive): the
 * probability that a random positive scores above a random negative, ties counting one half. Computed
 * from ranks (Mann-Whitney U) with tied scores given their average rank, which is what
 * scikit-learn's `roc_auc_score` gives too.
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  const count = scores.length;
  if (labels.length !== count) {
    throw new InvalidInputError(
      'metric_input_invalid',
      `rocAuc needs one label per score, got ${count} scores and ${labels.length} labels.`,
    );
  }
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index++) {
    if (Number.isNaN(scores[index])) {
      throw new InvalidInputError('metric_input_invalid', `Score ${index} is NaN.`);
    }
    order[index] = index;
  }
  order.sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < count) {
    // A run of tied scores shares the average of the ranks start+1 .. end.
    let end = start + 1;
    while (end < count && scores[order[end]!] === scores[order[start]!]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let index = start; index < end; index++) {
      if (labels[order[index]!]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = count - positives;
  if (positives === 0 || negatives === 0) {
    throw new InvalidInputError(
      'metric_input_invalid',
      `ROC AUC needs both positive and negative labels, got ${positives} positive and ${negatives} negative.`,
    );
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
