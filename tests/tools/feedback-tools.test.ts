import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../core/random.js';
import type { AuditEntry, ToolContext } from '../../tools/define-tool.js';
import { feedbackSearchInput, feedbackSearchTool } from '../../tools/feedback-search.js';
import { feedbackSummaryInput, feedbackSummaryTool } from '../../tools/feedback-summary.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { buildFeedbackWorld, WORLD_NOW } from '../models/feedback/feedback-world.js';

let stores: Stores;
let entries: AuditEntry[];
let context: ToolContext;
beforeAll(async () => {
  stores = await openStores({ inMemory: true });
  await buildFeedbackWorld(stores);
  entries = [];
  context = {
    warehouse: stores.warehouse,
    app: stores.app,
    now: WORLD_NOW,
    random: createRandom(1),
    asker: { id: 'test', role: 'support', surface: 'test' },
    audit: { record: async (entry) => void entries.push(entry) },
    maxRows: 1000,
    statementTimeoutMs: 15_000,
  };
});
afterAll(async () => {
  await stores.close();
});

describe('feedback_search', () => {
  it('returns matching messages with ids, scores and the SQL behind them', async () => {
    const input = feedbackSearchInput.parse({
      query: 'my card never arrived',
      time_range: { start: '2026-11-20', end: '2026-11-25' },
      filters: { channel: 'email' },
    });
    const result = await feedbackSearchTool.run(input, context);
    expect(result.kind).toBe('feedback_search');
    expect(result.hits.length).toBe(10);
    expect(result.hits.every((hit) => hit.channel === 'email')).toBe(true);
    expect(result.hits.every((hit) => hit.createdAt! >= '2026-11-20' && hit.createdAt! < '2026-11-25')).toBe(
      true,
    );
    expect(result.hits.filter((hit) => /card/.test(hit.text)).length).toBeGreaterThanOrEqual(8);
    expect(result.sql.length).toBeGreaterThanOrEqual(3);
    expect(entries.filter((entry) => entry.tool === 'feedback_search').length).toBe(result.sql.length);
    expect(String(result.sql[0]!.params[0])).toMatch(/^<vector \d+-d>$/);
  });

  it('rejects a reversed time range', async () => {
    const input = feedbackSearchInput.parse({
      query: 'card',
      time_range: { start: '2026-11-25', end: '2026-11-20' },
    });
    await expect(feedbackSearchTool.run(input, context)).rejects.toThrow(
      'time_range ends (2026-11-20) before it starts (2026-11-25).',
    );
  });
});

describe('feedback_summary', () => {
  it('summarises the week with topics, trends and the spike', async () => {
    const input = feedbackSummaryInput.parse({ time_range: { start: '2026-11-17', end: '2026-11-24' } });
    const result = await feedbackSummaryTool.run(input, context);
    expect(result.kind).toBe('feedback_summary');
    expect(result.start).toBe('2026-11-17T00:00:00.000Z');
    expect(result.current.count).toBeGreaterThan(0);
    expect(result.emerging.length).toBeGreaterThanOrEqual(1);
    expect(result.emerging[0]!.keywords.join(' ')).toMatch(/card|arriv|deliver/);
    expect(result.sql).toHaveLength(1);
  });

  it('says when nothing has been ingested', async () => {
    const empty = await openStores({ inMemory: true });
    try {
      const input = feedbackSummaryInput.parse({ time_range: { start: '2026-11-17', end: '2026-11-24' } });
      await expect(
        feedbackSummaryTool.run(input, { ...context, app: empty.app, warehouse: empty.warehouse }),
      ).rejects.toThrow(
        "Feedback search is not available yet: no feedback has been ingested; run 'analyst feedback ingest FILE' or 'analyst demo generate' first",
      );
    } finally {
      await empty.close();
    }
  });
});
