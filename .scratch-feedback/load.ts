import { createRandom } from '../core/random.js';
import { toPgVector } from '../embeddings/vector-math.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';

const n = Number(process.argv[2] ?? 2000);
const dim = Number(process.argv[3] ?? 512);
const db = await createPgliteConnection();
const r = createRandom(1);
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
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const time = async (label: string, f: () => Promise<unknown> | unknown) => {
  const c0 = cpu(),
    t0 = performance.now();
  const out = await f();
  console.log(label, 'wall', (performance.now() - t0).toFixed(0), 'cpu', (cpu() - c0).toFixed(0));
  return out;
};
const texts = (await time('toPgVector', () => vecs.map((v) => toPgVector(v)))) as string[];
await time('fixed', () => vecs.map((v) => '[' + Array.from(v, (x) => x.toFixed(6)).join(',') + ']'));
await db.exec(
  `create table t (id int primary key, e vector(${dim}), txt text, tsv tsvector generated always as (to_tsvector('english', txt)) stored); alter table t alter column e set storage plain`,
);
await time('copy', async () => {
  for (let i = 0; i < n; i += 500)
    await db.bulkInsert(
      't',
      [
        { name: 'id', type: 'int' },
        { name: 'e', type: 'vector' },
        { name: 'txt', type: 'text' },
      ],
      texts
        .slice(i, i + 500)
        .map((v, k) => [i + k, v, 'I am still waiting on my card, it has not arrived after two weeks']),
    );
});
await db.exec("set maintenance_work_mem='256MB'");
await time('build m16 ef64', () =>
  db.exec(`create index ti on t using hnsw (e vector_cosine_ops) with (m=16, ef_construction=64)`),
);
await time('build gin', () => db.exec(`create index tg on t using gin (tsv)`));
await db.exec('drop index ti');
await time('build m12 ef48', () =>
  db.exec(`create index ti on t using hnsw (e vector_cosine_ops) with (m=12, ef_construction=48)`),
);
await db.exec('truncate t');
await time('copy with index m12', async () => {
  for (let i = 0; i < n; i += 500)
    await db.bulkInsert(
      't',
      [
        { name: 'id', type: 'int' },
        { name: 'e', type: 'vector' },
        { name: 'txt', type: 'text' },
      ],
      texts
        .slice(i, i + 500)
        .map((v, k) => [i + k, v, 'I am still waiting on my card, it has not arrived after two weeks']),
    );
});
await db.close();
