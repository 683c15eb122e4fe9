import { afterAll, describe, expect, it } from 'vitest';
import { createChartPool } from '../../bot/chart-pool.js';
import { type ChartSpec, renderChartPng } from '../../bot/render/chart.js';

const spec: ChartSpec = {
  kind: 'line',
  title: 'Daily trading volume',
  x: { field: 'day', title: '', type: 'temporal' },
  y: { field: 'value', title: 'Volume (USD)', format: 'usd' },
  data: [
    { day: '2026-11-17', value: 1_250_000 },
    { day: '2026-11-18', value: 1_410_000 },
    { day: '2026-11-19', value: 980_000 },
  ],
};

describe('chart pool (worker threads)', () => {
  const pool = createChartPool({ size: 1 });
  afterAll(async () => {
    await pool.close();
  });

  it('renders the same PNG in a worker as on the main thread', async () => {
    const [inWorker, inThread] = await Promise.all([pool.render(spec), renderChartPng(spec)]);
    expect(inWorker.png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(inWorker.png.equals(inThread.png)).toBe(true);
  });

  it('passes a bad spec’s error back', async () => {
    await expect(pool.render({ ...spec, y: { field: 'missing', title: '' } })).rejects.toThrow(
      "y field 'missing' is not in the data (columns: day, value)",
    );
  });

  it('refuses work after close', async () => {
    const closing = createChartPool();
    await closing.close();
    await expect(closing.render(spec)).rejects.toThrow('the chart pool is closed');
  });
});
