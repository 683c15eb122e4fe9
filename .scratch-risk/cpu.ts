import { readFileSync } from 'node:fs';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';
const db = await createPgliteConnection({ dataDir: '/tmp/risk-db' });
const start = '2026-08-26T12:00:00Z', end = '2026-11-24T12:00:00Z';
for (const file of process.argv.slice(2)) {
  const sql = readFileSync(file, 'utf8');
  for (let i = 0; i < 2; i++) {
    const c = process.cpuUsage(); const t = performance.now();
    const { rows } = await db.query(sql, [start, end]);
    const cpu = process.cpuUsage(c);
    console.log(`${file}: wall ${(performance.now() - t).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, ${rows.length} rows`);
  }
}
await db.close();
