import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRiskConfig, plainSource, profileAddress } from '../../../models/risk/index.js';
import type { Stores } from '../../../warehouse/stores.js';
import { ADDRESS, type FixtureIds, openRiskFixture } from './risk-fixture.js';

let stores: Stores;
let ids: FixtureIds;
const { thresholds } = defaultRiskConfig();

beforeAll(async () => {
  ({ stores, ids } = await openRiskFixture());
});
afterAll(async () => {
  await stores?.close();
});

const profile = (address: string, options: { maxHops?: number; fanOut?: number } = {}) =>
  profileAddress(plainSource(stores.warehouse), { address, thresholds, ...options });

describe('address profile', () => {
  it('profiles an address two hops downstream of a mixer, with the path as evidence', async () => {
    const result = await profile(ADDRESS.twoHops);
    expect(result.chain).toBe('ethereum');
    expect(result.otherChains).toEqual(['bsc']);
    expect(result.labels).toEqual([]);
    expect(result.onChain.incoming).toMatchObject({ transfers: 1, usd: 29_000, counterparties: 1 });
    expect(result.onChain.outgoing).toMatchObject({ transfers: 1, usd: 1_000, counterparties: 1 });
    expect(result.exchange).toMatchObject({ users: 1, deposits: 1, depositUsd: 28_000, withdrawals: 0 });
    expect(result.exchange.topUsers[0]!.userId).toBe(502);
    expect(result.exposure.summary).toEqual([
      { direction: 'incoming', label: 'mixer', nearestHops: 2, addresses: 1 },
    ]);
    const [path] = result.exposure.paths;
    expect(path!.path).toEqual([ADDRESS.mixer, ADDRESS.oneHop, ADDRESS.twoHops]);
    expect(path!.transfers.map((transfer) => transfer.id)).toEqual(ids.twoHopTransfers);
    expect(result.risk).toEqual({
      level: 'medium',
      reason: 'incoming exposure to a mixer address 2 hops away',
    });
  });

  it('walks a cycle without looping and stops at the hop limit', async () => {
    const withinTwo = await profile(ADDRESS.cycleA, { maxHops: 2 });
    expect(withinTwo.exposure.paths).toEqual([]);
    // Incoming: A ← C ← B (B ← A is A again); outgoing: A → B → C (C → A is A again).
    expect(withinTwo.exposure.explored).toBe(6);
    expect(withinTwo.risk.level).toBe('low');
    const withinThree = await profile(ADDRESS.cycleA, { maxHops: 3 });
    expect(
      withinThree.exposure.paths.map((path) => [path.direction, path.label, path.hops, path.path]),
    ).toEqual([
      ['outgoing', 'darknet', 3, [ADDRESS.cycleA, ADDRESS.cycleB, ADDRESS.cycleC, ADDRESS.darknet]],
    ]);
    expect(withinThree.exposure.explored).toBe(7);
    // A generous limit changes nothing once every path has closed its cycle.
    const withinFour = await profile(ADDRESS.cycleA, { maxHops: 4 });
    expect(withinFour.exposure.explored).toBe(7);
  });

  it('caps the transfers followed per address and says so', async () => {
    const capped = await profile(ADDRESS.mixer, { fanOut: 1 });
    expect(capped.exposure.capped).toBe(true);
    const full = await profile(ADDRESS.mixer, { fanOut: 25 });
    expect(full.exposure.capped).toBe(false);
    expect(full.exposure.explored).toBeGreaterThan(capped.exposure.explored);
    expect(full.labels).toEqual([{ label: 'mixer', name: 'Mixer (test)', source: 'test' }]);
    expect(full.risk).toEqual({ level: 'high', reason: 'the address itself is labelled mixer' });
  });

  it('does not walk through labelled addresses', async () => {
    // payer → mixer is one hop; the mixer's own counterparties are not reached through it.
    const result = await profile(ADDRESS.payer);
    expect(result.exposure.paths.map((path) => [path.direction, path.label, path.hops])).toEqual([
      ['outgoing', 'mixer', 1],
    ]);
    expect(result.risk).toEqual({ level: 'high', reason: 'a direct outgoing transfer with a mixer address' });
  });

  it('says when the warehouse knows nothing of an address', async () => {
    const result = await profile(ADDRESS.plain);
    expect(result.seen).toBe(false);
    expect(result.risk.level).toBe('none');
    expect(result.onChain.firstSeen).toBeNull();
  });

  it('rejects an invalid address before touching the warehouse', async () => {
    await expect(
      profileAddress(
        {
          dialect: plainSource(stores.warehouse).dialect,
          query: async () => {
            throw new Error('no query expected');
          },
        },
        { address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', thresholds },
      ),
    ).rejects.toThrow('is not a valid ethereum address (the chain its format suggests): mixed case');
  });
});
