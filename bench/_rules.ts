import { createPgliteConnection } from '../warehouse/pglite-connection.js';
import { HIGH_RISK_JURISDICTIONS } from '../warehouse/demo/aml-scenarios.js';
const REFERENCE_RULES: Record<string, string> = {
  structuring: `
    WITH band AS (
      SELECT user_id, created_at FROM deposits
       WHERE status = 'completed' AND amount_usd >= 9000 AND amount_usd < 10000 AND created_at >= $1 AND created_at < $2)
    SELECT DISTINCT a.user_id FROM band a
     WHERE (SELECT count(*) FROM band b WHERE b.user_id = a.user_id
              AND b.created_at >= a.created_at AND b.created_at <= a.created_at + interval '168 hours') >= 4`,
  rapid_movement: `
    WITH trips AS (
      SELECT d.user_id, d.created_at FROM deposits d
       WHERE d.status = 'completed' AND d.created_at >= $1 AND d.created_at < $2
         AND EXISTS (SELECT 1 FROM withdrawals w
                      WHERE w.user_id = d.user_id AND w.status = 'completed' AND w.created_at < $2
                        AND w.created_at > d.created_at AND w.created_at <= d.created_at + interval '2 hours'
                        AND w.amount_usd >= 0.9 * d.amount_usd))
    SELECT DISTINCT a.user_id FROM trips a
     WHERE (SELECT count(*) FROM trips b WHERE b.user_id = a.user_id
              AND b.created_at >= a.created_at AND b.created_at <= a.created_at + interval '14 days') >= 3`,
  dormant_reactivation: `
    WITH activity AS (
      SELECT user_id, created_at AS at FROM logins
      UNION ALL SELECT user_id, executed_at FROM trades
      UNION ALL SELECT user_id, created_at FROM deposits
      UNION ALL SELECT user_id, created_at FROM withdrawals),
    ordered AS (SELECT user_id, at, lag(at) OVER (PARTITION BY user_id ORDER BY at) AS previous FROM activity),
    reactivations AS (
      SELECT user_id, at FROM ordered
       WHERE at >= $1 AND at < $2 AND previous IS NOT NULL AND at - previous >= interval '365 days'),
    transfers AS (
      SELECT user_id, amount_usd, created_at, 1 AS sign FROM deposits WHERE status = 'completed'
      UNION ALL SELECT user_id, amount_usd, created_at, -1 FROM withdrawals WHERE status = 'completed')
    SELECT DISTINCT r.user_id FROM reactivations r
     CROSS JOIN LATERAL (SELECT coalesce(sum(sign * amount_usd), 0) AS balance FROM transfers t
                          WHERE t.user_id = r.user_id AND t.created_at < r.at) h
     WHERE h.balance > 0 AND EXISTS (
       SELECT 1 FROM transfers t WHERE t.user_id = r.user_id AND t.created_at >= r.at
          AND t.created_at < r.at + interval '7 days' AND t.amount_usd >= 0.9 * h.balance)`,
  high_risk_jurisdiction: `
    SELECT DISTINCT l.user_id FROM logins l JOIN users u ON u.user_id = l.user_id
     WHERE l.created_at >= $1 AND l.created_at < $2 AND l.country <> u.country AND l.country = ANY($3::text[])
       AND (EXISTS (SELECT 1 FROM deposits d WHERE d.user_id = l.user_id AND d.status = 'completed'
                      AND d.created_at >= $1 AND d.created_at < $2)
         OR EXISTS (SELECT 1 FROM withdrawals w WHERE w.user_id = l.user_id AND w.status = 'completed'
                      AND w.created_at >= $1 AND w.created_at < $2))`,
  sanctioned_exposure: `
    WITH RECURSIVE tainted AS (SELECT chain, address FROM address_labels WHERE label IN ('sanctioned', 'mixer')),
    downstream (chain, address, hops) AS (
      SELECT chain, address, 0 FROM tainted
      UNION SELECT t.chain, t.to_address, d.hops + 1 FROM downstream d
        JOIN chain_transfers t ON t.chain = d.chain AND t.from_address = d.address WHERE d.hops < 2),
    upstream (chain, address, hops) AS (
      SELECT chain, address, 0 FROM tainted
      UNION SELECT t.chain, t.from_address, u.hops + 1 FROM upstream u
        JOIN chain_transfers t ON t.chain = u.chain AND t.to_address = u.address WHERE u.hops < 2)
    SELECT d.user_id FROM deposits d JOIN downstream x ON x.chain = d.chain AND x.address = d.from_address
     WHERE d.status = 'completed' AND d.created_at >= $1 AND d.created_at < $2
    UNION
    SELECT w.user_id FROM withdrawals w JOIN upstream x ON x.chain = w.chain AND x.address = w.to_address
     WHERE w.status = 'completed' AND w.created_at >= $1 AND w.created_at < $2`,
  shared_device: `
    SELECT DISTINCT l.user_id FROM logins l
     WHERE l.created_at >= $1 AND l.created_at < $2 AND l.device_id IN (
       SELECT device_id FROM logins WHERE created_at >= $1 AND created_at < $2
        GROUP BY device_id HAVING count(DISTINCT user_id) >= 3)`,
};


const c = await createPgliteConnection({ dataDir: process.argv[2] ?? '/tmp/demo-s1' });
const meta = Object.fromEntries((await c.query<any>('select key, value from demo_metadata')).rows.map((r: any) => [r.key, r.value]));
for (const [scenario, sql] of Object.entries(REFERENCE_RULES)) {
  const t = performance.now();
  const params: unknown[] = [meta.aml_window_start, meta.now];
  if (scenario === 'high_risk_jurisdiction') params.push([...HIGH_RISK_JURISDICTIONS.codes]);
  const found = new Set((await c.query<any>(sql, params)).rows.map((r: any) => r.user_id));
  const truth = new Set((await c.query<any>('select user_id from ground_truth.aml_cases where scenario = $1', [scenario])).rows.map((r: any) => r.user_id));
  const tp = [...found].filter((u) => truth.has(u)).length;
  console.log(scenario.padEnd(24), 'truth', truth.size, 'found', found.size, 'precision', (tp / Math.max(1, found.size)).toFixed(3), 'recall', (tp / Math.max(1, truth.size)).toFixed(3), `${((performance.now() - t) / 1000).toFixed(1)}s`);
}
await c.close();
