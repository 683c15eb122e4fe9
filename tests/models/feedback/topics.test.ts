import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWeeklyDigest,
  ensureTopicModel,
  resolveFeedbackEmbedder,
  summarizeFeedback,
} from '../../../models/feedback/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { buildFeedbackWorld, WORLD_NOW } from './feedback-world.js';

let stores: Stores;
beforeAll(async () => {
  stores = await openStores({ inMemory: true });
  await buildFeedbackWorld(stores);
});
afterAll(async () => {
  await stores.close();
});

describe('topics', () => {
  it('finds the topics, names them by their keywords, and finds the planted spike as emerging', async () => {
    const embedder = await resolveFeedbackEmbedder(stores.app);
    expect(embedder.id.startsWith('lsa:')).toBe(true);
    const model = await ensureTopicModel(stores.app, embedder.id);
    expect(model.k).toBeGreaterThanOrEqual(3);
    const summary = await summarizeFeedback(stores.app, embedder.id, {
      start: new Date('2026-11-17T00:00:00Z'),
      end: new Date('2026-11-25T00:00:00Z'),
      maxTopics: 100,
    });
    expect(summary.emerging.length).toBeGreaterThanOrEqual(1);
    const spike = summary.emerging[0]!;
    expect(spike.keywords.join(' ')).toMatch(/card|arriv|deliver/);
    expect(spike.spike.ratio).toBeGreaterThan(2);
    expect(spike.spike.pValueIncrease).toBeLessThan(0.001);
    expect(spike.trend.direction).toBe('up');
    // Quotes are distinct texts of the topic.
    expect(new Set(spike.quotes.map((quote) => quote.text)).size).toBe(spike.quotes.length);
    expect(spike.quotes.length).toBe(3);
    // No other topic spikes.
    expect(summary.emerging.every((topic) => /card|arriv|deliver/.test(topic.keywords.join(' ')))).toBe(true);
    expect(summary.current.count).toBe(summary.topics.reduce((total, topic) => total + topic.size, 0));
  });

  it('filters a summary by channel and by topic', async () => {
    const embedder = await resolveFeedbackEmbedder(stores.app);
    const email = await summarizeFeedback(stores.app, embedder.id, {
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-11-25T00:00:00Z'),
      channel: 'email',
      maxTopics: 100,
    });
    const all = await summarizeFeedback(stores.app, embedder.id, {
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-11-25T00:00:00Z'),
    });
    expect(email.current.count).toBeLessThan(all.current.count);
    expect(email.topics.reduce((total, topic) => total + topic.size, 0)).toBe(email.current.count);
    const crashes = await summarizeFeedback(stores.app, embedder.id, {
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-11-25T00:00:00Z'),
      topic: 'the app keeps crashing',
      embedder,
    });
    expect(crashes.topics.length).toBeGreaterThanOrEqual(1);
    expect(crashes.topics[0]!.keywords.join(' ')).toMatch(/app|crash/);
  });

  it('builds the weekly digest as text and chart', async () => {
    const embedder = await resolveFeedbackEmbedder(stores.app);
    const digest = await buildWeeklyDigest(stores.app, embedder.id, { now: WORLD_NOW });
    expect(digest.text.split('\n')[0]).toBe('Weekly feedback digest, 2026-11-17 to 2026-11-23 (UTC)');
    expect(digest.text).toContain('New issues (spikes):');
    expect(digest.newIssues.length).toBeGreaterThanOrEqual(1);
    expect(digest.topTopics.every((topic) => topic.quotes.length === 3)).toBe(true);
    expect(digest.chart.kind).toBe('line');
    expect(digest.chart.data.length).toBeGreaterThan(0);
    expect(digest.ratingTrend.length).toBe(14);
  });
});
