import { readFileSync } from 'node:fs';
import { checkSql, createGuardPolicy } from './warehouse/guard/index.js';
const policy = createGuardPolicy();
const lines = readFileSync('tests/fixtures/sql/hostile.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const codes = new Map<string, number>();
for (const { id, sql } of lines) {
  const v = checkSql(sql, policy);
  if (v.allowed) { console.log('ALLOWED', id, JSON.stringify(sql).slice(0, 200)); continue; }
  codes.set(v.code, (codes.get(v.code) ?? 0) + 1);
  if (process.argv[2]) console.log(id, v.code, v.reason.slice(0, 120), '|', JSON.stringify(sql).slice(0, 100));
}
console.log(lines.length, Object.fromEntries(codes));
