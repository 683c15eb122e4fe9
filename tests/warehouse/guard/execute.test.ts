import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlConnection } from '../../../warehouse/connection.js';
import {
  checkSql,
  createGuardPolicy,
  ensureReadOnlyRole,
  executeGuardedQuery,
  type GuardVerdict,
  runGuardedSql,
  SqlGuardError,
} from '../../../warehouse/guard/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';

const analyst = createGuardPolicy({ role: 'analyst' });

/** A verdict the guard would never give: proves the transaction itself refuses what slips through. */
function forged(sql: string): GuardVerdict {
  return { allowed: true, sql, tables: [], limit: 1 };
}

describe('executeGuardedQuery', () => {
  let stores: Stores;
  let warehouse: SqlConnection;
  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
    warehouse = stores.warehouse;
    await warehouse.exec(
      "INSERT INTO assets VALUES ('BTC', 'Bitcoin', 'layer1', 'bitcoin', 90000, false), ('USDT', 'Tether', 'stablecoin', 'ethereum,tron', 1, true)",
    );
    await warehouse.exec(
      "INSERT INTO users VALUES (1, 'a@example.com', '+100', 'Ann Example', '1 Main St', 'US', 2, 1, 'web', 'active', '2026-01-01T00:00:00Z')",
    );
  });
  afterAll(async () => {
    await stores.close();
  });

  it('runs an allowed verdict and returns its rows, capped by the injected LIMIT', async () => {
    const verdict = checkSql('SELECT symbol FROM assets ORDER BY symbol', createGuardPolicy({ maxRows: 1 }));
    const result = await executeGuardedQuery(warehouse, verdict, { statementTimeoutMs: 5000 });
    expect(result.rows).toEqual([{ symbol: 'BTC' }]);
  });

  it('throws the verdict as a SqlGuardError for a denied statement, before touching the store', async () => {
    const verdict = checkSql('DELETE FROM assets', analyst);
    const error = await executeGuardedQuery(warehouse, verdict, { statementTimeoutMs: 5000 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SqlGuardError);
    expect((error as SqlGuardError).code).toBe('sql_not_select');
    expect((error as SqlGuardError).message).toBe(
      'This SQL cannot run: only SELECT statements are allowed (got DELETE).',
    );
    expect((error as SqlGuardError).isUserError).toBe(true);
    const { rows } = await warehouse.query<{ count: number }>('SELECT count(*)::int AS count FROM assets');
    expect(rows[0]?.count).toBe(2);
  });

  it('refuses writes inside the database even when a statement slips past the guard', async () => {
    for (const sql of [
      'DELETE FROM assets',
      'WITH d AS (DELETE FROM assets RETURNING *) SELECT count(*) FROM d',
      'SELECT * INTO stolen FROM assets',
      "SELECT nextval('app.audit_log_audit_id_seq')",
    ]) {
      await expect(
        executeGuardedQuery(warehouse, forged(sql), { statementTimeoutMs: 5000 }),
        sql,
      ).rejects.toThrow('read-only transaction');
    }
    const { rows } = await warehouse.query<{ count: number }>('SELECT count(*)::int AS count FROM assets');
    expect(rows[0]?.count).toBe(2);
  });

  it('sets statement_timeout for the statement (PGlite does not enforce it; postgres.test.ts checks the server)', async () => {
    const result = await executeGuardedQuery(
      warehouse,
      forged(
        "SELECT current_setting('statement_timeout') AS timeout, current_setting('transaction_read_only') AS ro",
      ),
      { statementTimeoutMs: 1500 },
    );
    expect(result.rows).toEqual([{ timeout: '1500ms', ro: 'on' }]);
  });

  it('checks its options', async () => {
    const verdict = checkSql('SELECT 1', analyst);
    await expect(executeGuardedQuery(warehouse, verdict, { statementTimeoutMs: 0 })).rejects.toThrow(
      'statementTimeoutMs must be a positive number of milliseconds (got 0)',
    );
  });

  it('runGuardedSql checks and runs in one call', async () => {
    const { verdict, result } = await runGuardedSql(
      warehouse,
      'SELECT count(*)::int AS n FROM assets',
      analyst,
      {
        statementTimeoutMs: 5000,
      },
    );
    expect(verdict.sql).toBe('SELECT count(*)::int AS n FROM assets\nLIMIT 1000');
    expect(result.rows).toEqual([{ n: 2 }]);
    await expect(
      runGuardedSql(warehouse, 'SELECT email FROM users', analyst, { statementTimeoutMs: 5000 }),
    ).rejects.toThrow('This SQL cannot run: column users.email is not allowed for role analyst.');
  });

  describe('read-only database role', () => {
    it('can SELECT exactly the allow-listed tables and the columns the role may read', async () => {
      const grants = await ensureReadOnlyRole(warehouse, 'analyst_readonly', analyst);
      expect(grants.tables).toContain('public.trades');
      expect(grants.tables).not.toContain('public.users');
      expect(grants.tables).not.toContain('ground_truth.aml_cases');
      expect(grants.tables).not.toContain('app.audit_log');
      expect(grants.columnGrants['public.users']).toEqual([
        'user_id',
        'country',
        'kyc_level',
        'vip_tier',
        'platform',
        'status',
        'created_at',
      ]);
      const options = { statementTimeoutMs: 5000, databaseRole: 'analyst_readonly' };
      const allowed = await executeGuardedQuery(
        warehouse,
        checkSql('SELECT user_id, country FROM users', analyst),
        options,
      );
      expect(allowed.rows).toEqual([{ user_id: 1, country: 'US' }]);
      // Statements the guard would refuse, forged past it: the role itself refuses them.
      for (const sql of [
        'SELECT email FROM users',
        'SELECT * FROM ground_truth.aml_cases',
        'SELECT * FROM app.audit_log',
      ]) {
        await expect(executeGuardedQuery(warehouse, forged(sql), options), sql).rejects.toThrow(
          'permission denied',
        );
      }
      // The role is only taken inside the transaction.
      const { rows } = await warehouse.query<{ email: string }>('SELECT email FROM users');
      expect(rows).toEqual([{ email: 'a@example.com' }]);
    });

    it('is idempotent and follows the policy of the role it is made for', async () => {
      const compliance = createGuardPolicy({ role: 'compliance' });
      await ensureReadOnlyRole(warehouse, 'compliance_readonly', compliance);
      const again = await ensureReadOnlyRole(warehouse, 'compliance_readonly', compliance);
      expect(again.tables).toContain('public.users');
      const result = await executeGuardedQuery(warehouse, checkSql('SELECT email FROM users', compliance), {
        statementTimeoutMs: 5000,
        databaseRole: 'compliance_readonly',
      });
      expect(result.rows).toEqual([{ email: 'a@example.com' }]);
    });

    it('refuses an impossible role name', async () => {
      await expect(ensureReadOnlyRole(warehouse, '', analyst)).rejects.toThrow(
        'the role name must be 1 to 63 characters',
      );
    });
  });
});
