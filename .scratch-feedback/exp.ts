import { readFileSync } from 'node:fs';
import { createLsaEmbedder, fitLsaModel, tokenizeWords } from '../embeddings/index.js';

const split = JSON.parse(readFileSync('.scratch-feedback/split.json', 'utf8')) as {
  corpus: { text: string; label: string }[];
  queries: { text: string; label: string }[];
};
const raw = new Float32Array(readFileSync('.scratch-feedback/use.f32').buffer.slice(0));
const D = 512;
const C = split.corpus.length;
const Q = split.queries.length;
const use = (i: number) => raw.subarray(i * D, (i + 1) * D);
const cU = Array.from({ length: C }, (_, i) => use(i));
const qU = Array.from({ length: Q }, (_, i) => use(C + i));
const t0 = performance.now();
const lsa = createLsaEmbedder(
  fitLsaModel(
    split.corpus.map((r) => r.text),
    { seed: 42 },
  ),
);
const cL = await lsa.embed(split.corpus.map((r) => r.text));
const qL = await lsa.embed(split.queries.map((r) => r.text));
console.log('lsa fit+embed', (performance.now() - t0).toFixed(0));
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
const sims = (q: Float32Array, cs: Float32Array[]) => {
  const out = new Float32Array(cs.length);
  for (let i = 0; i < cs.length; i++) out[i] = dot(q, cs[i]!);
  return out;
};
const topk = (s: Float32Array | Float64Array, k: number) =>
  Array.from(s.keys())
    .sort((a, b) => s[b]! - s[a]!)
    .slice(0, k);
// BM25
const docs = split.corpus.map((r) => tokenizeWords(r.text));
const df = new Map<string, number>();
for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
const avg = docs.reduce((s, d) => s + d.length, 0) / C;
const bm25 = (q: string) => {
  const s = new Float64Array(C);
  const terms = new Set(tokenizeWords(q));
  for (const t of terms) {
    const n = df.get(t);
    if (!n) continue;
    const idf = Math.log(1 + (C - n + 0.5) / (n + 0.5));
    docs.forEach((d, i) => {
      let f = 0;
      for (const w of d) if (w === t) f++;
      if (f) s[i]! += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.length) / avg));
    });
  }
  return s;
};
const rrf = (lists: number[][], k = 60) => {
  const m = new Map<number, number>();
  for (const l of lists) l.forEach((d, r) => m.set(d, (m.get(d) ?? 0) + 1 / (k + r + 1)));
  return [...m.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d);
};
const results: Record<string, number> = {};
const add = (name: string, label: string, top: number[]) => {
  let h = 0;
  for (const d of top.slice(0, 10)) if (split.corpus[d]!.label === label) h++;
  results[name] = (results[name] ?? 0) + h / 10 / Q;
};
const lim = Number(process.argv[2] ?? Q);
for (let qi = 0; qi < Math.min(Q, lim); qi++) {
  const label = split.queries[qi]!.label;
  const sU = sims(qU[qi]!, cU);
  const sL = sims(qL[qi]!, cL);
  const sB = bm25(split.queries[qi]!.text);
  const tU = topk(sU, 100),
    tL = topk(sL, 100),
    tB = topk(sB, 100);
  add('use', label, tU);
  add('lsa', label, tL);
  add('bm25', label, tB);
  add('rrf use+bm25', label, rrf([tU, tB]));
  add('rrf use+lsa', label, rrf([tU, tL]));
  add('rrf use+lsa+bm25', label, rrf([tU, tL, tB]));
  const sF = sU.map((x, i) => 0.5 * x + 0.5 * sL[i]!);
  const tF = topk(sF, 100);
  add('fuse use+lsa', label, tF);
  add('rrf fuse+bm25', label, rrf([tF, tB]));
  // PRF in both spaces from fused top m
  for (const [m, beta] of [
    [10, 1],
    [20, 1],
    [10, 2],
  ] as const) {
    const top = tF.slice(0, m);
    const cenU = new Float32Array(D);
    const cenL = new Float32Array(cL[0]!.length);
    for (const d of top) {
      cU[d]!.forEach((x, j) => (cenU[j]! += x / m));
      cL[d]!.forEach((x, j) => (cenL[j]! += x / m));
    }
    const q2U = norm(qU[qi]!.map((x, j) => x + beta * cenU[j]!));
    const q2L = norm(qL[qi]!.map((x, j) => x + beta * cenL[j]!));
    const s2 = sims(q2U, cU).map((x, i) => 0.5 * x + 0.5 * dot(q2L, cL[i]!));
    const t2 = topk(s2, 100);
    add(`prf m${m} b${beta}`, label, t2);
    if (m === 10 && beta === 1) {
      add('prf+rrf bm25', label, rrf([t2, tB]));
      // rerank top 50 by similarity to centroid of t2 top 10 + s2
      const top2 = t2.slice(0, 10);
      const score = new Map<number, number>();
      for (const d of t2.slice(0, 50)) {
        let c = 0;
        for (const e of top2) c += 0.5 * dot(cU[d]!, cU[e]!) + 0.5 * dot(cL[d]!, cL[e]!);
        score.set(d, s2[d]! + c / 10);
      }
      add(
        'prf2 rerank',
        label,
        [...score.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d),
      );
    }
  }
  if (qi % 200 === 0)
    console.log(
      qi,
      JSON.stringify(
        Object.fromEntries(Object.entries(results).map(([k, v]) => [k, ((v * Q) / (qi + 1)).toFixed(3)])),
      ),
    );
}
const n = Math.min(Q, lim);
console.log(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, ((v * Q) / n).toFixed(4)])));
