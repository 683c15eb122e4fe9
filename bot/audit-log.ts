import { randomUUID } from 'node:crypto';
import type { Asker, AuditEntry, AuditSink } from '../tools/define-tool.js';
import type { SqlConnection } from '../warehouse/connection.js';

const SECRET_PATTERNS: readonly RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack tokens
  /xapp-[A-Za-z0-9-]+/g,
  /sk-[A-Za-z0-9_-]{16,}/g, // OpenAI-style keys
  /(postgres(?:ql)?|clickhouse):\/\/([^:/@\s]+):([^@\s]+)@/g, // passwords in URLs
];

/** Removes secrets (tokens, keys, URL passwords) from text before it is logged. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, scheme?: string, user?: string) =>
      scheme && user ? `${scheme}://${user}:***@` : `${match.slice(0, 5)}***`,
    );
  }
  return result;
}

/**
 * An audit sink writing to `app.audit_log` (append-only, enforced by a trigger). One request id ties
 * the question, its route, tool calls and SQL together. Logging failures are reported on stderr but
 * never break the answer.
 */
export function createAuditLog(
  app: SqlConnection,
  asker: Asker,
  requestId: string = randomUUID(),
): AuditSink {
  return {
    async record(entry: AuditEntry) {
      try {
        await app.query(
          `INSERT INTO app.audit_log (request_id, actor, surface, kind, question, tool, args, sql, row_count, duration_ms, masked, allowed, error)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            requestId,
            asker.id,
            asker.channel ? `${asker.surface}:${asker.channel}` : asker.surface,
            entry.kind,
            entry.question === undefined ? null : redactSecrets(entry.question),
            entry.tool ?? null,
            entry.args === undefined ? null : redactSecrets(JSON.stringify(entry.args)),
            entry.sql === undefined ? null : redactSecrets(entry.sql),
            entry.rowCount ?? null,
            entry.durationMs ?? null,
            entry.masked ?? null,
            entry.allowed ?? true,
            entry.error === undefined ? null : redactSecrets(entry.error),
          ],
        );
      } catch (error) {
        process.stderr.write(`audit log write failed: ${(error as Error).message}\n`);
      }
    },
  };
}
