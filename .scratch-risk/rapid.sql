WITH pairs AS (
  SELECT d.user_id, d.deposit_id, d.created_at AS deposit_at, d.amount_usd AS deposit_usd,
    w.withdrawal_id, w.created_at AS withdrawal_at, w.amount_usd AS withdrawal_usd,
    row_number() OVER (PARTITION BY d.deposit_id ORDER BY w.created_at, w.withdrawal_id) AS pick
  FROM deposits d
  JOIN withdrawals w ON w.user_id = d.user_id
    AND w.created_at > d.created_at AND w.created_at <= d.created_at + interval '120 minutes'
    AND w.amount_usd >= 0.9 * d.amount_usd
  WHERE d.status = 'completed' AND w.status = 'completed'
    AND d.created_at >= $1::timestamptz AND d.created_at < $2::timestamptz AND w.created_at > $1::timestamptz AND w.created_at < $2::timestamptz
), trips AS (
  SELECT * FROM pairs WHERE pick = 1
), spans AS (
  SELECT user_id, deposit_at, lead(deposit_at, 2) OVER (PARTITION BY user_id ORDER BY deposit_at, deposit_id) AS span_end FROM trips
), flagged AS (
  SELECT user_id FROM spans WHERE span_end <= deposit_at + interval '14 days' GROUP BY user_id
)
SELECT t.* FROM trips t JOIN flagged USING (user_id) ORDER BY user_id, deposit_at
