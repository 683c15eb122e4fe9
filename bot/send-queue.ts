/**
 * A per-channel send queue. Slack allows about one `chat.postMessage` per second per channel and answers
 * 429 with `Retry-After` beyond that; a bot answering a burst of questions in one channel must pace its
 * posts and, when told to wait, wait exactly that long, for that channel only, then send again.
 *
 * Posts (`paced: true`) run one at a time per channel, at least `minIntervalMs` apart, in arrival order.
 * Other calls (message updates, file uploads) run at once, but also wait while their channel is paused
 * by a 429. Every call is retried after a 429, up to `maxAttempts` times.
 */

/** Options of {@link createSendQueue}. */
export interface SendQueueOptions {
  /** Minimum time between two paced sends to one channel. Default 1,000 ms (Slack's posting rate). */
  readonly minIntervalMs?: number;
  /** Attempts per call, the first included, before the 429 is rethrown. Default 5. */
  readonly maxAttempts?: number;
  /** A wait longer than this is capped (a broken header must not stall a channel for hours). Default 120 s. */
  readonly maxWaitMs?: number;
  /**
   * The wait a failure asks for, in milliseconds, or undefined when it is not a rate limit (those are
   * rethrown at once). Slack: `WebAPIRateLimitedError.retryAfter` seconds × 1,000.
   */
  readonly retryAfterMs: (error: unknown) => number | undefined;
  /** Waits (tests record the waits). Default: a timer. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
  /** Milliseconds on a monotonic clock. Default `performance.now`. */
  readonly clock?: () => number;
  /** Told about every rate limit (metrics, logs). */
  readonly onRateLimited?: (channel: string, waitMs: number) => void;
}

/** Options of one call. */
export interface SendOptions {
  /** Counts against the channel's posting rate (new messages). Default false. */
  readonly paced?: boolean;
}

/** The queue. */
export interface SendQueue {
  /** Runs `work` for `channel` under the queue's rules; resolves or rejects with its outcome. */
  run<T>(channel: string, work: () => Promise<T>, options?: SendOptions): Promise<T>;
  /** Calls queued or running. */
  pending(): number;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
}

interface ChannelState {
  /** The end of the chain of paced sends. */
  tail: Promise<void>;
  /** No paced send before this time. */
  nextPostAt: number;
  /** No call at all before this time (set by a 429). */
  pausedUntil: number;
}

const defaultSleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/**
 * Creates a send queue.
 *
 * @example
 * const queue = createSendQueue({ retryAfterMs: slackRetryAfterMs });
 * const posted = await queue.run(channel, () => client.chat.postMessage({ channel, text }), { paced: true });
 */
export function createSendQueue(options: SendQueueOptions): SendQueue {
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const sleep = options.sleep ?? defaultSleep;
  const clock = options.clock ?? (() => performance.now());
  if (!(minIntervalMs >= 0) || !(maxAttempts >= 1)) {
    throw new RangeError(
      `createSendQueue: minIntervalMs must be ≥ 0 and maxAttempts ≥ 1 (got ${minIntervalMs}, ${maxAttempts})`,
    );
  }
  const channels = new Map<string, ChannelState>();
  const inFlight = new Set<Promise<unknown>>();

  const stateOf = (channel: string): ChannelState => {
    let state = channels.get(channel);
    if (!state) {
      state = { tail: Promise.resolve(), nextPostAt: 0, pausedUntil: 0 };
      channels.set(channel, state);
    }
    return state;
  };

  const waitUntil = async (time: number): Promise<void> => {
    const wait = time - clock();
    if (wait > 0) await sleep(wait);
  };

  /** Runs one call with retries after 429s; pacing is the caller's business. */
  const attempt = async <T>(channel: string, state: ChannelState, work: () => Promise<T>): Promise<T> => {
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      await waitUntil(state.pausedUntil);
      try {
        return await work();
      } catch (error) {
        const requested = options.retryAfterMs(error);
        if (requested === undefined || attemptNumber >= maxAttempts) throw error;
        const waitMs = Math.min(Math.max(0, requested), maxWaitMs);
        // The whole channel waits, not only this call: Slack limits the channel. The wait itself
        // happens at the top of the loop, where every call of the channel honours the pause.
        state.pausedUntil = Math.max(state.pausedUntil, clock() + waitMs);
        options.onRateLimited?.(channel, waitMs);
      }
    }
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const forget = (): void => {
      inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  };

  return {
    run(channel, work, runOptions = {}) {
      const state = stateOf(channel);
      if (!runOptions.paced) return track(attempt(channel, state, work));
      const result = state.tail.then(async () => {
        await waitUntil(state.nextPostAt);
        try {
          return await attempt(channel, state, work);
        } finally {
          state.nextPostAt = clock() + minIntervalMs;
        }
      });
      // The chain continues whether this send succeeded or not.
      state.tail = result.then(
        () => undefined,
        () => undefined,
      );
      return track(result);
    },
    pending() {
      return inFlight.size;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
