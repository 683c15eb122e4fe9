import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRecommendations, runRecommendEvalCommand } from '../../../models/recommend/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { loadRecommendFixture } from '../../tools/recommend-fixture.js';

let stores: Stores;

beforeAll(async () => {
  stores = await openStores({ inMemory: true });
  await loadRecommendFixture(stores.warehouse);
});

afterAll(async () => {
  await stores.close();
});

const count = async (table: string): Promise<number> =>
  Number((await stores.app.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);

describe('refreshRecommendations', () => {
  it('fills every serving table and records the run', async () => {
    const summary = await refreshRecommendations(stores, {
      silent: true,
      depth: 3,
      now: new Date('2026-11-24T12:00:00Z'),
    });
    // 82 users with events, 7 items (6 assets and 1 product).
    expect(summary).toMatchObject({
      runId: 1,
      model: 'ease',
      users: 82,
      items: 7,
      interactions: 265,
      segments: 5,
    });
    expect(summary.recommendations).toBe(await count('app.recommendations'));
    expect(await count('app.recommendation_items')).toBe(7);
    // EASE's B is dense off the diagonal where items co-occur; only non-zero weights are stored.
    expect(await count('app.recommendation_weights')).toBeGreaterThan(0);
    const { rows: runs } = await stores.app.query(
      'SELECT run_id, model, status, depth, users, items, weights_transform FROM app.recommendation_runs',
    );
    expect(runs).toEqual([
      { run_id: 1, model: 'ease', status: 'done', depth: 3, users: 82, items: 7, weights_transform: 'log' },
    ]);
    // DE/0 and US/1 (and so DE/* and US/*) have 41 active users each; FR/3 has none; '*' always exists.
    const { rows: segments } = await stores.app.query<{ segment: string }>(
      'SELECT DISTINCT segment FROM app.popular_items',
    );
    expect(segments.map((row) => row.segment).sort()).toEqual(['*', 'DE/*', 'DE/0', 'US/*', 'US/1']);
  });

  it('replaces the previous tables instead of adding to them, with the same answers', async () => {
    const before = (
      await stores.app.query('SELECT user_id, rank, item_id, reason FROM app.recommendations ORDER BY 1, 2')
    ).rows;
    const summary = await refreshRecommendations(stores, { silent: true, depth: 3 });
    expect(summary.runId).toBe(2);
    const after = (
      await stores.app.query('SELECT user_id, rank, item_id, reason FROM app.recommendations ORDER BY 1, 2')
    ).rows;
    expect(after).toEqual(before);
    expect((await stores.app.query('SELECT DISTINCT run_id FROM app.recommendations')).rows).toEqual([
      { run_id: 2 },
    ]);
  });

  it('never stores an item the user traded or subscribed to', async () => {
    const { rows } = await stores.app.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM app.recommendations r
       WHERE EXISTS (SELECT 1 FROM app.recommendation_items i WHERE i.item_id = r.item_id)
         AND (r.user_id, r.item_id) IN (VALUES (1, 'ARB'), (1, 'OP'), (2, 'BTC'), (2, 'earn-eth-staking'))`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    const { rows: first } = await stores.app.query(
      'SELECT item_id, reason FROM app.recommendations WHERE user_id = 1 AND rank = 1',
    );
    expect(first).toEqual([{ item_id: 'POL', reason: 'because you traded ARB and OP' }]);
  });
});

describe('runRecommendEvalCommand on the warehouse', () => {
  it('evaluates on user_events when no ratings file is given', async () => {
    let text = '';
    const summary = await runRecommendEvalCommand({
      warehouse: stores.warehouse,
      json: true,
      k: 3,
      stdout: {
        write(chunk: string) {
          text += chunk;
        },
      },
    });
    expect(JSON.parse(text)).toEqual(summary);
    expect(Object.keys(summary)).toEqual([
      'model',
      'precision@3',
      'recall@3',
      'ndcg@3',
      'map@3',
      'coverage',
      'train_s',
    ]);
    expect(summary['recall@3']).toBeGreaterThan(0);
  });
});
