import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFeedbackSearcher,
  createFeedbackStore,
  createTransformerEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  type Embedder,
  type FeedbackSearcher,
  type SearchMode,
  textQueryTerms,
} from '../../embeddings/index.js';
import { createLexiconSentiment } from '../../models/feedback/index.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { banking77Subset, HAVE_BANKING77, SMALL_CORPUS, smallEmbedder } from './feedback-fixture.js';

describe('hybrid search on a small corpus', () => {
  let stores: Stores;
  let searcher: FeedbackSearcher;
  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
    const embedder = smallEmbedder();
    const store = createFeedbackStore(stores.app, { embedder, sentiment: createLexiconSentiment() });
    await store.upsert(
      SMALL_CORPUS.map((row, index) => ({
        id: `fb-${index + 1}`,
        text: row.text,
        channel: index % 2 === 0 ? 'email' : 'app_review',
        createdAt: new Date(Date.UTC(2026, 10, 1 + index)),
        rating: row.topic === 'praise' ? 5 : 2,
      })),
      { source: 'test' },
    );
    searcher = await createFeedbackSearcher(stores.app, { embedder });
  });
  afterAll(async () => {
    await stores.close();
  });

  it('finds messages by meaning, with ids and scores best first', async () => {
    const { hits, statements } = await searcher.search('card delivery is late', { k: 3 });
    expect(hits.map((hit) => hit.id).every((id) => Number(id.slice(3)) <= 6)).toBe(true);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[2]!.score);
    expect(statements.length).toBeGreaterThanOrEqual(3);
  });

  it('applies channel, time and sentiment filters inside both retrievers', async () => {
    const { hits } = await searcher.search('app crashes', {
      k: 10,
      filters: {
        channel: 'email',
        start: new Date('2026-11-13T00:00:00Z'),
        end: new Date('2026-11-19T00:00:00Z'),
      },
    });
    expect(hits.map((hit) => hit.id).sort()).toEqual(['fb-13', 'fb-15', 'fb-17']);
    const negative = await searcher.search('withdrawal', { k: 30, filters: { sentiment: 'positive' } });
    expect(negative.hits.every((hit) => hit.sentiment === 'positive')).toBe(true);
  });

  it('builds an OR query of the words for full-text search', () => {
    expect(textQueryTerms("Where's my card?! card & |pending")).toBe('wheres | my | card | pending');
    expect(textQueryTerms('!!!')).toBe('');
  });
});

const labelled = HAVE_BANKING77 ? describe : describe.skip;
if (!HAVE_BANKING77)
  process.stderr.write('[skip] hybrid vs single retrievers: ../shared/data/banking77 is missing\n');

labelled('hybrid search against single retrievers (Banking77, 12 intents)', () => {
  let stores: Stores;
  let searcher: FeedbackSearcher;
  let labels: Map<string, string>;
  let queries: { text: string; label: string }[];
  beforeAll(async () => {
    const rows = banking77Subset(12, 60);
    queries = rows.filter((_row, index) => index % 5 === 0);
    const corpus = rows.filter((_row, index) => index % 5 !== 0);
    stores = await openStores({ inMemory: true });
    const embedder = smallEmbedder(corpus.map((row) => row.text));
    const store = createFeedbackStore(stores.app, { embedder, sentiment: createLexiconSentiment() });
    await store.upsert(
      corpus.map((row, index) => ({ id: `c${index}`, text: row.text })),
      { source: 'fixture' },
    );
    labels = new Map(corpus.map((row, index) => [`c${index}`, row.label]));
    searcher = await createFeedbackSearcher(stores.app, { embedder });
  });
  afterAll(async () => {
    await stores.close();
  });

  async function precision(mode: SearchMode): Promise<number> {
    let sum = 0;
    for (const query of queries) {
      const { hits } = await searcher.search(query.text, { k: 10, mode });
      sum += hits.filter((hit) => labels.get(hit.id) === query.label).length / 10;
    }
    return sum / queries.length;
  }

  it('has a higher precision@10 by intent than vector-only and text-only', async () => {
    const vector = await precision('vector');
    const text = await precision('text');
    const hybrid = await precision('hybrid');
    process.stderr.write(
      `precision@10: vector ${vector.toFixed(3)}, text ${text.toFixed(3)}, hybrid ${hybrid.toFixed(3)}\n`,
    );
    expect(hybrid).toBeGreaterThan(vector);
    expect(hybrid).toBeGreaterThan(text);
  });
});

const transformerReady = existsSync(DEFAULT_EMBEDDING_MODEL_DIR);
if (!transformerReady)
  process.stderr.write(`[skip] transformer search: no model folder at ${DEFAULT_EMBEDDING_MODEL_DIR}\n`);
(transformerReady ? describe : describe.skip)('search with the shared transformer', () => {
  it('finds the card messages for a paraphrase', async () => {
    const stores = await openStores({ inMemory: true });
    let embedder: Embedder | undefined;
    try {
      embedder = await createTransformerEmbedder({ modelDir: DEFAULT_EMBEDDING_MODEL_DIR });
      const store = createFeedbackStore(stores.app, { embedder, sentiment: createLexiconSentiment() });
      await store.upsert(
        SMALL_CORPUS.map((row, index) => ({ id: `fb-${index + 1}`, text: row.text })),
        { source: 'test' },
      );
      const searcher = await createFeedbackSearcher(stores.app, { embedder, lexical: null });
      const { hits } = await searcher.search('where is the plastic card I requested', { k: 4 });
      expect(hits.filter((hit) => Number(hit.id.slice(3)) <= 6).length).toBeGreaterThanOrEqual(3);
    } finally {
      await stores.close();
    }
  });
});
