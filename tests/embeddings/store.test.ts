import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contentHash,
  createFeedbackStore,
  encodeBinaryCopy,
  FeedbackModelMismatchError,
  type FeedbackStore,
} from '../../embeddings/index.js';
import { createLexiconSentiment } from '../../models/feedback/index.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { countingEmbedder, SMALL_CORPUS, smallEmbedder } from './feedback-fixture.js';

let stores: Stores;
beforeEach(async () => {
  stores = await openStores({ inMemory: true });
});
afterEach(async () => {
  await stores.close();
});

function open(options: { keepOriginalText?: boolean } = {}): FeedbackStore & { embedded: string[] } {
  const embedder = countingEmbedder(smallEmbedder());
  const store = createFeedbackStore(stores.app, {
    embedder,
    sentiment: createLexiconSentiment(),
    ...options,
  });
  return Object.assign(store, { embedded: embedder.embedded });
}

describe('binary COPY', () => {
  it('round-trips every column type through PGlite', async () => {
    await stores.app.exec(
      'CREATE TABLE copy_check (t text, s smallint, i integer, f real, at timestamptz, v vector(3), n text)',
    );
    const data = encodeBinaryCopy(
      ['text', 'int2', 'int4', 'float4', 'timestamptz', 'vector', 'text'],
      [
        [
          'héllo, "world"',
          5,
          -70000,
          0.25,
          new Date('2026-11-24T12:34:56.789Z'),
          Float32Array.from([0.5, -1, 2]),
          null,
        ],
      ],
    );
    await stores.app.copyFrom!("COPY copy_check FROM '/dev/blob' WITH (FORMAT binary)", data);
    const { rows } = await stores.app.query('SELECT t, s, i, f, at, v::text AS v, n FROM copy_check');
    expect(rows).toEqual([
      {
        t: 'héllo, "world"',
        s: 5,
        i: -70000,
        f: 0.25,
        at: '2026-11-24T12:34:56.789Z',
        v: '[0.5,-1,2]',
        n: null,
      },
    ]);
  });
});

describe('feedback store', () => {
  const records = SMALL_CORPUS.map((row, index) => ({ id: `fb-${index + 1}`, text: row.text }));

  it('stores records with their vectors, full-text vector and sentiment', async () => {
    const store = open();
    const outcome = await store.upsert(records, { source: 'test' });
    expect([outcome.added, outcome.updated, outcome.unchanged]).toEqual([24, 0, 0]);
    const { rows } = await stores.app.query<{ id: string; sentiment: string; dims: number; tsv: string }>(
      "SELECT id, sentiment, vector_dims(embedding) AS dims, tsv::text AS tsv FROM app.feedback_documents WHERE id IN ('fb-1', 'fb-19') ORDER BY id",
    );
    expect(rows).toEqual([
      {
        id: 'fb-1',
        sentiment: 'negative',
        dims: store.embedder.dimensions,
        tsv: "'arriv':5 'card':2 'yet':6",
      },
      {
        id: 'fb-19',
        sentiment: 'positive',
        dims: store.embedder.dimensions,
        tsv: "'exchang':2 'fast':6 'great':1 'support':7 'thank':3",
      },
    ]);
  });

  it('re-ingesting the same records adds nothing and embeds nothing', async () => {
    const store = open();
    await store.upsert(records, { source: 'test' });
    const before = store.embedded.length;
    const again = await store.upsert(records, { source: 'test' });
    expect([again.added, again.updated, again.unchanged]).toEqual([0, 0, 24]);
    expect(store.embedded.length).toBe(before);
    expect(await store.count()).toBe(24);
  });

  it('replaces a record whose content changed, and counts repeated ids once', async () => {
    const store = open();
    await store.upsert(records, { source: 'test' });
    const outcome = await store.upsert(
      [
        { id: 'fb-1', text: 'my card arrived, thanks' },
        { id: 'fb-1', text: 'a repeat of the same id' },
      ],
      { source: 'test' },
    );
    expect([outcome.added, outcome.updated, outcome.duplicates]).toEqual([0, 1, 1]);
    const { rows } = await stores.app.query("SELECT text FROM app.feedback_documents WHERE id = 'fb-1'");
    expect(rows).toEqual([{ text: 'my card arrived, thanks' }]);
  });

  it('masks PII in the stored and embedded text, keeping the original only when configured', async () => {
    const text =
      'I am john.doe@gmail.com, call +44 7911 123456, card 4111 1111 1111 1234, wallet 0x52908400098527886E0F7030069857D2E4169EE7';
    const masked = 'I am j***@g***.com, call +44 *** ** 56, card **** **** **** 1234, wallet 0x5290…9EE7';
    const plain = open();
    await plain.upsert([{ id: 'p1', text }], { source: 'test' });
    expect(plain.embedded).toEqual([masked]);
    const { rows } = await stores.app.query('SELECT text, original_text FROM app.feedback_documents');
    expect(rows).toEqual([{ text: masked, original_text: null }]);

    await stores.app.exec('TRUNCATE app.feedback_documents');
    const keeping = open({ keepOriginalText: true });
    await keeping.upsert([{ id: 'p1', text }], { source: 'test' });
    const { rows: kept } = await stores.app.query('SELECT text, original_text FROM app.feedback_documents');
    expect(kept).toEqual([{ text: masked, original_text: text }]);
  });

  it('refuses vectors of another model', async () => {
    await open().upsert(records.slice(0, 2), { source: 'test' });
    const other = createFeedbackStore(stores.app, {
      embedder: smallEmbedder(['something else entirely', 'another text here', 'and a third one']),
      sentiment: createLexiconSentiment(),
    });
    await expect(other.prepare()).rejects.toBeInstanceOf(FeedbackModelMismatchError);
  });

  it('builds the HNSW index on request and uses it for ordered vector search', async () => {
    const store = open();
    await store.upsert(records, { source: 'test' });
    expect(await store.buildIndex()).toMatchObject({ built: false, rows: 24 });
    const built = await store.buildIndex({ force: true });
    expect(built.built).toBe(true);
    expect(await store.hasIndex()).toBe(true);
    await store.dropIndex();
    expect(await store.hasIndex()).toBe(false);
  });

  it('hashes content, not ids', () => {
    expect(contentHash({ id: 'a', text: 'x' })).toBe(contentHash({ id: 'b', text: 'x' }));
    expect(contentHash({ id: 'a', text: 'x', rating: 1 })).not.toBe(
      contentHash({ id: 'a', text: 'x', rating: 2 }),
    );
  });
});
