/**
 * Turns one evaluation of a rule into alert state and outbox messages, in one transaction:
 * fingerprint deduplication, grouping of the new hits into one message per channel, re-notification
 * of hits still firing after the rule's interval, silence while snoozed, acked or closed, and a
 * "resolved" reply in the alert's thread when its condition clears.
 */
import type { SqlConnection } from '../../warehouse/connection.js';
import { enqueueOutbox } from './outbox.js';
import type { AlertRule } from './rules.js';

/** One finding of a rule evaluation. */
export interface AlertHit {
  /** Stable identity within the rule (user id + scenario, metric + hour, …); dedup key. */
  readonly key: string;
  readonly title: string;
  /** Evidence lines shown under the title. */
  readonly details: readonly string[];
  readonly severity: 'info' | 'warning' | 'critical';
  /** Hits with the same group share a message (default: one group per rule). */
  readonly group?: string;
}

/** What a rule evaluation found. */
export interface RuleEvaluation {
  readonly hits: readonly AlertHit[];
  /** False for rules whose absence of hits means nothing (digests, skipped rules): no resolving. */
  readonly resolves: boolean;
  /** Set when the rule could not run (a tool not available yet); logged, nothing changes. */
  readonly skipped?: string;
}

/** What {@link applyRuleEvaluation} did. */
export interface RuleOutcome {
  readonly ruleId: string;
  readonly newHits: number;
  readonly renotified: number;
  readonly suppressed: number;
  readonly resolved: number;
  readonly messages: number;
  readonly skipped?: string;
}

/** Parses `slack:C123` into deliverer and channel. */
export function parseChannel(route: string): { deliverer: string; channel: string } {
  const index = route.indexOf(':');
  return { deliverer: route.slice(0, index), channel: route.slice(index + 1) };
}

/** The alert fingerprint of a hit. */
export function alertFingerprint(ruleId: string, key: string): string {
  return `${ruleId}:${key}`;
}

const SEVERITY_ICON: Record<AlertHit['severity'], string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };

/** Renders a grouped alert message (text fallback + Block Kit with action buttons). */
export function renderAlertMessage(
  rule: AlertRule,
  hits: readonly { fingerprint: string; hit: AlertHit; repeat: boolean }[],
): { text: string; blocks: unknown[] } {
  const shown = hits.slice(0, rule.max_hits_per_message);
  const more = hits.length - shown.length;
  const worst = hits.some((entry) => entry.hit.severity === 'critical')
    ? 'critical'
    : hits.some((entry) => entry.hit.severity === 'warning')
      ? 'warning'
      : 'info';
  const header = `${SEVERITY_ICON[worst]} ${rule.id}: ${hits.length} alert${hits.length === 1 ? '' : 's'}`;
  const lines = shown.map(
    (entry) =>
      `• ${entry.repeat ? '(still firing) ' : ''}${entry.hit.title}${entry.hit.details.length ? ` — ${entry.hit.details.join('; ')}` : ''}`,
  );
  if (more > 0) lines.push(`• … and ${more} more`);
  const text = `${header}\n${lines.join('\n')}`;
  const value = hits
    .map((entry) => entry.fingerprint)
    .join(',')
    .slice(0, 1900);
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2900) } },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'alert_ack', text: { type: 'plain_text', text: 'Ack' }, value },
        {
          type: 'button',
          action_id: 'alert_assign',
          text: { type: 'plain_text', text: 'Assign to me' },
          value,
        },
        {
          type: 'button',
          action_id: 'alert_snooze_1h',
          text: { type: 'plain_text', text: 'Snooze 1 h' },
          value,
        },
        {
          type: 'button',
          action_id: 'alert_snooze_24h',
          text: { type: 'plain_text', text: 'Snooze 24 h' },
          value,
        },
        {
          type: 'button',
          action_id: 'alert_snooze_7d',
          text: { type: 'plain_text', text: 'Snooze 7 d' },
          value,
        },
        { type: 'button', action_id: 'alert_close', text: { type: 'plain_text', text: 'Close…' }, value },
      ],
    },
  ];
  return { text, blocks };
}

interface InstanceRow {
  fingerprint: string;
  status: string;
  active: boolean;
  last_notified_at: string | null;
  snoozed_until: string | null;
}

/**
 * Applies one evaluation of `rule` at `now`: updates `app.alert_instances`, records events, and
 * enqueues the messages, all in one transaction.
 */
