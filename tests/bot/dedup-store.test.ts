import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlAnswerStore } from '../../bot/answer-store.js';
import { createSqlDedupStore } from '../../bot/dedup-store.js';
import { openStores, type Stores } from '../../warehouse/stores.js';

describe('dedup and answer stores (app database, PGlite)', () => {
  let stores: Stores;
  let now = new Date('2026-11-24T12:00:00Z');
  const advance = (milliseconds: number): void => {
    now = new Date(now.getTime() + milliseconds);
  };

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
  });
  afterAll(async () => {
    await stores?.close();
  });

  it('claims a key once until it expires; released or abandoned claims can be taken over', async () => {
    const dedup = createSqlDedupStore(stores.app, { now: () => now, purgeEveryMs: Number.POSITIVE_INFINITY });
    const options = { ttlMs: 60 * 60_000, leaseMs: 5 * 60_000 };
    expect(await dedup.claim('slack:event:Ev1', options)).toBe(true);
    expect(await dedup.claim('slack:event:Ev1', options)).toBe(false);
    await dedup.complete('slack:event:Ev1');
    advance(10 * 60_000);
    // Done: still a duplicate after the lease, until the TTL.
    expect(await dedup.claim('slack:event:Ev1', options)).toBe(false);
    advance(51 * 60_000);
    expect(await dedup.claim('slack:event:Ev1', options)).toBe(true);

    expect(await dedup.claim('slack:event:Ev2', options)).toBe(true);
    await dedup.release('slack:event:Ev2');
    expect(await dedup.claim('slack:event:Ev2', options)).toBe(true);

    // Claimed and never completed (the process died): a redelivery after the lease does the work.
    expect(await dedup.claim('slack:event:Ev3', options)).toBe(true);
    advance(4 * 60_000);
    expect(await dedup.claim('slack:event:Ev3', options)).toBe(false);
    advance(2 * 60_000);
    expect(await dedup.claim('slack:event:Ev3', options)).toBe(true);
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const dedup = createSqlDedupStore(stores.app, { now: () => now });
    const results = await Promise.all(Array.from({ length: 12 }, () => dedup.claim('slack:event:race')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('purges expired keys', async () => {
    const dedup = createSqlDedupStore(stores.app, { now: () => now, purgeEveryMs: Number.POSITIVE_INFINITY });
    await dedup.claim('purge:a', { ttlMs: 1000 });
    await dedup.claim('purge:b', { ttlMs: 1000 });
    await dedup.claim('purge:c', { ttlMs: 10 * 24 * 60 * 60_000 });
    advance(2000);
    expect(await dedup.purge()).toBeGreaterThanOrEqual(2);
    const { rows } = await stores.app.query<{ dedup_key: string }>(
      "SELECT dedup_key FROM app.surface_dedup WHERE dedup_key LIKE 'purge:%' ORDER BY 1",
    );
    expect(rows.map((row) => row.dedup_key)).toEqual(['purge:c']);
  });

  it('stores answers for their buttons until they expire', async () => {
    const answers = createSqlAnswerStore(stores.app, { now: () => now, ttlMs: 60_000 });
    const record = {
      answerId: 'a1',
      surface: 'slack',
      conversationId: 'slack:T1:C1:1.2',
      askerId: 'U1',
      askerRole: 'analyst',
      question: 'fees this month',
      route: { tool: 'metric_query', args: { metric: 'fees_usd' } },
      text: 'Fees: $1.2M.',
      table: { headers: ['asset', 'fees'], rows: [['BTC', '$1.0M']], numeric: [false, true] },
      sql: [{ sql: 'SELECT 1', params: [], rowCount: 1, durationMs: 1.5 }],
      definitions: ['fees_usd: fees charged'],
      rowCount: 1,
      truncated: false,
      durationMs: 42,
      createdAt: now.toISOString(),
    };
    await answers.save(record);
    expect(await answers.load('a1')).toEqual(record);
    expect(await answers.load('missing')).toBeUndefined();
    advance(61_000);
    expect(await answers.load('a1')).toBeUndefined();
    expect(await answers.purge()).toBe(1);
  });
});
