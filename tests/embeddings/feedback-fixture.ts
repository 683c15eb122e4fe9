/**
 * Shared set-up of the feedback store tests: an LSA embedder fitted on a small labelled corpus (fast,
 * no model files), an embedder wrapper that counts what it embeds, and Banking77 subsets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../../core/config.js';
import { createRandom } from '../../core/random.js';
import { createLsaEmbedder, type Embedder, fitLsaModel } from '../../embeddings/index.js';

/** Where Banking77 lives (tests using it skip, with a printed reason, when it is absent). */
export const BANKING77_DIR = join(SHARED_DIR, 'data', 'banking77');
export const HAVE_BANKING77 = existsSync(join(BANKING77_DIR, 'train.csv'));

/** A small corpus of customer messages in four topics, written for these tests. */
export const SMALL_CORPUS: readonly { text: string; topic: string }[] = [
  ...[
    'my card has not arrived yet',
    'still waiting for my new card to arrive',
    'when will my card be delivered',
    'the card you sent never arrived',
    'how long does card delivery take',
    'I ordered a card two weeks ago and it is not here',
  ].map((text) => ({ text, topic: 'card_arrival' })),
  ...[
    'my withdrawal is stuck as pending',
    'withdrawal to my bank has not gone through',
    'why is my crypto withdrawal still pending',
    'I withdrew money and it never reached my account',
    'withdrawal failed with an error',
    'cannot withdraw my funds',
  ].map((text) => ({ text, topic: 'withdrawal' })),
  ...[
    'the app crashes when I open it',
    'app keeps crashing after the update',
    'the mobile app freezes on login',
    'app is very slow and crashes',
    'cannot log in to the app, it crashes',
    'the new version of the app is broken',
  ].map((text) => ({ text, topic: 'app_crash' })),
  ...[
    'great exchange, thanks for the fast support',
    'love the new trading features',
    'excellent service and quick answers',
    'thank you, the support team was helpful',
    'very easy to use, great job',
    'best exchange I have used, thanks',
  ].map((text) => ({ text, topic: 'praise' })),
];

/** An LSA embedder fitted on texts (64 dimensions: a few milliseconds on small corpora). */
export function smallEmbedder(texts: readonly string[] = SMALL_CORPUS.map((row) => row.text)): Embedder {
  return createLsaEmbedder(fitLsaModel(texts, { dimensions: 64, seed: 1 }));
}

/** Wraps an embedder and records every text it embeds (a fake of our own interface, not a mock). */
export function countingEmbedder(inner: Embedder): Embedder & { readonly embedded: string[] } {
  const embedded: string[] = [];
  return {
    id: inner.id,
    dimensions: inner.dimensions,
    embedded,
    async embed(texts) {
      embedded.push(...texts);
      return inner.embed(texts);
    },
  };
}

/** Banking77 rows (text, intent), read the way bench/_banking77.ts does. */
export function loadBanking77Rows(): { text: string; label: string }[] {
  const categories = new Set(
    JSON.parse(readFileSync(join(BANKING77_DIR, 'categories.json'), 'utf8')) as string[],
  );
  const rows: { text: string; label: string }[] = [];
  for (const line of readFileSync(join(BANKING77_DIR, 'train.csv'), 'utf8').split(/\r?\n/).slice(1)) {
    const comma = line.lastIndexOf(',');
    if (comma <= 0) continue;
    const label = line.slice(comma + 1).trim();
    const text = line.slice(0, comma).trim();
    if (text !== '' && categories.has(label)) rows.push({ text, label });
  }
  return rows;
}

/** A seeded subset of Banking77: `perLabel` texts of each of the first `labels` intents (alphabetical). */
export function banking77Subset(
  labels: number,
  perLabel: number,
  seed = 7,
): { text: string; label: string }[] {
  const rows = loadBanking77Rows();
  const random = createRandom(seed).fork('subset');
  const shuffled = [...rows];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  const wanted = [...new Set(rows.map((row) => row.label))].sort().slice(0, labels);
  const taken = new Map<string, number>();
  return shuffled.filter((row) => {
    if (!wanted.includes(row.label)) return false;
    const count = taken.get(row.label) ?? 0;
    if (count >= perLabel) return false;
    taken.set(row.label, count + 1);
    return true;
  });
}
