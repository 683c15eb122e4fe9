/**
 * Running guarded statements, with defence in depth: even a statement that slipped past the parser
 * runs in a READ ONLY transaction with a statement timeout and, on PostgreSQL servers where one is
 * configured, as a NOLOGIN role that can only SELECT the allow-listed tables and columns.
 */
import { InvalidInputError } from '../../core/errors.js';
import { type QueryResult, quoteIdentifier, type SqlConnection } from '../connection.js';
import { type AllowedVerdict, checkSql, type GuardDenialCode, type GuardVerdict } from './check.js';
import type { GuardPolicy } from './policy.js';

/** A statement the guard refused; `code` is the verdict's code, the message its reason. */
export class SqlGuardError extends InvalidInputError {
  readonly reason: string;

  constructor(code: GuardDenialCode, reason: string) {
    super(code, `This SQL cannot run: ${reason}.`);
    this.reason = reason;
  }
}

/** Options of {@link executeGuardedQuery}. */
export interface GuardedQueryOptions {
  /** PostgreSQL `statement_timeout` for the statement, in milliseconds. */
  readonly statementTimeoutMs: number;
  /**
   * A role made by {@link ensureReadOnlyRole}; the statement runs after `SET LOCAL ROLE` to it. Leave
   * unset on stores without roles (ClickHouse, where read-only mode comes from the connection).
   */
  readonly databaseRole?: string;
}

/**
 * Runs an allowed verdict's SQL in a READ ONLY transaction with a statement timeout (and as the
 * read-only database role when one is given). A denied verdict throws {@link SqlGuardError}.
 *
 * @example
 * const verdict = checkSql(input, policy);
 * const { rows } = await executeGuardedQuery(stores.warehouse, verdict, { statementTimeoutMs: 5000 });
 */
export async function executeGuardedQuery(
  connection: SqlConnection,
  verdict: GuardVerdict,
  options: GuardedQueryOptions,
): Promise<QueryResult> {
  if (!verdict.allowed) throw new SqlGuardError(verdict.code, verdict.reason);
  if (!Number.isFinite(options.statementTimeoutMs) || options.statementTimeoutMs <= 0) {
    throw new InvalidInputError(
      'guard_options_invalid',
      `statementTimeoutMs must be a positive number of milliseconds (got ${options.statementTimeoutMs})`,
    );
  }
  const sql = verdict.sql;
  return connection.transaction(
    async (transaction) => {
      if (options.databaseRole && connection.dialect === 'postgres') {
        await transaction.exec(`SET LOCAL ROLE ${quoteIdentifier(options.databaseRole)}`);
      }
      return transaction.query(sql);
    },
    { readOnly: true, statementTimeoutMs: options.statementTimeoutMs },
  );
}

/** The verdict and, when allowed, the rows. */
export interface GuardedRun {
  readonly verdict: AllowedVerdict;
  readonly result: QueryResult;
}

/** Checks and runs in one call; a denied statement throws {@link SqlGuardError} before touching the store. */
export async function runGuardedSql(
  connection: SqlConnection,
  sql: string,
  policy: GuardPolicy,
  options: GuardedQueryOptions,
): Promise<GuardedRun> {
  const verdict = checkSql(sql, policy);
  if (!verdict.allowed) throw new SqlGuardError(verdict.code, verdict.reason);
  return { verdict, result: await executeGuardedQuery(connection, verdict, options) };
}

/** What {@link ensureReadOnlyRole} granted. */
export interface ReadOnlyRoleGrants {
  readonly role: string;
  /** Tables granted in full, `schema.table`. */
  readonly tables: readonly string[];
  /** Tables granted column by column because some columns are restricted for the policy's role. */
  readonly columnGrants: Readonly<Record<string, readonly string[]>>;
}

/**
 * Creates (or refreshes) a NOLOGIN database role that can SELECT exactly what `policy` allows: the
 * allow-listed tables that exist (rollups by prefix), and on tables with restricted columns only the
 * columns the policy's role may read. It is granted to the connecting user so that
 * `SET LOCAL ROLE` works inside guarded transactions. Run it as an administrator after migrations and
 * after rollups are (re)built; it is idempotent. Works on PostgreSQL servers and on PGlite.
 *
 * @example
 * await ensureReadOnlyRole(adminConnection, 'analyst_readonly', createGuardPolicy({ role: 'analyst' }));
 * await executeGuardedQuery(warehouse, verdict, { statementTimeoutMs: 5000, databaseRole: 'analyst_readonly' });
 */
export async function ensureReadOnlyRole(
  adminConnection: SqlConnection,
  roleName: string,
  policy: GuardPolicy,
): Promise<ReadOnlyRoleGrants> {
  if (adminConnection.dialect !== 'postgres') {
    throw new InvalidInputError(
      'guard_role_unsupported',
      'read-only database roles exist on PostgreSQL only; ClickHouse runs guarded SQL with readonly=1',
    );
  }
  if (roleName.trim() === '' || roleName.length > 63) {
    throw new InvalidInputError('guard_role_invalid', 'the role name must be 1 to 63 characters');
  }
  const role = quoteIdentifier(roleName);
  const existing = await adminConnection.query<{
    table_schema: string;
    table_name: string;
    column_name: string;
  }>(
    `SELECT table_schema, table_name, column_name FROM information_schema.columns
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name, ordinal_position`,
  );
  const columnsByTable = new Map<string, string[]>();
  for (const row of existing.rows) {
    const key = `${row.table_schema}.${row.table_name}`;
    const list = columnsByTable.get(key) ?? [];
    list.push(row.column_name);
    columnsByTable.set(key, list);
  }
  const tables: string[] = [];
  const columnGrants: Record<string, string[]> = {};
  const schemas = new Set<string>();
  const statements: string[] = [];
  for (const [key, columns] of columnsByTable) {
    const dot = key.indexOf('.');
    const schema = key.slice(0, dot);
    const name = key.slice(dot + 1);
    const allowed =
      policy.tables.has(key) ||
      policy.tablePrefixes.some((entry) => entry.schema === schema && name.startsWith(entry.prefix));
    if (!allowed) continue;
    schemas.add(schema);
    const target = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
    const readable = columns.filter((column) => {
      const roles = policy.restrictedColumns.get(`${key}.${column}`);
      return !roles || roles.has(policy.role);
    });
    if (readable.length === columns.length) {
      statements.push(`GRANT SELECT ON ${target} TO ${role}`);
      tables.push(key);
    } else if (readable.length > 0) {
      statements.push(`GRANT SELECT (${readable.map(quoteIdentifier).join(', ')}) ON ${target} TO ${role}`);
      columnGrants[key] = readable;
    }
  }
  await adminConnection.transaction(async (transaction) => {
    const { rows } = await transaction.query<{ found: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS found',
      [roleName],
    );
    if (!rows[0]?.found) await transaction.exec(`CREATE ROLE ${role} NOLOGIN`);
    // Start from nothing so that a table or column dropped from the policy loses its grant.
    for (const schema of new Set([...schemas, 'public'])) {
      await transaction.exec(`REVOKE ALL ON ALL TABLES IN SCHEMA ${quoteIdentifier(schema)} FROM ${role}`);
    }
    for (const schema of schemas) {
      await transaction.exec(`GRANT USAGE ON SCHEMA ${quoteIdentifier(schema)} TO ${role}`);
    }
    for (const statement of statements) await transaction.exec(statement);
    await transaction.exec(`GRANT ${role} TO CURRENT_USER`);
  });
  return { role: roleName, tables, columnGrants };
}
