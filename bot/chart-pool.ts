/**
 * Chart rendering in worker threads. Drawing a chart holds the thread for 50–100 ms (Vega builds the
 * SVG, the text is outlined); on the main thread that delays every Slack and Discord acknowledgement
 * queued behind it, so under a burst of questions acks would miss their 3-second limit long before the
 * answers are slow. `analyst serve` renders through this pool; tests use the in-thread renderer.
 */
import { Worker } from 'node:worker_threads';
import type { ChartJob, ChartJobResult } from './chart-pool-worker.js';
import type { ChartSpec } from './render/chart.js';
import type { ChartRenderer } from './surface.js';

/** A pool of chart workers. */
export interface ChartPool {
  /** Renders one chart in a worker (rejects with the worker's error message). */
  readonly render: ChartRenderer;
  /** Stops the workers; pending renders reject. */
  close(): Promise<void>;
}

/** Options of {@link createChartPool}. */
export interface ChartPoolOptions {
  /** Worker threads. Default 1 (the machines have two cores: one for the bot, one for charts). */
  readonly size?: number;
  /** A render taking longer than this rejects and its worker is replaced. Default 30 s. */
  readonly timeoutMs?: number;
}

interface PendingJob {
  readonly resolve: (png: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly slot: number;
}

/**
 * Starts a worker running `chart-pool-worker`: the `.js` file when built, or, from source, the `.ts`
 * file behind a small bootstrap that registers tsx in the worker (workers inherit neither a loader
 * registered through tsx's API, as bin/analyst.mjs does, nor one given in `execArgv`).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./chart-pool-worker.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./chart-pool-worker.ts', import.meta.url).href;
  const bootstrap = `(async () => {
    const { register } = await import(${JSON.stringify(tsx)});
    register();
    await import(${JSON.stringify(entry)});
  })().catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * Creates a pool. Workers start at once and warm up (fonts, Vega), so the first chart is not slow.
 *
 * @example
 * const charts = createChartPool();
 * createSlackSurface({ …, renderChart: charts.render });
 * // on shutdown: await charts.close();
 */
export function createChartPool(options: ChartPoolOptions = {}): ChartPool {
  const size = options.size ?? 1;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(Number.isInteger(size) && size >= 1 && size <= 16)) {
    throw new RangeError(`createChartPool: size must be an integer from 1 to 16, got ${size}`);
  }
  const workers: Array<Worker | undefined> = new Array(size).fill(undefined);
  const load = new Array<number>(size).fill(0);
  const pending = new Map<number, PendingJob>();
  let nextId = 0;
  let closed = false;

  const failAll = (slot: number, error: Error): void => {
    for (const [id, job] of pending) {
      if (job.slot !== slot) continue;
      clearTimeout(job.timer);
      pending.delete(id);
      job.reject(error);
    }
    load[slot] = 0;
  };

  const start = (slot: number): Worker => {
    const worker = startWorker();
    worker.unref();
    worker.on('message', (result: ChartJobResult) => {
      const job = pending.get(result.id);
      if (!job) return;
      pending.delete(result.id);
      clearTimeout(job.timer);
      load[slot] = Math.max(0, load[slot]! - 1);
      if ('error' in result) job.reject(new Error(result.error));
      else job.resolve(Buffer.from(result.png));
    });
    worker.on('error', (error) => failAll(slot, error));
    worker.on('exit', (code) => {
      if (workers[slot] === worker) workers[slot] = undefined;
      failAll(slot, new Error(`the chart worker stopped (exit code ${code})`));
    });
    workers[slot] = worker;
    return worker;
  };
  for (let slot = 0; slot < size; slot += 1) start(slot);

  return {
    render(spec: ChartSpec) {
      if (closed) return Promise.reject(new Error('the chart pool is closed'));
      let slot = 0;
      for (let index = 1; index < size; index += 1) if (load[index]! < load[slot]!) slot = index;
      const worker = workers[slot] ?? start(slot);
      const id = ++nextId;
      load[slot]! += 1;
      return new Promise<{ png: Buffer }>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the chart took longer than ${timeoutMs} ms`));
          // A stuck worker is replaced rather than trusted with the next chart.
          void worker.terminate();
        }, timeoutMs);
        pending.set(id, { resolve: (png) => resolve({ png }), reject, timer, slot });
        worker.postMessage({ id, spec } satisfies ChartJob);
      });
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((worker) => worker?.terminate()));
    },
  };
}
