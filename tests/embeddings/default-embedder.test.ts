import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDefaultEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  EmbeddingModelMissingError,
  fitLsaModel,
} from '../../embeddings/index.js';
import { openStores, type Stores } from '../../warehouse/stores.js';

const CORPUS = [
  'my card has not arrived',
  'I am still waiting for my card',
  'what exchange rate do you use',
  'the exchange rate was bad',
  'I forgot my password',
  'how do I reset my password',
  'my withdrawal is pending',
  'cancel my withdrawal please',
];

describe('default embedder (LSA fallback)', () => {
  let stores: Stores;

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
  });

  afterAll(async () => {
    await stores.close();
  });

  it('fits the fallback on the corpus, stores it, then reuses the stored model', async () => {
    let corpusReads = 0;
    const fallbackCorpus = async (): Promise<string[]> => {
      corpusReads++;
      return CORPUS;
    };
    const fitted = await createDefaultEmbedder({
      prefer: 'lsa',
      app: stores.app,
      fallbackCorpus,
      lsaOptions: { dimensions: 6, seed: 3 },
    });
    expect(fitted.kind).toBe('lsa');
    expect(fitted.dimensions).toBe(6);
    expect(fitted.id).toMatch(/^lsa:[0-9a-f]{12}$/);
    expect(fitted.reason).toBe("LSA was asked for; fitted LSA on 8 texts and stored as 'default'");
    expect(fitted.describe()).toMatch(
      /^LSA lsa:[0-9a-f]{12} \(6-d, \d+ features, fitted on 8 texts\): LSA was asked for; fitted LSA on 8 texts and stored as 'default'$/,
    );

    const stored = await createDefaultEmbedder({ prefer: 'lsa', app: stores.app, fallbackCorpus });
    expect(stored.id).toBe(fitted.id);
    expect(stored.reason).toBe("LSA was asked for; using the LSA model 'default' stored in the app database");
    expect(corpusReads).toBe(1);
    expect(await stored.embed(['card not here'])).toEqual(await fitted.embed(['card not here']));
  });

  it('uses a model it is given', async () => {
    const model = fitLsaModel(CORPUS, { dimensions: 4 });
    const given = await createDefaultEmbedder({ prefer: 'lsa', lsaModel: model });
    expect(given.reason).toBe('LSA was asked for; using the given LSA model');
    expect(given.dimensions).toBe(4);
  });

  it('says so when there is nothing to fall back on', async () => {
    let error: unknown;
    try {
      await createDefaultEmbedder({ prefer: 'lsa', app: stores.app, lsaName: 'never-saved' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EmbeddingModelMissingError);
    expect((error as Error).message).toBe(
      `The embedding model in ${DEFAULT_EMBEDDING_MODEL_DIR} cannot be used: LSA was asked for and there is no LSA model to fall back on (no stored model 'never-saved' and no corpus to fit one). Set EMBEDDING_MODEL_DIR to a transformers.js model folder (config.json, tokenizer.json and onnx/model.onnx or onnx/model_quantized.onnx).`,
    );
  });
});
