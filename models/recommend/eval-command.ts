/**
 * `analyst recommend eval`: offline evaluation on a MovieLens-format file, or on the warehouse's
 * `user_events` when no file is given. The CLI parses flags and calls {@link runRecommendEvalCommand}.
 */
import { InvalidInputError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { type EvaluationDetails, type EvaluationSummary, evaluateDetailed } from './evaluate.js';
import type { Interaction } from './interactions.js';
import { formatRatingsProblems, loadMovieLens } from './movielens.js';
import { MODEL_NAMES } from './recommender.js';
import { DEFAULT_MODEL, isModelName, type ModelOptions, WAREHOUSE_MODEL_OPTIONS } from './registry.js';
import { SPLIT_METHODS, type SplitMethod } from './split.js';
import { interactionsFromPairs, loadEventPairs } from './warehouse-events.js';

/** Something text can be written to (process.stdout, or a buffer in tests). */
export interface TextSink {
  write(text: string): unknown;
}

/** Options of {@link runRecommendEvalCommand}, as the CLI flags give them. */
export interface RecommendEvalCommandOptions {
  /** `--movielens FILE`: a `user item rating time` file. Without it the warehouse's user_events are used. */
  readonly movielens?: string | undefined;
  /** The warehouse, for evaluating on `user_events`. */
  readonly warehouse?: SqlConnection | undefined;
  /** `--k` (default 10). */
  readonly k?: number | string | undefined;
  /** `--seed` (default 42). */
  readonly seed?: number | string | undefined;
  /** `--model` (default the serving default, {@link DEFAULT_MODEL}). */
  readonly model?: string | undefined;
  /** `--split stratified|temporal|temporal-global` (default stratified). */
  readonly split?: string | undefined;
  /** `--json`: print one JSON object instead of a table. */
  readonly json?: boolean | undefined;
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
}

/**
 * Runs the evaluation and prints it: a readable table, or with `json` one object
 * `{"model", "precision@k", "recall@k", "ndcg@k", "map@k", "coverage", "train_s"}`. Malformed lines of the
 * ratings file are reported on stderr with their line numbers and skipped. Bad flags throw an
 * {@link InvalidInputError} naming the flag.
 *
 * @example
 * await runRecommendEvalCommand({ movielens: '../shared/data/ml-100k/u.data', json: true });
 */
export async function runRecommendEvalCommand(
  options: RecommendEvalCommandOptions,
): Promise<EvaluationSummary> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const k = parseInteger('--k', options.k, 10, 1, 1000);
  const seed = parseInteger('--seed', options.seed, 42, 0, 4_294_967_295);
  const model = options.model ?? DEFAULT_MODEL;
  if (!isModelName(model)) {
    throw new InvalidInputError(
      'model_unknown',
      `Unknown recommender model '${model}' for --model. Available: ${MODEL_NAMES.join(', ')}.`,
    );
  }
  const split = options.split ?? 'stratified';
  if (!(SPLIT_METHODS as readonly string[]).includes(split)) {
    throw new InvalidInputError(
      'split_unknown',
      `Unknown split '${split}' for --split. Available: ${SPLIT_METHODS.join(', ')}.`,
    );
  }

  let interactions: Interaction[];
  let source: string;
  let modelOptions: ModelOptions = {};
  if (options.movielens) {
    const file = await loadMovieLens(options.movielens);
    if (file.problems.length > 0) {
      stderr.write(
        `Skipped ${file.problems.length} malformed line${file.problems.length === 1 ? '' : 's'} of ${options.movielens}:\n${formatRatingsProblems(file.problems)}\n`,
      );
    }
    interactions = file.ratings;
    source = `${options.movielens} (${interactions.length.toLocaleString('en-US')} ratings)`;
  } else if (options.warehouse) {
    interactions = interactionsFromPairs(await loadEventPairs(options.warehouse));
    if (interactions.length === 0) {
      throw new InvalidInputError(
        'user_events_empty',
        'The warehouse has no user_events to evaluate on; generate the demo (analyst demo generate) or pass --movielens FILE.',
      );
    }
    source = `warehouse user_events (${interactions.length.toLocaleString('en-US')} user-item pairs, weights view 1 / trade 3 / subscribe 5)`;
    modelOptions = WAREHOUSE_MODEL_OPTIONS;
  } else {
    throw new InvalidInputError(
      'ratings_file_missing',
      'Give a ratings file with --movielens FILE (tab-separated user, item, rating, time).',
    );
  }

  const details = evaluateDetailed(interactions, {
    model,
    modelOptions,
    k,
    seed,
    method: split as SplitMethod,
  });
  stdout.write(
    options.json
      ? `${JSON.stringify(details.summary)}\n`
      : formatEvaluation(details, { source, split, seed }),
  );
  return details.summary;
}

/** The readable table of one evaluation. */
export function formatEvaluation(
  details: EvaluationDetails,
  context: { source: string; split: string; seed: number },
): string {
  const k = details.k;
  const rows: [string, string][] = [
    [`precision@${k}`, details.metrics.precision.toFixed(4)],
    [`recall@${k}`, details.metrics.recall.toFixed(4)],
    [`ndcg@${k}`, details.metrics.ndcg.toFixed(4)],
    [`map@${k}`, details.metrics.map.toFixed(4)],
    ['coverage', details.coverage.toFixed(4)],
    ['train_s', details.trainSeconds.toFixed(3)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `Recommender evaluation of '${details.summary.model}' on ${context.source}`,
    `split: ${context.split} 75/25 (seed ${context.seed}); ${details.trainInteractions.toLocaleString('en-US')} train / ${details.testInteractions.toLocaleString('en-US')} test; ${details.users.toLocaleString('en-US')} users evaluated, ${details.items.toLocaleString('en-US')} items${details.coldTestUsers > 0 ? `; ${details.coldTestUsers} test users without training history skipped` : ''}`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '',
  ].join('\n');
}

function parseInteger(
  flag: string,
  value: number | string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new InvalidInputError(
      'flag_invalid',
      `${flag} must be an integer from ${min} to ${max}, got '${value}'.`,
    );
  }
  return number;
}
