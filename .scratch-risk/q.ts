import { createPgliteConnection } from '../warehouse/pglite-connection.js';
const db = await createPgliteConnection({ dataDir: '/tmp/risk-db' });
const sqls = process.argv.slice(2);
for (const sql of sqls) {
  const t = performance.now();
  const { rows } = await db.query(sql);
  console.log(`-- ${(performance.now() - t).toFixed(0)} ms, ${rows.length} rows`);
  console.table(rows.slice(0, 40));
}
await db.close();
