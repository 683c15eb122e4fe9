/**
 * The outbox sender: claim rows and commit, then call the API, then mark them sent. No row lock is held
 * across an HTTP call. A row whose earlier attempt may have reached the API (attempts > 1: the process
 * died, or the call timed out) is first looked up by its idempotency key, so a crash never posts twice;
 * a row is only dropped after `maxAttempts`, so a crash never loses one.
 */
import { randomUUID } from 'node:crypto';
import { AnalystError, asAnalystError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { type AlertDeliverer, DeliveryRejectedError, RateLimitedError } from './deliverers.js';
import {
  claimOutboxRows,
  failOutboxRow,
  markOutboxSent,
  nextOutboxDue,
  type OutboxPostPayload,
  type OutboxRow,
  type OutboxUpdatePayload,
  outboxIdempotencyKey,
  outboxMessage,
  releaseOutboxRow,
} from './outbox.js';

/** What one pass of the sender did. */
export interface SendReport {
  claimed: number;
  sent: number;
  /** Rows found already delivered by an earlier attempt (not posted again). */
  reconciled: number;
  retried: number;
  rateLimited: number;
  failed: number;
  /** The pass stopped early because this instance is no longer the leader (fencing). */
  fenced: boolean;
}

/** Options of {@link createOutboxSender}. */
export interface OutboxSenderOptions {
  readonly app: SqlConnection;
  /** Deliverers by name (`slack`, `console`, …), matching `app.outbox.deliverer`. */
  readonly deliverers: Readonly<Record<string, AlertDeliverer>>;
  /** This sender's lease owner id (default a random UUID). */
  readonly owner?: string;
  /** How long a claim lasts before another sender may take the row over (default 60 s). */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  /** Attempts before a row is marked failed (default 10). */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `backoffMaxMs` (defaults 1 s and 5 min). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** The clock (tests and `--now` inject it). */
  readonly clock?: () => Date;
  /** Checked before every API call; false stops the pass (a deposed leader must not send). */
  readonly fence?: () => Promise<boolean>;
  /**
   * Test hook run after the API call and before mark-sent. Whatever it throws escapes `runOnce`
   * untouched, which is how tests and the bench simulate a process killed mid-delivery.
   */
  readonly afterApiCall?: (row: OutboxRow, messageId: string) => void | Promise<void>;
  readonly log?: (line: string) => void;
}

/** A running sender. */
export interface OutboxSender {
  readonly owner: string;
  /** Claims one batch and delivers it. */
  runOnce(): Promise<SendReport>;
  /**
   * Repeats passes until nothing is pending or `maxRounds` passes ran, sleeping (real time) until the
   * next row is due when every remaining row waits for a backoff or a Retry-After.
   */
  drain(options?: { maxRounds?: number; maxWaitMs?: number }): Promise<SendReport>;
}

const emptyReport = (): SendReport => ({
  claimed: 0,
  sent: 0,
  reconciled: 0,
  retried: 0,
  rateLimited: 0,
  failed: 0,
  fenced: false,
});

/** Creates an outbox sender; see the module comment for the delivery protocol. */
export function createOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const owner = options.owner ?? randomUUID();
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const backoffMaxMs = options.backoffMaxMs ?? 300_000;
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => {});
  const app = options.app;
  if (leaseMs <= 0 || batchSize <= 0 || maxAttempts <= 0) {
    throw new AnalystError(
      'configuration_invalid',
      'Outbox sender: leaseMs, batchSize and maxAttempts must be positive.',
    );
  }

  const backoff = (attempts: number): number =>
    Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attempts - 1));

  /** Delivers one row; returns the message id, or a reason to postpone. */
  const deliver = async (
    row: OutboxRow,
    deliverer: AlertDeliverer,
    report: SendReport,
  ): Promise<{ messageId: string } | { postponeMs: number; reason: string }> => {
    if (row.kind === 'update') {
      const payload = row.payload as OutboxUpdatePayload;
      const target = await outboxMessage(app, payload.targetOutboxId);
      if (!target?.messageId)
        return { postponeMs: 5000, reason: `message of outbox row ${payload.targetOutboxId} not sent yet` };
      await deliverer.update(row.channel, target.messageId, {
        channel: row.channel,
        text: payload.text,
        ...(payload.blocks ? { blocks: payload.blocks } : {}),
      });
      return { messageId: target.messageId };
    }
    const payload = row.payload as OutboxPostPayload;
    let threadOf: string | undefined;
    if (payload.threadOfOutboxId !== undefined) {
      const parent = await outboxMessage(app, payload.threadOfOutboxId);
      if (parent?.status !== 'failed' && !parent?.messageId) {
        return { postponeMs: 5000, reason: `thread parent ${payload.threadOfOutboxId} not sent yet` };
      }
      threadOf = parent?.messageId ?? undefined;
    }
    const key = outboxIdempotencyKey(row.outboxId);
    if (row.attempts > 1) {
      // An earlier attempt may have posted before dying: look before posting again.
      const existing = await deliverer.findByIdempotencyKey(row.channel, key, threadOf);
      if (existing !== undefined) {
        report.reconciled += 1;
        return { messageId: existing };
      }
    }
    const delivered = await deliverer.send(
      {
        channel: row.channel,
        text: payload.text,
        ...(payload.blocks ? { blocks: payload.blocks } : {}),
        ...(threadOf ? { threadOf } : {}),
      },
      key,
    );
    return { messageId: delivered.messageId };
  };

  const runOnce = async (): Promise<SendReport> => {
    const report = emptyReport();
    const now = clock();
    const rows = await claimOutboxRows(app, {
      owner,
      now,
      leaseUntil: new Date(now.getTime() + leaseMs),
      limit: batchSize,
    });
    report.claimed = rows.length;
    const limitedUntil = new Map<string, number>();
    for (const row of rows) {
      const deliverer = options.deliverers[row.deliverer];
      if (!deliverer) {
        await failOutboxRow(app, {
          outboxId: row.outboxId,
          owner,
          error: `no deliverer '${row.deliverer}' configured`,
        });
        report.failed += 1;
        continue;
      }
      const limited = limitedUntil.get(`${row.deliverer}:${row.channel}`);
      if (limited !== undefined) {
        // The channel said "wait": do not even try the rest of the batch for it.
        await releaseOutboxRow(app, {
          outboxId: row.outboxId,
          owner,
          availableAt: new Date(limited),
          error: 'rate limited',
          refundAttempt: true,
        });
        report.rateLimited += 1;
        continue;
      }
      if (options.fence && !(await options.fence())) {
        report.fenced = true;
        await releaseOutboxRow(app, {
          outboxId: row.outboxId,
          owner,
          availableAt: clock(),
          error: 'sender lost leadership',
          refundAttempt: true,
        });
        continue;
      }
      let outcome: Awaited<ReturnType<typeof deliver>>;
      try {
        outcome = await deliver(row, deliverer, report);
      } catch (error) {
        const failure = asAnalystError(error);
        const at = clock().getTime();
        if (error instanceof RateLimitedError) {
          const until = at + error.retryAfterMs;
          limitedUntil.set(`${row.deliverer}:${row.channel}`, until);
          await releaseOutboxRow(app, {
            outboxId: row.outboxId,
            owner,
            availableAt: new Date(until),
            error: failure.message,
          });
          report.rateLimited += 1;
          log(`outbox ${row.outboxId}: ${failure.message}`);
        } else if (error instanceof DeliveryRejectedError || row.attempts >= maxAttempts) {
          await failOutboxRow(app, { outboxId: row.outboxId, owner, error: failure.message });
          report.failed += 1;
          log(`outbox ${row.outboxId}: failed for good after ${row.attempts} attempts: ${failure.message}`);
        } else {
          await releaseOutboxRow(app, {
            outboxId: row.outboxId,
            owner,
            availableAt: new Date(at + backoff(row.attempts)),
            error: failure.message,
          });
          report.retried += 1;
          log(`outbox ${row.outboxId}: attempt ${row.attempts} failed (${failure.message}); retrying`);
        }
        continue;
      }
      if ('postponeMs' in outcome) {
        await releaseOutboxRow(app, {
          outboxId: row.outboxId,
          owner,
          availableAt: new Date(clock().getTime() + outcome.postponeMs),
          error: outcome.reason,
          refundAttempt: true,
        });
        report.retried += 1;
        continue;
      }
      // Deliberately outside the try: a simulated crash must leave the row claimed, as a real one would.
      await options.afterApiCall?.(row, outcome.messageId);
      if (
        await markOutboxSent(app, {
          outboxId: row.outboxId,
          owner,
          messageId: outcome.messageId,
          now: clock(),
        })
      )
        report.sent += 1;
      else log(`outbox ${row.outboxId}: lease lost before mark-sent; the new owner will reconcile`);
    }
    return report;
  };

  return {
    owner,
    runOnce,
    async drain(drainOptions = {}) {
      const maxRounds = drainOptions.maxRounds ?? 1000;
      const maxWaitMs = drainOptions.maxWaitMs ?? 60_000;
      const total = emptyReport();
      for (let round = 0; round < maxRounds; round++) {
        const report = await runOnce();
        for (const key of ['claimed', 'sent', 'reconciled', 'retried', 'rateLimited', 'failed'] as const)
          total[key] += report[key];
        total.fenced ||= report.fenced;
        if (report.fenced) break;
        if (report.claimed > 0) continue;
        const due = await nextOutboxDue(app);
        if (!due) break;
        const waitMs = due.getTime() - clock().getTime();
        if (waitMs > maxWaitMs) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, waitMs)));
      }
      return total;
    },
  };
}
