import { createRandom } from '../core/random.js';
import { toPgVector } from '../embeddings/vector-math.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';

const n = Number(process.argv[2] ?? 10000);
const dim = Number(process.argv[3] ?? 512);
const db = await createPgliteConnection();
const { rows } = await db.query("select extversion from pg_extension where extname='vector'");
console.log(rows);
const r = createRandom(1);
// clustered data
const centers = Array.from({ length: 80 }, () => Float32Array.from({ length: dim }, () => r.normal()));
const vecs: Float32Array[] = [];
for (let i = 0; i < n; i++) {
  const c = centers[i % 80]!;
  const v = new Float32Array(dim);
  let s = 0;
  for (let j = 0; j < dim; j++) {
    v[j] = c[j]! + 1.2 * r.normal();
    s += v[j]! * v[j]!;
  }
  s = Math.sqrt(s);
  for (let j = 0; j < dim; j++) v[j] = v[j]! / s;
  vecs.push(v);
}
for (const storage of ['plain']) {
  await db.exec(
    `drop table if exists t; create table t (id int primary key, e vector(${dim})); alter table t alter column e set storage ${storage}`,
  );
  let t0 = performance.now();
  for (let i = 0; i < n; i += 1000)
    await db.bulkInsert(
      't',
      [
        { name: 'id', type: 'int' },
        { name: 'e', type: 'vector' },
      ],
      vecs.slice(i, i + 1000).map((v, k) => [i + k, toPgVector(v)]),
    );
  console.log(storage, 'load', (performance.now() - t0).toFixed(0));
  for (const [m, ef, type] of [
    [16, 64, 'vector'],
    [16, 64, 'halfvec'],
    [12, 40, 'halfvec'],
    [8, 32, 'halfvec'],
  ] as const) {
    await db.exec("set maintenance_work_mem='512MB'");
    await db.exec('drop index if exists ti');
    t0 = performance.now();
    const expr = type === 'vector' ? 'e vector_cosine_ops' : `(e::halfvec(${dim})) halfvec_cosine_ops`;
    await db.exec(`create index ti on t using hnsw (${expr}) with (m=${m}, ef_construction=${ef})`);
    console.log(storage, m, ef, type, 'build ms', (performance.now() - t0).toFixed(0));
  }
}
await db.close();
