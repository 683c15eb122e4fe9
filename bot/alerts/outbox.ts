/**
 * The transactional outbox (`app.outbox`). Alert evaluation writes its messages here in the same
 * transaction as the alert state, so a state change and its message are committed together or not at
 * all; the sender (sender.ts) delivers them afterwards, at least once, with reconciliation.
 */
import type { SqlConnection } from '../../warehouse/connection.js';

/** What an outbox row asks for. */
export type OutboxKind = 'post' | 'update';

/** Payload of a `post` row. */
export interface OutboxPostPayload {
  readonly text: string;
  readonly blocks?: readonly unknown[];
  /** Reply in the thread of the message another outbox row posted (resolved follow-ups). */
  readonly threadOfOutboxId?: number;
}

/** Payload of an `update` row: replace the message another outbox row posted. */
export interface OutboxUpdatePayload {
  readonly text: string;
  readonly blocks?: readonly unknown[];
  readonly targetOutboxId: number;
}

/** One outbox row as the sender sees it. */
export interface OutboxRow {
  readonly outboxId: number;
  readonly deliverer: string;
  readonly channel: string;
  readonly kind: OutboxKind;
  readonly payload: OutboxPostPayload | OutboxUpdatePayload;
  readonly fingerprints: readonly string[];
  readonly status: 'pending' | 'claimed' | 'sent' | 'failed';
  readonly attempts: number;
  readonly messageId: string | null;
}

/** A message to enqueue. */
export interface OutboxEntry {
  readonly deliverer: string;
  readonly channel: string;
  readonly kind: OutboxKind;
  readonly payload: OutboxPostPayload | OutboxUpdatePayload;
  readonly fingerprints?: readonly string[];
}

/** The idempotency key carried in a delivered message: stable per outbox row. */
export function outboxIdempotencyKey(outboxId: number): string {
  return `outbox-${outboxId}`;
}

/** Appends a message to the outbox (call inside the transaction that changes the alert state). */
export async function enqueueOutbox(
  connection: SqlConnection,
  entry: OutboxEntry,
  now: Date,
): Promise<number> {
  const { rows } = await connection.query<{ outbox_id: number }>(
    `INSERT INTO app.outbox (deliverer, channel, kind, payload, fingerprints, available_at, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::text[], $6, $6) RETURNING outbox_id`,
    [
      entry.deliverer,
      entry.channel,
      entry.kind,
      JSON.stringify(entry.payload),
      [...(entry.fingerprints ?? [])],
      now.toISOString(),
    ],
  );
  return Number(rows[0]?.outbox_id);
}

interface RawRow {
  outbox_id: number;
  deliverer: string;
  channel: string;
  kind: OutboxKind;
  payload: unknown;
  fingerprints: string[] | string;
  status: OutboxRow['status'];
  attempts: number;
  message_id: string | null;
}

function toRow(raw: RawRow): OutboxRow {
  const payload = (
    typeof raw.payload === 'string' ? JSON.parse(raw.payload) : raw.payload
  ) as OutboxRow['payload'];
  return {
    outboxId: Number(raw.outbox_id),
    deliverer: raw.deliverer,
    channel: raw.channel,
    kind: raw.kind,
    payload,
    fingerprints: Array.isArray(raw.fingerprints) ? raw.fingerprints : [],
    status: raw.status,
    attempts: Number(raw.attempts),
    messageId: raw.message_id,
  };
}

/**
 * Claims up to `limit` deliverable rows for `owner` until `leaseUntil`, and commits: pending rows that
 * are due, and claimed rows whose lease lapsed (their sender died). `FOR UPDATE SKIP LOCKED` lets
 * several senders claim concurrently without waiting on each other; no lock outlives this statement.
 */
