WITH foreign_logins AS MATERIALIZED (
  SELECT l.login_id, l.user_id, l.created_at, l.country, l.ip, u.country AS home_country
  FROM logins l JOIN users u ON u.user_id = l.user_id
  WHERE l.created_at >= $1::timestamptz AND l.created_at < $2::timestamptz
    AND l.country = ANY('{KP,IR,MM,DZ,AO,BO,BG,CM,CI,CD,HT,KE,LA,LB,MC,NA,NP,SS,SY,VE,VN,VG,YE}'::text[])
    AND l.country <> u.country
), movers AS (
  SELECT DISTINCT user_id FROM foreign_logins
), transfers AS (
  SELECT 'deposit' AS kind, x.deposit_id AS id, x.user_id, x.amount_usd, x.created_at FROM deposits x JOIN movers m USING (user_id)
  WHERE x.status = 'completed' AND x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz
  UNION ALL
  SELECT 'withdrawal', x.withdrawal_id, x.user_id, x.amount_usd, x.created_at FROM withdrawals x JOIN movers m USING (user_id)
  WHERE x.status = 'completed' AND x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz
)
SELECT 'login' AS kind, login_id AS id, user_id, NULL::float8 AS amount_usd, created_at, country FROM foreign_logins WHERE user_id IN (SELECT user_id FROM transfers)
UNION ALL
SELECT kind, id, user_id, amount_usd, created_at, NULL FROM transfers
ORDER BY 3, 5
