/**
 * Limits that keep one person or channel from starving the others: a token-bucket rate limit per key
 * (user and channel) and a cap on concurrent queries. In memory: each bot instance limits its own load.
 */

/** A rate limiter keyed by user or channel. */
export interface RateLimiter {
  /** Takes one token for `key`; returns the seconds to wait when none is left (0 = go). */
  take(key: string, now?: number): number;
}

/** Token bucket: `capacity` requests at once, refilled at `perMinute` per minute. */
export function createRateLimiter(options: {
  capacity: number;
  perMinute: number;
  maxKeys?: number;
}): RateLimiter {
  if (!(options.capacity >= 1) || !(options.perMinute > 0)) {
    throw new Error('createRateLimiter: capacity must be ≥ 1 and perMinute > 0');
  }
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = options.maxKeys ?? 10_000;
  const ratePerMs = options.perMinute / 60_000;
  return {
    take(key, now = Date.now()) {
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string); // bounded memory
        bucket = { tokens: options.capacity, at: now };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(options.capacity, bucket.tokens + (now - bucket.at) * ratePerMs);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / ratePerMs / 1000);
    },
  };
}

/** A counting semaphore: at most `limit` tasks run at once, the rest wait in order. */
export interface ConcurrencyLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

/** Creates a {@link ConcurrencyLimiter}. */
export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error('createConcurrencyLimiter: limit must be a positive integer');
  let active = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    active--;
    queue.shift()?.();
  };
  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    async run(task) {
      if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
      active++;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
