import { readFileSync } from 'node:fs';
import { checkSql, createGuardPolicy, executeGuardedQuery } from './warehouse/guard/index.js';
import { openStores } from './warehouse/stores.js';
const policy = createGuardPolicy();
const stores = await openStores({ inMemory: true });
const lines = readFileSync('tests/fixtures/sql/legit.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
for (const { id, sql } of lines) {
  const v = checkSql(sql, policy);
  if (!v.allowed) { console.log('DENIED', id, v.reason, '|', sql); continue; }
  try { await executeGuardedQuery(stores.warehouse, v, { statementTimeoutMs: 5000 }); }
  catch (e) { console.log('FAILED', id, (e as Error).message, '|', v.sql); }
}
await stores.close();
