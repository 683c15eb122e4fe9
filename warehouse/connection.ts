/**
 * One small interface over every SQL store the bot talks to. The embedded PGlite store, a PostgreSQL
 * server and (later) ClickHouse implement it; nothing above `warehouse/` knows which one it has.
 */
export type Dialect = 'postgres' | 'clickhouse';

/** A column of a result, with the database's type name where the driver knows it. */
export interface ResultField {
  readonly name: string;
  readonly dataTypeId?: number;
}

/** Rows of a statement, as plain objects: numbers for numeric types, 'YYYY-MM-DD' for dates, ISO strings for timestamps. */
export interface QueryResult<Row = Record<string, unknown>> {
  readonly rows: Row[];
  readonly fields: readonly ResultField[];
}

/** Options of a transaction. */
export interface TransactionOptions {
  /** Run as READ ONLY: any write fails inside the database, whatever the SQL says. */
  readonly readOnly?: boolean;
  /** Cancel statements that run longer than this (PostgreSQL `statement_timeout`). */
  readonly statementTimeoutMs?: number;
}

/** A column of a bulk load and the SQL type used to cast it. */
export interface BulkColumn {
  readonly name: string;
  readonly type: string;
}

/** A connection (or pool) to one SQL store. */
export interface SqlConnection {
  /** Which SQL dialect the statements must be written in. */
  readonly dialect: Dialect;
  /** Which implementation this is; tests and the audit log use it. */
  readonly kind: 'pglite' | 'postgres' | 'clickhouse';
  /** Runs one statement with positional parameters ($1, $2, …). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /** Streams the rows of a query in batches, without holding them all in memory. */
  stream<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    batchSize?: number,
  ): AsyncIterable<Row[]>;
  /** Runs `work` in one transaction on one session; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (transaction: SqlConnection) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Appends rows to a table as fast as the store allows (COPY on PGlite, unnest batches on PostgreSQL). */
  bulkInsert(
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void>;
  /**
   * Runs a `COPY … FROM '/dev/blob'` statement with `data` as the file (PGlite only; absent elsewhere).
   * Used for binary COPY of vectors, which skips formatting and parsing floats as text (25× cheaper).
   */
  copyFrom?(sql: string, data: Uint8Array): Promise<void>;
  /** Releases the connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Formats a value the way result rows present it (used by both PostgreSQL drivers). */
export function normaliseDate(value: string): string {
  return value.length >= 10 ? value.slice(0, 10) : value;
}

/** Turns a PostgreSQL timestamp text ('2026-11-24 12:00:00+00') into an ISO string. */
export function normaliseTimestamp(value: string): string {
  const date = new Date(
    value.includes('T') ? value : value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'),
  );
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** Type parsers shared by PGlite and `pg`, keyed by PostgreSQL type oid. */
export const POSTGRES_PARSERS: Readonly<Record<number, (value: string) => unknown>> = {
  20: (value) => Number(value), // int8: counts fit in a double at this bot's scale
  1700: (value) => Number(value), // numeric: analytics want numbers, not strings
  1082: normaliseDate, // date
  1114: normaliseTimestamp, // timestamp
  1184: normaliseTimestamp, // timestamptz
};

/** Quotes an identifier for PostgreSQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A CSV field for COPY … (FORMAT csv): NULL is the empty unquoted field. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return csvQuote(JSON.stringify(value));
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? csvQuote(text) : text;
}

function csvQuote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
