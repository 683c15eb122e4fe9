import { writeFileSync } from 'node:fs';
import { loadBanking77, splitCorpus } from '../bench/_banking77.js';
import { createTransformerEmbedder, DEFAULT_EMBEDDING_MODEL_DIR } from '../embeddings/index.js';

const rows = loadBanking77();
const split = splitCorpus(rows, 42);
const e = await createTransformerEmbedder({ modelDir: DEFAULT_EMBEDDING_MODEL_DIR, cacheSize: 0 });
const all = [...split.corpus, ...split.queries];
const t0 = performance.now();
const vecs = await e.embed(all.map((r) => r.text));
console.log('embedded', all.length, ((performance.now() - t0) / 1000).toFixed(1), 's');
const buf = new Float32Array(all.length * 512);
vecs.forEach((v, i) => buf.set(v, i * 512));
writeFileSync('.scratch-feedback/use.f32', Buffer.from(buf.buffer));
writeFileSync(
  '.scratch-feedback/split.json',
  JSON.stringify({ corpus: split.corpus, queries: split.queries }),
);
