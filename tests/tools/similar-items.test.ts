import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownNameError } from '../../core/errors.js';
import { refreshRecommendations } from '../../models/recommend/index.js';
import { similarItemsInput, similarItemsTool } from '../../tools/similar-items.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { loadRecommendFixture, recommendContext } from './recommend-fixture.js';

// One store per file (PGlite start-up is the slow part); the on-the-fly test runs before the refresh.
let stores: Stores;

beforeAll(async () => {
  stores = await openStores({ inMemory: true });
  await loadRecommendFixture(stores.warehouse);
});

afterAll(async () => {
  await stores.close();
});

const summary = (result: { items: readonly { label: string; coUsers: number }[] }) =>
  result.items.map((item) => `${item.label} (${item.coUsers})`);

describe('similar_items', () => {
  it('defaults k to 5 and bounds it', () => {
    expect(similarItemsInput.parse({ item: ' SOL ' })).toEqual({ item: 'SOL', k: 5 });
    expect(similarItemsInput.safeParse({ item: 'SOL', k: 51 }).success).toBe(false);
  });

  it('computes on the fly before any refresh, with the same answer', async () => {
    const result = await similarItemsTool.run({ item: 'ARB', k: 3 }, recommendContext(stores));
    expect(result.source).toBe('on_the_fly');
    expect(result.note).toBe(
      'Recommendations have not been refreshed yet; computed on the fly from user_events.',
    );
    expect(summary(result)).toEqual(['OP (41)', 'POL (41)', 'SOL (20)']);
  });

  it('serves the precomputed neighbours of an asset given in any case', async () => {
    await refreshRecommendations(stores, { silent: true });
    expect((await stores.app.query('SELECT count(*)::int AS n FROM app.similar_items')).rows).toEqual([
      { n: 18 },
    ]);
    const result = await similarItemsTool.run({ item: 'arb', k: 3 }, recommendContext(stores));
    expect(result.source).toBe('precomputed');
    expect(result.item).toEqual({ itemId: 'ARB', itemType: 'asset', label: 'ARB', name: 'Arbitrum' });
    // OP and POL are traded by the same 41 users as ARB; SOL is viewed by 20 of them.
    expect(summary(result)).toEqual(['OP (41)', 'POL (41)', 'SOL (20)']);
    expect(result.items[0]!.score).toBeGreaterThan(result.items[2]!.score);
    expect(result.sql.length).toBe(2);
  });

  it('finds a product by id or name and says when fewer than k items are related', async () => {
    const byName = await similarItemsTool.run({ item: 'ETH Staking', k: 3 }, recommendContext(stores));
    const byId = await similarItemsTool.run({ item: 'earn-eth-staking', k: 3 }, recommendContext(stores));
    expect(byName.items).toEqual(byId.items);
    expect(summary(byName)).toEqual(['BTC (41)', 'ETH (40)']);
    expect(byName.note).toBe('Only 2 items are related to ETH Staking.');
  });

  it('rejects an unknown item, listing the closest names', async () => {
    const attempt = similarItemsTool.run({ item: 'SOLL', k: 3 }, recommendContext(stores));
    await expect(attempt).rejects.toBeInstanceOf(UnknownNameError);
    await expect(attempt).rejects.toThrow(
      "Unknown item 'SOLL'. Did you mean 'SOL'? Available: SOL, POL, OP, ARB, BTC, ETH, earn-eth-staking.",
    );
  });
});
