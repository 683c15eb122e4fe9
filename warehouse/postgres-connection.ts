import pg from 'pg';
import { ConfigurationError, WarehouseQueryError } from '../core/errors.js';
import {
  type BulkColumn,
  POSTGRES_PARSERS,
  type QueryResult,
  quoteIdentifier,
  type SqlConnection,
  type TransactionOptions,
} from './connection.js';
import { cursorBatches } from './pglite-connection.js';

/** Options of a PostgreSQL server connection. */
export interface PostgresConnectionOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Pool size; the bot's own work is mostly sequential. */
  readonly maxConnections?: number;
}

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    const parser = POSTGRES_PARSERS[oid];
    if (parser && format !== 'binary') return parser;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens a pooled connection to a PostgreSQL server (`DATABASE_URL` / `WAREHOUSE_URL`). */
export async function createPostgresConnection(options: PostgresConnectionOptions): Promise<SqlConnection> {
  if (!/^postgres(ql)?:\/\//.test(options.url)) {
    throw new ConfigurationError(
      'url',
      `expected postgres://user:password@host:5432/database, got '${redactUrl(options.url)}'`,
    );
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 4,
    // Every date computation in the semantic layer is UTC (DESIGN.md time conventions).
    options: '-c TimeZone=UTC',
    types: typeParsers as pg.CustomTypesConfig,
  });
  // An idle client dropped by the server (restart, DROP DATABASE … FORCE) must not crash the process;
  // the next query reconnects or fails with its own error.
  pool.on('error', () => undefined);
  // Fail fast with a clear message when the server is not there.
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ConfigurationError(
      'DATABASE_URL/WAREHOUSE_URL',
      `cannot connect to ${redactUrl(options.url)}: ${(error as Error).message}`,
    );
  }
  let closed = false;
  const connection = wrap(pool, false);
  return {
    ...connection,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

type Queryable = pg.Pool | pg.PoolClient;

function wrap(session: Queryable, inTransaction: boolean): SqlConnection {
  const query = async <Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> => {
    try {
      const result = await session.query(sql, params as unknown[]);
      return {
        rows: result.rows as Row[],
        fields: (result.fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.dataTypeID })),
      };
    } catch (error) {
      throw new WarehouseQueryError(sql, error);
    }
  };
  const connection: SqlConnection = {
    dialect: 'postgres',
    kind: 'postgres',
    query,
    async exec(sql) {
      await query(sql);
    },
    async *stream<Row>(sql: string, params: readonly unknown[] = [], batchSize = 5000) {
      if (inTransaction) {
        yield* cursorBatches<Row>(connection, sql, params, batchSize);
        return;
      }
      const client = await (session as pg.Pool).connect();
      try {
        await client.query('BEGIN');
        yield* cursorBatches<Row>(wrap(client, true), sql, params, batchSize);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async transaction(work, options) {
      if (inTransaction) return work(connection);
      const client = await (session as pg.Pool).connect();
      try {
        await client.query('BEGIN');
        await applyTransactionOptions(client, options);
        const result = await work(wrap(client, true));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async bulkInsert(table, columns, rows) {
      if (rows.length === 0) return;
      // One statement per batch: unnest of typed arrays keeps it parameterised and fast.
      const names = columns.map((column: BulkColumn) => quoteIdentifier(column.name)).join(', ');
      const arrays = columns.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ');
      const sql = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
      const batch = 20_000;
      for (let start = 0; start < rows.length; start += batch) {
        const slice = rows.slice(start, start + batch);
        const params = columns.map((_column, index) =>
          slice.map((row) => {
            const value = row[index];
            if (value === undefined) return null;
            if (value !== null && typeof value === 'object' && !(value instanceof Date))
              return JSON.stringify(value);
            return value;
          }),
        );
        await query(sql, params);
      }
    },
    async close() {},
  };
  return connection;
}

async function applyTransactionOptions(
  client: pg.PoolClient,
  options: TransactionOptions | undefined,
): Promise<void> {
  if (options?.readOnly) await client.query('SET TRANSACTION READ ONLY');
  if (options?.statementTimeoutMs) {
    await client.query(
      `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.statementTimeoutMs))}`,
    );
  }
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
