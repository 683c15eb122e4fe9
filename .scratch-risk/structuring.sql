WITH band AS (
  SELECT deposit_id, user_id, amount_usd, created_at
  FROM deposits
  WHERE status = 'completed' AND amount_usd >= 9000 AND amount_usd < 10000
    AND created_at >= $1::timestamptz AND created_at < $2::timestamptz
), spans AS (
  SELECT user_id, created_at AS span_start,
    lead(created_at, 3) OVER (PARTITION BY user_id ORDER BY created_at, deposit_id) AS span_end
  FROM band
), flagged AS (
  SELECT user_id, MIN(span_start) AS first_span FROM spans
  WHERE span_end <= span_start + interval '168 hours' GROUP BY user_id
)
SELECT b.*, f.first_span FROM band b JOIN flagged f USING (user_id) ORDER BY b.user_id, b.created_at
