SELECT user_id, COUNT(*) AS trade_count, SUM(notional_usd) AS trade_usd, MAX(notional_usd) AS max_trade_usd
  FROM trades WHERE executed_at >= $1::timestamptz AND executed_at < $2::timestamptz GROUP BY user_id
