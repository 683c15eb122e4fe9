import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosine,
  createLsaEmbedder,
  deserializeLsaModel,
  EmbeddingModelInvalidError,
  fitLsaModel,
  type LsaModel,
  loadLsaModel,
  lsaModelHash,
  saveLsaModel,
  serializeLsaModel,
} from '../../embeddings/index.js';
import { openStores, type Stores } from '../../warehouse/stores.js';

/** Customer messages in six intents, in the style of the feedback the bot indexes. */
const FIXTURE = [
  'I am still waiting for my new card to arrive',
  'My card has not been delivered yet',
  'When will my card arrive in the post?',
  'How long does card delivery take?',
  'The card you sent me never came',
  'What exchange rate do you use for euros?',
  'Is the exchange rate for dollars fixed?',
  'Why was I charged a bad exchange rate?',
  'How is the currency conversion rate calculated?',
  'Exchange rates seem higher than on the market',
  'I want to withdraw my money to my bank account',
  'My withdrawal is still pending after two days',
  'How long does a withdrawal to the bank take?',
  'Can I cancel a withdrawal I just made?',
  'Withdrawal fees are too high',
  'I forgot my password and cannot log in',
  'How do I reset my password?',
  'The app says my password is wrong',
  'I am locked out of my account after too many password attempts',
  'Please help me change my login password',
  'Why was my identity verification rejected?',
  'How long does identity verification take?',
  'The app will not accept my passport photo for verification',
  'What documents do I need to verify my identity?',
  'My verification is stuck on pending',
  'My top up failed but the money left my bank',
  'Why did my card top up get declined?',
  'How do I top up my account with a bank transfer?',
  'The top up is not showing in my balance',
  'Is there a limit on how much I can top up?',
];

describe('LSA embedder', () => {
  let model: LsaModel;

  beforeAll(() => {
    model = fitLsaModel(FIXTURE, { dimensions: 16, seed: 7 });
  });

  it('fits a model of the requested size on a small corpus', () => {
    expect(model.dimensions).toBe(16);
    expect(model.documentCount).toBe(30);
    // Under 1,000 texts every feature that occurs is kept (minimum document frequency 1).
    expect(model.features.minDocumentFrequency).toBe(1);
    expect(model.vocabulary.wordTerms).toContain('exchange rate');
    expect(model.vocabulary.charTerms).toContain('card');
  });

  it('caps the dimensions at the corpus size', () => {
    expect(fitLsaModel(FIXTURE.slice(0, 5), { dimensions: 64 }).dimensions).toBe(5);
  });

  it('is deterministic for a seed', () => {
    const again = fitLsaModel(FIXTURE, { dimensions: 16, seed: 7 });
    expect(serializeLsaModel(again)).toEqual(serializeLsaModel(model));
    expect(lsaModelHash(again)).toBe(lsaModelHash(model));
    const otherSeed = fitLsaModel(FIXTURE, { dimensions: 16, seed: 8 });
    expect(lsaModelHash(otherSeed)).not.toBe(lsaModelHash(model));
  });

  it('gives unit vectors and ranks a paraphrase above unrelated texts', async () => {
    const embedder = createLsaEmbedder(model);
    expect(embedder.id).toBe(`lsa:${lsaModelHash(model)}`);
    expect(embedder.id).toMatch(/^lsa:[0-9a-f]{12}$/);
    expect(embedder.dimensions).toBe(16);
    const [query, paraphrase, unrelated, otherUnrelated] = await embedder.embed([
      'my card still has not arrived',
      'I have been waiting for the card to be delivered',
      'what exchange rate do you use for euros',
      'I forgot my password',
    ]);
    let squared = 0;
    for (const value of query!) squared += value * value;
    expect(squared).toBeCloseTo(1, 5);
    expect(cosine(query!, paraphrase!)).toBeGreaterThan(cosine(query!, unrelated!));
    expect(cosine(query!, paraphrase!)).toBeGreaterThan(cosine(query!, otherUnrelated!));
  });

  it('tolerates typos through character n-grams', async () => {
    const embedder = createLsaEmbedder(model);
    const [typo, ...candidates] = await embedder.embed([
      'withdrawl pendng',
      FIXTURE[11]!, // My withdrawal is still pending after two days
      FIXTURE[1]!,
      FIXTURE[6]!,
      FIXTURE[16]!,
    ]);
    const scores = candidates.map((candidate) => cosine(typo!, candidate));
    expect(scores.indexOf(Math.max(...scores))).toBe(0);
  });

  it('gives the zero vector to texts with nothing in the vocabulary', async () => {
    const [empty, unknown] = await createLsaEmbedder(model).embed(['', 'zzxq qqvj']);
    expect(Array.from(empty!)).toEqual(new Array(16).fill(0));
    expect(Array.from(unknown!)).toEqual(new Array(16).fill(0));
  });

  it('round-trips through serialize and deserialize', async () => {
    const bytes = serializeLsaModel(model);
    const copy = deserializeLsaModel(bytes);
    expect(serializeLsaModel(copy)).toEqual(bytes);
    expect(copy.components).toEqual(model.components);
    expect(copy.componentScales).toEqual(model.componentScales);
    expect(copy.vocabulary.idf).toEqual(model.vocabulary.idf);
    const texts = ['card not here yet', 'password reset'];
    expect(await createLsaEmbedder(copy).embed(texts)).toEqual(await createLsaEmbedder(model).embed(texts));
    expect(createLsaEmbedder(copy).id).toBe(createLsaEmbedder(model).id);
  });

  it('refuses bytes that are not a model, saying why', () => {
    expect(() => deserializeLsaModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(
      new EmbeddingModelInvalidError('from bytes', 'it does not start with LSA1'),
    );
    const bytes = serializeLsaModel(model);
    let error: unknown;
    try {
      deserializeLsaModel(bytes.subarray(0, bytes.length - 1), "'x'");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EmbeddingModelInvalidError);
    expect((error as EmbeddingModelInvalidError).code).toBe('embedding_model_invalid');
    expect((error as Error).message).toBe("The LSA model 'x' cannot be read: it is truncated.");
  });
});

describe('LSA models in the app database', () => {
  let stores: Stores;

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
  });

  afterAll(async () => {
    await stores.close();
  });

  it('saves and loads a model by name, replacing an older one', async () => {
    const model = fitLsaModel(FIXTURE, { dimensions: 12, seed: 1 });
    const older = fitLsaModel(FIXTURE.slice(0, 10), { dimensions: 4, seed: 1 });
    await saveLsaModel(stores.app, 'fixture', older);
    const saved = await saveLsaModel(stores.app, 'fixture', model);
    expect(saved).toEqual({
      name: 'fixture',
      modelId: `lsa:${lsaModelHash(model)}`,
      bytes: serializeLsaModel(model).length,
    });
    const loaded = await loadLsaModel(stores.app, 'fixture');
    expect(loaded).toBeDefined();
    expect(serializeLsaModel(loaded!)).toEqual(serializeLsaModel(model));
    const { rows } = await stores.app.query<{ kind: string; model_id: string; dimensions: number }>(
      'SELECT kind, model_id, dimensions FROM app.embedding_models',
    );
    expect(rows).toEqual([{ kind: 'lsa', model_id: saved.modelId, dimensions: 12 }]);
  });

  it('returns undefined for a name that was never saved', async () => {
    expect(await loadLsaModel(stores.app, 'absent')).toBeUndefined();
  });
});
