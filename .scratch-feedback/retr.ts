import { readFileSync } from 'node:fs';
import { createFeedbackSearcher, refreshLexicalModel } from '../embeddings/search.js';
import { createFeedbackStore } from '../embeddings/store.js';
import { createLexiconSentiment } from '../models/feedback/sentiment.js';
import { openStores } from '../warehouse/stores.js';

const split = JSON.parse(readFileSync('.scratch-feedback/split.json', 'utf8')) as {
  corpus: { text: string; label: string }[];
  queries: { text: string; label: string }[];
};
const raw = new Float32Array(readFileSync('.scratch-feedback/use.f32').buffer.slice(0));
const all = [...split.corpus, ...split.queries];
const map = new Map<string, Float32Array>();
all.forEach((r, i) => map.set(r.text, raw.subarray(i * 512, (i + 1) * 512)));
const embedder = {
  id: 'transformer:cached',
  dimensions: 512,
  embed: async (texts: readonly string[]) =>
    texts.map(
      (t) =>
        map.get(t) ??
        (() => {
          throw new Error('miss ' + t);
        })(),
    ),
};
const stores = await openStores({ inMemory: true });
const store = createFeedbackStore(stores.app, { embedder, sentiment: createLexiconSentiment() });
let t0 = performance.now();
for (let i = 0; i < split.corpus.length; i += 256)
  await store.upsert(
    split.corpus.slice(i, i + 256).map((r, k) => ({ id: `c${i + k}`, text: r.text })),
    { source: 'x' },
  );
console.log('load', (performance.now() - t0).toFixed(0));
t0 = performance.now();
console.log(await store.buildIndex(), (performance.now() - t0).toFixed(0));
t0 = performance.now();
console.log(await refreshLexicalModel(stores.app, embedder));
const searcher = await createFeedbackSearcher(stores.app, { embedder });
const label = new Map(split.corpus.map((r, i) => [`c${i}`, r.label]));
const n = Number(process.argv[2] ?? 400);
const modes = ['vector', 'text', 'rrf', 'rerank', 'hybrid'] as const;
const sums: Record<string, number> = {};
const times: Record<string, number[]> = {};
for (let q = 0; q < n; q++) {
  for (const mode of modes) {
    const s = performance.now();
    const { hits } = await searcher.search(split.queries[q]!.text, { k: 10, mode });
    (times[mode] ??= []).push(performance.now() - s);
    sums[mode] =
      (sums[mode] ?? 0) + hits.filter((h) => label.get(h.id) === split.queries[q]!.label).length / 10;
  }
}
for (const mode of modes) {
  const t = times[mode]!.sort((a, b) => a - b);
  console.log(
    mode,
    (sums[mode]! / n).toFixed(4),
    'p50',
    t[Math.floor(n / 2)]!.toFixed(1),
    'p95',
    t[Math.floor(n * 0.95)]!.toFixed(1),
  );
}
await stores.close();
