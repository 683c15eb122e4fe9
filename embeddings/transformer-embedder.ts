import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { messageOf } from '../core/errors.js';
import { type Embedder, EmbeddingModelMissingError } from './embedder.js';
import { LruCache } from './lru-cache.js';
import { normalizeInPlace } from './vector-math.js';

/**
 * How token vectors become one sentence vector. `sentence_embedding` uses the model's own pooled output
 * (sentence-transformers exports and the shared Universal Sentence Encoder have one).
 */
export type TransformerPooling = 'sentence_embedding' | 'mean' | 'cls' | 'last_token' | 'max';

/** Options of {@link createTransformerEmbedder}. */
export interface TransformerEmbedderOptions {
  /** A transformers.js model folder: config.json, tokenizer.json, onnx/model.onnx and/or onnx/model_quantized.onnx. */
  readonly modelDir: string;
  /** Which weights to load: `q8` (onnx/model_quantized.onnx, the default) or `fp32` (onnx/model.onnx). */
  readonly dtype?: 'q8' | 'fp32';
  /** Texts per ONNX run. Default {@link DEFAULT_TRANSFORMER_BATCH_SIZE}. */
  readonly batchSize?: number;
  /** Texts whose vectors are kept (LRU); 0 turns the cache off. Default {@link DEFAULT_TRANSFORMER_CACHE_SIZE}. */
  readonly cacheSize?: number;
  /**
   * Pooling; `auto` (default) takes the model's `sentence_embedding` output when it has one, else the
   * sentence-transformers pooling config in the folder (`modules.json` / `1_Pooling/config.json`), else mean.
   */
  readonly pooling?: TransformerPooling | 'auto';
  /** ONNX runtime threads per run (intra-op); default: onnxruntime's own choice, one per core. */
  readonly threads?: number;
}

