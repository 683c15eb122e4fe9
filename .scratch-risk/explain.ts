import { readFileSync } from 'node:fs';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';
const db = await createPgliteConnection({ dataDir: '/tmp/risk-db' });
const sql = readFileSync(process.argv[2]!, 'utf8');
const start = '2026-08-26T12:00:00Z', end = '2026-11-24T12:00:00Z';
await db.query(sql, [start, end]);
const { rows } = await db.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, [start, end]);
console.log(rows.map((r) => Object.values(r)[0]).join('\n'));
await db.close();
