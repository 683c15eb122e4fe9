  SELECT user_id, COUNT(*) AS trade_count, SUM(notional_usd) AS trade_usd, MAX(notional_usd) AS max_trade_usd,
    AVG(cos(pi() * extract(epoch FROM executed_at) / 43200)) AS hour_cos,
    AVG(sin(pi() * extract(epoch FROM executed_at) / 43200)) AS hour_sin
  FROM trades WHERE executed_at >= $1::timestamptz AND executed_at < $2::timestamptz GROUP BY user_id
