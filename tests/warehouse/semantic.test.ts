import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, UnknownNameError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import {
  METRIC_NAMES,
  METRICS,
  type MetricName,
  runMetricQuery,
  SOURCES,
} from '../../warehouse/semantic/index.js';
import {
  announceSkip,
  HAVE_SHARED,
  pgliteDemo,
  postgresDemo,
  TEST_NOW,
  TEST_POSTGRES_URL,
} from '../helpers/demo-fixture.js';

const RANGE = { start: '2026-10-25', end: '2026-11-24' };

/** Hand-written SQL for each metric over [$1, $2), optionally grouped by the user's country. */
function handSql(metric: MetricName, byCountry: boolean): string {
  const country = byCountry ? 'u.country AS key,' : "'all' AS key,";
  const group = byCountry ? 'GROUP BY u.country' : '';
  const join = (alias: string) => (byCountry ? `JOIN users u ON u.user_id = ${alias}.user_id` : '');
  switch (metric) {
    case 'trading_volume_usd':
      return `SELECT ${country} SUM(t.notional_usd) AS value FROM trades t ${join('t')} WHERE t.executed_at >= $1 AND t.executed_at < $2 ${group}`;
    case 'trade_count':
      return `SELECT ${country} COUNT(*) AS value FROM trades t ${join('t')} WHERE t.executed_at >= $1 AND t.executed_at < $2 ${group}`;
    case 'active_traders':
      return `SELECT ${country} COUNT(DISTINCT t.user_id) AS value FROM trades t ${join('t')} WHERE t.executed_at >= $1 AND t.executed_at < $2 ${group}`;
    case 'avg_trade_size_usd':
      return `SELECT ${country} AVG(t.notional_usd) AS value FROM trades t ${join('t')} WHERE t.executed_at >= $1 AND t.executed_at < $2 ${group}`;
    case 'fees_usd':
      return `SELECT ${country} SUM(t.fee_usd) AS value FROM trades t ${join('t')} WHERE t.executed_at >= $1 AND t.executed_at < $2 ${group}`;
    case 'new_users':
      return `SELECT ${byCountry ? 'u.country AS key,' : "'all' AS key,"} COUNT(*) AS value FROM users u WHERE u.created_at >= $1 AND u.created_at < $2 ${group}`;
    case 'kyc_approval_rate':
      return `SELECT ${country} AVG(CASE WHEN k.status = 'approved' THEN 1.0 ELSE 0.0 END) AS value FROM kyc_reviews k ${join('k')}
              WHERE k.decided_at >= $1 AND k.decided_at < $2 AND k.status IN ('approved', 'rejected') ${group}`;
    case 'kyc_pending':
      return `SELECT ${country} COUNT(*) AS value FROM kyc_reviews k ${join('k')}
              WHERE $1::timestamptz IS NOT NULL AND k.submitted_at < LEAST($2::timestamptz, $3::timestamptz) AND (k.decided_at IS NULL OR k.decided_at >= LEAST($2::timestamptz, $3::timestamptz)) ${group}`;
    case 'deposit_volume_usd':
      return `SELECT ${country} SUM(d.amount_usd) AS value FROM deposits d ${join('d')} WHERE d.status = 'completed' AND d.created_at >= $1 AND d.created_at < $2 ${group}`;
    case 'withdrawal_volume_usd':
      return `SELECT ${country} SUM(w.amount_usd) AS value FROM withdrawals w ${join('w')} WHERE w.status = 'completed' AND w.created_at >= $1 AND w.created_at < $2 ${group}`;
    case 'net_inflow_usd':
      return `SELECT key, SUM(v) AS value FROM (
                SELECT ${country} d.amount_usd AS v FROM deposits d ${join('d')} WHERE d.status = 'completed' AND d.created_at >= $1 AND d.created_at < $2
                UNION ALL
                SELECT ${country} -w.amount_usd FROM withdrawals w ${join('w')} WHERE w.status = 'completed' AND w.created_at >= $1 AND w.created_at < $2
              ) x GROUP BY key`;
    case 'feedback_count':
      return `SELECT ${country} COUNT(*) AS value FROM feedback f ${join('f')} WHERE f.created_at >= $1 AND f.created_at < $2 ${group}`;
    case 'avg_rating':
      return `SELECT ${country} AVG(f.rating) AS value FROM feedback f ${join('f')} WHERE f.created_at >= $1 AND f.created_at < $2 AND f.rating IS NOT NULL ${group}`;
    case 'aml_alert_count':
      return `SELECT ${country} COUNT(*) AS value FROM aml_alerts a ${join('a')} WHERE a.created_at >= $1 AND a.created_at < $2 ${group}`;
  }
}

