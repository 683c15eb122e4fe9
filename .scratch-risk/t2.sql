  SELECT user_id, COUNT(*) AS trade_count, SUM(notional_usd) AS trade_usd, MAX(notional_usd) AS max_trade_usd,
    COUNT(DISTINCT asset) AS trade_assets,
    AVG(cos(2 * pi() * (extract(hour FROM executed_at) + extract(minute FROM executed_at) / 60.0) / 24)) AS hour_cos,
    AVG(sin(2 * pi() * (extract(hour FROM executed_at) + extract(minute FROM executed_at) / 60.0) / 24)) AS hour_sin
  FROM trades WHERE executed_at >= $1::timestamptz AND executed_at < $2::timestamptz GROUP BY user_id
