/**
 * `npm run bench -- recommend [--demo] [--requests N] [--skip-movielens] [--skip-serving]`
 *
 * 1. MovieLens 100K, 75/25 stratified split per user (seed 42, the Microsoft Recommenders protocol),
 *    k = 10: the four models on the test split, then the validation split carved from the training
 *    part (the one the hyper-parameters were chosen on).
 * 2. Serving at the default demo scale (50k users, ~500k user_events, ~60 items): refresh, then
 *    recommend_for_user and similar_items latencies (p50/p95) against the embedded store, with the real
 *    audit log. By default the events are synthetic (models/recommend/synthetic.ts) because generating
 *    the full demo warehouse takes minutes on a shared machine; `--demo` uses generateDemoWarehouse.
 *    The offline metrics of the models on those events are printed too.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createAuditLog } from '../bot/audit-log.js';
import { SHARED_DIR } from '../core/config.js';
import { createRandom } from '../core/random.js';
import {
  type EvaluationDetails,
  evaluateOnSplit,
  generateSyntheticExchange,
  interactionsFromPairs,
  loadEventPairs,
  loadMovieLens,
  loadSyntheticExchange,
  MODEL_NAMES,
  refreshRecommendations,
  splitInteractions,
  WAREHOUSE_MODEL_OPTIONS,
} from '../models/recommend/index.js';
import { createRecommender } from '../models/recommend/registry.js';
import type { AuditSink, ToolContext } from '../tools/define-tool.js';
import { recommendForUserTool } from '../tools/recommend-for-user.js';
import { similarItemsTool } from '../tools/similar-items.js';
import { openStores } from '../warehouse/stores.js';

const K = 10;
const SEED = 42;

/** Runs the recommendation benchmark (see the file comment for the flags). */
export default async function run(args: string[]): Promise<void> {
  const started = performance.now();
  if (!args.includes('--skip-movielens')) await movieLens();
  if (!args.includes('--skip-serving')) {
    const requestsFlag = args.indexOf('--requests');
    const requests = requestsFlag >= 0 ? Number(args[requestsFlag + 1]) : 300;
    await serving({ demo: args.includes('--demo'), requests });
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function movieLens(): Promise<void> {
  const path = resolve(SHARED_DIR, 'data/ml-100k/u.data');
  if (!existsSync(path)) {
    console.log(`MovieLens 100K skipped: ${path} is absent`);
    return;
  }
  const { ratings } = await loadMovieLens(path);
  const outer = splitInteractions(ratings, { seed: SEED });
  console.log(
    `MovieLens 100K (${ratings.length} ratings), stratified 75/25 per user, seed ${SEED}, k = ${K}: ${outer.train.length} train / ${outer.test.length} test`,
  );
  console.log('\nTest split (default hyper-parameters; the default model is ease):');
  printHeader();
  for (const name of MODEL_NAMES) printRow(name, evaluateOnSplit(outer, createRecommender(name), K));

  // The validation split: 75/25 of the training part, per user; hyper-parameters were chosen here.
  const inner = splitInteractions(outer.train, { seed: SEED });
  console.log(`\nValidation split carved from train (${inner.train.length} / ${inner.test.length}):`);
  printHeader();
  for (const lambda of [250, 500, 1000]) {
    printRow(`ease λ=${lambda}`, evaluateOnSplit(inner, createRecommender('ease', { ease: { lambda } }), K));
  }
  printRow('als (default)', evaluateOnSplit(inner, createRecommender('als'), K));
  printRow('item-knn (default)', evaluateOnSplit(inner, createRecommender('item-knn'), K));
}

async function serving(options: { demo: boolean; requests: number }): Promise<void> {
  const stores = await openStores({ inMemory: true });
  try {
    const now = new Date('2026-11-24T12:00:00Z');
    let loaded = performance.now();
    if (options.demo) {
      const { generateDemoWarehouse } = await import('../warehouse/demo/generate.js');
      await generateDemoWarehouse(stores.warehouse, {
        scale: 1,
        seed: SEED,
        now,
        feedbackCsvPath: resolve(SHARED_DIR, 'data/banking77/train.csv'),
        silent: true,
      });
    } else {
      await loadSyntheticExchange(stores.warehouse, generateSyntheticExchange({ seed: SEED, end: now }));
      await stores.warehouse.exec('ANALYZE users; ANALYZE user_events');
    }
    const { rows: sizes } = await stores.warehouse.query<{ users: number; events: number; items: number }>(
      `SELECT (SELECT count(*) FROM users)::int AS users, count(*)::int AS events, count(DISTINCT item_id)::int AS items FROM user_events`,
    );
    const size = sizes[0]!;
    console.log(
      `\nServing on ${options.demo ? 'the demo warehouse' : 'a synthetic exchange'} (${size.users} users, ${size.events} user_events, ${size.items} items), loaded in ${((performance.now() - loaded) / 1000).toFixed(1)} s`,
    );

    // Offline metrics on the events (ALS is left out: at 50k users it trains for minutes on this machine).
    loaded = performance.now();
    const interactions = interactionsFromPairs(await loadEventPairs(stores.warehouse));
    console.log(
      `${interactions.length} user-item pairs read in ${((performance.now() - loaded) / 1000).toFixed(1)} s`,
    );
    const split = splitInteractions(interactions, { seed: SEED });
    console.log(`user_events, stratified 75/25, k = ${K} (weights view 1 / trade 3 / subscribe 5):`);
    printHeader();
    for (const name of ['popularity', 'item-knn', 'ease'] as const) {
      printRow(name, evaluateOnSplit(split, createRecommender(name, WAREHOUSE_MODEL_OPTIONS), K));
    }

    const refreshed = await refreshRecommendations(stores, { now, silent: true });
    console.log(
      `\nrefresh: ${refreshed.users} users × ${refreshed.recommendations / Math.max(1, refreshed.users)} recommendations, ${refreshed.similarItems} similar-item rows, ${refreshed.segments} cold-start segments; train ${refreshed.trainSeconds.toFixed(3)} s, total ${refreshed.totalSeconds.toFixed(1)} s`,
    );

    const { rows: userRows } = await stores.warehouse.query<{ user_id: number; active: boolean }>(
      `SELECT u.user_id, EXISTS (SELECT 1 FROM user_events e WHERE e.user_id = u.user_id) AS active
       FROM users u ORDER BY u.user_id`,
    );
    const random = createRandom(SEED);
    const userIds = Array.from({ length: options.requests }, () => random.pick(userRows).user_id);
    const { rows: itemRows } = await stores.app.query<{ item_id: string }>(
      'SELECT item_id FROM app.recommendation_items ORDER BY item_id',
    );
    const asker = { id: 'bench', role: 'analyst', surface: 'bench' } as const;
    const silentAudit: AuditSink = { async record() {} };
    const context = (audit: AuditSink): ToolContext => ({
      warehouse: stores.warehouse,
      app: stores.app,
      now,
      random: createRandom(SEED),
      asker,
      audit,
      maxRows: 1000,
      statementTimeoutMs: 15_000,
    });
    const sources = new Map<string, number>();
    // Warm-up: the first calls pay for query planning and JIT.
    for (const userId of userIds.slice(0, 20))
      await recommendForUserTool.run({ user_id: userId, k: 5 }, context(silentAudit));
    for (const audited of [false, true]) {
      const latencies: number[] = [];
      const cpu: number[] = [];
      for (const userId of userIds) {
        const audit = audited ? createAuditLog(stores.app, asker) : silentAudit;
        const startedAt = performance.now();
        const cpuAt = process.cpuUsage();
        const result = await recommendForUserTool.run({ user_id: userId, k: 5 }, context(audit));
        latencies.push(performance.now() - startedAt);
        cpu.push(cpuMilliseconds(cpuAt));
        if (audited) sources.set(result.source, (sources.get(result.source) ?? 0) + 1);
      }
      console.log(
        `recommend_for_user k=5, ${userIds.length} users${audited ? ', with the audit log' : ''}: wall ${formatLatencies(latencies)}; CPU ${formatLatencies(cpu)}`,
      );
    }
    console.log(`  sources: ${[...sources].map(([source, count]) => `${source} ${count}`).join(', ')}`);
    const similar: number[] = [];
    const similarCpu: number[] = [];
    for (let n = 0; n < Math.min(200, options.requests); n++) {
      const item = random.pick(itemRows).item_id;
      const startedAt = performance.now();
      const cpuAt = process.cpuUsage();
      await similarItemsTool.run({ item, k: 5 }, context(createAuditLog(stores.app, asker)));
      similar.push(performance.now() - startedAt);
      similarCpu.push(cpuMilliseconds(cpuAt));
    }
    console.log(
      `similar_items k=5, ${similar.length} items, with the audit log: wall ${formatLatencies(similar)}; CPU ${formatLatencies(similarCpu)}`,
    );
    const [oneMinute] = loadavg();
    console.log(
      `  (load average ${oneMinute!.toFixed(1)} on ${availableParallelism()} cores: wall times include waiting for a core, CPU times do not)`,
    );
  } finally {
    await stores.close();
  }
}

function printHeader(): void {
  console.log(
    `  ${'model'.padEnd(20)} ${['precision@10', 'recall@10', 'ndcg@10', 'map@10', 'coverage', 'train_s', 'train_cpu_s'].map((name) => name.padStart(12)).join(' ')}`,
  );
}

function printRow(label: string, details: EvaluationDetails): void {
  const values = [
    details.metrics.precision,
    details.metrics.recall,
    details.metrics.ndcg,
    details.metrics.map,
    details.coverage,
  ].map((value) => value.toFixed(4).padStart(12));
  console.log(
    `  ${label.padEnd(20)} ${values.join(' ')} ${details.trainSeconds.toFixed(3).padStart(12)} ${details.trainCpuSeconds.toFixed(3).padStart(12)}`,
  );
}

/** CPU time (user + system) of this process since `start`, in ms; the embedded store runs in-process. */
function cpuMilliseconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function formatLatencies(latencies: readonly number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const percentile = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return `p50 ${percentile(0.5).toFixed(2)} ms, p95 ${percentile(0.95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}
