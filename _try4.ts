import { readFileSync } from 'node:fs';
import { checkSql, createGuardPolicy } from './warehouse/guard/index.js';
const policy = createGuardPolicy();
for (const f of ['legit', 'hostile']) {
const lines = readFileSync(`tests/fixtures/sql/${f}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
for (const l of lines) checkSql(l.sql, policy);
const res = lines.map((l) => { const t = performance.now(); for (let i = 0; i < 5; i++) checkSql(l.sql, policy); return [(performance.now() - t) / 5, l.id, l.sql.slice(0, 80)] as const; });
res.sort((a, b) => b[0] - a[0]);
console.log(res.slice(0, 8));
}