export async function claimOutboxRows(
  app: SqlConnection,
  options: { owner: string; now: Date; leaseUntil: Date; limit: number },
): Promise<OutboxRow[]> {
  return app.transaction(async (transaction) => {
    const { rows } = await transaction.query<RawRow>(
      `UPDATE app.outbox AS o
         SET status = 'claimed', lease_owner = $1, lease_until = $2, attempts = o.attempts + 1
        FROM (
          SELECT outbox_id FROM app.outbox
           WHERE (status = 'pending' AND available_at <= $3) OR (status = 'claimed' AND lease_until <= $3)
           ORDER BY outbox_id
           LIMIT $4
           FOR UPDATE SKIP LOCKED
        ) AS picked
       WHERE o.outbox_id = picked.outbox_id
       RETURNING o.outbox_id, o.deliverer, o.channel, o.kind, o.payload, o.fingerprints, o.status, o.attempts, o.message_id`,
      [options.owner, options.leaseUntil.toISOString(), options.now.toISOString(), options.limit],
    );
    return rows.map(toRow).sort((left, right) => left.outboxId - right.outboxId);
  });
}

/** Records a delivery; only the lease owner may (a sender whose lease lapsed learns it lost the row). */
export async function markOutboxSent(
  app: SqlConnection,
  options: { outboxId: number; owner: string; messageId: string; now: Date },
): Promise<boolean> {
  const { rows } = await app.query<{ outbox_id: number }>(
    `UPDATE app.outbox SET status = 'sent', message_id = $2, sent_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL
      WHERE outbox_id = $1 AND lease_owner = $4 AND status = 'claimed' RETURNING outbox_id`,
    [options.outboxId, options.messageId, options.now.toISOString(), options.owner],
  );
  return rows.length === 1;
}

/** Gives a claimed row back for a later attempt (retry with backoff, or a rate limit). */
export async function releaseOutboxRow(
  app: SqlConnection,
  options: { outboxId: number; owner: string; availableAt: Date; error: string; refundAttempt?: boolean },
): Promise<void> {
  await app.query(
    `UPDATE app.outbox SET status = 'pending', available_at = $2, last_error = $3, lease_owner = NULL, lease_until = NULL,
            attempts = attempts - $5
      WHERE outbox_id = $1 AND lease_owner = $4 AND status = 'claimed'`,
    [
      options.outboxId,
      options.availableAt.toISOString(),
      options.error,
      options.owner,
      options.refundAttempt ? 1 : 0,
    ],
  );
}

/** Gives up on a row (permanent error or too many attempts); it stays for inspection. */
export async function failOutboxRow(
  app: SqlConnection,
  options: { outboxId: number; owner: string; error: string },
): Promise<void> {
  await app.query(
    `UPDATE app.outbox SET status = 'failed', last_error = $2, lease_owner = NULL, lease_until = NULL
      WHERE outbox_id = $1 AND lease_owner = $3 AND status = 'claimed'`,
    [options.outboxId, options.error, options.owner],
  );
}

/** The message id and status of a row (parents of replies and updates). */
export async function outboxMessage(
  app: SqlConnection,
  outboxId: number,
): Promise<{ status: string; messageId: string | null } | undefined> {
  const { rows } = await app.query<{ status: string; message_id: string | null }>(
    'SELECT status, message_id FROM app.outbox WHERE outbox_id = $1',
    [outboxId],
  );
  const row = rows[0];
  return row ? { status: row.status, messageId: row.message_id } : undefined;
}

/** Counts of rows by status. */
export async function outboxCounts(app: SqlConnection): Promise<Record<string, number>> {
  const { rows } = await app.query<{ status: string; count: number }>(
    'SELECT status, COUNT(*)::int AS count FROM app.outbox GROUP BY status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/** The earliest time a pending row becomes due, if any. */
export async function nextOutboxDue(app: SqlConnection): Promise<Date | undefined> {
  const { rows } = await app.query<{ due: string | null }>(
    `SELECT MIN(CASE WHEN status = 'pending' THEN available_at ELSE lease_until END) AS due
       FROM app.outbox WHERE status IN ('pending', 'claimed')`,
  );
  const due = rows[0]?.due;
  return due ? new Date(due) : undefined;
}
