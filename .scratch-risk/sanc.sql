WITH tainted AS MATERIALIZED (
  SELECT chain, address, label, name FROM address_labels WHERE label IN ('sanctioned', 'mixer')
), up1 AS MATERIALIZED (
  SELECT DISTINCT ON (c.chain, c.to_address) c.chain, c.to_address AS address, c.from_address AS via, c.transfer_id, t.address AS source
  FROM chain_transfers c JOIN tainted t ON t.chain = c.chain AND t.address = c.from_address
  ORDER BY c.chain, c.to_address, c.block_time
), up2 AS MATERIALIZED (
  SELECT DISTINCT ON (c.chain, c.to_address) c.chain, c.to_address AS address, c.from_address AS via, c.transfer_id, u.source
  FROM chain_transfers c JOIN up1 u ON u.chain = c.chain AND u.address = c.from_address
  ORDER BY c.chain, c.to_address, c.block_time
), down1 AS MATERIALIZED (
  SELECT DISTINCT ON (c.chain, c.from_address) c.chain, c.from_address AS address, c.to_address AS via, c.transfer_id, t.address AS source
  FROM chain_transfers c JOIN tainted t ON t.chain = c.chain AND t.address = c.to_address
  ORDER BY c.chain, c.from_address, c.block_time
), down2 AS MATERIALIZED (
  SELECT DISTINCT ON (c.chain, c.from_address) c.chain, c.from_address AS address, c.to_address AS via, c.transfer_id, d.source
  FROM chain_transfers c JOIN down1 d ON d.chain = c.chain AND d.address = c.to_address
  ORDER BY c.chain, c.from_address, c.block_time
), upstream AS (
  SELECT chain, address, 0 AS hops, NULL AS via, address AS source FROM tainted
  UNION ALL SELECT chain, address, 1, via, source FROM up1
  UNION ALL SELECT chain, address, 2, via, source FROM up2
), downstream AS (
  SELECT chain, address, 0 AS hops, NULL AS via, address AS source FROM tainted
  UNION ALL SELECT chain, address, 1, via, source FROM down1
  UNION ALL SELECT chain, address, 2, via, source FROM down2
)
SELECT 'deposit' AS kind, x.deposit_id AS id, x.user_id, x.amount_usd, x.created_at, x.from_address AS address, u.hops, u.via, u.source
FROM deposits x JOIN upstream u ON u.chain = x.chain AND u.address = x.from_address
WHERE x.status = 'completed' AND x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz
UNION ALL
SELECT 'withdrawal', x.withdrawal_id, x.user_id, x.amount_usd, x.created_at, x.to_address, d.hops, d.via, d.source
FROM withdrawals x JOIN downstream d ON d.chain = x.chain AND d.address = x.to_address
WHERE x.status = 'completed' AND x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz
ORDER BY 3, 5
