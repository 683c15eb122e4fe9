/**
 * `npm run bench -- surfaces [--rounds 5] [--concurrency 50] [--fake] [--charts-in-thread] [--no-charts]`
 *
 * Slack acknowledgement latency under load (issue 8: p99 ≤ 500 ms under 50 concurrent mentions on
 * loopback): the real Bolt app in HTTP mode behind `analyst serve`'s HTTP server, the dedup store in
 * PGlite, the real ask pipeline on the demo warehouse (or a fake one with `--fake`, or when ../shared
 * is absent) and real chart rendering in a worker thread, as `analyst serve` does, against the local Slack API stand-in. Each round fires
 * `concurrency` signed `app_mention` events at once, each in its own channel, and times each HTTP
 * response (the ack), then waits for every answer to be posted (bounded) and times that too. The same
 * is done for Discord `/ask` (time to the deferred response, type 5). Five sequential questions warm
 * the process up first (the first ack after start is printed apart). `--no-charts` skips drawing,
 * `--charts-in-thread` draws on the main thread (to see what the worker buys).
 *
 * The requests come from a worker thread (its own event loop, as Slack is another machine) over
 * loopback, and the Slack and Discord API stand-ins run in another worker thread; "server side" is the time from the request reaching the route to the end of the response.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createSqlAnswerStore } from '../bot/answer-store.js';
import { type AskPipeline, createAskPipeline } from '../bot/ask.js';
import { createChartPool } from '../bot/chart-pool.js';
import { createConversationStore } from '../bot/conversation-store.js';
import { createSqlDedupStore } from '../bot/dedup-store.js';
import { createDiscordSurface } from '../bot/discord/index.js';
import { startHttpServer } from '../bot/http-server.js';
import { createMetricsRegistry } from '../bot/metrics.js';
import { renderChartPng, warmUpChartRenderer } from '../bot/render/chart.js';
import { createOfflineRouter } from '../bot/router/offline-router.js';
import { createSlackSurface } from '../bot/slack/index.js';
import type { SurfaceLogger } from '../bot/surface.js';
import { announceSkip, HAVE_SHARED, pgliteDemo, TEST_NOW } from '../tests/helpers/demo-fixture.js';
import {
  askInteraction,
  createInteractionSigner,
  sendDiscordInteraction,
} from '../tests/helpers/discord-stand-in.js';
import { createFakePipeline } from '../tests/helpers/fake-pipeline.js';
import {
  eventEnvelope,
  mentionEvent,
  sendSlackEvent,
  signSlackRequest,
} from '../tests/helpers/slack-stand-in.js';
import { TOOLS } from '../tools/registry.js';
import type { SqlConnection } from '../warehouse/connection.js';
import { openStores } from '../warehouse/stores.js';
import type { ApisRequest, ApisStats } from './_surfaces-apis.js';

const QUESTIONS = [
  'daily trading volume last week',
  'trading volume by country last week',
  'top 5 assets by fees this month',
  'new users per day in October',
  'kyc approval rate by country in October',
];

function numberOption(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

function summary(label: string, samples: readonly number[]): string {
  const sorted = Float64Array.from(samples).sort();
  return `${label}: n=${sorted.length} p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(1)} ms`;
}

async function withTimeout<T>(work: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} took longer than ${milliseconds} ms`)),
          milliseconds,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The load generator's source: a worker thread with its own event loop, as Slack is another machine. */
