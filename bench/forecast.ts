/**
 * `npm run bench -- forecast [--db DIR]`: backtests the seasonal model against seasonal-naive on the
 * demo warehouse's daily metric series (rolling origins one week apart, 7-day horizon), in one run.
 */
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../core/config.js';
import { backtest, type SeriesPoint } from '../models/forecast/index.js';
import { type MetricName, runMetricQuery } from '../warehouse/semantic/index.js';
import { openStores } from '../warehouse/stores.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const METRICS: MetricName[] = [
  'trading_volume_usd',
  'trade_count',
  'active_traders',
  'fees_usd',
  'deposit_volume_usd',
  'withdrawal_volume_usd',
  'new_users',
];

export default async function forecastBench(args: string[]): Promise<void> {
  const dbIndex = args.indexOf('--db');
  const dataDir = resolve(dbIndex >= 0 ? args[dbIndex + 1]! : join(PROJECT_ROOT, '.analyst-bench'));
  const stores = await openStores({ dataDir });
  try {
    console.log(`backtest on ${dataDir}: 8 origins one week apart, horizon 7 days, daily series`);
    console.log('metric                   model MAPE   seasonal-naive MAPE   ratio');
    for (const metric of METRICS) {
      const outcome = await runMetricQuery(
        stores.warehouse,
        { metric, time_range: { start: '2026-06-01', end: '2026-11-24' }, group_by: ['day'] },
        { now: NOW, maxRows: 1000 },
      );
      const series: SeriesPoint[] = outcome.rows.map((row) => ({
        at: new Date(`${row.period}T00:00:00Z`),
        value: row.value ?? 0,
      }));
      const result = backtest(series, { grain: 'day', horizon: 7, origins: 8 });
      console.log(
        `${metric.padEnd(24)} ${(result.modelMape * 100).toFixed(1).padStart(9)}%   ${(result.naiveMape * 100).toFixed(1).padStart(18)}%   ${(result.modelMape / result.naiveMape).toFixed(2)}`,
      );
    }
  } finally {
    await stores.close();
  }
}
