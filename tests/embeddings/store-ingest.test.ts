import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedbackStore, ingestFeedbackFile, parseTimestamp } from '../../embeddings/index.js';
import { createLexiconSentiment } from '../../models/feedback/index.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { countingEmbedder, SMALL_CORPUS, smallEmbedder } from './feedback-fixture.js';

let stores: Stores;
let directory: string;
beforeEach(async () => {
  stores = await openStores({ inMemory: true });
  directory = mkdtempSync(join(tmpdir(), 'feedback-ingest-'));
});
afterEach(async () => {
  await stores.close();
});

function csvOf(rows: readonly string[]): string {
  return `id,text,created_at,channel,rating\n${rows.join('\n')}\n`;
}

const GOOD_ROWS = SMALL_CORPUS.map(
  (row, index) =>
    `fb-${index + 1},"${row.text}",2026-11-${String(1 + (index % 20)).padStart(2, '0')}T10:00:00Z,email,${1 + (index % 5)}`,
);

function open() {
  const embedder = countingEmbedder(smallEmbedder());
  return {
    store: createFeedbackStore(stores.app, { embedder, sentiment: createLexiconSentiment() }),
    embedder,
  };
}

describe('ingesting a feedback file', () => {
  it('is idempotent: ingesting the same file twice adds nothing the second time', async () => {
    const path = join(directory, 'feedback.csv');
    writeFileSync(path, csvOf(GOOD_ROWS));
    const { store, embedder } = open();
    const first = await ingestFeedbackFile(store, path, { silent: true, batchSize: 5 });
    expect([first.rows, first.added, first.unchanged, first.rejected.length]).toEqual([24, 24, 0, 0]);
    const embedded = embedder.embedded.length;
    const second = await ingestFeedbackFile(store, path, { silent: true, batchSize: 5 });
    expect([second.rows, second.added, second.updated, second.unchanged]).toEqual([24, 0, 0, 24]);
    expect(embedder.embedded.length).toBe(embedded);
    expect(await store.count()).toBe(24);
    const { rows } = await stores.app.query(
      "SELECT channel, rating, created_at, source, source_line FROM app.feedback_documents WHERE id = 'fb-3'",
    );
    expect(rows).toEqual([
      {
        channel: 'email',
        rating: 3,
        created_at: '2026-11-03T10:00:00.000Z',
        source: 'feedback.csv',
        source_line: 4,
      },
    ]);
  });

  it('resumes after a crash mid-file without embedding the stored rows again', async () => {
    const path = join(directory, 'crash.csv');
    writeFileSync(path, csvOf(GOOD_ROWS));
    const { store, embedder } = open();
    await expect(
      ingestFeedbackFile(store, path, {
        silent: true,
        batchSize: 5,
        afterBatch: (batch) => {
          if (batch === 2) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(await store.count()).toBe(10);
    expect(embedder.embedded.length).toBe(10);

    const resumed = await ingestFeedbackFile(store, path, { silent: true, batchSize: 5 });
    expect(resumed.resumedAfterLine).toBe(11);
    expect([resumed.added, resumed.unchanged]).toEqual([14, 10]);
    expect(embedder.embedded.length).toBe(24);
    expect(await store.count()).toBe(24);
    const { rows } = await stores.app.query(
      'SELECT status, lines_done, added FROM app.feedback_ingest_runs ORDER BY run_id',
    );
    expect(rows).toEqual([{ status: 'done', lines_done: 25, added: 24 }]);
  });

  it('reports malformed rows by line and keeps the rest', async () => {
    const path = join(directory, 'bad.csv');
    const header = Buffer.from('id,text,created_at,channel,rating\n');
    const lines = [
      'ok-1,my card has not arrived,2026-11-20,email,2',
      'bad-columns,too,many,fields,here,1',
      'bad-empty,   ,2026-11-20,email,2',
      'bad-date,the app crashes,yesterday-ish,email,2',
      'bad-rating,the app crashes,2026-11-20,email,9',
    ].map((line) => Buffer.from(`${line}\n`));
    const invalidUtf8 = Buffer.concat([
      Buffer.from('bad-utf8,caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',2026-11-20,email,3\n'),
    ]);
    const last = Buffer.from('ok-2,withdrawal is stuck,2026-11-21T08:00:00Z,app_review,1\n');
    writeFileSync(path, Buffer.concat([header, ...lines, invalidUtf8, last]));
    const { store } = open();
    const report = await ingestFeedbackFile(store, path, { silent: true });
    expect(report.rejected).toEqual([
      { line: 3, error: 'expected 5 fields, found 6' },
      { line: 4, error: "empty text in column 'text'" },
      {
        line: 5,
        error:
          "'yesterday-ish' in column 'created_at' is not a date (use ISO 8601, e.g. 2026-11-24T12:00:00Z)",
      },
      { line: 6, error: "'9' in column 'rating' is not a rating from 1 to 5" },
      { line: 7, error: 'field 2 contains invalid UTF-8 bytes' },
    ]);
    expect(report.added).toBe(2);
    const { rows } = await stores.app.query('SELECT id FROM app.feedback_documents ORDER BY id');
    expect(rows).toEqual([{ id: 'ok-1' }, { id: 'ok-2' }]);
  });

  it('reads JSON Lines with column mapping, and hashes rows without ids', async () => {
    const path = join(directory, 'reviews.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify({ body: 'the app crashes on login', when: '2026-11-20T09:00:00Z', stars: 1 }),
        'not json',
        JSON.stringify({ body: 'great support, thanks', when: '2026-11-21', stars: 5 }),
      ].join('\n'),
    );
    const { store } = open();
    const mapping = { text: 'body', time: 'when', rating: 'stars' };
    const report = await ingestFeedbackFile(store, path, { silent: true, mapping } as never);
    expect(report.rejected).toEqual([{ line: 2, error: expect.stringMatching(/^invalid JSON: /) }]);
    const { rows } = await stores.app.query<{ id: string; rating: number }>(
      'SELECT id, rating FROM app.feedback_documents ORDER BY rating',
    );
    expect(rows.map((row) => row.rating)).toEqual([1, 5]);
    expect(rows.every((row) => /^h-[0-9a-f]{20}$/.test(row.id))).toBe(true);
  });

  it('names the missing text column', async () => {
    const path = join(directory, 'no-text.csv');
    writeFileSync(path, 'id,message\n1,hello\n');
    const { store } = open();
    await expect(ingestFeedbackFile(store, path, { silent: true })).rejects.toThrow(
      `${path} has no 'text' column; name the one holding the message with --text-col. Columns: id, message.`,
    );
  });
});

describe('parseTimestamp', () => {
  it('reads ISO dates and timestamps (UTC unless a zone is given) and epoch seconds', () => {
    expect(parseTimestamp('2026-11-24')?.toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(parseTimestamp('2026-11-24 12:30')?.toISOString()).toBe('2026-11-24T12:30:00.000Z');
    expect(parseTimestamp('2026-11-24T12:30:00+0200')?.toISOString()).toBe('2026-11-24T10:30:00.000Z');
    expect(parseTimestamp('1795000000')?.toISOString()).toBe('2026-11-18T11:06:40.000Z');
    expect(parseTimestamp('2026-02-30')).toBeUndefined();
    expect(parseTimestamp('24/11/2026')).toBeUndefined();
  });
});
