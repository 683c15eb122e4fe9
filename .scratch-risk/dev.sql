WITH window_logins AS MATERIALIZED (
  SELECT login_id, user_id, device_id, ip, country, created_at FROM logins
  WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
), devices AS (
  SELECT device_id FROM window_logins GROUP BY device_id HAVING COUNT(DISTINCT user_id) >= 3
)
SELECT l.* FROM window_logins l JOIN devices d USING (device_id) ORDER BY user_id, created_at
