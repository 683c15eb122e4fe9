import { readFileSync } from 'node:fs';
import { createRandom } from './core/random.js';
import { checkSql, createGuardPolicy } from './warehouse/guard/index.js';
import { parseSync } from 'libpg-query';
const policy = createGuardPolicy();
const seeds = ['legit', 'hostile'].flatMap((f) => readFileSync(`tests/fixtures/sql/${f}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).sql as string)).filter((s) => s.length < 2000);
const INS = [';', 'DROP TABLE users', 'DELETE FROM trades', 'INTO x', 'FOR UPDATE', 'UNION SELECT email FROM users', '--', '/*', '*/', "'", '"', '$$', '(', ')', ',', '*', 'OR 1=1', 'pg_sleep(1)', 'email', 'users', 'u', 'LATERAL', 'AS', 'x(a,b)', 'JOIN users u USING (user_id)', 'NATURAL', 'WITH', 'RECURSIVE', 'SELECT', 'FROM', 'WHERE', 'text', '.', 'ROW', 'TABLE', 'VALUES', 'ONLY', 'LIMIT', 'OFFSET', 'FETCH', 'WINDOW', 'OVER', 'FILTER', 'GROUP BY', 'ORDER BY', 'HAVING', 'ALL', 'ANY', 'EXISTS', 'CASE', 'END', '::', 'COLLATE', 'TABLESAMPLE', 'ARRAY', '[', ']'];
const random = createRandom(Number(process.argv[2] ?? 1));
const codes = new Map<string, number>(); let allowed = 0;
for (let i = 0; i < Number(process.argv[3] ?? 20000); i++) {
  let parts = random.pick(seeds).split(' ');
  for (let s = random.int(1, 4); s > 0; s--) {
    const p = random.int(0, Math.max(0, parts.length - 1));
    const op = random.int(0, 4);
    if (op === 0) parts.splice(p, 1);
    else if (op === 1 && parts[p]) parts.splice(p, 0, parts[p]!);
    else if (op === 2) { const o = random.int(0, parts.length - 1); const a = parts[p]!; parts[p] = parts[o]!; parts[o] = a; }
    else if (op === 3) parts.splice(p, 0, random.pick(INS));
    else parts = [...parts.slice(0, p), ...random.pick(seeds).split(' ').slice(random.int(0, 3))];
  }
  const sql = parts.join(' ');
  let v;
  try { v = checkSql(sql, policy); } catch (e) { console.log('THROW', sql, e); continue; }
  if (!v.allowed) { codes.set(v.code, (codes.get(v.code) ?? 0) + 1); if (v.code === 'sql_guard_error') console.log('GUARD_ERROR', JSON.stringify(sql)); continue; }
  allowed++;
  const text = JSON.stringify(parseSync(v.sql));
  for (const bad of ['ground_truth', 'pg_sleep', 'IntoClause', 'LockingClause', 'DeleteStmt', 'InsertStmt', 'UpdateStmt', '"email"', '"phone"', '"full_name"']) {
    if (text.includes(bad)) console.log('SUSPECT', bad, JSON.stringify(sql));
  }
}
console.log('allowed', allowed, Object.fromEntries(codes));
