/**
 * Offline evaluation: split, train, recommend top k for every test user (never an item seen in
 * training), score with the Microsoft Recommenders metrics, time the training.
 */
import { buildInteractionMatrix, compareItemIds, type Interaction } from './interactions.js';
import { catalogueCoverage, type RankedCase, type RankingMetrics, rankingMetrics } from './metrics.js';
import type { Recommender } from './recommender.js';
import { createRecommender, DEFAULT_MODEL, type ModelOptions } from './registry.js';
import { type Split, type SplitOptions, splitInteractions } from './split.js';

/** The metrics keyed by their cut-off, e.g. `precision@10`. */
export type MetricKey = `${'precision' | 'recall' | 'ndcg' | 'map'}@${number}`;

/**
 * What `analyst recommend eval --json` prints: `{model, precision@k, recall@k, ndcg@k, map@k, coverage,
 * train_s}`. Metrics are rounded to 6 decimals, the training time to milliseconds.
 */
export type EvaluationSummary = {
  readonly model: string;
  readonly coverage: number;
  readonly train_s: number;
} & { readonly [key in MetricKey]: number };

/** Everything measured in one evaluation, for reports and benchmarks. */
export interface EvaluationDetails {
  readonly summary: EvaluationSummary;
  readonly metrics: RankingMetrics;
  readonly coverage: number;
  readonly trainSeconds: number;
  /** CPU seconds of this process during training (≈ wall time on an idle machine; robust to sharing). */
  readonly trainCpuSeconds: number;
  /** Seconds spent scoring and ranking every evaluated user. */
  readonly recommendSeconds: number;
  readonly k: number;
  readonly trainInteractions: number;
  readonly testInteractions: number;
  readonly users: number;
  readonly items: number;
  /** Test users left out because they have no training interaction (possible with a global temporal split). */
  readonly coldTestUsers: number;
}

/** Options of {@link evaluateRecommender}. */
export interface EvaluateOptions extends SplitOptions {
  /** Cut-off of the metrics (default 10). */
  readonly k?: number;
  /** Model name (default {@link DEFAULT_MODEL}); ignored when `recommender` is given. */
  readonly model?: string;
  /** Hyper-parameters for a model created by name. */
  readonly modelOptions?: ModelOptions;
  /** An already configured model to evaluate instead of one created by name. */
  readonly recommender?: Recommender;
}

/**
 * Splits the interactions (stratified 75/25 with seed 42 by default), trains the model and returns the
 * summary at k.
 *
 * @example
 * const { ratings } = await loadMovieLens('../shared/data/ml-100k/u.data');
 * const summary = evaluateRecommender(ratings, { model: 'ease', k: 10, seed: 42 });
 * summary['ndcg@10']; // ≈ 0.49
 */
export function evaluateRecommender(
  interactions: readonly Interaction[],
  options: EvaluateOptions = {},
): EvaluationSummary {
  return evaluateDetailed(interactions, options).summary;
}

/** {@link evaluateRecommender} with the details (user counts, timings). */
export function evaluateDetailed(
  interactions: readonly Interaction[],
  options: EvaluateOptions = {},
): EvaluationDetails {
  const split = splitInteractions(interactions, options);
  const recommender =
    options.recommender ??
    createRecommender(options.model ?? DEFAULT_MODEL, {
      ...options.modelOptions,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  return evaluateOnSplit(split, recommender, options.k ?? 10);
}

/**
 * Trains `recommender` on `split.train` and scores its top k against `split.test`. Items are those of
 * train and test together (so a test-only item is a miss, not an error); users are those of train.
 */
export function evaluateOnSplit(split: Split, recommender: Recommender, k: number): EvaluationDetails {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const itemIds = [
    ...new Set([...split.train.map((entry) => entry.itemId), ...split.test.map((entry) => entry.itemId)]),
  ].sort(compareItemIds);
  const data = buildInteractionMatrix(split.train, { itemIds });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  recommender.fit(data);
  const trainSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;

  const relevantByUser = new Map<number, Set<number>>();
  let coldTestUsers = 0;
  const coldUsers = new Set<number>();
  for (const entry of split.test) {
    const row = data.userIndex.get(entry.userId);
    if (row === undefined) {
      if (!coldUsers.has(entry.userId)) coldTestUsers++;
      coldUsers.add(entry.userId);
      continue;
    }
    const column = data.itemIndex.get(entry.itemId)!;
    const set = relevantByUser.get(row);
    if (set) set.add(column);
    else relevantByUser.set(row, new Set([column]));
  }
  const rows = [...relevantByUser.keys()].sort((a, b) => a - b);
  const recommendStarted = performance.now();
  const cases: RankedCase[] = rows.map((row) => ({
    recommended: recommender.recommend(row, k, 'seen').map((entry) => entry.index),
    relevant: relevantByUser.get(row)!,
  }));
  const recommendSeconds = (performance.now() - recommendStarted) / 1000;
  const metrics = rankingMetrics(cases, k);
  const trainingItems = new Set(data.matrix.indices).size;
  const coverage = catalogueCoverage(
    cases.map((entry) => entry.recommended),
    trainingItems,
  );
  const summary = {
    model: recommender.name,
    [`precision@${k}`]: round(metrics.precision, 6),
    [`recall@${k}`]: round(metrics.recall, 6),
    [`ndcg@${k}`]: round(metrics.ndcg, 6),
    [`map@${k}`]: round(metrics.map, 6),
    coverage: round(coverage, 6),
    train_s: round(trainSeconds, 3),
  } as EvaluationSummary;
  return {
    summary,
    metrics,
    coverage,
    trainSeconds,
    trainCpuSeconds,
    recommendSeconds,
    k,
    trainInteractions: split.train.length,
    testInteractions: split.test.length,
    users: metrics.users,
    items: itemIds.length,
    coldTestUsers,
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
