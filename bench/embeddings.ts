/**
 * `npm run bench -- embeddings [--quick] [--skip-transformer]`: the embedders on Banking77.
 *
 * - transformer: cold load (import + model), throughput at batch sizes 1/16/64/256, q8 against fp32,
 *   the cache on a repeated batch;
 * - LSA: fit time on all of train.csv, throughput, serialized size, save/load through PGlite;
 * - retrieval (the feedback issue's protocol): split train.csv 80/20 with seed 42, embed both parts,
 *   for every held-out query take the 10 nearest of the 80% by cosine; precision@10 = share with the
 *   query's intent, and nearest-neighbour accuracy. LSA is fitted on the 80% only (no labels).
 *
 * Wall times on the shared 2-core machines vary with the other work running; CPU times are printed
 * next to them (for ONNX they add up both threads).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../core/config.js';
import {
  createLsaEmbedder,
  createTransformerEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  type Embedder,
  fitLsaModel,
  loadLsaModel,
  saveLsaModel,
  serializeLsaModel,
} from '../embeddings/index.js';
import { openStores } from '../warehouse/stores.js';
import { loadBanking77, scoreRetrieval, splitCorpus } from './_banking77.js';

export default async function embeddingsBench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const skipTransformer = args.includes('--skip-transformer');
  if (!existsSync(join(SHARED_DIR, 'data', 'banking77', 'train.csv'))) {
    print(`skipped: ${SHARED_DIR}/data/banking77/train.csv is missing`);
    return;
  }
  const rows = loadBanking77();
  const split = splitCorpus(rows, 42);
  const corpus = quick ? split.corpus.slice(0, 2000) : split.corpus;
  const queries = quick ? split.queries.slice(0, 500) : split.queries;
  print(
    `Banking77: ${rows.length} labelled texts; split seed 42 → ${corpus.length} indexed, ${queries.length} queries${quick ? ' (--quick subset)' : ''}`,
  );
  const sample = split.corpus.slice(0, 512).map((row) => row.text);

  let transformerVectors: { corpus: Float32Array[]; queries: Float32Array[] } | undefined;
  if (skipTransformer) {
    print('\ntransformer: skipped (--skip-transformer)');
  } else if (!existsSync(DEFAULT_EMBEDDING_MODEL_DIR)) {
    print(`\ntransformer: skipped, no model folder at ${DEFAULT_EMBEDDING_MODEL_DIR}`);
  } else {
    print(`\ntransformer: ${DEFAULT_EMBEDDING_MODEL_DIR}`);
    const cold = await measure(() =>
      createTransformerEmbedder({ modelDir: DEFAULT_EMBEDDING_MODEL_DIR, cacheSize: 0 }),
    );
    const q8 = cold.value;
    print(
      `  cold load q8 (in process): ${ms(cold.wallMs)} total = import transformers.js ${ms(q8.loadTimings.importMs)} + model ${ms(q8.loadTimings.loadMs)} + first run`,
    );
    const fp32Load = await measure(() =>
      createTransformerEmbedder({ modelDir: DEFAULT_EMBEDDING_MODEL_DIR, dtype: 'fp32', cacheSize: 0 }),
    );
    print(`  load fp32 (transformers.js already imported): ${ms(fp32Load.wallMs)}`);

    print(`  throughput on ${sample.length} Banking77 texts (batch 1 on the first 128), cache off:`);
    for (const batchSize of [1, 16, 64, 256]) {
      const embedder =
        batchSize === q8.batchSize
          ? q8
          : await createTransformerEmbedder({
              modelDir: DEFAULT_EMBEDDING_MODEL_DIR,
              batchSize,
              cacheSize: 0,
            });
      const texts = batchSize === 1 ? sample.slice(0, 128) : sample;
      const run = await measure(() => embedder.embed(texts));
      print(
        `    batch ${String(batchSize).padStart(3)}: ${rate(texts.length, run.wallMs)} sentences/s (${(run.wallMs / texts.length).toFixed(2)} ms each, cpu ${ms(run.cpuMs)})`,
      );
      if (embedder !== q8) await embedder.dispose();
    }
    const fp32Run = await measure(() => fp32Load.value.embed(sample));
    print(
      `    fp32 at batch ${fp32Load.value.batchSize}: ${rate(sample.length, fp32Run.wallMs)} sentences/s`,
    );
    await fp32Load.value.dispose();

    const cached = await createTransformerEmbedder({ modelDir: DEFAULT_EMBEDDING_MODEL_DIR });
    const miss = await measure(() => cached.embed(sample));
    const hit = await measure(() => cached.embed(sample));
    print(
      `  cache: ${sample.length} texts uncached ${ms(miss.wallMs)}, again from the cache ${ms(hit.wallMs)} (${(miss.wallMs / Math.max(hit.wallMs, 0.001)).toFixed(0)}× faster); ${JSON.stringify(cached.cacheStats())}`,
    );
    await cached.dispose();

    const embedAll = await measure(async () => ({
      corpus: await q8.embed(corpus.map((row) => row.text)),
      queries: await q8.embed(queries.map((row) => row.text)),
    }));
    transformerVectors = embedAll.value;
    print(
      `  retrieval set embedded: ${corpus.length + queries.length} texts in ${ms(embedAll.wallMs)} (${rate(corpus.length + queries.length, embedAll.wallMs)} sentences/s)`,
    );
    await q8.dispose();
  }

  print('\nLSA (TF-IDF word 1-2-grams + char 3-4-grams, randomized SVD, seed 42)');
  const allTexts = rows.map((row) => row.text);
  const fullFit = await measure(async () => fitLsaModel(allTexts, { seed: 42 }));
  const fullModel = fullFit.value;
  const bytes = serializeLsaModel(fullModel);
  print(
    `  fit on all ${allTexts.length} texts: ${ms(fullFit.wallMs)} (cpu ${ms(fullFit.cpuMs)}); ${fullModel.vocabulary.idf.length} features, ${fullModel.dimensions} dimensions, serialized ${(bytes.length / 1e6).toFixed(1)} MB`,
  );
  const lsa = createLsaEmbedder(fullModel);
  const lsaRun = await measure(() => lsa.embed(allTexts.slice(0, 2000)));
  print(`  throughput: ${rate(2000, lsaRun.wallMs)} sentences/s`);
  const stores = await openStores({ inMemory: true });
  try {
    const save = await measure(() => saveLsaModel(stores.app, 'bench', fullModel));
    const load = await measure(() => loadLsaModel(stores.app, 'bench'));
    print(`  app database (PGlite in memory): save ${ms(save.wallMs)}, load ${ms(load.wallMs)}`);
  } finally {
    await stores.close();
  }

  print('\nretrieval (precision@10 by intent, nearest-neighbour accuracy)');
  const corpusLabels = corpus.map((row) => row.label);
  const queryLabels = queries.map((row) => row.label);
  const report = (name: string, vectors: { corpus: Float32Array[]; queries: Float32Array[] }): void => {
    const score = scoreRetrieval(vectors.corpus, corpusLabels, vectors.queries, queryLabels, 10);
    print(
      `  ${name.padEnd(44)} p@10 ${score.precisionAt10.toFixed(4)}  nn ${score.nearestNeighborAccuracy.toFixed(4)}`,
    );
  };
  if (transformerVectors) report('transformer (USE-lite q8)', transformerVectors);
  const splitFit = await measure(async () =>
    fitLsaModel(
      corpus.map((row) => row.text),
      { seed: 42 },
    ),
  );
  const splitLsa: Embedder = createLsaEmbedder(splitFit.value);
  const lsaVectors = {
    corpus: await splitLsa.embed(corpus.map((row) => row.text)),
    queries: await splitLsa.embed(queries.map((row) => row.text)),
  };
  report(`LSA fitted on the indexed ${corpus.length} (${ms(splitFit.wallMs)})`, lsaVectors);
  if (transformerVectors) {
    // Concatenating √w·a and √(1−w)·b makes cosine = w·cos_a + (1−w)·cos_b: a cheap score fusion.
    const fused = (weight: number) => ({
      corpus: transformerVectors.corpus.map((vector, index) =>
        concat(vector, lsaVectors.corpus[index]!, weight),
      ),
      queries: transformerVectors.queries.map((vector, index) =>
        concat(vector, lsaVectors.queries[index]!, weight),
      ),
    });
    report('0.5·transformer + 0.5·LSA (cosine fusion)', fused(0.5));
  }
}

function concat(a: Float32Array, b: Float32Array, weight: number): Float32Array {
  const result = new Float32Array(a.length + b.length);
  const scaleA = Math.sqrt(weight);
  const scaleB = Math.sqrt(1 - weight);
  for (let index = 0; index < a.length; index++) result[index] = a[index]! * scaleA;
  for (let index = 0; index < b.length; index++) result[a.length + index] = b[index]! * scaleB;
  return result;
}

async function measure<T>(work: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function rate(count: number, wallMs: number): string {
  return (count / (wallMs / 1000)).toFixed(0);
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
