import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED_DIR } from '../../core/config.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { generateDemoWarehouse } from '../../warehouse/demo/generate.js';
import { migrate } from '../../warehouse/migrate.js';
import { createPgliteConnection } from '../../warehouse/pglite-connection.js';
import { createPostgresConnection } from '../../warehouse/postgres-connection.js';
import { APP_MIGRATIONS, WAREHOUSE_MIGRATIONS } from '../../warehouse/schema.js';
import { buildRollups, clearSemanticCaches } from '../../warehouse/semantic/index.js';

/** The fixed clock of the tests: a Tuesday, as in DESIGN.md. */
export const TEST_NOW = new Date('2026-11-24T12:00:00Z');

/** Banking77 texts feed the demo feedback; without ../shared the generator cannot run. */
export const FEEDBACK_CSV = resolve(SHARED_DIR, 'data', 'banking77', 'train.csv');
export const HAVE_SHARED = existsSync(FEEDBACK_CSV);

/** PostgreSQL server for the suites that run on both stores (set by .ci/run). */
export const TEST_POSTGRES_URL = process.env['TEST_POSTGRES_URL'];

/** Prints why a suite is skipped, so a skip is never silent. */
export function announceSkip(suite: string, reason: string): void {
  process.stderr.write(`[skip] ${suite}: ${reason}\n`);
}

/** A migrated, generated small demo warehouse with rollups on the given connection. */
export async function loadDemo(
  connection: SqlConnection,
  options: { scale?: number; seed?: number; now?: Date } = {},
): Promise<SqlConnection> {
  await migrate(connection, 'warehouse', WAREHOUSE_MIGRATIONS);
  await migrate(connection, 'app', APP_MIGRATIONS);
  await generateDemoWarehouse(connection, {
    scale: options.scale ?? 0.02,
    seed: options.seed ?? 7,
    now: options.now ?? TEST_NOW,
    feedbackCsvPath: FEEDBACK_CSV,
    silent: true,
  });
  await buildRollups(connection);
  clearSemanticCaches(connection);
  return connection;
}

/** An in-memory PGlite demo warehouse. */
export async function pgliteDemo(
  options: { scale?: number; seed?: number; now?: Date } = {},
): Promise<SqlConnection> {
  return loadDemo(await createPgliteConnection(), options);
}

/** A demo warehouse in a fresh schema of the PostgreSQL test server (dropped by the returned cleanup). */
export async function postgresDemo(
  url: string,
  options: { scale?: number; seed?: number; now?: Date } = {},
): Promise<{ connection: SqlConnection; cleanup: () => Promise<void> }> {
  const admin = await createPostgresConnection({ url });
  const database = `analyst_test_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await admin.exec(`CREATE DATABASE ${database}`);
  const target = new URL(url);
  target.pathname = `/${database}`;
  const connection = await createPostgresConnection({ url: target.toString() });
  await loadDemo(connection, options);
  return {
    connection,
    async cleanup() {
      await connection.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.close();
    },
  };
}
