/**
 * Leader election with a lease row (`app.scheduler_leases`) and an epoch used as a fencing token. It
 * works the same on PGlite and PostgreSQL and survives connection pools (unlike session advisory locks,
 * which a pool or PgBouncer silently breaks). The leader renews its lease with a heartbeat; when it
 * dies the lease lapses and another instance takes over with epoch + 1, so anything the old leader
 * still tries (its `isLeader()` fence) fails instead of acting twice.
 */
import { randomUUID } from 'node:crypto';
import { AnalystError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';

/** Options of {@link createLeaderElector}. */
export interface LeaderElectorOptions {
  readonly app: SqlConnection;
  /** Lease name: one leader per name (default `alert-scheduler`). */
  readonly name?: string;
  /** This instance's id (default a random UUID). */
  readonly holder?: string;
  /** Lease length; renew well before it ends (default 30 s, heartbeat every third of it). */
  readonly leaseMs?: number;
  readonly clock?: () => Date;
}

/** Leadership as this instance sees it. */
export interface LeaderElector {
  readonly holder: string;
  /** Takes or renews the lease; returns the epoch when this instance leads, undefined otherwise. */
  tryAcquire(): Promise<number | undefined>;
  /** The fence: true only if the lease row still names this holder, this epoch, and has not lapsed. */
  isLeader(): Promise<boolean>;
  /** The epoch of the last successful acquisition (the fencing token). */
  readonly epoch: number | undefined;
  /** Gives the lease up (clean shutdown) so another instance takes over at once. */
  release(): Promise<void>;
  /** Starts renewing every `leaseMs / 3` (real time); returns a stop function. */
  startHeartbeat(onChange?: (leading: boolean) => void): () => void;
}

/** Creates a lease-row elector. */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const name = options.name ?? 'alert-scheduler';
  const holder = options.holder ?? randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const clock = options.clock ?? (() => new Date());
  if (leaseMs < 100)
    throw new AnalystError('configuration_invalid', `Leader lease must be at least 100 ms, got ${leaseMs}.`);
  let epoch: number | undefined;

  const elector: LeaderElector = {
    holder,
    get epoch() {
      return epoch;
    },
    async tryAcquire() {
      const now = clock();
      // One statement: take a free or lapsed lease (epoch + 1), or renew our own (same epoch).
      const { rows } = await options.app.query<{ epoch: number }>(
        `INSERT INTO app.scheduler_leases AS lease (name, holder, epoch, lease_until) VALUES ($1, $2, 1, $3)
         ON CONFLICT (name) DO UPDATE
           SET holder = EXCLUDED.holder,
               lease_until = EXCLUDED.lease_until,
               epoch = CASE WHEN lease.holder = EXCLUDED.holder AND lease.lease_until > $4 THEN lease.epoch ELSE lease.epoch + 1 END
         WHERE lease.holder = EXCLUDED.holder OR lease.lease_until <= $4
         RETURNING epoch`,
        [name, holder, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString()],
      );
      epoch = rows[0] ? Number(rows[0].epoch) : undefined;
      return epoch;
    },
    async isLeader() {
      if (epoch === undefined) return false;
      const { rows } = await options.app.query<{ holder: string; epoch: number; lease_until: string }>(
        'SELECT holder, epoch, lease_until FROM app.scheduler_leases WHERE name = $1',
        [name],
      );
      const row = rows[0];
      return (
        row !== undefined &&
        row.holder === holder &&
        Number(row.epoch) === epoch &&
        new Date(row.lease_until) > clock()
      );
    },
    async release() {
      if (epoch === undefined) return;
      await options.app.query(
        `UPDATE app.scheduler_leases SET lease_until = $3 WHERE name = $1 AND holder = $2 AND epoch = $4`,
        [name, holder, new Date(0).toISOString(), epoch],
      );
      epoch = undefined;
    },
    startHeartbeat(onChange) {
      let leading = false;
      const beat = async (): Promise<void> => {
        try {
          const now = (await elector.tryAcquire()) !== undefined;
          if (now !== leading) onChange?.(now);
          leading = now;
        } catch {
          // A failed renewal is a lost lease: stop acting as leader until a renewal succeeds.
          if (leading) onChange?.(false);
          leading = false;
          epoch = undefined;
        }
      };
      void beat();
      const timer = setInterval(() => void beat(), Math.max(50, Math.floor(leaseMs / 3)));
      return () => clearInterval(timer);
    },
  };
  return elector;
}
