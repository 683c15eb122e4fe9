/**
 * AML alerts in the app database (`app.alerts`, `app.aml_alert_events`): every scan hit becomes an
 * alert, deduplicated by its fingerprint, with its evidence, ready for the proactive delivery of
 * bot/alerts. Rescans update an alert (score, evidence, last_seen, occurrences) and never reopen one
 * someone acked or resolved; status changes are recorded with who made them and when.
 */
import { InvalidInputError } from '../../core/errors.js';
import { round, toIso, toNumber } from './sql.js';
import type { RiskHit, RiskQuery } from './types.js';

/** Alert states. */
export const ALERT_STATUSES = ['open', 'acked', 'resolved'] as const;
/** One alert state. */
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** An alert as listed (evidence only on request). */
export interface StoredAlert {
  readonly alertId: number;
  readonly fingerprint: string;
  readonly kind: string;
  readonly scenario: string;
  readonly subject: string;
  readonly userId: number | null;
  readonly score: number;
  readonly title: string;
  readonly rule: string;
  readonly status: AlertStatus;
  readonly thresholdsVersion: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly occurrences: number;
  readonly statusChangedAt: string | null;
  readonly statusChangedBy: string | null;
  readonly evidence?: unknown;
}

/** What {@link upsertRiskAlerts} did. */
export interface AlertUpsertOutcome {
  /** New alerts. */
  readonly raised: number;
  /** Alerts that existed and were seen again. */
  readonly updated: number;
  /** Alert id and status per hit fingerprint. */
  readonly byFingerprint: ReadonlyMap<string, { alertId: number; status: AlertStatus; raised: boolean }>;
}

/**
 * Stores hits as alerts in one statement (insert or update by fingerprint) and records an
 * `alert-raised` event for each new one.
 *
 * @example
 * await upsertRiskAlerts(query, outcome.hits, { now, thresholdsVersion: 1, actor: 'anomaly_scan' });
 */
export async function upsertRiskAlerts(
  query: RiskQuery,
  hits: readonly RiskHit[],
  options: { now: Date; thresholdsVersion: number; actor: string },
): Promise<AlertUpsertOutcome> {
  const byFingerprint = new Map<string, { alertId: number; status: AlertStatus; raised: boolean }>();
  if (hits.length === 0) return { raised: 0, updated: 0, byFingerprint };
  // One hit per fingerprint (a scan never yields two, but callers may merge scans).
  const unique = [...new Map(hits.map((hit) => [hit.fingerprint, hit])).values()];
  const records = unique.map((hit) => ({
    fingerprint: hit.fingerprint,
    kind: 'aml',
    scenario: hit.scenario,
    subject: `user:${hit.userId}`,
    user_id: hit.userId,
    score: hit.score,
    title: `${hit.scenario.replaceAll('_', ' ')}: user ${hit.userId}. ${hit.reason}`,
    rule: hit.rule,
    evidence: {
      reason: hit.reason,
      facts: hit.facts,
      evidence: hit.evidence,
      firstAt: hit.firstAt,
      lastAt: hit.lastAt,
      ...(hit.explanation ? { explanation: hit.explanation } : {}),
    },
  }));
  const now = options.now.toISOString();
  const rows = await query<{ alert_id: number; fingerprint: string; status: AlertStatus; inserted: boolean }>(
    `INSERT INTO app.alerts AS a (fingerprint, kind, scenario, subject, user_id, score, title, rule, evidence,
    thresholds_version, first_seen, last_seen)
SELECT r.fingerprint, r.kind, r.scenario, r.subject, r.user_id, r.score, r.title, r.rule, r.evidence, $2::integer, $3::timestamptz, $3::timestamptz
FROM jsonb_to_recordset($1::jsonb) AS r(fingerprint text, kind text, scenario text, subject text, user_id integer,
  score double precision, title text, rule text, evidence jsonb)
ON CONFLICT (fingerprint) DO UPDATE SET
  score = excluded.score, title = excluded.title, rule = excluded.rule, evidence = excluded.evidence,
  thresholds_version = excluded.thresholds_version,
  last_seen = GREATEST(a.last_seen, excluded.last_seen), occurrences = a.occurrences + 1
RETURNING a.alert_id, a.fingerprint, a.status, (xmax = 0) AS inserted`,
    [JSON.stringify(records), options.thresholdsVersion, now],
  );
  const raisedIds: number[] = [];
  for (const row of rows) {
    const raised = row.inserted === true;
    byFingerprint.set(row.fingerprint, { alertId: toNumber(row.alert_id), status: row.status, raised });
    if (raised) raisedIds.push(toNumber(row.alert_id));
  }
  if (raisedIds.length > 0) {
    await query(
      `INSERT INTO app.aml_alert_events (alert_id, event, from_status, to_status, actor, at)
SELECT id, 'alert-raised', NULL, 'open', $2, $3::timestamptz FROM unnest($1::bigint[]) AS id`,
      [raisedIds, options.actor, now],
    );
  }
  return { raised: raisedIds.length, updated: rows.length - raisedIds.length, byFingerprint };
}

