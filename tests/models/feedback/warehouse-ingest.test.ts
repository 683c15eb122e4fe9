import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ingestWarehouseFeedback,
  resolveFeedbackEmbedder,
  summarizeFeedback,
} from '../../../models/feedback/index.js';
import type { SqlConnection } from '../../../warehouse/connection.js';
import { announceSkip, HAVE_SHARED, pgliteDemo, TEST_NOW } from '../../helpers/demo-fixture.js';

if (!HAVE_SHARED) announceSkip('demo feedback ingestion', '../shared/data/banking77 is missing');

(HAVE_SHARED ? describe : describe.skip)('ingesting the demo warehouse feedback', () => {
  let connection: SqlConnection;
  beforeAll(async () => {
    connection = await pgliteDemo({ scale: 0.2 });
  });
  afterAll(async () => {
    await connection.close();
  });

  it('stores every message once, calibrates sentiment on the ratings, and finds the planted spike', async () => {
    const stores = { warehouse: connection, app: connection };
    const { rows } = await connection.query<{ count: number }>('SELECT count(*) AS count FROM feedback');
    const total = Number(rows[0]!.count);
    const first = await ingestWarehouseFeedback(stores, { silent: true, prefer: 'lsa' });
    expect(first.added).toBe(total);
    expect(first.sentiment.method).toMatch(/^ratings-logistic:/);
    expect(first.sentiment.evaluation!.accuracy).toBeGreaterThan(
      first.sentiment.evaluation!.majorityAccuracy,
    );
    const second = await ingestWarehouseFeedback(stores, { silent: true, prefer: 'lsa' });
    expect([second.added, second.updated, second.unchanged]).toEqual([0, 0, total]);

    const embedder = await resolveFeedbackEmbedder(connection);
    const { rows: spike } = await connection.query<{ intent: string }>(
      'SELECT intent FROM ground_truth.feedback_spike',
    );
    expect(spike[0]!.intent).toBe('card_arrival');
    const today = new Date(
      Date.UTC(TEST_NOW.getUTCFullYear(), TEST_NOW.getUTCMonth(), TEST_NOW.getUTCDate() + 1),
    );
    const summary = await summarizeFeedback(connection, embedder.id, {
      start: new Date(today.getTime() - 7 * 86_400_000),
      end: today,
      maxTopics: 200,
    });
    expect(summary.emerging.length).toBeGreaterThanOrEqual(1);
    // The emerging topic is made mostly of card-arrival messages.
    const quoteIds = summary.emerging[0]!.quotes.map((quote) => quote.id);
    const { rows: intents } = await connection.query<{ intent: string }>(
      'SELECT intent FROM ground_truth.feedback_labels WHERE feedback_id = ANY($1::text[])',
      [quoteIds],
    );
    expect(intents.filter((row) => row.intent === 'card_arrival').length).toBeGreaterThanOrEqual(2);
  });
});
