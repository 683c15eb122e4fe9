import type { SqlConnection } from './connection.js';
import type { Migration } from './schema.js';

/**
 * Applies the migrations of one target that are not applied yet, each in its own transaction, and
 * records them. Running it twice changes nothing.
 */
export async function migrate(
  connection: SqlConnection,
  target: 'warehouse' | 'app',
  migrations: readonly Migration[],
): Promise<number[]> {
  await connection.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    target text NOT NULL,
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (target, version)
  )`);
  const { rows } = await connection.query<{ version: number }>(
    'SELECT version FROM schema_migrations WHERE target = $1',
    [target],
  );
  const applied = new Set(rows.map((row) => Number(row.version)));
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    if (migration.requiresExtension && !(await ensureExtension(connection, migration.requiresExtension))) {
      process.stderr.write(
        `note: ${target} migration ${migration.version} (${migration.name}) skipped: the database has no '${migration.requiresExtension}' extension\n`,
      );
      continue;
    }
    await connection.transaction(async (transaction) => {
      await transaction.exec(migration.sql);
      await transaction.query(
        'INSERT INTO schema_migrations (target, version, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [target, migration.version, migration.name],
      );
    });
    done.push(migration.version);
  }
  return done;
}

/** Creates the extension when the server offers it; false when it does not. */
async function ensureExtension(connection: SqlConnection, name: string): Promise<boolean> {
  const { rows } = await connection.query<{ available: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = $1) AS available',
    [name],
  );
  if (!rows[0]?.available) return false;
  await connection.exec(`CREATE EXTENSION IF NOT EXISTS ${name.replace(/[^a-z0-9_]/g, '')}`);
  return true;
}