/** The transformer embedder, with what it loaded and how its cache is doing. */
export interface TransformerEmbedder extends Embedder {
  readonly kind: 'transformer';
  readonly modelDir: string;
  readonly dtype: 'q8' | 'fp32';
  readonly pooling: TransformerPooling;
  readonly batchSize: number;
  /**
   * Milliseconds spent importing transformers.js (0 when it was already imported) and loading the
   * model (0 when another embedder of the same folder, dtype and threads had loaded it).
   */
  readonly loadTimings: { readonly importMs: number; readonly loadMs: number };
  /** Cache lookups so far. */
  cacheStats(): { hits: number; misses: number; size: number };
  /** One line saying which model this is, for logs and `describe` commands. */
  describe(): string;
  /** Releases this embedder's hold on the shared ONNX session (freed when no embedder uses it). Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Texts per ONNX run. Measured by `npm run bench -- embeddings` on the shared 2-core machine (best of
 * two rounds, 512 Banking77 texts, heavily loaded machine): batch 64 4.5 ms CPU per sentence, 16 5.7,
 * 256 6.3, 1 14. Batch 64 was also the fastest in wall time in the full run (16 won a --quick run, within
 * noise); 256 loses because long batches carry more padding.
 */
export const DEFAULT_TRANSFORMER_BATCH_SIZE = 64;

/** Vectors kept by default: 10,000 × 512 floats is about 20 MB. */
export const DEFAULT_TRANSFORMER_CACHE_SIZE = 10_000;

// Structural types for the parts of transformers.js used here; the module itself is imported lazily.
interface TensorLike {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number | bigint>;
}
type TokenizerLike = (
  texts: string[],
  options: { padding: boolean; truncation: boolean; max_length?: number },
) => { input_ids: TensorLike; attention_mask: TensorLike };
interface ModelLike {
  (inputs: Record<string, unknown>): Promise<Record<string, TensorLike | undefined>>;
  readonly sessions?: Record<string, { outputNames?: readonly string[] }>;
  dispose(): Promise<unknown>;
}

interface LoadedModel {
  readonly tokenizer: TokenizerLike;
  readonly model: ModelLike;
  readonly importMs: number;
  readonly loadMs: number;
  /** Runs ONNX work one call at a time: concurrent runs would only fight over the same cores. */
  readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>;
}

// env.localModelPath is global in transformers.js, so loads of different folders must not interleave.
let loadQueue: Promise<unknown> = Promise.resolve();

// ONNX sessions are heavy (memory and load time), so embedders of the same folder, dtype and thread
// count share one; it is released when the last of them is disposed.
const sessions = new Map<string, { loading: Promise<LoadedModel>; users: number }>();

function acquireModel(
  modelDir: string,
  dtype: 'q8' | 'fp32',
  threads: number | undefined,
): Promise<LoadedModel> {
  const key = `${modelDir}\u0000${dtype}\u0000${threads ?? ''}`;
  const existing = sessions.get(key);
  if (existing) {
    existing.users++;
    return existing.loading.then((loaded) => ({ ...loaded, importMs: 0, loadMs: 0 }));
  }
  const loading = loadQueue.then(() => loadModel(modelDir, dtype, threads));
  loadQueue = loading.catch(() => undefined);
  const entry = { loading, users: 1 };
  sessions.set(key, entry);
  loading.catch(() => {
    if (sessions.get(key) === entry) sessions.delete(key);
  });
  return loading;
}

async function releaseModel(
  modelDir: string,
  dtype: 'q8' | 'fp32',
  threads: number | undefined,
): Promise<void> {
  const key = `${modelDir}\u0000${dtype}\u0000${threads ?? ''}`;
  const entry = sessions.get(key);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  sessions.delete(key);
  const { model } = await entry.loading;
  await model.dispose();
}

/**
 * Loads a sentence-embedding model from a local folder with transformers.js (never from the network)
 * and returns a batched, cached {@link Embedder}. transformers.js is imported on the first call only, so
 * programs that never embed do not pay for it.
 *
 * @throws EmbeddingModelMissingError when the folder is absent, incomplete or cannot be loaded.
 * @example
 * const embedder = await createTransformerEmbedder({ modelDir: `${SHARED_DIR}/models/local/universal-sentence-encoder-lite` });
 * const [a, b] = await embedder.embed(['I lost my card', 'my card is missing']);
 */
export async function createTransformerEmbedder(
  options: TransformerEmbedderOptions,
): Promise<TransformerEmbedder> {
  const modelDir = resolve(options.modelDir);
  const dtype = options.dtype ?? 'q8';
  const batchSize = options.batchSize ?? DEFAULT_TRANSFORMER_BATCH_SIZE;
  const cacheSize = options.cacheSize ?? DEFAULT_TRANSFORMER_CACHE_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new RangeError(`cacheSize must be a non-negative integer, got ${cacheSize}`);
  }
  const config = checkModelFolder(modelDir, dtype);
  const modelName = basename(modelDir);

  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
  }
  const { tokenizer, model, importMs, loadMs, exclusive } = await acquireModel(
    modelDir,
    dtype,
    options.threads,
  );

  const outputNames = model.sessions?.['model']?.outputNames ?? [];
  const pooling = resolvePooling(options.pooling ?? 'auto', modelDir, outputNames);
  const maxLength = maximumLength(modelDir, config);
  const cache = new LruCache<string, Float32Array>(cacheSize);

  const runBatch = async (texts: string[]): Promise<Float32Array[]> => {
    const inputs = tokenizer(texts, {
      padding: true,
      truncation: true,
      ...(maxLength === undefined ? {} : { max_length: maxLength }),
    });
    const outputs = await model(inputs as unknown as Record<string, unknown>);
    return poolOutputs(outputs, inputs.attention_mask, pooling, modelDir);
  };

  const embedUncached = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const vectors = new Array<Float32Array>(texts.length);
    // Sorting by length keeps texts of similar length together, so batches carry little padding.
    const order = texts
      .map((text, index) => ({ text, index }))
      .filter((entry) => entry.text.trim() !== '')
      .sort((a, b) => a.text.length - b.text.length || a.index - b.index);
    for (let start = 0; start < order.length; start += batchSize) {
      const slice = order.slice(start, start + batchSize);
      const batch = await exclusive(() => runBatch(slice.map((entry) => entry.text)));
      slice.forEach((entry, position) => {
        vectors[entry.index] = batch[position]!;
      });
    }
    return vectors;
  };

  let dimensions = 0;
  let disposed = false;
  const embedder: TransformerEmbedder = {
    kind: 'transformer',
    id: `transformer:${modelName}:${dtype}`,
    get dimensions() {
      return dimensions;
    },
    modelDir,
    dtype,
    pooling,
    batchSize,
    loadTimings: { importMs, loadMs },
    async embed(texts) {
      const result = new Array<Float32Array>(texts.length);
      const missing = new Map<string, number[]>();
      texts.forEach((text, index) => {
        const cached = cache.get(text);
        if (cached) {
          result[index] = cached;
          return;
        }
        const positions = missing.get(text);
        if (positions) positions.push(index);
        else missing.set(text, [index]);
      });
      if (missing.size > 0) {
        const unique = [...missing.keys()];
        const vectors = await embedUncached(unique);
        unique.forEach((text, position) => {
          // Blank texts carry no tokens: they get the zero vector instead of a model error or NaN.
          const vector = vectors[position] ?? new Float32Array(dimensions);
          cache.set(text, vector);
          for (const index of missing.get(text)!) result[index] = vector;
        });
      }
      return result;
    },
    cacheStats: () => cache.stats,
    describe: () =>
      `transformer ${modelName} (${dtype}, ${dimensions}-d, pooling ${pooling}, batch ${batchSize}) from ${modelDir}`,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await releaseModel(modelDir, dtype, options.threads);
    },
  };

  // One probe run gives the output length (not always hidden_size) and proves the weights execute.
  try {
    const [probe] = await embedUncached(['dimension probe']);
    dimensions = probe?.length ?? 0;
  } catch (error) {
    await embedder.dispose();
    throw new EmbeddingModelMissingError(modelDir, `running the model failed (${messageOf(error)})`, {
      cause: error,
    });
  }
  if (dimensions === 0) {
    await embedder.dispose();
    throw new EmbeddingModelMissingError(modelDir, 'the model returned no vector');
  }
  return embedder;
}

