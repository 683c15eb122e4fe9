WITH t AS (
  SELECT user_id, COUNT(*) AS trade_count, SUM(notional_usd) AS trade_usd, MAX(notional_usd) AS max_trade_usd,
    COUNT(DISTINCT asset) AS trade_assets,
    SUM(cos(date_part('epoch', executed_at) * 7.27220521664304e-05)) AS hour_cos,
    SUM(sin(date_part('epoch', executed_at) * 7.27220521664304e-05)) AS hour_sin
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
    SUM(cos(date_part('epoch', wl.created_at) * 7.27220521664304e-05)) AS login_cos,
    SUM(sin(date_part('epoch', wl.created_at) * 7.27220521664304e-05)) AS login_sin
  FROM wl JOIN users u ON u.user_id = wl.user_id LEFT JOIN dev ON dev.device_id = wl.device_id GROUP BY wl.user_id
), ids AS (
  SELECT user_id FROM t UNION SELECT user_id FROM d UNION SELECT user_id FROM w UNION SELECT user_id FROM l
)
SELECT ids.user_id, t.trade_count, t.trade_usd, t.max_trade_usd, t.trade_assets, t.hour_cos, t.hour_sin,
  d.deposit_count, d.deposit_usd, d.max_deposit_usd, d.band_deposits, d.deposit_addresses,
  w.withdrawal_count, w.withdrawal_usd, w.max_withdrawal_usd, w.withdrawal_addresses, w.withdrawal_chains,
  l.login_count, l.login_ips, l.login_countries, l.foreign_logins, l.shared_devices, l.login_cos, l.login_sin
FROM ids LEFT JOIN t USING (user_id) LEFT JOIN d USING (user_id) LEFT JOIN w USING (user_id) LEFT JOIN l USING (user_id)
