import { mkdirSync } from 'node:fs';
import { PGlite, type PGliteInterface, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { WarehouseQueryError } from '../core/errors.js';
import {
  type BulkColumn,
  csvField,
  POSTGRES_PARSERS,
  type QueryResult,
  quoteIdentifier,
  type SqlConnection,
  type TransactionOptions,
} from './connection.js';

/** Options of the embedded store. */
export interface PgliteConnectionOptions {
  /** Data directory; omitted = in memory (tests). */
  readonly dataDir?: string;
}

/**
 * Opens the embedded PostgreSQL (PGlite, WASM) with the pgvector extension loaded.
 * One instance per data directory per process: PGlite cannot share a directory between instances.
 */
export async function createPgliteConnection(options: PgliteConnectionOptions = {}): Promise<SqlConnection> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const database = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { vector },
    parsers: POSTGRES_PARSERS,
  });
  // Every date computation in the semantic layer is UTC (DESIGN.md time conventions).
  await database.exec("SET TimeZone = 'UTC'; CREATE EXTENSION IF NOT EXISTS vector");
  let closed = false;
  const connection = wrap(database, false);
  return {
    ...connection,
    async close() {
      if (closed) return;
      closed = true;
      await database.close();
    },
  };
}

function wrap(session: PGliteInterface | Transaction, inTransaction: boolean): SqlConnection {
  const query = async <Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> => {
    try {
      const result = await session.query<Row>(sql, params as unknown[]);
      return {
        rows: result.rows,
        fields: result.fields.map((field) => ({ name: field.name, dataTypeId: field.dataTypeID })),
      };
    } catch (error) {
      throw new WarehouseQueryError(sql, error);
    }
  };
  const connection: SqlConnection = {
    dialect: 'postgres',
    kind: 'pglite',
    query,
    async exec(sql) {
      try {
        await session.exec(sql);
      } catch (error) {
        throw new WarehouseQueryError(sql, error);
      }
    },
    async *stream<Row>(sql: string, params: readonly unknown[] = [], batchSize = 5000) {
      // PGlite has no cursor API of its own; a SQL cursor inside a transaction does the same job.
      if (inTransaction) {
        yield* cursorBatches<Row>(connection, sql, params, batchSize);
        return;
      }
      const batches: Row[][] = [];
      await connection.transaction(async (transaction) => {
        for await (const batch of cursorBatches<Row>(transaction, sql, params, batchSize))
          batches.push(batch);
      });
      // PGlite runs in this process, so the rows were never on a wire; yielding after the transaction
      // keeps the single session free for other callers.
      yield* batches;
    },
    async transaction(work, options) {
      if (inTransaction) return work(connection);
      return (session as PGliteInterface).transaction(async (transaction) => {
        await applyTransactionOptions(transaction, options);
        return work(wrap(transaction, true));
      }) as Promise<Awaited<ReturnType<typeof work>>>;
    },
    async bulkInsert(table, columns, rows) {
      if (rows.length === 0) return;
      const csv = rows.map((row) => row.map(csvField).join(',')).join('\n');
      const sql = `COPY ${table} (${columns.map((column: BulkColumn) => quoteIdentifier(column.name)).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
      try {
        await session.query(sql, [], { blob: new Blob([csv]) });
      } catch (error) {
        throw new WarehouseQueryError(sql, error);
      }
    },
    async copyFrom(sql, data) {
      try {
        await session.query(sql, [], { blob: new Blob([data]) });
      } catch (error) {
        throw new WarehouseQueryError(sql, error);
      }
    },
    async close() {},
  };
  return connection;
}

async function applyTransactionOptions(
  transaction: Transaction,
  options: TransactionOptions | undefined,
): Promise<void> {
  if (options?.readOnly) await transaction.exec('SET TRANSACTION READ ONLY');
  if (options?.statementTimeoutMs) {
    await transaction.exec(
      `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.statementTimeoutMs))}`,
    );
  }
}

/** Yields batches from a SQL cursor; the caller must be inside a transaction. */
export async function* cursorBatches<Row>(
  transaction: SqlConnection,
  sql: string,
  params: readonly unknown[],
  batchSize: number,
): AsyncIterable<Row[]> {
  const cursor = `analyst_cursor_${Math.random().toString(36).slice(2, 10)}`;
  await transaction.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const { rows } = await transaction.query<Row>(
        `FETCH ${Math.max(1, Math.floor(batchSize))} FROM ${cursor}`,
      );
      if (rows.length === 0) break;
      yield rows;
    }
  } finally {
    await transaction.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}