/** Checks the files transformers.js will need, so the error names the missing one. Returns config.json. */
function checkModelFolder(modelDir: string, dtype: 'q8' | 'fp32'): Record<string, unknown> {
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) {
    throw new EmbeddingModelMissingError(modelDir, 'the folder does not exist');
  }
  const configPath = join(modelDir, 'config.json');
  if (!existsSync(configPath)) throw new EmbeddingModelMissingError(modelDir, 'config.json is missing');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new EmbeddingModelMissingError(modelDir, `config.json is not valid JSON (${messageOf(error)})`);
  }
  if (!existsSync(join(modelDir, 'tokenizer.json'))) {
    throw new EmbeddingModelMissingError(modelDir, 'tokenizer.json is missing');
  }
  const weights = dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
  if (!existsSync(join(modelDir, weights))) {
    throw new EmbeddingModelMissingError(modelDir, `${weights} is missing (dtype ${dtype})`);
  }
  return config;
}

async function loadModel(
  modelDir: string,
  dtype: 'q8' | 'fp32',
  threads: number | undefined,
): Promise<LoadedModel> {
  const importStarted = performance.now();
  const transformers = await import('@huggingface/transformers');
  const importMs = performance.now() - importStarted;
  const loadStarted = performance.now();
  const { env, AutoTokenizer, AutoModel } = transformers;
  // Never reach for the Hugging Face hub: models come from disk only (no network at run time).
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(modelDir)}/`;
  const modelId = basename(modelDir);
  try {
    const tokenizer = (await AutoTokenizer.from_pretrained(modelId)) as unknown as TokenizerLike;
    const model = (await AutoModel.from_pretrained(modelId, {
      dtype,
      ...(threads === undefined ? {} : { session_options: { intraOpNumThreads: threads } }),
    })) as unknown as ModelLike;
    let queue: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const run = queue.then(work);
      queue = run.catch(() => undefined);
      return run;
    };
    return { tokenizer, model, importMs, loadMs: performance.now() - loadStarted, exclusive };
  } catch (error) {
    throw new EmbeddingModelMissingError(modelDir, `loading failed (${messageOf(error)})`, { cause: error });
  }
}

/** The longest input worth tokenizing: the smaller of the tokenizer's and the position table's limits. */
function maximumLength(modelDir: string, config: Record<string, unknown>): number | undefined {
  const limits: number[] = [];
  const positions = config['max_position_embeddings'];
  if (typeof positions === 'number' && positions > 0) limits.push(positions);
  try {
    const tokenizerConfig = JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')) as {
      model_max_length?: unknown;
    };
    const tokenizerLimit = tokenizerConfig.model_max_length;
    if (typeof tokenizerLimit === 'number' && tokenizerLimit > 0) limits.push(tokenizerLimit);
  } catch {
    // No tokenizer_config.json: the position table alone bounds the input.
  }
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

function resolvePooling(
  requested: TransformerPooling | 'auto',
  modelDir: string,
  outputNames: readonly string[],
): TransformerPooling {
  if (requested !== 'auto') return requested;
  if (outputNames.includes('sentence_embedding')) return 'sentence_embedding';
  return poolingFromFolder(modelDir) ?? 'mean';
}

/**
 * Reads a sentence-transformers pooling config (`modules.json` → Pooling module → config.json, or
 * `1_Pooling/config.json`); undefined when the folder has none. Exported for tests, not from the index.
 */
export function poolingFromFolder(modelDir: string): TransformerPooling | undefined {
  let poolingDir = join(modelDir, '1_Pooling');
  const modulesPath = join(modelDir, 'modules.json');
  if (existsSync(modulesPath)) {
    try {
      const modules = JSON.parse(readFileSync(modulesPath, 'utf8')) as { type?: string; path?: string }[];
      const module = modules.find((entry) => entry.type?.endsWith('models.Pooling'));
      if (module?.path) poolingDir = join(modelDir, module.path);
    } catch {
      // A broken modules.json only loses the hint; the default pooling still works.
    }
  }
  const configPath = join(poolingDir, 'config.json');
  if (!existsSync(configPath)) return undefined;
  try {
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    if (config['pooling_mode_mean_tokens'] === true) return 'mean';
    if (config['pooling_mode_cls_token'] === true) return 'cls';
    if (config['pooling_mode_lasttoken'] === true) return 'last_token';
    if (config['pooling_mode_max_tokens'] === true) return 'max';
  } catch {
    return undefined;
  }
  return undefined;
}

/** Pools each row of the model output and L2-normalises it. */
function poolOutputs(
  outputs: Record<string, TensorLike | undefined>,
  attentionMask: TensorLike,
  pooling: TransformerPooling,
  modelDir: string,
): Float32Array[] {
  const [rows = 0, length = 0] = attentionMask.dims;
  const mask = attentionMask.data;
  const vectors: Float32Array[] = [];
  if (pooling === 'sentence_embedding') {
    const output = outputs['sentence_embedding'];
    if (!output) throw new EmbeddingModelMissingError(modelDir, 'the model has no sentence_embedding output');
    const width = output.dims[1] ?? 0;
    for (let row = 0; row < rows; row++) {
      const vector = new Float32Array(width);
      for (let column = 0; column < width; column++)
        vector[column] = Number(output.data[row * width + column]);
      vectors.push(normalizeInPlace(vector));
    }
    return vectors;
  }
  const hidden = outputs['last_hidden_state'] ?? outputs['token_embeddings'] ?? outputs['logits'];
  if (!hidden) throw new EmbeddingModelMissingError(modelDir, 'the model has no last_hidden_state output');
  const width = hidden.dims[2] ?? 0;
  const data = hidden.data;
  for (let row = 0; row < rows; row++) {
    const sums = new Float64Array(width);
    let lastToken = -1;
    let tokens = 0;
    if (pooling === 'max') sums.fill(Number.NEGATIVE_INFINITY);
    for (let position = 0; position < length; position++) {
      if (Number(mask[row * length + position]) === 0) continue;
      tokens++;
      lastToken = position;
      const offset = (row * length + position) * width;
      if (pooling === 'mean') {
        for (let column = 0; column < width; column++) sums[column]! += Number(data[offset + column]);
      } else if (pooling === 'max') {
        for (let column = 0; column < width; column++) {
          sums[column] = Math.max(sums[column]!, Number(data[offset + column]));
        }
      } else if (pooling === 'cls' && tokens === 1) {
        for (let column = 0; column < width; column++) sums[column] = Number(data[offset + column]);
      }
    }
    const vector = new Float32Array(width);
    if (tokens > 0) {
      if (pooling === 'last_token') {
        const offset = (row * length + lastToken) * width;
        for (let column = 0; column < width; column++) vector[column] = Number(data[offset + column]);
      } else {
        const divisor = pooling === 'mean' ? tokens : 1;
        for (let column = 0; column < width; column++) vector[column] = sums[column]! / divisor;
      }
    }
    vectors.push(normalizeInPlace(vector));
  }
  return vectors;
}
