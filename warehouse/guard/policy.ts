/**
 * Guard policies: which tables and columns a role may read, how many rows a statement may return, and
 * the size limits that keep the guard itself cheap. The default policy is derived from the warehouse
 * DDL in `warehouse/schema.ts` (parsed with the same PostgreSQL parser), so new columns are known to
 * the guard as soon as a migration adds them.
 */
import { InvalidInputError } from '../../core/errors.js';
import { WAREHOUSE_MIGRATIONS } from '../schema.js';
import { ALLOWED_FUNCTIONS } from './allow-lists.js';
import { type AstObject, listField, nodeOf, nodeType, objectField, parseStatements } from './parser.js';

/** A readable table: its known columns (used to resolve unqualified names); undefined = not known. */
export interface GuardTable {
  readonly columns?: ReadonlySet<string>;
}

/** A compiled policy for one role. Build it with {@link createGuardPolicy}. */
export interface GuardPolicy {
  /** The asker's role ('analyst', 'compliance', 'support', 'admin', …). */
  readonly role: string;
  /** Readable tables keyed `schema.table` (e.g. `public.trades`). */
  readonly tables: ReadonlyMap<string, GuardTable>;
  /** Tables readable by name prefix, keyed by schema (default: `public` → `rollup_`). */
  readonly tablePrefixes: readonly { readonly schema: string; readonly prefix: string }[];
  /** Columns only some roles may read, keyed `schema.table.column` → those roles. */
  readonly restrictedColumns: ReadonlyMap<string, ReadonlySet<string>>;
  /** Functions that may be called (without a schema or with `pg_catalog.`). */
  readonly functions: ReadonlySet<string>;
  /** Row cap: `LIMIT maxRows` is injected when absent and lowered when larger. */
  readonly maxRows: number;
  /** Longer inputs are refused before parsing. */
  readonly maxInputLength: number;
  /** Deeper parse trees are refused (nested expressions and subqueries). */
  readonly maxDepth: number;
  /** Cap on the rows that `generate_series` calls with constant bounds would produce together. */
  readonly maxSeriesRows: number;
}

/** Options of {@link createGuardPolicy}; everything has a default. */
export interface GuardPolicyOptions {
  /** The asker's role; default 'analyst' (the most restricted). */
  readonly role?: string;
  /** Readable tables: `table` or `schema.table` → known columns (undefined = not known). Default: the warehouse tables. */
  readonly tables?: Readonly<Record<string, readonly string[] | undefined>>;
  /** Readable table name prefixes (`rollup_` or `schema.prefix`). Default: `['rollup_']`. */
  readonly tablePrefixes?: readonly string[];
  /** `table.column` or `schema.table.column` → roles that may read it. Default: {@link DEFAULT_RESTRICTED_COLUMNS}. */
  readonly restrictedColumns?: Readonly<Record<string, readonly string[]>>;
  /** Functions allowed on top of the built-in allow-list. */
  readonly extraFunctions?: readonly string[];
  /** Default 1000. */
  readonly maxRows?: number;
  /** Default 20,000 characters. */
  readonly maxInputLength?: number;
  /** Default 120 nested nodes. */
  readonly maxDepth?: number;
  /** Default 1,000,000. */
  readonly maxSeriesRows?: number;
}

/**
 * The warehouse tables analysts may read (DESIGN.md); rollups are allowed by prefix. Left out on
 * purpose: `ground_truth.*` (the AML answers no tool reads), `app.*` (audit log, conversations),
 * `schema_migrations`, `demo_metadata`, and every system catalog (`pg_catalog`, `information_schema`):
 * the schema is described by the `describe_data` tool instead.
 */
export const DEFAULT_TABLES: readonly string[] = [
  'users',
  'kyc_reviews',
  'assets',
  'products',
  'trades',
  'deposits',
  'withdrawals',
  'logins',
  'address_labels',
  'chain_transfers',
  'user_events',
  'feedback',
  'aml_alerts',
];

/** Personal data in the warehouse: readable by compliance and admins only. */
export const DEFAULT_RESTRICTED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'users.email': ['compliance', 'admin'],
  'users.phone': ['compliance', 'admin'],
  'users.full_name': ['compliance', 'admin'],
  'users.address': ['compliance', 'admin'],
};

let warehouseColumnsCache: Map<string, Set<string>> | undefined;

/**
 * Columns of every table the warehouse migrations create or alter, keyed `schema.table`, read from the
 * DDL with the PostgreSQL parser.
 */
