import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SHARED_DIR } from '../core/config.js';
import type { SqlConnection } from '../warehouse/connection.js';
import { type Embedder, EmbeddingModelMissingError } from './embedder.js';
import {
  createLsaEmbedder,
  type FitLsaOptions,
  fitLsaModel,
  type LsaEmbedder,
  type LsaModel,
} from './lsa-embedder.js';
import { loadLsaModel, saveLsaModel } from './lsa-store.js';
import { createTransformerEmbedder, type TransformerEmbedder } from './transformer-embedder.js';

/** The shared Universal Sentence Encoder Lite folder (see ../shared/models/README.md). */
export const DEFAULT_EMBEDDING_MODEL_DIR = join(
  SHARED_DIR,
  'models',
  'local',
  'universal-sentence-encoder-lite',
);

/** Name of the fallback model in `app.embedding_models` unless told otherwise. */
export const DEFAULT_LSA_MODEL_NAME = 'default';

/** Options of {@link createDefaultEmbedder}. */
export interface DefaultEmbedderOptions {
  /**
   * The transformer folder. Default: `EMBEDDING_MODEL_DIR`, else {@link DEFAULT_EMBEDDING_MODEL_DIR}.
   * A folder named here or in `EMBEDDING_MODEL_DIR` that is missing is an error (a typo should not
   * silently downgrade the model); only the default folder falls back to LSA when absent.
   */
  readonly modelDir?: string;
  /** Where `EMBEDDING_MODEL_DIR` is read from; default `process.env`. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** `lsa` skips the transformer even when its folder exists (fast tests, low-memory hosts). */
  readonly prefer?: 'transformer' | 'lsa';
  readonly dtype?: 'q8' | 'fp32';
  readonly batchSize?: number;
  readonly cacheSize?: number;
  /** A fitted fallback model; when given, nothing is loaded or fitted. */
  readonly lsaModel?: LsaModel;
  /** The app database: a stored fallback model is read from it, and a newly fitted one saved to it. */
  readonly app?: SqlConnection;
  /** Name of the fallback model in the app database; default {@link DEFAULT_LSA_MODEL_NAME}. */
  readonly lsaName?: string;
  /** Texts to fit the fallback on when no model is given or stored (feedback texts, exemplars). */
  readonly fallbackCorpus?: () => Promise<readonly string[]>;
  /** Fitting options of the fallback. */
  readonly lsaOptions?: FitLsaOptions;
}

/** The embedder that was picked, and why. */
export interface DefaultEmbedder extends Embedder {
  readonly kind: 'transformer' | 'lsa';
  /** Why this implementation was chosen, in a sentence. */
  readonly reason: string;
  /** The implementation itself, for its extra members (cache statistics, the LSA model). */
  readonly inner: TransformerEmbedder | LsaEmbedder;
  /** What is running and why, e.g. for the start-up log and `analyst describe`. */
  describe(): string;
}

/**
 * The transformer when its model folder exists, otherwise the LSA fallback: a model passed in, else
 * the one stored in the app database, else one fitted on `fallbackCorpus` (and stored when `app` is
 * given). `describe()` and `id` say which was picked.
 *
 * @throws EmbeddingModelMissingError when an explicitly configured folder is missing or any folder is
 *   broken, or when the fallback is needed but has nothing to fit on.
 * @example
 * const embedder = await createDefaultEmbedder({ app: stores.app, fallbackCorpus: loadExemplarTexts });
 * log(embedder.describe());
 */
export async function createDefaultEmbedder(options: DefaultEmbedderOptions = {}): Promise<DefaultEmbedder> {
  const environment = options.environment ?? process.env;
  const configured = options.modelDir ?? nonEmpty(environment['EMBEDDING_MODEL_DIR']);
  const modelDir = resolve(configured ?? DEFAULT_EMBEDDING_MODEL_DIR);

  if (options.prefer !== 'lsa') {
    if (existsSync(modelDir)) {
      const transformer = await createTransformerEmbedder({
        modelDir,
        ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
      });
      return wrap(transformer, `the model folder ${modelDir} is present`);
    }
    if (configured !== undefined) throw new EmbeddingModelMissingError(modelDir, 'the folder does not exist');
  }

  const why =
    options.prefer === 'lsa' ? 'LSA was asked for' : `there is no transformer model folder at ${modelDir}`;
  if (options.lsaModel) return wrap(createLsaEmbedder(options.lsaModel), `${why}; using the given LSA model`);
  const name = options.lsaName ?? DEFAULT_LSA_MODEL_NAME;
  if (options.app) {
    const stored = await loadLsaModel(options.app, name);
    if (stored)
      return wrap(
        createLsaEmbedder(stored),
        `${why}; using the LSA model '${name}' stored in the app database`,
      );
  }
  if (!options.fallbackCorpus) {
    throw new EmbeddingModelMissingError(
      modelDir,
      `${options.prefer === 'lsa' ? 'LSA was asked for' : 'the folder does not exist'} and there is no LSA model to fall back on (no stored model '${name}' and no corpus to fit one)`,
    );
  }
  const corpus = await options.fallbackCorpus();
  const model = fitLsaModel(corpus, options.lsaOptions);
  if (options.app) await saveLsaModel(options.app, name, model);
  const stored = options.app ? ` and stored as '${name}'` : '';
  return wrap(createLsaEmbedder(model), `${why}; fitted LSA on ${corpus.length} texts${stored}`);
}

function wrap(inner: TransformerEmbedder | LsaEmbedder, reason: string): DefaultEmbedder {
  return {
    kind: inner.kind,
    id: inner.id,
    dimensions: inner.dimensions,
    reason,
    inner,
    embed: (texts) => inner.embed(texts),
    describe: () => `${inner.describe()}: ${reason}`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
