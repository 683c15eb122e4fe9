WITH window_transfers AS (
  SELECT user_id, MIN(created_at) AS first_at, bool_or(status = 'completed') AS completed FROM (
    SELECT user_id, created_at, status FROM deposits WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
    UNION ALL
    SELECT user_id, created_at, status FROM withdrawals WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
  ) t GROUP BY user_id
), transfer_gaps AS MATERIALIZED (
  SELECT w.user_id, w.first_at, GREATEST(
    (SELECT MAX(created_at) FROM deposits x WHERE x.user_id = w.user_id AND x.created_at < $1::timestamptz),
    (SELECT MAX(created_at) FROM withdrawals x WHERE x.user_id = w.user_id AND x.created_at < $1::timestamptz)
  ) AS previous_transfer_at
  FROM window_transfers w WHERE w.completed
), gaps AS MATERIALIZED (
  SELECT g.user_id, LEAST(g.first_at,
    (SELECT MIN(created_at) FROM logins x WHERE x.user_id = g.user_id AND x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz),
    (SELECT MIN(executed_at) FROM trades x WHERE x.user_id = g.user_id AND x.executed_at >= $1::timestamptz AND x.executed_at < $2::timestamptz)
  ) AS reactivated_at,
  GREATEST(g.previous_transfer_at,
    (SELECT MAX(created_at) FROM logins x WHERE x.user_id = g.user_id AND x.created_at < $1::timestamptz),
    (SELECT MAX(executed_at) FROM trades x WHERE x.user_id = g.user_id AND x.executed_at < $1::timestamptz)
  ) AS previous_at
  FROM transfer_gaps g WHERE g.previous_transfer_at <= g.first_at - interval '365 days'
), dormant AS MATERIALIZED (
  SELECT g.*,
    COALESCE((SELECT SUM(amount_usd) FROM deposits x WHERE x.user_id = g.user_id AND x.status = 'completed' AND x.created_at < g.reactivated_at), 0)
    - COALESCE((SELECT SUM(amount_usd) FROM withdrawals x WHERE x.user_id = g.user_id AND x.status = 'completed' AND x.created_at < g.reactivated_at), 0) AS balance_usd
  FROM gaps g WHERE g.previous_at <= g.reactivated_at - interval '365 days'
), moves AS (
  SELECT d.user_id, 'deposit' AS kind, x.deposit_id AS id, x.amount_usd, x.created_at, d.reactivated_at, d.previous_at, d.balance_usd
  FROM dormant d JOIN deposits x ON x.user_id = d.user_id AND x.status = 'completed' AND x.created_at >= d.reactivated_at AND x.created_at < d.reactivated_at + interval '7 days' AND x.created_at < $2::timestamptz
  UNION ALL
  SELECT d.user_id, 'withdrawal', x.withdrawal_id, x.amount_usd, x.created_at, d.reactivated_at, d.previous_at, d.balance_usd
  FROM dormant d JOIN withdrawals x ON x.user_id = d.user_id AND x.status = 'completed' AND x.created_at >= d.reactivated_at AND x.created_at < d.reactivated_at + interval '7 days' AND x.created_at < $2::timestamptz
)
SELECT * FROM moves WHERE balance_usd > 0 AND amount_usd >= 0.9 * balance_usd ORDER BY user_id, created_at
