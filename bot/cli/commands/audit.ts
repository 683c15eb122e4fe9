import type { Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { renderTextTable } from '../../render/table.js';
import { type GlobalFlags, openRuntime } from '../runtime.js';

/** `analyst audit [--user U] [--since D] [--limit N]`: who asked what, the route, the SQL, rows, time, allowed or denied. */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Read the append-only audit log')
    .option('--user <id>', 'only this asker')
    .option('--since <date>', 'only entries at or after this date (YYYY-MM-DD or ISO timestamp)')
    .option('--limit <n>', 'most recent N entries', '100')
    .action(async (options: { user?: string; since?: string; limit: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
        throw new InvalidInputError(
          'limit_invalid',
          `--limit must be a whole number from 1 to 100000, got '${options.limit}'.`,
        );
      }
      let since: string | null = null;
      if (options.since) {
        const date = new Date(
          /^\d{4}-\d{2}-\d{2}$/.test(options.since) ? `${options.since}T00:00:00Z` : options.since,
        );
        if (Number.isNaN(date.getTime()))
          throw new InvalidInputError(
            'since_invalid',
            `--since '${options.since}' is not a date: use YYYY-MM-DD.`,
          );
        since = date.toISOString();
      }
      const runtime = await openRuntime(flags);
      try {
        const { rows } = await runtime.stores.app.query<Record<string, unknown>>(
          `SELECT audit_id, at, request_id, actor, surface, kind, tool, question, args, sql, row_count, duration_ms, masked, allowed, error
           FROM (SELECT * FROM app.audit_log WHERE ($1::text IS NULL OR actor = $1) AND ($2::timestamptz IS NULL OR at >= $2)
                 ORDER BY audit_id DESC LIMIT $3) recent
           ORDER BY audit_id`,
          [options.user ?? null, since, limit],
        );
        if (flags.json) {
          for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
          return;
        }
        const headers = ['at', 'actor', 'surface', 'kind', 'tool', 'detail', 'rows', 'ms', 'allowed'];
        const table = rows.map((row) => [
          String(row['at']).slice(0, 19).replace('T', ' '),
          String(row['actor']),
          String(row['surface']),
          String(row['kind']),
          String(row['tool'] ?? ''),
          String(row['question'] ?? row['sql'] ?? row['error'] ?? row['args'] ?? '').replace(/\s+/g, ' '),
          row['row_count'] === null ? '' : String(row['row_count']),
          row['duration_ms'] === null ? '' : Number(row['duration_ms']).toFixed(1),
          row['allowed'] === false ? 'DENIED' : 'yes',
        ]);
        process.stdout.write(
          `${renderTextTable({ headers, rows: table, numeric: headers.map((_, index) => index === 6 || index === 7) }, { maxRows: limit })}\n`,
        );
      } finally {
        await runtime.close();
      }
    });
}
