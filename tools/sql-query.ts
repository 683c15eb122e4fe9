import { z } from 'zod';
import { checkSql, createGuardPolicy, executeGuardedQuery, SqlGuardError } from '../warehouse/guard/index.js';
import { defineTool, type ExecutedSql } from './define-tool.js';

/** Input of `sql_query`. */
export const sqlQueryInput = z.object({
  sql: z
    .string()
    .min(1)
    .max(20_000)
    .describe(
      'One read-only SELECT (CTEs allowed) over the warehouse tables. Example: SELECT country, count(*) FROM users GROUP BY country',
    ),
});

/** Result of `sql_query`. */
export interface SqlQueryResult {
  readonly kind: 'sql';
  readonly columns: readonly string[];
  readonly rows: Record<string, unknown>[];
  /** True when the row cap cut the result. */
  readonly truncated: boolean;
  /** The LIMIT the statement ran with (injected or capped by the guard). */
  readonly limit: number;
  readonly tables: readonly string[];
  readonly summary: string;
  readonly sql: ExecutedSql[];
}

/**
 * `sql_query`: a user's own SELECT, checked by the SQL guard (a real PostgreSQL parser, allow-listed
 * tables, columns and functions, LIMIT injected or capped) and run in a READ ONLY transaction with a
 * statement timeout. Columns the asker's role may not read are refused, not silently dropped.
 */
export const sqlQueryTool = defineTool({
  name: 'sql_query',
  description:
    'Run one read-only SELECT statement written by the user against the warehouse tables (users, trades, deposits, withdrawals, kyc_reviews, logins, chain_transfers, address_labels, assets, products, user_events, feedback, aml_alerts and the rollup_* tables). Writes, multiple statements, system catalogs and dangerous functions are refused.',
  input: sqlQueryInput,
  async run(input, context): Promise<SqlQueryResult> {
    // One row more than the cap, so a cut result can be told from one that fits exactly.
    const policy = createGuardPolicy({ role: context.asker.role, maxRows: context.maxRows + 1 });
    const verdict = checkSql(input.sql, policy);
    if (!verdict.allowed) {
      await context.audit.record({
        kind: 'denied',
        tool: 'sql_query',
        sql: input.sql,
        allowed: false,
        error: verdict.reason,
      });
      throw new SqlGuardError(verdict.code, verdict.reason);
    }
    const started = performance.now();
    try {
      const result = await executeGuardedQuery(context.warehouse, verdict, {
        statementTimeoutMs: context.statementTimeoutMs,
      });
      const durationMs = performance.now() - started;
      const truncated = result.rows.length > context.maxRows;
      const rows = truncated ? result.rows.slice(0, context.maxRows) : result.rows;
      await context.audit.record({
        kind: 'sql',
        tool: 'sql_query',
        sql: verdict.sql,
        rowCount: rows.length,
        durationMs,
      });
      return {
        kind: 'sql',
        columns: result.fields.map((field) => field.name),
        rows,
        truncated,
        limit: Math.min(verdict.limit, context.maxRows),
        tables: verdict.tables,
        summary: `Ran your SELECT over ${verdict.tables.join(', ') || 'no table'}.`,
        sql: [{ sql: verdict.sql, params: [], rowCount: rows.length, durationMs }],
      };
    } catch (error) {
      await context.audit.record({
        kind: 'sql',
        tool: 'sql_query',
        sql: verdict.sql,
        durationMs: performance.now() - started,
        error: (error as Error).message,
      });
      throw error;
    }
  },
});
