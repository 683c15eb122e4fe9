import { mkdtempSync, rmSync } from 'node:fs';
import { migrate } from '../warehouse/migrate.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';
import { WAREHOUSE_MIGRATIONS } from '../warehouse/schema.js';

const dir = mkdtempSync('/tmp/copy-exp-');
const c = await createPgliteConnection({ dataDir: dir });
await migrate(c, 'warehouse', WAREHOUSE_MIGRATIONS);
await c.exec(
  'DROP INDEX trades_executed_at; DROP INDEX trades_user_id; ALTER TABLE trades DROP CONSTRAINT trades_pkey',
);
const cols = [
  'trade_id',
  'user_id',
  'market',
  'asset',
  'quote_asset',
  'product',
  'side',
  'price',
  'quantity',
  'notional_usd',
  'fee_usd',
  'platform',
  'executed_at',
].map((n) => ({ name: n, type: 'text' }));
const N = 300_000,
  B = 50_000;
const base = Date.parse('2025-01-01T00:00:00Z');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function run(label: string, fmt: (ms: number) => string, pre = '', post = '') {
  await c.exec('TRUNCATE trades');
  const c0 = cpu();
  const w0 = performance.now();
  await c.transaction(async (tx) => {
    if (pre) await tx.exec(pre);
    for (let s = 0; s < N; s += B) {
      const rows: unknown[][] = [];
      for (let i = s; i < s + B; i++)
        rows.push([
          i + 1,
          (i * 7919) % 50000,
          'BTCUSDT',
          'BTC',
          'USDT',
          'spot',
          i % 2 ? 'buy' : 'sell',
          43210.12 + (i % 100),
          0.0123456,
          532.123456,
          0.532,
          'web',
          fmt(base + i * 60000 + 123),
        ]);
      await tx.bulkInsert('trades', cols, rows);
    }
    if (post) await tx.exec(post);
  });
  console.log(label, 'cpu ms', (cpu() - c0).toFixed(0), 'wall', (performance.now() - w0).toFixed(0));
}
await run('iso', (ms) => new Date(ms).toISOString());
await run('iso again', (ms) => new Date(ms).toISOString());
await run('pg text', (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00'));
await run(
  'unlogged',
  (ms) => new Date(ms).toISOString(),
  'ALTER TABLE trades SET UNLOGGED',
  'ALTER TABLE trades SET LOGGED',
);
await run('iso 3', (ms) => new Date(ms).toISOString());
await c.close();
rmSync(dir, { recursive: true, force: true });
