import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlConnection } from '../../../warehouse/connection.js';
import {
  checkSql,
  createGuardPolicy,
  ensureReadOnlyRole,
  executeGuardedQuery,
  type GuardVerdict,
} from '../../../warehouse/guard/index.js';
import { migrate } from '../../../warehouse/migrate.js';
import { createPostgresConnection } from '../../../warehouse/postgres-connection.js';
import { APP_MIGRATIONS, WAREHOUSE_MIGRATIONS } from '../../../warehouse/schema.js';
import { readCorpus } from './corpus-lines.js';

/** Set by .ci/run, which starts the PostgreSQL 15 server. */
const url = process.env['TEST_POSTGRES_URL'];
if (!url) {
  process.stderr.write(
    '[skip] SQL guard on PostgreSQL: TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)\n',
  );
}

function forged(sql: string): GuardVerdict {
  return { allowed: true, sql, tables: [], limit: 1 };
}

describe.skipIf(!url)('SQL guard on a PostgreSQL server', () => {
  const suffix = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const database = `guard_test_${suffix}`;
  const role = `guard_readonly_${suffix}`;
  const analyst = createGuardPolicy({ role: 'analyst' });
  let admin: SqlConnection;
  let warehouse: SqlConnection;

  beforeAll(async () => {
    admin = await createPostgresConnection({ url: url! });
    await admin.exec(`CREATE DATABASE ${database}`);
    const target = new URL(url!);
    target.pathname = `/${database}`;
    warehouse = await createPostgresConnection({ url: target.toString() });
    await migrate(warehouse, 'warehouse', WAREHOUSE_MIGRATIONS);
    await migrate(warehouse, 'app', APP_MIGRATIONS);
    await warehouse.exec(
      "INSERT INTO users VALUES (1, 'a@example.com', '+100', 'Ann Example', '1 Main St', 'US', 2, 1, 'web', 'active', '2026-01-01T00:00:00Z')",
    );
  });

  afterAll(async () => {
    await warehouse?.close();
    if (!admin) return;
    await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    // Roles are cluster-wide: remove the one this run made.
    await admin.exec(`DROP ROLE IF EXISTS ${role}`);
    await admin.close();
  });

  it('runs every legitimate statement', async () => {
    const failures: string[] = [];
    for (const line of readCorpus('legit')) {
      const verdict = checkSql(line.sql, analyst);
      try {
        await executeGuardedQuery(warehouse, verdict, { statementTimeoutMs: 10_000 });
      } catch (error) {
        failures.push(`${line.id}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('cancels a statement that outruns the timeout', async () => {
    await expect(
      executeGuardedQuery(warehouse, forged('SELECT pg_sleep(5)'), { statementTimeoutMs: 100 }),
    ).rejects.toThrow('canceling statement due to statement timeout');
  });

  it('refuses writes in the read-only transaction', async () => {
    await expect(
      executeGuardedQuery(warehouse, forged('DELETE FROM users'), { statementTimeoutMs: 5000 }),
    ).rejects.toThrow('read-only transaction');
  });

  it('runs as the read-only role, which cannot read what the policy forbids', async () => {
    await ensureReadOnlyRole(warehouse, role, analyst);
    const options = { statementTimeoutMs: 5000, databaseRole: role };
    const result = await executeGuardedQuery(
      warehouse,
      checkSql('SELECT user_id, country FROM users', analyst),
      options,
    );
    expect(result.rows).toEqual([{ user_id: 1, country: 'US' }]);
    for (const sql of [
      'SELECT email FROM users',
      'SELECT * FROM ground_truth.aml_cases',
      'SELECT * FROM app.audit_log',
    ]) {
      await expect(executeGuardedQuery(warehouse, forged(sql), options), sql).rejects.toThrow(
        'permission denied',
      );
    }
    // Privileges are revoked by REVOKE in the test database before the role can be dropped.
    await warehouse.exec(
      `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}; REVOKE USAGE ON SCHEMA public FROM ${role}`,
    );
  });
});
