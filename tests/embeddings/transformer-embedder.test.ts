import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosine,
  createDefaultEmbedder,
  createTransformerEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  EmbeddingModelMissingError,
  type TransformerEmbedder,
} from '../../embeddings/index.js';
import { poolingFromFolder } from '../../embeddings/transformer-embedder.js';

const modelDir = DEFAULT_EMBEDDING_MODEL_DIR;
const modelMissing = !existsSync(modelDir);
if (modelMissing) console.log(`skipping the transformer tests: no model folder at ${modelDir}`);

const scratch = mkdtempSync(join(tmpdir(), 'embeddings-test-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const expectedMessage = (dir: string, reason: string): string =>
  `The embedding model in ${dir} cannot be used: ${reason}. Set EMBEDDING_MODEL_DIR to a transformers.js model folder (config.json, tokenizer.json and onnx/model.onnx or onnx/model_quantized.onnx).`;

async function failure(work: () => Promise<unknown>): Promise<EmbeddingModelMissingError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof EmbeddingModelMissingError) return error;
    throw error;
  }
  throw new Error('expected an EmbeddingModelMissingError');
}

describe('transformer model folder checks', () => {
  it('names the missing folder and the variable to set', async () => {
    const missing = join(scratch, 'no-such-model');
    const error = await failure(() => createTransformerEmbedder({ modelDir: missing }));
    expect(error.code).toBe('embedding_model_missing');
    expect(error.modelDir).toBe(missing);
    expect(error.message).toBe(expectedMessage(missing, 'the folder does not exist'));
  });

  it('names the missing file of an incomplete folder', async () => {
    const incomplete = join(scratch, 'incomplete');
    mkdirSync(incomplete);
    writeFileSync(join(incomplete, 'config.json'), '{"model_type":"bert"}');
    const error = await failure(() => createTransformerEmbedder({ modelDir: incomplete }));
    expect(error.message).toBe(expectedMessage(incomplete, 'tokenizer.json is missing'));
    writeFileSync(join(incomplete, 'tokenizer.json'), '{}');
    const noWeights = await failure(() => createTransformerEmbedder({ modelDir: incomplete, dtype: 'fp32' }));
    expect(noWeights.message).toBe(expectedMessage(incomplete, 'onnx/model.onnx is missing (dtype fp32)'));
  });

  it('reads the pooling of a sentence-transformers folder', () => {
    const folder = join(scratch, 'pooling');
    mkdirSync(join(folder, '2_Pool'), { recursive: true });
    expect(poolingFromFolder(folder)).toBeUndefined();
    writeFileSync(
      join(folder, 'modules.json'),
      JSON.stringify([{ idx: 1, path: '2_Pool', type: 'sentence_transformers.models.Pooling' }]),
    );
    writeFileSync(join(folder, '2_Pool', 'config.json'), '{"pooling_mode_cls_token":true}');
    expect(poolingFromFolder(folder)).toBe('cls');
    writeFileSync(
      join(folder, '2_Pool', 'config.json'),
      '{"pooling_mode_cls_token":false,"pooling_mode_mean_tokens":true}',
    );
    expect(poolingFromFolder(folder)).toBe('mean');
  });

  it('refuses an explicitly configured folder that is missing instead of falling back', async () => {
    const missing = join(scratch, 'configured-but-missing');
    const error = await failure(() =>
      createDefaultEmbedder({ environment: { EMBEDDING_MODEL_DIR: missing } }),
    );
    expect(error.message).toBe(expectedMessage(missing, 'the folder does not exist'));
  });
});

