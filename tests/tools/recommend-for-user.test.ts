import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors.js';
import { refreshRecommendations } from '../../models/recommend/index.js';
import { recommendForUserInput, recommendForUserTool } from '../../tools/recommend-for-user.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { loadRecommendFixture, recommendContext } from './recommend-fixture.js';

// One store per file (PGlite start-up is the slow part); tests undo what they write. The blocks run in
// order: "without a refresh" first, then the refresh and what depends on it.
let stores: Stores;

beforeAll(async () => {
  stores = await openStores({ inMemory: true });
  await loadRecommendFixture(stores.warehouse);
});

afterAll(async () => {
  await stores.close();
});

async function withEvent(sql: string, work: () => Promise<void>): Promise<void> {
  await stores.warehouse.query(sql);
  try {
    await work();
  } finally {
    await stores.warehouse.query('DELETE FROM user_events WHERE event_id >= 9000');
  }
}

const labelsAndReasons = (result: { items: readonly { label: string; reason: string }[] }) =>
  result.items.map((item) => `${item.label}: ${item.reason}`);

describe('recommend_for_user input', () => {
  it('defaults k to 5 and bounds it to 1..50', () => {
    expect(recommendForUserInput.parse({ user_id: 1 })).toEqual({ user_id: 1, k: 5 });
    expect(recommendForUserInput.safeParse({ user_id: 1, k: 51 }).success).toBe(false);
    expect(recommendForUserInput.safeParse({ user_id: 1, k: 0 }).success).toBe(false);
    expect(recommendForUserInput.safeParse({ user_id: 1.5 }).success).toBe(false);
  });
});

describe('recommend_for_user without a refresh', () => {
  it('computes on the fly and says so', async () => {
    const result = await recommendForUserTool.run({ user_id: 1, k: 2 }, recommendContext(stores));
    expect(result.source).toBe('on_the_fly');
    expect(result.refreshedAt).toBeNull();
    expect(result.note).toBe(
      'Recommendations have not been refreshed yet; computed on the fly from user_events (run the recommendations refresh to serve them precomputed).',
    );
    expect(labelsAndReasons(result)).toEqual([
      'POL: because you traded ARB and OP',
      'SOL: because you traded ARB and OP',
    ]);
  });

  it('gives a new user the popular items of their segment', async () => {
    const result = await recommendForUserTool.run({ user_id: 3, k: 1 }, recommendContext(stores));
    expect(result.source).toBe('cold_start');
    expect(labelsAndReasons(result)).toEqual(['ARB: new here: popular with VIP tier 0 users in DE']);
  });
});

describe('recommend_for_user after a refresh', () => {
  beforeAll(async () => {
    await refreshRecommendations(stores, { silent: true, now: new Date('2026-11-24T12:00:00Z') });
  });

  it('serves the precomputed list without owned items, each with a reason from the user’s own items', async () => {
    const context = recommendContext(stores);
    const result = await recommendForUserTool.run({ user_id: 1, k: 2 }, context);
    expect(result.source).toBe('precomputed');
    expect(result.model).toBe('ease');
    expect(result.note).toBeNull();
    expect(result.user).toEqual({ userId: 1, country: 'DE', vipTier: 0 });
    expect(labelsAndReasons(result)).toEqual([
      'POL: because you traded ARB and OP',
      'SOL: because you traded ARB and OP',
    ]);
    // ARB and OP were traded: never recommended. POL was only viewed: still a candidate.
    expect(result.excluded).toEqual(['ARB', 'OP']);
    expect(result.items.map((item) => item.rank)).toEqual([1, 2]);
    // Every statement is on the result and in the audit log.
    expect(result.sql.length).toBe(2);
    expect(context.entries.filter((entry) => entry.kind === 'sql').length).toBe(2);
    expect(result.sql.every((statement) => statement.rowCount >= 0 && statement.durationMs >= 0)).toBe(true);
  });

  it('names subscriptions and trades in the reason', async () => {
    const result = await recommendForUserTool.run({ user_id: 2, k: 1 }, recommendContext(stores));
    expect(labelsAndReasons(result)).toEqual(['ETH: because you subscribed to ETH Staking and traded BTC']);
    expect(result.excluded).toEqual(['BTC', 'ETH Staking']);
  });

  it('drops items bought since the refresh', async () => {
    await withEvent(
      `INSERT INTO user_events VALUES (9001, 1, 'POL', 'asset', 'trade', '2026-11-24T13:00:00Z')`,
      async () => {
        const result = await recommendForUserTool.run({ user_id: 1, k: 2 }, recommendContext(stores));
        expect(result.source).toBe('precomputed');
        expect(result.items.map((item) => item.label)).toEqual(['SOL', 'BTC']);
        expect(result.excluded).toEqual(['ARB', 'OP', 'POL']);
      },
    );
  });

  it('gives a new user what is popular in their country and tier, and says so', async () => {
    const result = await recommendForUserTool.run({ user_id: 3, k: 3 }, recommendContext(stores));
    expect(result.source).toBe('cold_start');
    expect(result.model).toBe('popularity');
    expect(labelsAndReasons(result)).toEqual([
      'ARB: new here: popular with VIP tier 0 users in DE',
      'OP: new here: popular with VIP tier 0 users in DE',
      'POL: new here: popular with VIP tier 0 users in DE',
    ]);
    expect(result.items.map((item) => item.score)).toEqual([41, 41, 41]);
  });

  it('falls back to the whole exchange when the segment is too small', async () => {
    const result = await recommendForUserTool.run({ user_id: 4, k: 2 }, recommendContext(stores));
    expect(result.source).toBe('cold_start');
    expect(result.note).toBe(
      "Too few active users share this user's country and tier; using the whole exchange.",
    );
    expect(labelsAndReasons(result)).toEqual([
      'ARB: new here: popular on the exchange',
      'BTC: new here: popular on the exchange',
    ]);
  });

  it('folds in from the stored model when k exceeds the precomputed depth or the user is newer', async () => {
    await refreshRecommendations(stores, { silent: true, depth: 1 });
    const deeper = await recommendForUserTool.run({ user_id: 1, k: 2 }, recommendContext(stores));
    expect(deeper.source).toBe('on_the_fly');
    expect(deeper.note).toBe(
      'Computed on the fly from the stored model: k = 2 is more than the 1 items precomputed per user.',
    );
    expect(labelsAndReasons(deeper)).toEqual([
      'POL: because you traded ARB and OP',
      'SOL: because you traded ARB and OP',
    ]);
    await withEvent(
      `INSERT INTO user_events VALUES (9002, 3, 'ARB', 'asset', 'trade', '2026-11-24T13:00:00Z')`,
      async () => {
        const newer = await recommendForUserTool.run({ user_id: 3, k: 1 }, recommendContext(stores));
        expect(newer.note).toBe(
          'Computed on the fly from the stored model: this user has no precomputed list (their activity is newer than the last refresh).',
        );
        expect(newer.items[0]!.reason).toBe('because you traded ARB');
        expect(['OP', 'POL']).toContain(newer.items[0]!.label);
      },
    );
    // Back to the default depth for any later test.
    await refreshRecommendations(stores, { silent: true });
  });
});

describe('recommend_for_user bad input', () => {
  it('rejects an unknown user with a clear message', async () => {
    const attempt = recommendForUserTool.run({ user_id: 424242, k: 5 }, recommendContext(stores));
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      'Unknown user 424242: there is no user with this user_id in the warehouse.',
    );
  });
});
