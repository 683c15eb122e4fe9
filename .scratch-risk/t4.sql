  SELECT user_id, asset, COUNT(*) n FROM trades WHERE executed_at >= $1::timestamptz AND executed_at < $2::timestamptz GROUP BY user_id, asset
