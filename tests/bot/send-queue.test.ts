import { describe, expect, it } from 'vitest';
import { createSendQueue } from '../../bot/send-queue.js';

class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

/** A queue on a fake clock: sleeping advances the clock, so waits are exact and instant. */
function fakeQueue(options: { minIntervalMs?: number; maxAttempts?: number } = {}) {
  let now = 0;
  const sleeps: number[] = [];
  const rateLimits: Array<[string, number]> = [];
  const queue = createSendQueue({
    ...options,
    retryAfterMs: (error) => (error instanceof RateLimited ? error.retryAfterMs : undefined),
    clock: () => now,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      now += milliseconds;
    },
    onRateLimited: (channel, waitMs) => rateLimits.push([channel, waitMs]),
  });
  return { queue, sleeps, rateLimits, time: () => now };
}

describe('send queue', () => {
  it('paces posts per channel, in arrival order, and does not hold other channels back', async () => {
    const { queue, time } = fakeQueue({ minIntervalMs: 1000 });
    const log: string[] = [];
    const post = (channel: string, text: string) =>
      queue.run(
        channel,
        async () => {
          log.push(`${time()} ${channel} ${text}`);
          return text;
        },
        { paced: true },
      );
    const results = await Promise.all([post('C1', 'a'), post('C1', 'b'), post('C2', 'x'), post('C1', 'c')]);
    expect(results).toEqual(['a', 'b', 'x', 'c']);
    expect(log).toEqual(['0 C1 a', '0 C2 x', '1000 C1 b', '2000 C1 c']);
  });

  it('after a 429 waits exactly Retry-After, pauses the whole channel, then retries', async () => {
    // Sleeps end only when the test says so, at the time they were meant to end.
    let now = 0;
    const sleeping: Array<{ milliseconds: number; wake: () => void }> = [];
    const rateLimits: Array<[string, number]> = [];
    const queue = createSendQueue({
      minIntervalMs: 0,
      retryAfterMs: (error) => (error instanceof RateLimited ? error.retryAfterMs : undefined),
      clock: () => now,
      sleep: (milliseconds) =>
        new Promise<void>((resolve) => {
          const until = now + milliseconds;
          sleeping.push({
            milliseconds,
            wake: () => {
              now = Math.max(now, until);
              resolve();
            },
          });
        }),
      onRateLimited: (channel, waitMs) => rateLimits.push([channel, waitMs]),
    });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    let attempts = 0;
    const log: string[] = [];
    const post = queue.run(
      'C1',
      async () => {
        attempts += 1;
        if (attempts === 1) throw new RateLimited(30_000);
        log.push(`${now} post`);
        return 'posted';
      },
      { paced: true },
    );
    await settle();
    expect(rateLimits).toEqual([['C1', 30_000]]);
    // An update on the same channel during the pause waits for it; another channel does not.
    const update = queue.run('C1', async () => {
      log.push(`${now} update`);
    });
    const elsewhere = queue.run('C2', async () => {
      log.push(`${now} elsewhere`);
    });
    await settle();
    expect(sleeping.map((entry) => entry.milliseconds)).toEqual([30_000, 30_000]);
    expect(log).toEqual(['0 elsewhere']);
    for (const entry of sleeping.splice(0)) entry.wake();
    expect(await post).toBe('posted');
    await update;
    await elsewhere;
    expect(attempts).toBe(2);
    expect(log).toEqual(['0 elsewhere', '30000 post', '30000 update']);
    expect(queue.pending()).toBe(0);
  });

  it('gives up after maxAttempts and rethrows other errors at once, without blocking the channel', async () => {
    const { queue } = fakeQueue({ maxAttempts: 3 });
    let attempts = 0;
    await expect(
      queue.run(
        'C1',
        async () => {
          attempts += 1;
          throw new RateLimited(10);
        },
        { paced: true },
      ),
    ).rejects.toThrow('rate limited for 10 ms');
    expect(attempts).toBe(3);
    await expect(
      queue.run('C1', async () => Promise.reject(new Error('channel_not_found')), { paced: true }),
    ).rejects.toThrow('channel_not_found');
    expect(await queue.run('C1', async () => 'still works', { paced: true })).toBe('still works');
  });

  it('rejects impossible options', () => {
    expect(() => createSendQueue({ retryAfterMs: () => undefined, maxAttempts: 0 })).toThrow(
      'createSendQueue: minIntervalMs must be ≥ 0 and maxAttempts ≥ 1 (got 1000, 0)',
    );
  });
});
