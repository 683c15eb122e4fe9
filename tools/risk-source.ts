/**
 * Glue between the risk models (models/risk) and the tool contract: statements run through the audit
 * log and are kept for the result's `sql`, and tool time ranges become scan windows. Shared by
 * anomaly_scan, address_profile, user_profile and alerts_list; not a tool itself.
 */
import { InvalidInputError } from '../core/errors.js';
import type { RiskQuery, RiskSource, RiskWindow } from '../models/risk/index.js';
import type { SqlConnection } from '../warehouse/connection.js';
import { dialectFor } from '../warehouse/dialect.js';
import { parseInstant } from '../warehouse/semantic/index.js';
import { type AuditEntry, type ExecutedSql, runAuditedQuery, type ToolContext } from './define-tool.js';

/**
 * A query function that audits each statement under `tool` and appends it to `trail`. `showParams`
 * replaces the parameters kept in the trail (bulk JSON payloads say nothing to a reader).
 */
export function auditedQuery(
  context: ToolContext,
  tool: string,
  trail: ExecutedSql[],
  connection: SqlConnection,
  showParams?: (params: readonly unknown[]) => readonly unknown[],
): RiskQuery {
  return async <Row>(sql: string, params: readonly unknown[]): Promise<Row[]> => {
    const { rows, executed } = await runAuditedQuery<Row>(context, tool, sql, params, connection);
    trail.push(showParams ? { ...executed, params: showParams(params) } : executed);
    return rows;
  };
}

/** An audited {@link RiskSource} on a warehouse connection (or a transaction of it). */
export function auditedSource(
  context: ToolContext,
  tool: string,
  trail: ExecutedSql[],
  connection: SqlConnection = context.warehouse,
): RiskSource {
  return { dialect: dialectFor(connection.dialect), query: auditedQuery(context, tool, trail, connection) };
}

/**
 * An audited {@link RiskSource} for a transaction whose connection the audit log also writes to (the
 * embedded store is one session: an audit write from inside the transaction would wait for the
 * transaction to end, forever). Statements are timed and kept as they run; their audit entries are
 * written by `flush()`, which the caller runs after the transaction, whatever its outcome.
 */
export function deferredAuditSource(
  context: ToolContext,
  tool: string,
  trail: ExecutedSql[],
  connection: SqlConnection,
): { source: RiskSource; flush(): Promise<void> } {
  const pending: AuditEntry[] = [];
  const query = async <Row>(sql: string, params: readonly unknown[]): Promise<Row[]> => {
    const started = performance.now();
    try {
      const { rows } = await connection.query<Row>(sql, params);
      const durationMs = performance.now() - started;
      pending.push({ kind: 'sql', tool, sql, rowCount: rows.length, durationMs });
      trail.push({ sql, params, rowCount: rows.length, durationMs });
      return rows;
    } catch (error) {
      pending.push({
        kind: 'sql',
        tool,
        sql,
        durationMs: performance.now() - started,
        error: (error as Error).message,
      });
      throw error;
    }
  };
  return {
    source: { dialect: dialectFor(connection.dialect), query },
    async flush() {
      for (const entry of pending.splice(0)) await context.audit.record(entry);
    },
  };
}

/**
 * A tool time range as a scan window, its end capped at `now` (nothing after now exists yet, and a
 * range such as "this week" ends tomorrow).
 *
 * @throws InvalidInputError `time_range_invalid` for unreadable or empty ranges.
 */
export function scanWindow(range: { start: string; end: string }, now: Date): RiskWindow {
  const start = parseInstant(range.start, 'start');
  const requestedEnd = parseInstant(range.end, 'end');
  const end = requestedEnd.getTime() > now.getTime() ? now : requestedEnd;
  if (end.getTime() <= start.getTime()) {
    throw new InvalidInputError(
      'time_range_invalid',
      requestedEnd.getTime() <= start.getTime()
        ? `time_range ends (${range.end}) before it starts (${range.start}).`
        : `time_range starts (${range.start}) after now (${now.toISOString()}).`,
    );
  }
  return { start, end };
}