const LOAD_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, requests }) => {
  const results = await Promise.all(requests.map(async ({ body, headers }) => {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, text, milliseconds: performance.now() - started };
  }));
  parentPort.postMessage(results);
});
`;

interface LoadResult {
  readonly status: number;
  readonly text: string;
  readonly milliseconds: number;
}

/** Sends batches of signed requests at once from a worker thread and returns each one's latency. */
function createLoadGenerator(): {
  fire(
    url: string,
    requests: readonly { body: string; headers: Record<string, string> }[],
  ): Promise<LoadResult[]>;
  close(): Promise<number>;
} {
  const worker = new Worker(LOAD_WORKER, { eval: true });
  return {
    fire(url, requests) {
      return new Promise((resolve, reject) => {
        worker.once('message', (results: LoadResult[]) => resolve(results));
        worker.once('error', reject);
        worker.postMessage({ url, requests });
      });
    },
    close: () => worker.terminate(),
  };
}

/** Starts the API stand-ins in a worker thread (see bench/_surfaces-apis.ts). */
async function startApis(data: {
  slackToken: string;
  discordApplicationId: string;
  discordToken: string;
}): Promise<{
  slackUrl: string;
  discordApi: string;
  ask(request: ApisRequest): Promise<unknown>;
  terminate(): Promise<number>;
}> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./_surfaces-apis.ts', import.meta.url).href;
  const worker = new Worker(
    `(async () => { const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)}); })()
       .catch((error) => { console.error(error); process.exit(1); });`,
    { eval: true, workerData: data },
  );
  const ready = await new Promise<{ slackUrl: string; discordApi: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    slackUrl: ready.slackUrl,
    discordApi: ready.discordApi,
    ask: (request) =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(request);
      }),
    terminate: () => worker.terminate(),
  };
}

/** Runs the benchmark and prints its figures. */
export default async function surfaces(args: string[]): Promise<void> {
  const rounds = Math.min(20, numberOption(args, '--rounds', 5));
  const concurrency = Math.min(200, numberOption(args, '--concurrency', 50));
  const fake = args.includes('--fake') || !HAVE_SHARED;
  const noCharts = args.includes('--no-charts');
  // As `analyst serve` does: charts in a worker thread (`--charts-in-thread` draws on the main thread).
  const inThread = args.includes('--charts-in-thread');
  const charts = createChartPool({ size: 1 });
  if (!HAVE_SHARED && !args.includes('--fake')) {
    announceSkip('surfaces bench (real pipeline)', '../shared is absent; using the fake pipeline');
  }
  const errors: string[] = [];
  const logger: SurfaceLogger = {
    info() {},
    warn: (message) => void errors.push(message),
    error: (message) => void errors.push(message),
  };

  const started = performance.now();
  let connection: SqlConnection;
  let closeStores: () => Promise<void>;
  let pipeline: AskPipeline;
  if (fake) {
    const stores = await openStores({ inMemory: true });
    connection = stores.app;
    closeStores = () => stores.close();
    pipeline = createFakePipeline({ conversations: createConversationStore(connection) });
  } else {
    connection = await pgliteDemo();
    closeStores = () => connection.close();
    pipeline = createAskPipeline({
      warehouse: connection,
      app: connection,
      router: await createOfflineRouter(),
      tools: TOOLS,
      conversations: createConversationStore(connection),
      maxRows: 1000,
      statementTimeoutMs: 10_000,
    });
  }
  await warmUpChartRenderer();
  const setupMs = performance.now() - started;

  const apis = await startApis({
    slackToken: 'xoxb-bench',
    discordApplicationId: '42',
    discordToken: 'discord-bench',
  });
  const signer = createInteractionSigner();
  const metrics = createMetricsRegistry();
  const serverAcks: number[] = [];
  const shared = {
    pipeline,
    dedup: createSqlDedupStore(connection),
    answers: createSqlAnswerStore(connection),
    clock: () => TEST_NOW,
    metrics,
    logger,
    renderChart: noCharts
      ? async () => ({ png: Buffer.alloc(0) })
      : inThread
        ? renderChartPng
        : charts.render,
  };
  const slack = createSlackSurface({
    ...shared,
    conversations: createConversationStore(connection),
    botToken: 'xoxb-bench',
    mode: 'http',
    signingSecret: 'bench-secret',
    slackApiUrl: apis.slackUrl,
  });
  const discord = createDiscordSurface({
    ...shared,
    applicationId: '42',
    publicKey: signer.publicKeyHex,
    botToken: 'discord-bench',
    api: apis.discordApi,
  });
  await slack.start();
  await discord.start();
  const server = await startHttpServer({
    port: 0,
    metrics,
    routes: [
      {
        method: 'POST',
        path: slack.endpoint,
        maxBodyBytes: 256 * 1024,
        // Server-side time, from the request's arrival to the end of the response (no client overhead).
        handler: (request, response) => {
          const arrived = performance.now();
          response.on('finish', () => serverAcks.push(performance.now() - arrived));
          return slack.requestListener!(request, response);
        },
      },
      { method: 'POST', path: discord.endpoint, handler: discord.requestListener, maxBodyBytes: 64 * 1024 },
    ],
  });

  process.stdout.write(
    `surfaces bench: ${fake ? 'fake pipeline' : 'real pipeline on the demo warehouse (scale 0.02)'}, ${rounds} rounds × ${concurrency} concurrent; setup ${(setupMs / 1000).toFixed(1)} s; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}\n`,
  );

  // Warm-up, not counted: the first requests after start pay for lazily loaded code and JIT.
  const coldAcks: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const envelope = eventEnvelope(
      `Ev-warm-${index}`,
      mentionEvent({
        user: 'U0',
        channel: 'CW',
        text: `<@UBOT> ${QUESTIONS[index % QUESTIONS.length]}`,
        ts: `1764100000.${String(index + 1).padStart(6, '0')}`,
      }),
    );
    const sent = performance.now();
    await sendSlackEvent(`${server.url}${slack.endpoint}`, 'bench-secret', envelope);
    coldAcks.push(performance.now() - sent);
    await sendDiscordInteraction(
      `${server.url}${discord.endpoint}`,
      signer,
      askInteraction({
        applicationId: '42',
        question: QUESTIONS[index % QUESTIONS.length]!,
        channelId: '1099999999999999999',
      }),
    );
    await slack.idle();
    await discord.idle();
  }
  process.stdout.write(
    `warm-up: first Slack ack after start ${coldAcks[0]!.toFixed(1)} ms, then ${coldAcks
      .slice(1)
      .map((value) => value.toFixed(1))
      .join(', ')} ms\n`,
  );
  await apis.ask({ type: 'reset' });
  serverAcks.length = 0;

  const load = createLoadGenerator();
  let apiStats: ApisStats | undefined;
  const slackAcks: number[] = [];
  const slackDone: number[] = [];
  const discordAcks: number[] = [];
  const discordDone: number[] = [];
  let statusErrors = 0;
  let counter = 0;
  try {
    for (let round = 0; round < rounds; round += 1) {
      const roundStarted = performance.now();
      const requests = Array.from({ length: concurrency }, (_, index) => {
        counter += 1;
        const body = JSON.stringify(
          eventEnvelope(
            `Ev-bench-${counter}`,
            mentionEvent({
              user: `U${index}`,
              channel: `C${index}`,
              text: `<@UBOT> ${QUESTIONS[counter % QUESTIONS.length]}`,
              ts: `1764200000.${String(counter).padStart(6, '0')}`,
            }),
          ),
        );
        return {
          body,
          headers: { 'content-type': 'application/json', ...signSlackRequest('bench-secret', body) },
        };
      });
      const responses = await load.fire(`${server.url}${slack.endpoint}`, requests);
      for (const response of responses) {
        if (response.status !== 200) statusErrors += 1;
        slackAcks.push(response.milliseconds);
      }
      process.stdout.write(
        `  round ${round + 1}: ${summary(
          'Slack ack',
          responses.map((response) => response.milliseconds),
        )}; server side ${summary('', serverAcks.splice(0)).slice(2)}\n`,
      );
      await withTimeout(slack.idle(), 300_000, `round ${round + 1}: answering ${concurrency} mentions`);
      slackDone.push(performance.now() - roundStarted);

      const discordStarted = performance.now();
      const deferred = await load.fire(
        `${server.url}${discord.endpoint}`,
        Array.from({ length: concurrency }, (_, index) => {
          const body = JSON.stringify(
            askInteraction({
              applicationId: '42',
              question: QUESTIONS[index % QUESTIONS.length]!,
              channelId: String(1_100_000_000_000_000_000n + BigInt(index)),
            }),
          );
          return { body, headers: { 'content-type': 'application/json', ...signer.headers(body) } };
        }),
      );
      for (const response of deferred) {
        if (response.status !== 200 || !response.text.includes('"type":5')) statusErrors += 1;
        discordAcks.push(response.milliseconds);
      }
      process.stdout.write(
        `  round ${round + 1}: ${summary(
          'Discord deferred response',
          deferred.map((response) => response.milliseconds),
        )}\n`,
      );
      await withTimeout(discord.idle(), 300_000, `round ${round + 1}: answering ${concurrency} /ask`);
      discordDone.push(performance.now() - discordStarted);
    }
  } finally {
    await load.close();
    await slack.stop();
    await discord.stop();
    await server.close();
    const { stats } = (await apis.ask({ type: 'stats' })) as { stats: ApisStats };
    apiStats = stats;
    await apis.ask({ type: 'close' });
    await apis.terminate();
    await closeStores();
    await charts.close();
  }

  const answered = metrics.counter('analyst_surface_answers_total', '');
  const slackAnswers = ['answered', 'clarify', 'none', 'error', 'metric_query'].reduce(
    (sum, outcome) => sum + answered.value({ surface: 'slack', outcome }),
    0,
  );
  process.stdout.write(
    `${summary('Slack ack (HTTP 200 to app_mention)', slackAcks)}  [target p99 ≤ 500 ms]\n`,
  );
  process.stdout.write(
    `Slack answers posted: ${apiStats?.slackAnswers} of ${rounds * concurrency} (counter ${slackAnswers}); charts uploaded ${apiStats?.slackCharts}; all answers of a round in ${summary('', slackDone).slice(2)}\n`,
  );
  process.stdout.write(`${summary('Discord deferred response (type 5 to /ask)', discordAcks)}\n`);
  process.stdout.write(
    `Discord answers posted: ${apiStats?.discordAnswers} of ${rounds * concurrency} (charts ${apiStats?.discordCharts}); all answers of a round in ${summary('', discordDone).slice(2)}\n`,
  );
  process.stdout.write(
    `non-200 or wrong responses: ${statusErrors}; logged problems: ${errors.length}${errors.length ? ` (first: ${errors[0]})` : ''}\n`,
  );
}
