import { generateDemoWarehouse } from '../warehouse/demo/generate.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';

const scale = Number(process.argv[2] ?? '0.02');
const c = await createPgliteConnection();
const r = await generateDemoWarehouse(c, {
  scale,
  seed: 7,
  now: new Date('2026-11-24T12:00:00Z'),
  feedbackCsvPath: '/work/shared/data/banking77/train.csv',
});
console.log(r);
for (const sql of [
  'select * from users order by user_id limit 3',
  'select * from trades order by trade_id limit 2',
  'select * from deposits order by deposit_id desc limit 2',
  'select * from logins limit 2',
  'select * from chain_transfers limit 2',
  'select * from user_events limit 3',
  'select * from feedback order by created_at desc limit 2',
  'select scenario, count(*) from ground_truth.aml_cases group by 1 order by 1',
  'select scenario, kind, count(*) from ground_truth.aml_near_misses group by 1,2 order by 1,2',
  'select * from ground_truth.aml_cases order by scenario, user_id limit 7',
  'select * from demo_metadata',
  "select indexname from pg_indexes where schemaname in ('public','ground_truth') order by 1",
]) {
  const { rows } = await c.query(sql);
  console.log(sql);
  console.table(rows);
}
await c.close();
