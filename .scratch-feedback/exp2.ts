import { readFileSync } from 'node:fs';
import { createLsaEmbedder, fitLsaModel } from '../embeddings/index.js';

const split = JSON.parse(readFileSync('.scratch-feedback/split.json', 'utf8')) as {
  corpus: { text: string; label: string }[];
  queries: { text: string; label: string }[];
};
const raw = new Float32Array(readFileSync('.scratch-feedback/use.f32').buffer.slice(0));
const D = 512;
const C = split.corpus.length;
const Q = split.queries.length;
const cU = Array.from({ length: C }, (_, i) => raw.subarray(i * D, (i + 1) * D));
const qU = Array.from({ length: Q }, (_, i) => raw.subarray((C + i) * D, (C + i + 1) * D));
const lsa = createLsaEmbedder(
  fitLsaModel(
    split.corpus.map((r) => r.text),
    { seed: 42 },
  ),
);
const cL = await lsa.embed(split.corpus.map((r) => r.text));
const qL = await lsa.embed(split.queries.map((r) => r.text));
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const norm = (a: Float32Array) => {
  let s = 0;
  for (const x of a) s += x * x;
  s = Math.sqrt(s) || 1;
  return a.map((x) => x / s);
};
const topk = (s: Float64Array, k: number) =>
  Array.from(s.keys())
    .sort((a, b) => s[b]! - s[a]!)
    .slice(0, k);
const results: Record<string, number> = {};
const add = (name: string, label: string, top: number[]) => {
  let h = 0;
  for (const d of top.slice(0, 10)) if (split.corpus[d]!.label === label) h++;
  results[name] = (results[name] ?? 0) + h / 10 / Q;
};
const fused = (qu: Float32Array, ql: Float32Array, w: number) => {
  const s = new Float64Array(C);
  for (let i = 0; i < C; i++) s[i] = w * dot(qu, cU[i]!) + (1 - w) * dot(ql, cL[i]!);
  return s;
};
const prf = (qu: Float32Array, ql: Float32Array, top: number[], beta: number) => {
  const cu = new Float32Array(D),
    cl = new Float32Array(ql.length);
  for (const d of top) {
    cU[d]!.forEach((x, j) => (cu[j]! += x));
    cL[d]!.forEach((x, j) => (cl[j]! += x));
  }
  const nu = norm(cu),
    nl = norm(cl);
  return [norm(qu.map((x, j) => x + beta * nu[j]!)), norm(ql.map((x, j) => x + beta * nl[j]!))] as const;
};
for (let qi = 0; qi < Q; qi++) {
  const label = split.queries[qi]!.label;
  for (const w of [0.5, 0.6]) {
    const s = fused(qU[qi]!, qL[qi]!, w);
    const t = topk(s, 50);
    add(`fuse w${w}`, label, t);
    for (const [m, beta] of [
      [10, 1],
      [10, 1.5],
      [5, 1],
    ] as const) {
      const [a, b] = prf(qU[qi]!, qL[qi]!, t.slice(0, m), beta);
      const s2 = fused(a, b, w);
      const t2 = topk(s2, 50);
      add(`w${w} prf m${m} b${beta}`, label, t2);
      if (m === 10 && beta === 1) {
        const [a2, b2] = prf(qU[qi]!, qL[qi]!, t2.slice(0, m), beta);
        add(`w${w} prf x2`, label, topk(fused(a2, b2, w), 10));
      }
    }
  }
  if (qi % 500 === 0) console.log(qi);
}
console.log(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.toFixed(4)])));
