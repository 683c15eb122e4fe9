WITH t AS (
  SELECT user_id, COUNT(*) AS trade_count, SUM(notional_usd) AS trade_usd, MAX(notional_usd) AS max_trade_usd,
    COUNT(DISTINCT asset) AS trade_assets,
    AVG(cos(2 * pi() * (extract(hour FROM executed_at) + extract(minute FROM executed_at) / 60.0) / 24)) AS hour_cos,
    AVG(sin(2 * pi() * (extract(hour FROM executed_at) + extract(minute FROM executed_at) / 60.0) / 24)) AS hour_sin
  FROM trades WHERE executed_at >= $1::timestamptz AND executed_at < $2::timestamptz GROUP BY user_id
), d AS (
  SELECT user_id, COUNT(*) AS deposit_count, SUM(amount_usd) AS deposit_usd, MAX(amount_usd) AS max_deposit_usd,
    COUNT(*) FILTER (WHERE amount_usd >= 9000 AND amount_usd < 10000) AS band_deposits,
    COUNT(DISTINCT from_address) AS deposit_addresses
  FROM deposits WHERE status = 'completed' AND created_at >= $1::timestamptz AND created_at < $2::timestamptz GROUP BY user_id
), w AS (
  SELECT user_id, COUNT(*) AS withdrawal_count, SUM(amount_usd) AS withdrawal_usd, MAX(amount_usd) AS max_withdrawal_usd,
    COUNT(DISTINCT to_address) AS withdrawal_addresses, COUNT(DISTINCT chain) AS withdrawal_chains
  FROM withdrawals WHERE status = 'completed' AND created_at >= $1::timestamptz AND created_at < $2::timestamptz GROUP BY user_id
), wl AS MATERIALIZED (
  SELECT user_id, device_id, ip, country, created_at FROM logins WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
), dev AS (
  SELECT device_id FROM wl GROUP BY device_id HAVING COUNT(DISTINCT user_id) > 1
), l AS (
  SELECT wl.user_id, COUNT(*) AS login_count, COUNT(DISTINCT ip) AS login_ips, COUNT(DISTINCT wl.country) AS login_countries,
    COUNT(*) FILTER (WHERE wl.country <> u.country) AS foreign_logins,
    COUNT(DISTINCT dev.device_id) AS shared_devices,
    AVG(cos(2 * pi() * (extract(hour FROM wl.created_at) + extract(minute FROM wl.created_at) / 60.0) / 24)) AS login_cos,
    AVG(sin(2 * pi() * (extract(hour FROM wl.created_at) + extract(minute FROM wl.created_at) / 60.0) / 24)) AS login_sin
  FROM wl JOIN users u ON u.user_id = wl.user_id LEFT JOIN dev ON dev.device_id = wl.device_id GROUP BY wl.user_id
), ids AS (
  SELECT user_id FROM t UNION SELECT user_id FROM d UNION SELECT user_id FROM w UNION SELECT user_id FROM l
)
SELECT ids.user_id,
  COALESCE(trade_count, 0) AS trade_count, COALESCE(trade_usd, 0) AS trade_usd, COALESCE(max_trade_usd, 0) AS max_trade_usd,
  COALESCE(trade_assets, 0) AS trade_assets,
  CASE WHEN trade_count >= 5 THEN sqrt(hour_cos * hour_cos + hour_sin * hour_sin) ELSE 0 END AS trade_hour_concentration,
  COALESCE(deposit_count, 0) AS deposit_count, COALESCE(deposit_usd, 0) AS deposit_usd, COALESCE(max_deposit_usd, 0) AS max_deposit_usd,
  COALESCE(band_deposits, 0) AS band_deposits, COALESCE(deposit_addresses, 0) AS deposit_addresses,
  COALESCE(withdrawal_count, 0) AS withdrawal_count, COALESCE(withdrawal_usd, 0) AS withdrawal_usd,
  COALESCE(max_withdrawal_usd, 0) AS max_withdrawal_usd, COALESCE(withdrawal_addresses, 0) AS withdrawal_addresses,
  COALESCE(withdrawal_chains, 0) AS withdrawal_chains,
  COALESCE(login_count, 0) AS login_count, COALESCE(login_ips, 0) AS login_ips, COALESCE(login_countries, 0) AS login_countries,
  COALESCE(foreign_logins, 0) AS foreign_logins, COALESCE(shared_devices, 0) AS shared_devices,
  CASE WHEN login_count >= 5 THEN sqrt(login_cos * login_cos + login_sin * login_sin) ELSE 0 END AS login_hour_concentration
FROM ids LEFT JOIN t USING (user_id) LEFT JOIN d USING (user_id) LEFT JOIN w USING (user_id) LEFT JOIN l USING (user_id)
