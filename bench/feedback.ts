/**
 * `npm run bench -- feedback [--quick] [--skip-100k] [--skip-demo] [--queries N]`: the feedback issue's figures.
 *
 * 1. Ingestion throughput against raw embedding throughput of the same model, measured in one run:
 *    the 80% of Banking77 train.csv (split seed 42) in chunks of 1,000, each chunk first embedded raw
 *    (its own embedder, cache off) then ingested (another embedder, cache off: PII masking, hashing,
 *    sentiment, binary COPY, checkpoints), so both see the same machine load. The HNSW build and the
 *    corpus LSA fit that follow a bulk load are timed apart.
 * 2. Retrieval: the 20% as queries, precision@10 of hits sharing the query's intent, for each step
 *    (vector only = the shared model alone, full text alone, RRF, re-rank, PRF), plus exact search.
 * 3. Topics: NMI of the topic model's clusters (k chosen from the data) against the 77 intents,
 *    next to spherical k-means with k = 77 on the raw model embeddings.
 * 4. Sentiment: ratings drawn as the demo generator draws them (per-intent means + noise), classifier
 *    vs lexicon vs majority on held-out messages.
 * 5. HNSW at 100k: the 10k vectors replicated ×10 with small perturbations, bulk loaded then indexed;
 *    build time, recall@10 against exact search and query p50/p95 at ef_search = 100.
 * 6. The demo's planted spike (demo warehouse at scale 0.2) found as an emerging topic.
 *
 * Wall times on the shared 2-core machines vary with the other work running; CPU time is printed too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from '../core/random.js';
import {
  createFeedbackSearcher,
  createFeedbackStore,
  createTransformerEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  type Embedder,
  encodeBinaryCopy,
  type IngestItem,
  ingestFeedbackRecords,
  refreshLexicalModel,
  type SearchMode,
  toPgVector,
} from '../embeddings/index.js';
import {
  createLexiconSentiment,
  fitRatingSentiment,
  fitTopicModel,
  ingestWarehouseFeedback,
  normalizedMutualInformation,
  resolveFeedbackEmbedder,
  sphericalKMeans,
  summarizeFeedback,
} from '../models/feedback/index.js';
import { intentMeanRating } from '../warehouse/demo/feedback.js';
import { generateDemoWarehouse } from '../warehouse/demo/generate.js';
import { migrate } from '../warehouse/migrate.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';
import { APP_MIGRATIONS, WAREHOUSE_MIGRATIONS } from '../warehouse/schema.js';
import { openStores } from '../warehouse/stores.js';
import { BANKING77_DIR, loadBanking77, splitCorpus } from './_banking77.js';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export default async function feedbackBench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const queriesFlag = args.indexOf('--queries');
  if (!existsSync(DEFAULT_EMBEDDING_MODEL_DIR)) {
    print(`skipped: no transformer model folder at ${DEFAULT_EMBEDDING_MODEL_DIR}`);
    return;
  }
  const rows = loadBanking77();
  const split = splitCorpus(rows, 42);
  const corpus = quick ? split.corpus.slice(0, 2000) : split.corpus;
  const queryLimit = queriesFlag >= 0 ? Number(args[queriesFlag + 1]) : quick ? 300 : split.queries.length;
  const queries = split.queries.slice(0, queryLimit);
  print(
    `Banking77: ${rows.length} texts; split seed 42 → ${corpus.length} ingested, ${queries.length} queries`,
  );

  // 1. Throughput.
  // One embedder (cache off) for both, so the comparison is the same ONNX session; chunks alternate
  // which goes first so that changes in the machine's load hit both sides alike.
  const ingestEmbedder = await createTransformerEmbedder({
    modelDir: DEFAULT_EMBEDDING_MODEL_DIR,
    cacheSize: 0,
  });
  const stores = await openStores({ inMemory: true });
  const store = createFeedbackStore(stores.app, {
    embedder: ingestEmbedder,
    sentiment: createLexiconSentiment(),
  });
  await store.prepare();
  let rawMs = 0;
  let ingestMs = 0;
  let embedMs = 0;
  let storeMs = 0;
  let ingestCpu = 0;
  let rawCpu = 0;
  const chunk = 500;
  for (let start = 0; start < corpus.length; start += chunk) {
    const slice = corpus.slice(start, start + chunk);
    const rawRun = async (): Promise<void> => {
      const began = performance.now();
      const cpu = cpuMs();
      await ingestEmbedder.embed(slice.map((row) => row.text));
      rawMs += performance.now() - began;
      rawCpu += cpuMs() - cpu;
    };
    const ingestRun = async (): Promise<void> => {
      async function* items(): AsyncGenerator<IngestItem> {
        for (let index = 0; index < slice.length; index++) {
          yield { line: start + index + 1, record: { id: `c${start + index}`, text: slice[index]!.text } };
        }
      }
      const began = performance.now();
      const cpu = cpuMs();
      const report = await ingestFeedbackRecords(store, items(), {
        source: 'banking77-80',
        sourceKey: `bench-${start}`,
        silent: true,
        deferIndex: true,
        expectedRows: slice.length,
      });
      ingestMs += performance.now() - began;
      ingestCpu += cpuMs() - cpu;
      embedMs += report.embedMs;
      storeMs += report.storeMs;
    };
    if ((start / chunk) % 2 === 0) {
      await rawRun();
      await ingestRun();
    } else {
      await ingestRun();
      await rawRun();
    }
  }
  const rawRate = (corpus.length / rawMs) * 1000;
  const ingestRate = (corpus.length / ingestMs) * 1000;
  print('\n1. ingestion (transformer USE-lite q8, chunks of 500, binary COPY, no index during the load)');
  print(
    `  raw embedding:  ${rawRate.toFixed(0)} texts/s (cpu ${(rawCpu / corpus.length).toFixed(2)} ms/text)`,
  );
  print(
    `  ingestion:      ${ingestRate.toFixed(0)} rows/s (cpu ${(ingestCpu / corpus.length).toFixed(2)} ms/row) = ${((ingestRate / rawRate) * 100).toFixed(1)}% of raw; ` +
      `of its time ${((embedMs / ingestMs) * 100).toFixed(1)}% embedding+sentiment, ${((storeMs / ingestMs) * 100).toFixed(1)}% database`,
  );
  let began = performance.now();
  const index = await store.buildIndex();
  print(
    `  HNSW build (m ${store.hnsw.m}, ef_construction ${store.hnsw.efConstruction}, maintenance_work_mem sized to the graph): ${(index.durationMs / 1000).toFixed(1)} s for ${index.rows} rows`,
  );
  began = performance.now();
  const lexical = await refreshLexicalModel(stores.app, ingestEmbedder, { force: true });
  print(
    `  corpus LSA fit for re-ranking: ${(lexical.durationMs / 1000).toFixed(1)} s on ${lexical.texts} texts`,
  );
  const total = ingestMs + index.durationMs + lexical.durationMs;
  print(
    `  everything included (load + index + LSA): ${((corpus.length / total) * 1000).toFixed(0)} rows/s = ${((((corpus.length / total) * 1000) / rawRate) * 100).toFixed(1)}% of raw`,
  );
  void began;

  // 2. Retrieval.
  print(`\n2. retrieval: precision@10 by intent over ${queries.length} held-out queries`);
  const labels = new Map(corpus.map((row, position) => [`c${position}`, row.label]));
  const searcher = await createFeedbackSearcher(stores.app, { embedder: ingestEmbedder });
  const modes: { mode: SearchMode; name: string }[] = [
    { mode: 'vector', name: 'shared model alone (HNSW)' },
    { mode: 'text', name: 'full text alone (ts_rank_cd, OR of words)' },
    { mode: 'rrf', name: '+ reciprocal rank fusion of both' },
    { mode: 'rerank', name: '+ re-rank pool with corpus LSA (0.5/0.5)' },
    { mode: 'hybrid', name: '+ pseudo-relevance feedback (default)' },
  ];
  const queryVectors = await ingestEmbedder.embed(queries.map((row) => row.text));
  const corpusVectors = await loadVectors(stores.app, corpus.length);
  let exact = 0;
  queries.forEach((query, position) => {
    const top = exactTop(queryVectors[position]!, corpusVectors.vectors, 10);
    exact += top.filter((row) => labels.get(corpusVectors.ids[row]!) === query.label).length / 10;
  });
  print(`  ${'shared model alone, exact search'.padEnd(46)} ${(exact / queries.length).toFixed(4)}`);
  for (const { mode, name } of modes) {
    let sum = 0;
    const times: number[] = [];
    for (const query of queries) {
      const started = performance.now();
      const { hits } = await searcher.search(query.text, { k: 10, mode });
      times.push(performance.now() - started);
      sum += hits.filter((hit) => labels.get(hit.id) === query.label).length / 10;
    }
    times.sort((a, b) => a - b);
    print(
      `  ${name.padEnd(46)} ${(sum / queries.length).toFixed(4)}   p50 ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(0)} ms`,
    );
  }

  // 3. Topics.
  print('\n3. topics: NMI against the 77 intents');
  began = performance.now();
  const model = await fitTopicModel(stores.app, ingestEmbedder.id);
  const topicSeconds = (performance.now() - began) / 1000;
  const { nearestCentroid } = await import('../models/feedback/clustering.js');
  const { topicSpace } = await import('../models/feedback/topics.js');
  const space = await topicSpace(stores.app, ingestEmbedder.id);
  const projected = await space.project(
    corpusVectors.ids.map((id, position) => ({
      text: corpus[Number(id.slice(1))]!.text,
      vector: corpusVectors.vectors[position]!,
    })),
  );
  const ours = projected.map((vector) => nearestCentroid(vector, model.centroids).index);
  const truth = corpusVectors.ids.map((id) => corpus[Number(id.slice(1))]!.label);
  print(
    `  topic model (model ⊕ corpus LSA, k = ${model.k} chosen by simplified silhouette, ${topicSeconds.toFixed(1)} s): NMI ${normalizedMutualInformation(ours, truth).toFixed(4)}`,
  );
  const kmeans = sphericalKMeans(corpusVectors.vectors, 77, { seed: 42 });
  print(
    `  k-means, k = 77, on the raw model embeddings: NMI ${normalizedMutualInformation(kmeans.assignments, truth).toFixed(4)}`,
  );

  // 4. Sentiment.
  print('\n4. sentiment (ratings drawn like the demo: per-intent mean + N(0, 0.85), rounded to 1–5)');
  const random = createRandom(42).fork('bench-ratings');
  const ratings = corpusVectors.ids.map((id) =>
    Math.max(
      1,
      Math.min(5, Math.round(intentMeanRating(corpus[Number(id.slice(1))]!.label) + 0.85 * random.normal())),
    ),
  );
  const sentimentModel = fitRatingSentiment(
    corpusVectors.ids.map((id) => corpus[Number(id.slice(1))]!.text),
    corpusVectors.vectors,
    ratings,
    { embedderId: ingestEmbedder.id },
  );
  const evaluation = sentimentModel.evaluation;
  print(
    `  held-out ${evaluation.testSize}: classifier accuracy ${evaluation.accuracy.toFixed(3)} (macro F1 ${evaluation.macroF1.toFixed(3)}), ` +
      `lexicon ${evaluation.lexiconAccuracy.toFixed(3)}, majority ${evaluation.majorityAccuracy.toFixed(3)}`,
  );
  await stores.close();

  // 5. HNSW at 100k.
  if (!args.includes('--skip-100k')) await hnswAtScale(corpusVectors.vectors, quick ? 20_000 : 100_000);

  // 6. The demo spike.
  if (!args.includes('--skip-demo')) await demoSpike();
  await ingestEmbedder.dispose();
}

async function loadVectors(
  app: import('../warehouse/connection.js').SqlConnection,
  expected: number,
): Promise<{ ids: string[]; vectors: Float32Array[] }> {
  const { fromPgVector } = await import('../embeddings/index.js');
  const { rows } = await app.query<{ id: string; embedding: string }>(
    'SELECT id, embedding::text AS embedding FROM app.feedback_documents ORDER BY id',
  );
  if (rows.length !== expected) throw new Error(`expected ${expected} stored vectors, found ${rows.length}`);
  return { ids: rows.map((row) => row.id), vectors: rows.map((row) => fromPgVector(row.embedding)) };
}

function exactTop(query: Float32Array, vectors: readonly Float32Array[], k: number): number[] {
  const scores = new Float32Array(vectors.length);
  for (let row = 0; row < vectors.length; row++) {
    const vector = vectors[row]!;
    let sum = 0;
    for (let column = 0; column < vector.length; column++) sum += vector[column]! * query[column]!;
    scores[row] = sum;
  }
  const order = Array.from(scores.keys());
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, k);
}

async function hnswAtScale(base: readonly Float32Array[], target: number): Promise<void> {
  print(
    `\n5. HNSW at ${target.toLocaleString('en-US')} vectors (Banking77 vectors ×${Math.ceil(target / base.length)}, each copy perturbed by N(0, 0.02²) per component and renormalised)`,
  );
  const random = createRandom(7).fork('replicate');
  const vectors: Float32Array[] = [];
  for (let index = 0; vectors.length < target; index++) {
    const source = base[index % base.length]!;
    const vector = Float32Array.from(source, (value) => value + 0.02 * random.normal());
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm);
    for (let column = 0; column < vector.length; column++) vector[column] = vector[column]! / norm;
    vectors.push(vector);
  }
  const dimensions = vectors[0]!.length;
  const database = await createPgliteConnection();
  await database.exec(`CREATE TABLE bench_vectors (id integer PRIMARY KEY, embedding vector(${dimensions}));
    ALTER TABLE bench_vectors ALTER COLUMN embedding SET STORAGE PLAIN;`);
  let started = performance.now();
  for (let start = 0; start < vectors.length; start += 2000) {
    const data = encodeBinaryCopy(
      ['int4', 'vector'],
      vectors.slice(start, start + 2000).map((vector, offset) => [start + offset, vector]),
    );
    await database.copyFrom!(
      "COPY bench_vectors (id, embedding) FROM '/dev/blob' WITH (FORMAT binary)",
      data,
    );
  }
  print(`  bulk load (binary COPY): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const m = 16;
  const efConstruction = 64;
  const megabytes = Math.ceil((target * (4 * dimensions + 16 * m + 96) * 1.34) / 2 ** 20);
  await database.exec(`SET maintenance_work_mem = '${megabytes}MB'`);
  started = performance.now();
  const cpu = cpuMs();
  await database.exec(
    `CREATE INDEX bench_hnsw ON bench_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efConstruction})`,
  );
  print(
    `  build: m ${m}, ef_construction ${efConstruction}, maintenance_work_mem ${megabytes} MB, after the bulk load: ${((performance.now() - started) / 1000).toFixed(1)} s (cpu ${((cpuMs() - cpu) / 1000).toFixed(1)} s)`,
  );
  const probes = 200;
  const queryRandom = createRandom(9).fork('queries');
  for (const efSearch of [40, 100]) {
    await database.exec(`SET hnsw.ef_search = ${efSearch}`);
    let recall = 0;
    const times: number[] = [];
    for (let probe = 0; probe < probes; probe++) {
      const source = base[queryRandom.int(0, base.length - 1)]!;
      const query = Float32Array.from(source, (value) => value + 0.02 * queryRandom.normal());
      const truth = new Set(exactTop(query, vectors, 10));
      const began = performance.now();
      const { rows } = await database.query<{ id: number }>(
        'SELECT id FROM bench_vectors ORDER BY embedding <=> $1::vector LIMIT 10',
        [toPgVector(query)],
      );
      times.push(performance.now() - began);
      recall += rows.filter((row) => truth.has(Number(row.id))).length / 10;
    }
    times.sort((a, b) => a - b);
    print(
      `  ef_search ${efSearch}: recall@10 ${(recall / probes).toFixed(4)} vs exact, query p50 ${times[probes / 2]!.toFixed(1)} ms, p95 ${times[Math.floor(probes * 0.95)]!.toFixed(1)} ms`,
    );
  }
  await database.close();
}

async function demoSpike(): Promise<void> {
  print('\n6. demo spike (demo warehouse scale 0.2, seed 42, now 2026-11-24T12:00Z)');
  const now = new Date('2026-11-24T12:00:00Z');
  const connection = await createPgliteConnection();
  await migrate(connection, 'warehouse', WAREHOUSE_MIGRATIONS);
  await migrate(connection, 'app', APP_MIGRATIONS);
  await generateDemoWarehouse(connection, {
    scale: 0.2,
    seed: 42,
    now,
    feedbackCsvPath: join(BANKING77_DIR, 'train.csv'),
    silent: true,
  });
  try {
    const outcome = await ingestWarehouseFeedback(
      { warehouse: connection, app: connection },
      { silent: true },
    );
    print(
      `  ingested ${outcome.added} messages with ${outcome.embedder}; sentiment ${outcome.sentiment.method}` +
        (outcome.sentiment.evaluation
          ? ` (held-out accuracy ${outcome.sentiment.evaluation.accuracy.toFixed(3)}, lexicon ${outcome.sentiment.evaluation.lexiconAccuracy.toFixed(3)}, majority ${outcome.sentiment.evaluation.majorityAccuracy.toFixed(3)})`
          : ''),
    );
    const embedder: Embedder = await resolveFeedbackEmbedder(connection);
    const summary = await summarizeFeedback(connection, embedder.id, {
      start: new Date('2026-11-18T00:00:00Z'),
      end: new Date('2026-11-25T00:00:00Z'),
      maxTopics: 500,
    });
    const { rows } = await connection.query<{ intent: string; extra_messages: number }>(
      'SELECT intent, extra_messages FROM ground_truth.feedback_spike',
    );
    print(`  planted: ${rows[0]?.intent} (+${rows[0]?.extra_messages} messages in the last 4 days)`);
    for (const topic of summary.emerging) {
      const ids = topic.quotes.map((quote) => quote.id);
      const { rows: intents } = await connection.query<{ intent: string }>(
        'SELECT intent FROM ground_truth.feedback_labels WHERE feedback_id = ANY($1::text[])',
        [ids],
      );
      print(
        `  emerging: "${topic.name}" ${topic.spike.current} recent vs ${topic.spike.previous} baseline, ${topic.spike.ratio.toFixed(1)}×, p ${topic.spike.pValueIncrease.toExponential(1)}; quote intents ${intents.map((row) => row.intent).join(', ')}`,
      );
    }
    if (summary.emerging.length === 0) print('  no emerging topic found');
  } finally {
    await connection.close();
  }
}
