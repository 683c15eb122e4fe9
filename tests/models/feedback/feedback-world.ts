/**
 * A small synthetic feedback history for topic, summary and tool tests: four topics over 45 days with
 * a planted spike of card-arrival messages in the last four days before 2026-11-24T12:00Z, stored with
 * an LSA model saved as the `feedback` fallback (so the tools resolve the same embedder).
 */
import { createRandom } from '../../../core/random.js';
import {
  createFeedbackStore,
  createLsaEmbedder,
  fitLsaModel,
  saveLsaModel,
} from '../../../embeddings/index.js';
import { createLexiconSentiment, FEEDBACK_LSA_NAME } from '../../../models/feedback/index.js';
import type { Stores } from '../../../warehouse/stores.js';
import { SMALL_CORPUS } from '../../embeddings/feedback-fixture.js';

export const WORLD_NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const OPENERS = ['', 'hi, ', 'hello, ', 'urgent: ', 'so ', 'honestly ', 'again, ', 'team, '];
const CLOSERS = ['', ' please', ' today', ' this week', ' again', ' any update', ' asap', ' as usual'];

/** Ingests the world into `stores.app`; returns the ids of the planted spike messages. */
export async function buildFeedbackWorld(stores: Stores): Promise<{ spikeIds: string[] }> {
  const random = createRandom(11);
  const records: { id: string; text: string; createdAt: Date; channel: string; rating: number }[] = [];
  const channels = ['app_review', 'support_chat', 'email', 'social'];
  const make = (topicRows: typeof SMALL_CORPUS, when: number, id: string) => {
    const row = random.pick(topicRows);
    records.push({
      id,
      text: `${random.pick(OPENERS)}${row.text}${random.pick(CLOSERS)}`,
      createdAt: new Date(when),
      channel: random.pick(channels),
      rating: row.topic === 'praise' ? 5 : row.topic === 'app_crash' ? 2 : 1 + random.int(0, 2),
    });
  };
  const start = WORLD_NOW.getTime() - 45 * DAY;
  for (let index = 0; index < 480; index++)
    make(SMALL_CORPUS, start + random.next() * 45 * DAY, `w-${index}`);
  const cards = SMALL_CORPUS.filter((row) => row.topic === 'card_arrival');
  const spikeIds: string[] = [];
  for (let index = 0; index < 70; index++) {
    const id = `s-${index}`;
    spikeIds.push(id);
    make(cards, WORLD_NOW.getTime() - 4 * DAY + random.next() * 4 * DAY, id);
  }
  const model = fitLsaModel(
    records.map((record) => record.text),
    { dimensions: 32, seed: 1 },
  );
  await saveLsaModel(stores.app, FEEDBACK_LSA_NAME, model);
  const store = createFeedbackStore(stores.app, {
    embedder: createLsaEmbedder(model),
    sentiment: createLexiconSentiment(),
  });
  await store.upsert(records, { source: 'world' });
  return { spikeIds };
}
