import { checkSql, createGuardPolicy } from './warehouse/guard/index.js';
import { parseSync } from 'libpg-query';
const policy = createGuardPolicy();
const sql = "SELECT sentiment, count(*) FILTER (WHERE rating <= 2) AS low, count(*) FILTER (WHERE rating >= 4) AS high FROM feedback GROUP BY sentiment";
for (const [label, fn] of [['parse', () => parseSync(sql)], ['check', () => checkSql(sql, policy)]] as const) {
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) { const t = performance.now(); fn(); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(label, 'p50', times[1000]!.toFixed(3), 'p95', times[1900]!.toFixed(3), 'p99', times[1980]!.toFixed(3), 'max', times[1999]!.toFixed(1), 'slow>2ms', times.filter((t) => t > 2).length);
}
