/**
 * `npm run bench -- metrics [--regenerate] [--db DIR] [--questions N]`
 *
 * Figures of the foundation issue, measured in one run on the embedded store at default scale:
 * - demo generation time (when the bench database is (re)built),
 * - warm `ask` latency over varied metric questions (routing + SQL + rendering), p50/p95,
 * - the semantic layer's overhead over running its generated SQL directly,
 * - cold start to first answer (a new `analyst ask` process on an existing data directory),
 * - the dev routing set's score on metric questions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAskPipeline } from '../bot/ask.js';
import { generateDemo, warehouseIsLoaded } from '../bot/cli/runtime.js';
import { createConversationStore } from '../bot/conversation-store.js';
import { createOfflineRouter } from '../bot/router/offline-router.js';
import { PROJECT_ROOT, SHARED_DIR } from '../core/config.js';
import { createRandom } from '../core/random.js';
import { TOOLS } from '../tools/registry.js';
import { type MetricQueryInput, runMetricQuery } from '../warehouse/semantic/index.js';
import { openStores } from '../warehouse/stores.js';

const NOW = new Date('2026-11-24T12:00:00Z');

const METRIC_PHRASES = [
  'trading volume',
  'number of trades',
  'active traders',
  'average trade size',
  'fee revenue',
  'new signups',
  'kyc approval rate',
  'pending kyc',
  'deposits',
  'withdrawals',
  'net inflow',
  'feedback count',
  'average rating',
  'aml alert count',
];
const TIME_PHRASES = [
  'yesterday',
  'last 7 days',
  'last week',
  'this month',
  'last month',
  'last 30 days',
  'in October',
  'Q3',
  'this year',
  'past 3 months',
  'today',
  'this week',
];
const BREAKDOWNS: Record<string, string[]> = {
  default: [
    '',
    'by country',
    'daily',
    'weekly',
    'by vip tier',
    'by kyc level',
    'top 5 countries by',
    'vs previous period',
    'vs last year',
  ],
  trades: ['by asset', 'by product', 'by platform', 'for BTC', 'for futures', 'on android'],
  flows: ['by chain', 'by asset', 'for USDT', 'on tron'],
  feedback: ['by channel', 'by sentiment', 'for app reviews'],
};

function questions(count: number): string[] {
  const random = createRandom(2026);
  const result: string[] = [];
  while (result.length < count) {
    const metric = random.pick(METRIC_PHRASES);
    const time = random.pick(TIME_PHRASES);
    const family = /trad|fee/.test(metric)
      ? 'trades'
      : /deposit|withdraw|inflow/.test(metric)
        ? 'flows'
        : /feedback|rating/.test(metric)
          ? 'feedback'
          : 'default';
    const extra = random.pick([...BREAKDOWNS['default']!, ...(BREAKDOWNS[family] ?? [])]);
    result.push(
      extra.startsWith('top')
        ? `${extra} ${metric} ${time}`
        : `${metric} ${extra} ${time}`.replace(/\s+/g, ' '),
    );
  }
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export default async function metricsBench(args: string[]): Promise<void> {
  const dbIndex = args.indexOf('--db');
  const dataDir = resolve(dbIndex >= 0 ? args[dbIndex + 1]! : join(PROJECT_ROOT, '.analyst-bench'));
  const countIndex = args.indexOf('--questions');
  const count = countIndex >= 0 ? Number(args[countIndex + 1]) : 200;
  if (args.includes('--regenerate')) rmSync(dataDir, { recursive: true, force: true });

  const stores = await openStores({ dataDir });
  if (!(await warehouseIsLoaded(stores))) {
    const started = performance.now();
    const outcome = await generateDemo(stores, { scale: 1, seed: 42, now: NOW });
    const seconds = (performance.now() - started) / 1000;
    const rows = Object.values(outcome.counts).reduce((sum, value) => sum + value, 0);
    console.log(
      `demo generation (scale 1, incl. rollups): ${seconds.toFixed(1)} s for ${rows.toLocaleString('en-US')} rows (target ≤ 90 s)`,
    );
  } else {
    console.log(`demo generation: skipped (database exists at ${dataDir}; pass --regenerate to measure it)`);
  }

  const router = await createOfflineRouter();
  const pipeline = createAskPipeline({
    warehouse: stores.warehouse,
    app: stores.app,
    router,
    tools: TOOLS,
    conversations: createConversationStore(stores.app),
    maxRows: 1000,
    statementTimeoutMs: 15_000,
  });
  const asker = { id: 'bench', role: 'analyst' as const, surface: 'bench' };
  const list = questions(count);
  for (const question of list.slice(0, 10)) await pipeline.ask({ question, asker, now: NOW }); // warm caches and JIT

  const latencies: number[] = [];
  const routed: MetricQueryInput[] = [];
  let errors = 0;
  for (const question of list) {
    const started = performance.now();
    const outcome = await pipeline.ask({ question, asker, now: NOW });
    latencies.push(performance.now() - started);
    if (outcome.error || outcome.route.tool !== 'metric_query') {
      errors++;
      if (errors <= 5)
        console.log(`  not answered: "${question}" → ${outcome.route.tool}: ${outcome.text.slice(0, 120)}`);
    } else routed.push(outcome.route.args as unknown as MetricQueryInput);
  }
  console.log(
    `warm ask over ${list.length} metric questions: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (target p95 ≤ 150 ms); ${list.length - errors} answered`,
  );

  // Overhead: the semantic layer end to end versus the very statements it generated, run directly.
  let semanticMs = 0;
  let directMs = 0;
  for (let round = 0; round < 2; round++) {
    for (const input of routed) {
      const started = performance.now();
      const outcome = await runMetricQuery(stores.warehouse, input, { now: NOW, maxRows: 1000 });
      const semantic = performance.now() - started;
      const directStarted = performance.now();
      for (const statement of outcome.statements)
        await stores.warehouse.query(statement.sql, statement.params);
      const direct = performance.now() - directStarted;
      if (round === 1) {
        semanticMs += semantic;
        directMs += direct;
      }
    }
  }
  console.log(
    `semantic layer overhead: ${(((semanticMs - directMs) / directMs) * 100).toFixed(1)}% (${semanticMs.toFixed(0)} ms vs ${directMs.toFixed(0)} ms running the same SQL directly; target ≤ 10%)`,
  );
  await stores.close();

  // Cold start: a fresh process answering one question on the existing data directory.
  const cold: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'bin', 'analyst.mjs'),
        'ask',
        'trading volume yesterday',
        '--db',
        dataDir,
        '--now',
        NOW.toISOString(),
      ],
      {
        encoding: 'utf8',
      },
    );
    cold.push(performance.now() - started);
    if (result.status !== 0) console.log(`  cold run failed: ${result.stderr.slice(0, 300)}`);
  }
  console.log(
    `cold start to first answer: median ${(percentile(cold, 50) / 1000).toFixed(2)} s over ${cold.length} runs (target ≤ 3 s)`,
  );

  // Dev routing set, metric questions only.
  const devFile = join(SHARED_DIR, 'eval', 'routes.dev.jsonl');
  if (existsSync(devFile)) {
    const scratch = mkdtempSync(join(tmpdir(), 'routes-'));
    const metricLines = readFileSync(devFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"tool": "metric_query"'));
    writeFileSync(join(scratch, 'expected.jsonl'), `${metricLines.join('\n')}\n`);
    const actual = execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'bin', 'analyst.mjs'),
        'route',
        '--jsonl',
        join(scratch, 'expected.jsonl'),
        '--now',
        NOW.toISOString(),
      ],
      {
        encoding: 'utf8',
      },
    );
    writeFileSync(join(scratch, 'actual.jsonl'), actual);
    const score = spawnSync(
      process.execPath,
      [
        join(SHARED_DIR, 'eval', 'score-routes.mjs'),
        join(scratch, 'expected.jsonl'),
        join(scratch, 'actual.jsonl'),
      ],
      { encoding: 'utf8' },
    );
    console.log(`dev routing set, metric questions: ${score.stdout.trim().split('\n').pop()}`);
    rmSync(scratch, { recursive: true, force: true });
  }
}
