import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter, createRateLimiter } from '../../bot/limits.js';

describe('limits', () => {
  it('rate-limits per key with a refilling bucket', () => {
    const limiter = createRateLimiter({ capacity: 2, perMinute: 6 });
    expect(limiter.take('u1', 0)).toBe(0);
    expect(limiter.take('u1', 0)).toBe(0);
    expect(limiter.take('u1', 0)).toBe(10);
    expect(limiter.take('u2', 0)).toBe(0);
    expect(limiter.take('u1', 10_000)).toBe(0);
  });

  it('runs at most N tasks at once, in order', async () => {
    const limiter = createConcurrencyLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(index);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limiter.active).toBe(0);
  });
});
