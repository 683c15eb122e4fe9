import { readFileSync } from 'node:fs';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';
const db = await createPgliteConnection({ dataDir: '/tmp/risk-db' });
const [scenario, file] = process.argv.slice(2);
const sql = readFileSync(file!, 'utf8');
const start = '2026-08-26T12:00:00Z', end = '2026-11-24T12:00:00Z';
for (let i = 0; i < 2; i++) {
const t = performance.now();
const { rows } = await db.query<{ user_id: number }>(sql, [start, end]);
const ms = performance.now() - t;
const users = new Set(rows.map((r) => Number(r.user_id)));
const truth = new Set((await db.query<{ user_id: number }>('select user_id from ground_truth.aml_cases where scenario = $1', [scenario])).rows.map((r) => r.user_id));
const tp = [...users].filter((u) => truth.has(u)).length;
console.log(`${scenario}: ${ms.toFixed(0)} ms, rows ${rows.length}, flagged ${users.size}, tp ${tp}, precision ${(tp / users.size).toFixed(3)}, recall ${(tp / truth.size).toFixed(3)}`);
if (i === 1) { const fp = [...users].filter((u) => !truth.has(u)); console.log('fp', fp.slice(0, 10)); console.log('fn', [...truth].filter((u) => !users.has(u)).slice(0, 10)); }
}
await db.close();