/**
 * Moves an alert to another status (ack, resolve, reopen) and records who did it.
 *
 * @throws InvalidInputError `alert_unknown` when there is no such alert.
 */
export async function setAlertStatus(
  query: RiskQuery,
  alertId: number,
  status: AlertStatus,
  options: { actor: string; now: Date; note?: string },
): Promise<StoredAlert> {
  const [previous] = await query<{ status: AlertStatus }>(
    'SELECT status FROM app.alerts WHERE alert_id = $1',
    [alertId],
  );
  if (!previous) throw new InvalidInputError('alert_unknown', `There is no alert ${alertId}.`);
  const now = options.now.toISOString();
  if (previous.status !== status) {
    await query(
      'UPDATE app.alerts SET status = $2, status_changed_at = $3::timestamptz, status_changed_by = $4 WHERE alert_id = $1',
      [alertId, status, now, options.actor],
    );
    const event =
      status === 'acked' ? 'alert-acked' : status === 'resolved' ? 'alert-resolved' : 'alert-reopened';
    await query(
      `INSERT INTO app.aml_alert_events (alert_id, event, from_status, to_status, actor, note, at)
VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)`,
      [alertId, event, previous.status, status, options.actor, options.note ?? null, now],
    );
  }
  const [alert] = await listRiskAlerts(query, { alertIds: [alertId], withEvidence: true, limit: 1 });
  return alert!;
}

/** Filters of {@link listRiskAlerts}. */
export interface AlertListOptions {
  readonly status?: AlertStatus;
  /** Alerts seen during [start, end): first seen before the end and last seen at or after the start. */
  readonly range?: { readonly start: Date; readonly end: Date };
  readonly userId?: number;
  readonly alertIds?: readonly number[];
  readonly scenario?: string;
  readonly withEvidence?: boolean;
  /** Most recent first; at most this many. */
  readonly limit: number;
}

/** Alerts matching the filters, most recently seen first (then highest score). */
export async function listRiskAlerts(query: RiskQuery, options: AlertListOptions): Promise<StoredAlert[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  if (options.status) conditions.push(`status = ${add(options.status, 'text')}`);
  if (options.range) {
    conditions.push(`first_seen < ${add(options.range.end.toISOString(), 'timestamptz')}`);
    conditions.push(`last_seen >= ${add(options.range.start.toISOString(), 'timestamptz')}`);
  }
  if (options.userId !== undefined) conditions.push(`user_id = ${add(options.userId, 'integer')}`);
  if (options.alertIds) conditions.push(`alert_id = ANY(${add([...options.alertIds], 'bigint[]')})`);
  if (options.scenario) conditions.push(`scenario = ${add(options.scenario, 'text')}`);
  const rows = await query<Record<string, unknown>>(
    `SELECT alert_id, fingerprint, kind, scenario, subject, user_id, score, title, rule, status, thresholds_version,
  first_seen, last_seen, occurrences, status_changed_at, status_changed_by${options.withEvidence ? ', evidence' : ''}
FROM app.alerts${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}
ORDER BY last_seen DESC, score DESC, alert_id DESC LIMIT ${add(options.limit, 'integer')}`,
    params,
  );
  return rows.map((row) => ({
    alertId: toNumber(row['alert_id']),
    fingerprint: String(row['fingerprint']),
    kind: String(row['kind']),
    scenario: String(row['scenario']),
    subject: String(row['subject']),
    userId: row['user_id'] === null ? null : toNumber(row['user_id']),
    score: round(toNumber(row['score'])),
    title: String(row['title']),
    rule: String(row['rule']),
    status: row['status'] as AlertStatus,
    thresholdsVersion: toNumber(row['thresholds_version']),
    firstSeen: toIso(row['first_seen']),
    lastSeen: toIso(row['last_seen']),
    occurrences: toNumber(row['occurrences']),
    statusChangedAt: row['status_changed_at'] === null ? null : toIso(row['status_changed_at']),
    statusChangedBy: row['status_changed_by'] === null ? null : String(row['status_changed_by']),
    ...(options.withEvidence
      ? { evidence: typeof row['evidence'] === 'string' ? JSON.parse(row['evidence']) : row['evidence'] }
      : {}),
  }));
}

/** Alerts per status matching the same filters as a list (for "12 open, 3 acked"). */
export async function countRiskAlerts(
  query: RiskQuery,
  options: Omit<AlertListOptions, 'limit' | 'withEvidence' | 'status'>,
): Promise<Record<AlertStatus, number>> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (options.range) {
    params.push(options.range.end.toISOString(), options.range.start.toISOString());
    conditions.push('first_seen < $1::timestamptz', 'last_seen >= $2::timestamptz');
  }
  if (options.userId !== undefined) {
    params.push(options.userId);
    conditions.push(`user_id = $${params.length}::integer`);
  }
  const rows = await query<{ status: AlertStatus; count: number }>(
    `SELECT status, COUNT(*) AS count FROM app.alerts${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} GROUP BY status`,
    params,
  );
  const counts: Record<AlertStatus, number> = { open: 0, acked: 0, resolved: 0 };
  for (const row of rows) counts[row.status] = toNumber(row.count);
  return counts;
}
