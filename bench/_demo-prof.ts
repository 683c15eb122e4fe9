import { mkdtempSync, rmSync } from 'node:fs';
import { generateDemoWarehouse } from '../warehouse/demo/generate.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';

const scale = Number(process.argv[2] ?? '0.2');
const dir = mkdtempSync('/tmp/demo-prof-');
const c = await createPgliteConnection(process.argv[3] === 'mem' ? {} : { dataDir: dir });
console.log(
  (await c.query('show wal_level')).rows,
  (await c.query('show fsync')).rows,
  (await c.query('show synchronous_commit')).rows,
  (await c.query('show shared_buffers')).rows,
  (await c.query('show maintenance_work_mem')).rows,
);
const c0 = process.cpuUsage();
const r = await generateDemoWarehouse(c, {
  scale,
  seed: 7,
  now: new Date('2026-11-24T12:00:00Z'),
  feedbackCsvPath: '/work/shared/data/banking77/train.csv',
  silent: true,
});
console.log(r.phases, 'cpu', process.cpuUsage(c0));
await c.close();
rmSync(dir, { recursive: true, force: true });