export function warehouseColumns(): ReadonlyMap<string, ReadonlySet<string>> {
  if (warehouseColumnsCache) return warehouseColumnsCache;
  const columns = new Map<string, Set<string>>();
  for (const migration of WAREHOUSE_MIGRATIONS) {
    for (const { stmt } of parseStatements(migration.sql)) collectDdlColumns(stmt, columns);
  }
  warehouseColumnsCache = columns;
  return columns;
}

function collectDdlColumns(stmt: AstObject, columns: Map<string, Set<string>>): void {
  const type = nodeType(stmt);
  if (type === 'CreateStmt') {
    const create = nodeOf(stmt, 'CreateStmt');
    const key = relationKey(objectField(create, 'relation'));
    const set = columns.get(key) ?? new Set<string>();
    for (const element of listField(create, 'tableElts')) {
      const name = nodeOf(element, 'ColumnDef')?.['colname'];
      if (typeof name === 'string') set.add(name);
    }
    columns.set(key, set);
  } else if (type === 'AlterTableStmt') {
    const alter = nodeOf(stmt, 'AlterTableStmt');
    const key = relationKey(objectField(alter, 'relation'));
    const set = columns.get(key);
    if (!set) return;
    for (const command of listField(alter, 'cmds')) {
      const body = nodeOf(command, 'AlterTableCmd');
      const name = nodeOf(body?.['def'], 'ColumnDef')?.['colname'];
      if (body?.['subtype'] === 'AT_AddColumn' && typeof name === 'string') set.add(name);
      if (body?.['subtype'] === 'AT_DropColumn' && typeof body['name'] === 'string') set.delete(body['name']);
    }
  }
}

function relationKey(relation: AstObject | undefined): string {
  const schema = typeof relation?.['schemaname'] === 'string' ? relation['schemaname'] : 'public';
  return `${schema}.${String(relation?.['relname'] ?? '')}`;
}

/**
 * Compiles a policy. Throws an {@link InvalidInputError} naming the option when a value cannot work.
 *
 * @example
 * const policy = createGuardPolicy({ role: 'compliance', maxRows: 500 });
 * checkSql('SELECT email FROM users', policy); // allowed for compliance
 */
export function createGuardPolicy(options: GuardPolicyOptions = {}): GuardPolicy {
  const maxRows = positiveInteger('maxRows', options.maxRows ?? 1000);
  const tables = new Map<string, GuardTable>();
  if (options.tables) {
    for (const [name, columns] of Object.entries(options.tables)) {
      tables.set(qualify(name), columns ? { columns: new Set(columns) } : {});
    }
  } else {
    const known = warehouseColumns();
    for (const name of DEFAULT_TABLES) {
      const columns = known.get(`public.${name}`);
      tables.set(`public.${name}`, columns ? { columns } : {});
    }
    for (const [key, columns] of known) {
      if (key.startsWith('public.rollup_')) tables.set(key, { columns });
    }
  }
  const tablePrefixes = (options.tablePrefixes ?? ['rollup_']).map((entry) => {
    const dot = entry.indexOf('.');
    if (dot < 0) return { schema: 'public', prefix: entry };
    return { schema: entry.slice(0, dot), prefix: entry.slice(dot + 1) };
  });
  for (const { prefix } of tablePrefixes) {
    if (prefix.length < 3) {
      throw new InvalidInputError(
        'guard_policy_invalid',
        `tablePrefixes: '${prefix}' is too short to name a family of tables (use e.g. 'rollup_')`,
      );
    }
  }
  const restrictedColumns = new Map<string, ReadonlySet<string>>();
  for (const [name, roles] of Object.entries(options.restrictedColumns ?? DEFAULT_RESTRICTED_COLUMNS)) {
    const parts = name.split('.');
    if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) {
      throw new InvalidInputError(
        'guard_policy_invalid',
        `restrictedColumns: '${name}' must be 'table.column' or 'schema.table.column'`,
      );
    }
    restrictedColumns.set(parts.length === 2 ? `public.${name}` : name, new Set(roles));
  }
  return {
    role: options.role ?? 'analyst',
    tables,
    tablePrefixes,
    restrictedColumns,
    functions: options.extraFunctions
      ? new Set([...ALLOWED_FUNCTIONS, ...options.extraFunctions])
      : ALLOWED_FUNCTIONS,
    maxRows,
    maxInputLength: positiveInteger('maxInputLength', options.maxInputLength ?? 20_000),
    maxDepth: positiveInteger('maxDepth', options.maxDepth ?? 120),
    maxSeriesRows: positiveInteger('maxSeriesRows', options.maxSeriesRows ?? 1_000_000),
  };
}

function qualify(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError('guard_policy_invalid', `${name} must be a positive integer (got ${value})`);
  }
  return value;
}
