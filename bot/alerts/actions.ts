/**
 * What people do to an alert: Ack, Assign, Snooze (1 h, 24 h, 7 d; always time-limited) and Close with
 * a required outcome (`false_positive`, `valuable`, `confirmed`) and an optional comment. Each change is
 * stored in `app.alert_events` with who and when, and shown on the alert's messages (an outbox update).
 * Outcomes stay on the alert as labels a risk model can learn from ({@link listAlertLabels}).
 */
import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { recordAlertEvent } from './engine.js';
import { enqueueOutbox } from './outbox.js';

/** Snooze lengths: never open-ended. */
export const SNOOZE_DURATIONS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;

/** Closing outcomes (labels). */
export const ALERT_OUTCOMES = ['false_positive', 'valuable', 'confirmed'] as const;

/** An action on an alert. */
export const alertActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('ack') }),
  z.object({ action: z.literal('assign'), assignee: z.string().min(1).max(100) }),
  z.object({ action: z.literal('snooze'), duration: z.enum(['1h', '24h', '7d']) }),
  z.object({
    action: z.literal('close'),
    outcome: z.enum(ALERT_OUTCOMES, {
      message: 'closing an alert needs an outcome: false_positive, valuable or confirmed',
    }),
    comment: z.string().max(2000).optional(),
  }),
]);

/** A validated action. */
export type AlertAction = z.infer<typeof alertActionSchema>;

/** The state of an alert after an action. */
export interface AlertState {
  readonly fingerprint: string;
  readonly status: string;
  readonly assignee: string | null;
  readonly snoozedUntil: string | null;
  readonly outcome: string | null;
}

/**
 * Applies an action by `actor` at `now`; throws {@link InvalidInputError} for an unknown alert or an
 * invalid action (e.g. close without an outcome).
 */
export async function applyAlertAction(
  app: SqlConnection,
  request: { fingerprint: string; actor: string; now: Date; action: unknown },
): Promise<AlertState> {
  const parsed = alertActionSchema.safeParse(request.action);
  if (!parsed.success) {
    throw new InvalidInputError(
      'alert_action_invalid',
      `Invalid alert action: ${parsed.error.issues.map((issue) => issue.message).join('; ')}.`,
    );
  }
  const action = parsed.data;
  const at = request.now.toISOString();
  return app.transaction(async (transaction) => {
    const { rows } = await transaction.query<{ status: string }>(
      'SELECT status FROM app.alert_instances WHERE fingerprint = $1 FOR UPDATE',
      [request.fingerprint],
    );
    if (!rows[0])
      throw new InvalidInputError('alert_unknown', `No alert with fingerprint '${request.fingerprint}'.`);
    let note: string;
    switch (action.action) {
      case 'ack':
        await transaction.query(
          `UPDATE app.alert_instances SET status = 'acked', updated_at = $2 WHERE fingerprint = $1`,
          [request.fingerprint, at],
        );
        note = `Acked by ${request.actor} at ${at}`;
        break;
      case 'assign':
        await transaction.query(
          'UPDATE app.alert_instances SET assignee = $2, updated_at = $3 WHERE fingerprint = $1',
          [request.fingerprint, action.assignee, at],
        );
        note = `Assigned to ${action.assignee} by ${request.actor} at ${at}`;
        break;
      case 'snooze': {
        const until = new Date(request.now.getTime() + SNOOZE_DURATIONS[action.duration]).toISOString();
        await transaction.query(
          `UPDATE app.alert_instances SET status = 'snoozed', snoozed_until = $2, updated_at = $3 WHERE fingerprint = $1`,
          [request.fingerprint, until, at],
        );
        note = `Snoozed ${action.duration} by ${request.actor} at ${at} (until ${until})`;
        break;
      }
      case 'close':
        await transaction.query(
          `UPDATE app.alert_instances SET status = 'closed', outcome = $2, outcome_comment = $3, closed_at = $4, updated_at = $4 WHERE fingerprint = $1`,
          [request.fingerprint, action.outcome, action.comment ?? null, at],
        );
        note = `Closed as ${action.outcome} by ${request.actor} at ${at}${action.comment ? `: ${action.comment}` : ''}`;
        break;
    }
    await recordAlertEvent(transaction, {
      fingerprint: request.fingerprint,
      kind: `alert-${action.action}`,
      actor: request.actor,
      at: request.now,
      details: { ...action },
    });
    // Show the change on every message that carried this alert.
    const { rows: posts } = await transaction.query<{
      outbox_id: number;
      deliverer: string;
      channel: string;
      text: string;
    }>(
      `SELECT outbox_id, deliverer, channel, payload->>'text' AS text FROM app.outbox
        WHERE kind = 'post' AND $1 = ANY(fingerprints) AND payload->>'threadOfOutboxId' IS NULL`,
      [request.fingerprint],
    );
    for (const post of posts) {
      await enqueueOutbox(
        transaction,
        {
          deliverer: post.deliverer,
          channel: post.channel,
          kind: 'update',
          payload: { text: `${post.text}\n_${note}_`, targetOutboxId: Number(post.outbox_id) },
          fingerprints: [request.fingerprint],
        },
        request.now,
      );
    }
    const { rows: after } = await transaction.query<{
      status: string;
      assignee: string | null;
      snoozed_until: string | null;
      outcome: string | null;
    }>('SELECT status, assignee, snoozed_until, outcome FROM app.alert_instances WHERE fingerprint = $1', [
      request.fingerprint,
    ]);
    const state = after[0]!;
    return {
      fingerprint: request.fingerprint,
      status: state.status,
      assignee: state.assignee,
      snoozedUntil: state.snoozed_until,
      outcome: state.outcome,
    };
  });
}

/** Parses a Slack button action id (`alert_snooze_24h`) into an action; `alert_close` needs a modal's outcome. */
export function actionFromButton(actionId: string, actor: string): AlertAction | undefined {
  if (actionId === 'alert_ack') return { action: 'ack' };
  if (actionId === 'alert_assign') return { action: 'assign', assignee: actor };
  const snooze = /^alert_snooze_(1h|24h|7d)$/.exec(actionId);
  if (snooze) return { action: 'snooze', duration: snooze[1] as '1h' | '24h' | '7d' };
  return undefined;
}

/** Closed alerts with their outcome: labels for training a risk model. */
export async function listAlertLabels(
  app: SqlConnection,
): Promise<
  { fingerprint: string; ruleId: string; outcome: string; comment: string | null; closedAt: string }[]
> {
  const { rows } = await app.query<{
    fingerprint: string;
    rule_id: string;
    outcome: string;
    outcome_comment: string | null;
    closed_at: string;
  }>(
    `SELECT fingerprint, rule_id, outcome, outcome_comment, closed_at FROM app.alert_instances WHERE outcome IS NOT NULL ORDER BY closed_at, fingerprint`,
  );
  return rows.map((row) => ({
    fingerprint: row.fingerprint,
    ruleId: row.rule_id,
    outcome: row.outcome,
    comment: row.outcome_comment,
    closedAt: row.closed_at,
  }));
}
