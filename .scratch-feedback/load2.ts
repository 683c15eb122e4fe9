import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { createRandom } from '../core/random.js';

const n = 2000;
const dim = 512;
const db = await PGlite.create({ extensions: { vector } });
await db.exec('create extension vector');
const r = createRandom(1);
const vecs: Float32Array[] = [];
for (let i = 0; i < n; i++) {
  const v = new Float32Array(dim);
  let s = 0;
  for (let j = 0; j < dim; j++) {
    v[j] = r.normal();
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
const fmt = (v: Float32Array) => {
  let s = '[';
  for (let j = 0; j < v.length; j++) {
    if (j) s += ',';
    s += Math.round(v[j]! * 1e7) / 1e7;
  }
  return s + ']';
};
const texts = (await time('fmt', () => vecs.map(fmt))) as string[];
const txt = 'I am still waiting on my card, it has not arrived after two weeks';
await db.exec(`create table a (id int, e vector(${dim})); alter table a alter column e set storage plain;
 create table b (id int, txt text, tsv tsvector generated always as (to_tsvector('english', txt)) stored);
 create table c (id int, e vector(${dim})); alter table c alter column e set storage plain;`);
//await time('copy vec text', () => db.query(`copy a from '/dev/blob' with (format csv)`, [], { blob: new Blob([texts.map((t, i) => `${i},"${t}"`).join('\n')]) }));
await time('copy tsv', () =>
  db.query(`copy b (id, txt) from '/dev/blob' with (format csv)`, [], {
    blob: new Blob([texts.map((t, i) => `${i},"${txt} ${i}"`).join('\n')]),
  }),
);
// binary copy
const bin = (await time('binfmt', () => {
  const rowBytes = 2 + 4 + 4 + 4 + 4 + 4 * dim;
  const buf = Buffer.alloc(19 + n * rowBytes + 2);
  buf.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
  buf.writeInt32BE(0, 11);
  buf.writeInt32BE(0, 15);
  let o = 19;
  for (let i = 0; i < n; i++) {
    buf.writeInt16BE(2, o);
    o += 2;
    buf.writeInt32BE(4, o);
    o += 4;
    buf.writeInt32BE(i, o);
    o += 4;
    buf.writeInt32BE(4 + 4 * dim, o);
    o += 4;
    buf.writeInt16BE(dim, o);
    o += 2;
    buf.writeInt16BE(0, o);
    o += 2;
    const v = vecs[i]!;
    for (let j = 0; j < dim; j++) {
      buf.writeFloatBE(v[j]!, o);
      o += 4;
    }
  }
  buf.writeInt16BE(-1, o);
  return buf;
})) as Buffer;
await time('copy vec binary', () =>
  db.query(`copy c from '/dev/blob' with (format binary)`, [], { blob: new Blob([bin]) }),
);
console.log(await db.query('select count(*), (select e from c limit 1)::text as v from c'));
await db.exec("set maintenance_work_mem='256MB'");
await time('build m16 ef64 on c', () =>
  db.exec(`create index ci on c using hnsw (e vector_cosine_ops) with (m=16, ef_construction=64)`),
);