async function expected(
  connection: SqlConnection,
  metric: MetricName,
  byCountry: boolean,
): Promise<Map<string, number>> {
  const params: unknown[] = [`${RANGE.start}T00:00:00Z`, `${RANGE.end}T00:00:00Z`];
  if (metric === 'kyc_pending') params.push(TEST_NOW.toISOString());
  const { rows } = await connection.query<{ key: string; value: number | null }>(
    handSql(metric, byCountry),
    params,
  );
  return new Map(rows.filter((row) => row.value !== null).map((row) => [String(row.key), Number(row.value)]));
}

function expectClose(actual: number | null | undefined, wanted: number | undefined, label: string): void {
  expect(actual, label).not.toBeNull();
  expect(wanted, label).toBeDefined();
  expect(Math.abs((actual as number) - (wanted as number)), label).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(wanted as number)),
  );
}

function semanticSuite(
  name: string,
  open: () => Promise<{ connection: SqlConnection; cleanup: () => Promise<void> }>,
): void {
  describe(`semantic layer on ${name}`, () => {
    let connection: SqlConnection;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ connection, cleanup } = await open());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    for (const metric of METRIC_NAMES) {
      it(`${metric} total equals hand-written SQL, with and without rollups`, async () => {
        const want = (await expected(connection, metric, false)).get('all');
        for (const useRollups of [true, false]) {
          const outcome = await runMetricQuery(
            connection,
            { metric, time_range: RANGE },
            { now: TEST_NOW, useRollups },
          );
          expectClose(
            outcome.total,
            want ?? (metric.endsWith('_usd') || metric.endsWith('count') ? 0 : undefined),
            `${metric} rollups=${useRollups}`,
          );
        }
      });

      const supportsCountry = 'country' in SOURCES[METRICS[metric].source].dimensions;
      if (supportsCountry) {
        it(`${metric} by country equals hand-written SQL, with and without rollups`, async () => {
          const want = await expected(connection, metric, true);
          expect(want.size).toBeGreaterThan(0);
          for (const useRollups of [true, false]) {
            const outcome = await runMetricQuery(
              connection,
              { metric, time_range: RANGE, group_by: ['country'] },
              { now: TEST_NOW, useRollups, maxRows: 1000 },
            );
            expect(outcome.rows.length, `${metric} rows`).toBe(want.size);
            for (const row of outcome.rows)
              expectClose(row.value, want.get(String(row['country'])), `${metric} ${row['country']}`);
          }
        });
      }
    }

    it('uses a rollup for a daily trading volume by country and not for active traders', async () => {
      const volume = await runMetricQuery(
        connection,
        { metric: 'trading_volume_usd', time_range: RANGE, group_by: ['country', 'day'] },
        { now: TEST_NOW },
      );
      expect(volume.statements[0]!.rollup).toBe('rollup_trades_daily__country');
      const traders = await runMetricQuery(
        connection,
        { metric: 'active_traders', time_range: RANGE },
        { now: TEST_NOW },
      );
      expect(traders.statements[0]!.rollup).toBeUndefined();
    });

    it('daily series sums to the total and compares with the previous period', async () => {
      const outcome = await runMetricQuery(
        connection,
        { metric: 'deposit_volume_usd', time_range: RANGE, group_by: ['day'], compare: 'previous_period' },
        { now: TEST_NOW },
      );
      const sum = outcome.rows.reduce((total, row) => total + (row.value ?? 0), 0);
      expectClose(sum, outcome.total ?? undefined, 'sum of days');
      expect(outcome.previousRange).toEqual({ start: '2026-09-25', end: '2026-10-25' });
      const row = outcome.rows.find(
        (candidate) => candidate.previous_value !== null && candidate.previous_value !== undefined,
      )!;
      expect(row.change).toBeCloseTo((row.value ?? 0) - (row.previous_value ?? 0), 6);
    });

    it('filters by a dimension value and rejects unknown names with the closest match', async () => {
      const all = await runMetricQuery(
        connection,
        { metric: 'trade_count', time_range: RANGE },
        { now: TEST_NOW },
      );
      const btc = await runMetricQuery(
        connection,
        { metric: 'trade_count', time_range: RANGE, filters: { asset: 'btc' } },
        { now: TEST_NOW },
      );
      expect(btc.total).toBeGreaterThan(0);
      expect(btc.total!).toBeLessThan(all.total!);
      await expect(
        runMetricQuery(connection, { metric: 'trading_volum', time_range: RANGE }, { now: TEST_NOW }),
      ).rejects.toThrow(
        /^Unknown metric 'trading_volum'\. Did you mean 'trading_volume_usd'\? Available: trading_volume_usd, trade_count/,
      );
      await expect(
        runMetricQuery(
          connection,
          { metric: 'trade_count', time_range: RANGE, filters: { asset: 'DOGGO' } },
          { now: TEST_NOW },
        ),
      ).rejects.toBeInstanceOf(UnknownNameError);
      await expect(
        runMetricQuery(
          connection,
          { metric: 'trade_count', time_range: RANGE, group_by: ['colour'] },
          { now: TEST_NOW },
        ),
      ).rejects.toThrow("Unknown dimension 'colour'.");
      await expect(
        runMetricQuery(
          connection,
          { metric: 'new_users', time_range: RANGE, group_by: ['channel'] },
          { now: TEST_NOW },
        ),
      ).rejects.toThrow(
        'new_users cannot be broken down or filtered by channel; it supports: country, kyc_level, vip_tier, platform.',
      );
      await expect(
        runMetricQuery(
          connection,
          { metric: 'trade_count', time_range: { start: '2026-11-10', end: '2026-11-02' } },
          { now: TEST_NOW },
        ),
      ).rejects.toThrow(
        'The time range is empty or inverted: start 2026-11-10 is not before end 2026-11-02.',
      );
      await expect(
        runMetricQuery(
          connection,
          { metric: 'trade_count', time_range: { start: '11/02/2026', end: '2026-11-10' } },
          { now: TEST_NOW },
        ),
      ).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('reports truncation when a limit cuts the breakdown', async () => {
      const outcome = await runMetricQuery(
        connection,
        { metric: 'trading_volume_usd', time_range: RANGE, group_by: ['country'], order: 'desc', limit: 3 },
        { now: TEST_NOW },
      );
      expect(outcome.rows).toHaveLength(3);
      expect(outcome.truncated).toBe(true);
      expect(outcome.rows[0]!.value!).toBeGreaterThanOrEqual(outcome.rows[1]!.value!);
    });
  });
}

if (!HAVE_SHARED) {
  announceSkip('semantic layer', '../shared/data/banking77/train.csv is absent, the demo generator needs it');
  describe.skip('semantic layer (needs ../shared)', () => {
    it('compares metrics with hand-written SQL', () => {});
  });
} else {
  semanticSuite('PGlite', async () => {
    const connection = await pgliteDemo();
    return { connection, cleanup: () => connection.close() };
  });
  const postgresUrl = TEST_POSTGRES_URL;
  if (postgresUrl) {
    semanticSuite('PostgreSQL', () => postgresDemo(postgresUrl));
  } else {
    announceSkip(
      'semantic layer on PostgreSQL',
      'TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)',
    );
  }
}