describe.skipIf(modelMissing)('transformer embedder (shared Universal Sentence Encoder Lite)', () => {
  let embedder: TransformerEmbedder;
  // Same folder and dtype: these share the one ONNX session loaded by `embedder`.
  let unbatched: TransformerEmbedder;

  beforeAll(async () => {
    embedder = await createTransformerEmbedder({ modelDir });
    unbatched = await createTransformerEmbedder({ modelDir, batchSize: 1, cacheSize: 0 });
  });

  afterAll(async () => {
    await unbatched?.dispose();
    await embedder?.dispose();
  });

  it('loads from disk and gives 512-d unit vectors', async () => {
    expect(embedder.id).toBe('transformer:universal-sentence-encoder-lite:q8');
    expect(embedder.dimensions).toBe(512);
    expect(embedder.pooling).toBe('sentence_embedding');
    expect(unbatched.loadTimings).toEqual({ importMs: 0, loadMs: 0 });
    const [vector] = await embedder.embed(['How do I top up with a bank transfer?']);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector!.length).toBe(512);
    expect(cosine(vector!, vector!)).toBeCloseTo(1, 6);
    let squared = 0;
    for (const value of vector!) squared += value * value;
    expect(squared).toBeCloseTo(1, 5);
  });

  it('puts a paraphrase closer than an unrelated question', async () => {
    const [lost, missing, rate] = await embedder.embed([
      'I lost my card',
      'my card is missing',
      'what is the exchange rate',
    ]);
    const paraphrase = cosine(lost!, missing!);
    const unrelated = cosine(lost!, rate!);
    expect(paraphrase).toBeGreaterThan(unrelated);
    // The figures ../shared/models/README.md reports for the q8 weights.
    expect(paraphrase).toBeCloseTo(0.699, 3);
    expect(unrelated).toBeCloseTo(0.209, 3);
  });

  it('gives the same vectors batched (padded) as one by one', async () => {
    const texts = [
      'hi',
      'Why is my transfer still pending after three days?',
      'card',
      'I would like to know why the exchange rate applied to my payment in euros was so much worse than the one I saw on the market this morning',
      'refund please',
      'How do I change my PIN?',
    ];
    const cacheless = await createTransformerEmbedder({ modelDir, cacheSize: 0 });
    try {
      const batched = await cacheless.embed(texts);
      for (const [index, text] of texts.entries()) {
        const [alone] = await unbatched.embed([text]);
        let largest = 0;
        for (let column = 0; column < 512; column++) {
          largest = Math.max(largest, Math.abs(alone![column]! - batched[index]![column]!));
        }
        expect(largest).toBeLessThan(1e-5);
      }
    } finally {
      await cacheless.dispose();
    }
  });

  it('returns the cached array for a text it has seen', async () => {
    const before = embedder.cacheStats();
    const [first] = await embedder.embed(['where is my refund']);
    const [second, duplicate] = await embedder.embed(['where is my refund', 'where is my refund']);
    expect(second).toBe(first);
    expect(duplicate).toBe(first);
    const after = embedder.cacheStats();
    expect(after.hits - before.hits).toBe(2);
    expect(after.misses - before.misses).toBe(1);
  });

  it('gives blank texts the zero vector', async () => {
    const [blank, spaces] = await embedder.embed(['', '   ']);
    expect(blank!.every((value) => value === 0)).toBe(true);
    expect(spaces!.every((value) => value === 0)).toBe(true);
  });

  it('pools token vectors itself the same way the model does', async () => {
    // The model's last_hidden_state repeats its sentence vector at every token, so mean and cls
    // pooling must reproduce the sentence_embedding output.
    const text = ['my card payment was declined twice'];
    const [reference] = await unbatched.embed(text);
    for (const pooling of ['mean', 'cls', 'max'] as const) {
      const pooled = await createTransformerEmbedder({ modelDir, pooling, cacheSize: 0 });
      try {
        expect(pooled.pooling).toBe(pooling);
        const [vector] = await pooled.embed(text);
        expect(cosine(vector!, reference!)).toBeCloseTo(1, 5);
      } finally {
        await pooled.dispose();
      }
    }
  });

  it('reports a folder whose weights cannot be loaded', async () => {
    const broken = join(scratch, 'broken');
    mkdirSync(join(broken, 'onnx'), { recursive: true });
    cpSync(join(modelDir, 'config.json'), join(broken, 'config.json'));
    cpSync(join(modelDir, 'tokenizer.json'), join(broken, 'tokenizer.json'));
    cpSync(join(modelDir, 'tokenizer_config.json'), join(broken, 'tokenizer_config.json'));
    writeFileSync(join(broken, 'onnx', 'model_quantized.onnx'), 'not an onnx file');
    const error = await failure(() => createTransformerEmbedder({ modelDir: broken }));
    expect(error.code).toBe('embedding_model_missing');
    expect(
      error.message.startsWith(`The embedding model in ${broken} cannot be used: loading failed (`),
    ).toBe(true);
    expect(
      error.message.endsWith(
        'Set EMBEDDING_MODEL_DIR to a transformers.js model folder (config.json, tokenizer.json and onnx/model.onnx or onnx/model_quantized.onnx).',
      ),
    ).toBe(true);
  });

  it('is what the default embedder picks when the folder is present', async () => {
    const picked = await createDefaultEmbedder({ environment: {} });
    expect(picked.kind).toBe('transformer');
    expect(picked.id).toBe('transformer:universal-sentence-encoder-lite:q8');
    expect(picked.dimensions).toBe(512);
    expect(picked.reason).toBe(`the model folder ${modelDir} is present`);
    expect(picked.describe()).toBe(
      `transformer universal-sentence-encoder-lite (q8, 512-d, pooling sentence_embedding, batch 64) from ${modelDir}: the model folder ${modelDir} is present`,
    );
    const viaVariable = await createDefaultEmbedder({ environment: { EMBEDDING_MODEL_DIR: modelDir } });
    expect(viaVariable.kind).toBe('transformer');
    await (picked.inner as TransformerEmbedder).dispose();
    await (viaVariable.inner as TransformerEmbedder).dispose();
  });
});
