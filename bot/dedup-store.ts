/**
 * "Answered once" for chat surfaces. Slack retries an event it thinks went unacknowledged (up to three
 * times), a user double-clicks a button, a load balancer replays a request: each delivery carries an id
 * (`event_id`, an action's `action_ts`, a Discord interaction id), and the surface claims that id here
 * before doing any work. The store is the app database, not memory, so the guarantee survives restarts
 * and holds across several instances.
 */
import type { SqlConnection } from '../warehouse/connection.js';

/** Options of one claim. */
export interface ClaimOptions {
  /** How long the key is remembered; Slack's last retry comes about an hour after the event. Default 2 h. */
  readonly ttlMs?: number;
  /**
   * How long the claimer may work before a redelivery may take the work over (its process is presumed
   * dead). Default 5 min: longer than any answer, shorter than Slack's last retry.
   */
  readonly leaseMs?: number;
}

/** Deduplicates deliveries by key. */
export interface DedupStore {
  /**
   * Claims `key`. True when the caller should do the work: the key is new, expired, released, or its
   * claim's lease ran out without completing. False for a duplicate.
   */
  claim(key: string, options?: ClaimOptions): Promise<boolean>;
  /** Marks claimed work as done: later deliveries of the key are duplicates until it expires. */
  complete(key: string): Promise<void>;
  /** Gives a claim back after a failure, so a retried delivery does the work. */
  release(key: string): Promise<void>;
  /** Deletes expired keys; returns how many. Claims call it now and then on their own. */
  purge(): Promise<number>;
}

/** Options of {@link createSqlDedupStore}. */
export interface SqlDedupStoreOptions {
  /** The clock (tests move it). Default: the wall clock. */
  readonly now?: () => Date;
  /** Purge expired keys at most this often, from within `claim`. Default 10 min. */
  readonly purgeEveryMs?: number;
}

const DEFAULT_TTL_MS = 2 * 60 * 60 * 1000;
const DEFAULT_LEASE_MS = 5 * 60 * 1000;

/**
 * A {@link DedupStore} on `app.surface_dedup` (migration `chat-surfaces`). A claim is one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE`, atomic in PostgreSQL, so two instances receiving the same
 * retry cannot both win.
 *
 * @example
 * const dedup = createSqlDedupStore(stores.app);
 * if (await dedup.claim(`slack:event:${body.event_id}`)) { … answer …; await dedup.complete(key); }
 */
export function createSqlDedupStore(app: SqlConnection, options: SqlDedupStoreOptions = {}): DedupStore {
  const now = options.now ?? (() => new Date());
  const purgeEveryMs = options.purgeEveryMs ?? 10 * 60 * 1000;
  let lastPurge = now().getTime();
  const store: DedupStore = {
    async claim(key, claimOptions = {}) {
      const at = now();
      if (at.getTime() - lastPurge >= purgeEveryMs) {
        lastPurge = at.getTime();
        await store.purge();
      }
      const leaseUntil = new Date(at.getTime() + (claimOptions.leaseMs ?? DEFAULT_LEASE_MS));
      const expiresAt = new Date(at.getTime() + (claimOptions.ttlMs ?? DEFAULT_TTL_MS));
      const { rows } = await app.query<{ dedup_key: string }>(
        `INSERT INTO app.surface_dedup AS seen (dedup_key, state, lease_until, expires_at)
         VALUES ($1, 'claimed', $2, $3)
         ON CONFLICT (dedup_key) DO UPDATE
           SET state = 'claimed', attempts = seen.attempts + 1,
               lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at
         WHERE seen.expires_at <= $4
            OR seen.state = 'released'
            OR (seen.state = 'claimed' AND seen.lease_until <= $4)
         RETURNING dedup_key`,
        [key, leaseUntil.toISOString(), expiresAt.toISOString(), at.toISOString()],
      );
      return rows.length === 1;
    },
    async complete(key) {
      await app.query(`UPDATE app.surface_dedup SET state = 'done' WHERE dedup_key = $1`, [key]);
    },
    async release(key) {
      await app.query(`UPDATE app.surface_dedup SET state = 'released' WHERE dedup_key = $1`, [key]);
    },
    async purge() {
      const { rows } = await app.query<{ dedup_key: string }>(
        'DELETE FROM app.surface_dedup WHERE expires_at <= $1 RETURNING dedup_key',
        [now().toISOString()],
      );
      return rows.length;
    },
  };
  return store;
}