export async function applyRuleEvaluation(
  app: SqlConnection,
  rule: AlertRule,
  evaluation: RuleEvaluation,
  now: Date,
): Promise<RuleOutcome> {
  if (evaluation.skipped)
    return {
      ruleId: rule.id,
      newHits: 0,
      renotified: 0,
      suppressed: 0,
      resolved: 0,
      messages: 0,
      skipped: evaluation.skipped,
    };
  const at = now.toISOString();
  return app.transaction(async (transaction) => {
    const { rows } = await transaction.query<InstanceRow>(
      'SELECT fingerprint, status, active, last_notified_at, snoozed_until FROM app.alert_instances WHERE rule_id = $1',
      [rule.id],
    );
    const existing = new Map(rows.map((row) => [row.fingerprint, row]));
    const firing = new Set<string>();
    const toNotify = new Map<string, { fingerprint: string; hit: AlertHit; repeat: boolean }[]>();
    let newHits = 0;
    let renotified = 0;
    let suppressed = 0;
    // Deduplicate hits within the evaluation too (two scenarios flagging the same key).
    const unique = new Map<string, AlertHit>();
    for (const hit of evaluation.hits) unique.set(alertFingerprint(rule.id, hit.key), hit);
    for (const [fingerprint, hit] of unique) {
      firing.add(fingerprint);
      const row = existing.get(fingerprint);
      const group = hit.group ?? rule.id;
      const add = (repeat: boolean): void => {
        const list = toNotify.get(group) ?? [];
        list.push({ fingerprint, hit, repeat });
        toNotify.set(group, list);
      };
      // A hit is new when never seen, or when it fires again after its condition cleared.
      if (!row || !row.active) {
        newHits += 1;
        await transaction.query(
          `INSERT INTO app.alert_instances (fingerprint, rule_id, group_key, title, details, severity, status, active, first_seen_at, last_seen_at, last_notified_at, notify_count, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'open', true, $7, $7, $7, 1, $7)
           ON CONFLICT (fingerprint) DO UPDATE SET title = EXCLUDED.title, details = EXCLUDED.details, severity = EXCLUDED.severity,
             status = 'open', active = true, first_seen_at = EXCLUDED.first_seen_at, last_seen_at = EXCLUDED.last_seen_at,
             last_notified_at = EXCLUDED.last_notified_at, notify_count = app.alert_instances.notify_count + 1,
             snoozed_until = NULL, resolved_at = NULL, closed_at = NULL, outcome = NULL, outcome_comment = NULL, assignee = NULL, updated_at = EXCLUDED.updated_at`,
          [fingerprint, rule.id, group, hit.title, JSON.stringify(hit.details), hit.severity, at],
        );
        await recordAlertEvent(transaction, {
          fingerprint,
          kind: row ? 'alert-retriggered' : 'alert-triggered',
          actor: 'system',
          at: now,
          details: { rule: rule.id },
        });
        add(false);
        continue;
      }
      const snoozed = row.snoozed_until !== null && new Date(row.snoozed_until) > now;
      const quiet = row.status === 'acked' || row.status === 'closed' || snoozed;
      const due =
        row.last_notified_at === null ||
        now.getTime() - new Date(row.last_notified_at).getTime() >= rule.renotify_minutes * 60_000;
      await transaction.query(
        `UPDATE app.alert_instances SET last_seen_at = $2, title = $3, details = $4::jsonb, updated_at = $2,
           status = CASE WHEN status = 'snoozed' AND NOT $5 THEN 'open' ELSE status END
         WHERE fingerprint = $1`,
        [fingerprint, at, hit.title, JSON.stringify(hit.details), snoozed],
      );
      if (quiet || !due) {
        suppressed += 1;
        continue;
      }
      renotified += 1;
      await transaction.query(
        'UPDATE app.alert_instances SET last_notified_at = $2, notify_count = notify_count + 1 WHERE fingerprint = $1',
        [fingerprint, at],
      );
      add(true);
    }

    let resolved = 0;
    let messages = 0;
    if (evaluation.resolves) {
      for (const row of rows) {
        if (!row.active || firing.has(row.fingerprint)) continue;
        resolved += 1;
        await transaction.query(
          `UPDATE app.alert_instances SET active = false, resolved_at = $2, updated_at = $2,
             status = CASE WHEN status = 'closed' THEN status ELSE 'resolved' END WHERE fingerprint = $1`,
          [row.fingerprint, at],
        );
        await recordAlertEvent(transaction, {
          fingerprint: row.fingerprint,
          kind: 'alert-resolved',
          actor: 'system',
          at: now,
          details: {},
        });
        // A reply in the thread of every message that announced it, on each channel.
        const { rows: posts } = await transaction.query<{
          outbox_id: number;
          deliverer: string;
          channel: string;
        }>(
          `SELECT DISTINCT ON (deliverer, channel) outbox_id, deliverer, channel FROM app.outbox
            WHERE kind = 'post' AND $1 = ANY(fingerprints) AND payload->>'threadOfOutboxId' IS NULL
            ORDER BY deliverer, channel, outbox_id DESC`,
          [row.fingerprint],
        );
        const { rows: titles } = await transaction.query<{ title: string }>(
          'SELECT title FROM app.alert_instances WHERE fingerprint = $1',
          [row.fingerprint],
        );
        for (const post of posts) {
          messages += 1;
          await enqueueOutbox(
            transaction,
            {
              deliverer: post.deliverer,
              channel: post.channel,
              kind: 'post',
              payload: {
                text: `✅ Resolved: ${titles[0]?.title ?? row.fingerprint} (condition cleared at ${at})`,
                threadOfOutboxId: Number(post.outbox_id),
              },
              fingerprints: [row.fingerprint],
            },
            now,
          );
        }
      }
    }

    for (const [, hits] of toNotify) {
      const rendered = renderAlertMessage(rule, hits);
      for (const route of rule.channels) {
        const { deliverer, channel } = parseChannel(route);
        messages += 1;
        await enqueueOutbox(
          transaction,
          {
            deliverer,
            channel,
            kind: 'post',
            payload: rendered,
            fingerprints: hits.map((entry) => entry.fingerprint),
          },
          now,
        );
      }
    }
    return { ruleId: rule.id, newHits, renotified, suppressed, resolved, messages };
  });
}

/** Appends a state change to `app.alert_events` (who, when, what). */
export async function recordAlertEvent(
  connection: SqlConnection,
  event: { fingerprint: string; kind: string; actor: string; at: Date; details: Record<string, unknown> },
): Promise<void> {
  await connection.query(
    'INSERT INTO app.alert_events (fingerprint, kind, actor, at, details) VALUES ($1, $2, $3, $4, $5::jsonb)',
    [event.fingerprint, event.kind, event.actor, event.at.toISOString(), JSON.stringify(event.details)],
  );
}
