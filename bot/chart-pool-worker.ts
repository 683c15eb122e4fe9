/**
 * The worker side of {@link createChartPool}: renders chart specs to PNG off the main thread, so the
 * event loop that acknowledges Slack and Discord requests never waits for Vega.
 */
import { parentPort } from 'node:worker_threads';
import { type ChartSpec, renderChartPng, warmUpChartRenderer } from './render/chart.js';

/** A request from the pool. */
export interface ChartJob {
  readonly id: number;
  readonly spec: ChartSpec;
}

/** The answer to a job: the PNG bytes (transferred, not copied) or the error message. */
export type ChartJobResult =
  | { readonly id: number; readonly png: ArrayBuffer }
  | { readonly id: number; readonly error: string };

if (!parentPort) throw new Error('chart-pool-worker.ts runs inside a worker thread (see createChartPool)');
const port = parentPort;
const ready = warmUpChartRenderer().catch(() => undefined);

port.on('message', (job: ChartJob) => {
  void (async () => {
    try {
      await ready;
      const { png } = await renderChartPng(job.spec);
      const bytes = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
      port.postMessage({ id: job.id, png: bytes } satisfies ChartJobResult, [bytes]);
    } catch (error) {
      port.postMessage({ id: job.id, error: (error as Error).message } satisfies ChartJobResult);
    }
  })();
});
