import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, WarehouseQueryError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';
import { createPgliteConnection } from '../../warehouse/pglite-connection.js';
import { createPostgresConnection } from '../../warehouse/postgres-connection.js';
import { APP_MIGRATIONS, WAREHOUSE_MIGRATIONS } from '../../warehouse/schema.js';
import { announceSkip, TEST_POSTGRES_URL } from '../helpers/demo-fixture.js';

function connectionSuite(
  name: string,
  open: () => Promise<{ connection: SqlConnection; cleanup: () => Promise<void> }>,
): void {
  describe(`${name} connection`, () => {
    let connection: SqlConnection;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ connection, cleanup } = await open());
      await connection.exec(
        'CREATE TABLE IF NOT EXISTS items (id integer PRIMARY KEY, name text, amount numeric, day date, at timestamptz)',
      );
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it('runs parameterised queries and normalises types', async () => {
      await connection.query('INSERT INTO items VALUES ($1, $2, $3, $4, $5)', [
        1,
        "O'Brien; DROP TABLE items",
        '12.50',
        '2026-11-24',
        '2026-11-24T12:00:00Z',
      ]);
      const { rows } = await connection.query(
        'SELECT id, name, amount, day, at, COUNT(*) OVER () AS n FROM items WHERE id = $1',
        [1],
      );
      expect(rows).toEqual([
        {
          id: 1,
          name: "O'Brien; DROP TABLE items",
          amount: 12.5,
          day: '2026-11-24',
          at: '2026-11-24T12:00:00.000Z',
          n: 1,
        },
      ]);
    });

    it('bulk-inserts rows with quotes, commas, newlines and nulls', async () => {
      const rows = Array.from({ length: 2500 }, (_, index) => [
        index + 10,
        index % 7 === 0 ? null : `name, "${index}"\nline`,
        index / 4,
        '2026-01-02',
        null,
      ]);
      await connection.bulkInsert(
        'items',
        [
          { name: 'id', type: 'integer' },
          { name: 'name', type: 'text' },
          { name: 'amount', type: 'numeric' },
          { name: 'day', type: 'date' },
          { name: 'at', type: 'timestamptz' },
        ],
        rows,
      );
      const { rows: check } = await connection.query<{ n: number; nulls: number; sample: string }>(
        'SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE name IS NULL) AS nulls, MAX(name) FILTER (WHERE id = 11) AS sample FROM items WHERE id >= 10',
      );
      expect(check[0]).toEqual({ n: 2500, nulls: 358, sample: 'name, "1"\nline' });
    });

    it('streams rows in batches', async () => {
      const sizes: number[] = [];
      for await (const batch of connection.stream(
        'SELECT id FROM items WHERE id >= $1 ORDER BY id',
        [10],
        1000,
      ))
        sizes.push(batch.length);
      expect(sizes).toEqual([1000, 1000, 500]);
    });

    it('rolls a failed transaction back and refuses writes in a read-only one', async () => {
      await expect(
        connection.transaction(async (transaction) => {
          await transaction.query('INSERT INTO items (id) VALUES (2)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await connection.query('SELECT id FROM items WHERE id = 2')).rows).toEqual([]);
      await expect(
        connection.transaction((transaction) => transaction.query('DELETE FROM items'), {
          readOnly: true,
          statementTimeoutMs: 5000,
        }),
      ).rejects.toThrow(/read-only transaction/);
      expect((await connection.query<{ n: number }>('SELECT COUNT(*) AS n FROM items')).rows[0]!.n).toBe(
        2501,
      );
    });

    it('wraps database errors with the statement kept out of the message', async () => {
      const error = await connection.query('SELECT * FROM no_such_table').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WarehouseQueryError);
      expect((error as WarehouseQueryError).message).toBe(
        'The warehouse query failed: relation "no_such_table" does not exist',
      );
      expect((error as WarehouseQueryError).sql).toBe('SELECT * FROM no_such_table');
    });

    it('applies migrations once', async () => {
      expect(await migrate(connection, 'warehouse', WAREHOUSE_MIGRATIONS)).toEqual(
        WAREHOUSE_MIGRATIONS.map((migration) => migration.version),
      );
      // PostgreSQL servers without pgvector skip the vector migrations (DESIGN.md: vectors live on PGlite there).
      const { rows } = await connection.query<{ available: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available",
      );
      const expected = APP_MIGRATIONS.filter(
        (migration) => rows[0]!.available || !migration.requiresExtension,
      ).map((migration) => migration.version);
      expect(await migrate(connection, 'app', APP_MIGRATIONS)).toEqual(expected);
      expect(await migrate(connection, 'warehouse', WAREHOUSE_MIGRATIONS)).toEqual([]);
      expect(await migrate(connection, 'app', APP_MIGRATIONS)).toEqual([]);
    });
  });
}

connectionSuite('PGlite', async () => {
  const connection = await createPgliteConnection();
  return { connection, cleanup: () => connection.close() };
});

const postgresUrl = TEST_POSTGRES_URL;
if (postgresUrl) {
  connectionSuite('PostgreSQL', async () => {
    const admin = await createPostgresConnection({ url: postgresUrl });
    const database = `analyst_conn_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    await admin.exec(`CREATE DATABASE ${database}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    const connection = await createPostgresConnection({ url: url.toString() });
    return {
      connection,
      async cleanup() {
        await connection.close();
        await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.close();
      },
    };
  });
} else {
  announceSkip('PostgreSQL connection', 'TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)');
}

describe('PostgreSQL configuration errors', () => {
  it('names the fix for a malformed or unreachable URL, without the password', async () => {
    await expect(createPostgresConnection({ url: 'mysql://x' })).rejects.toThrow(
      "url: expected postgres://user:password@host:5432/database, got 'mysql://x'",
    );
    const error = await createPostgresConnection({ url: 'postgres://bob:hunter2@127.0.0.1:1/nothing' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^DATABASE_URL\/WAREHOUSE_URL: cannot connect to postgres:\/\/bob:\*\*\*@127\.0\.0\.1:1\/nothing: /,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });
});
