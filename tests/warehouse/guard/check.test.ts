import { describe, expect, it } from 'vitest';
import { checkSql, createGuardPolicy, type GuardVerdict } from '../../../warehouse/guard/index.js';

const analyst = createGuardPolicy({ role: 'analyst' });
const compliance = createGuardPolicy({ role: 'compliance' });

function denied(sql: string, policy = analyst): { code: string; reason: string } {
  const verdict = checkSql(sql, policy);
  if (verdict.allowed) throw new Error(`expected a denial, got ${JSON.stringify(verdict)}`);
  return { code: verdict.code, reason: verdict.reason };
}

function allowed(sql: string, policy = analyst): Extract<GuardVerdict, { allowed: true }> {
  const verdict = checkSql(sql, policy);
  if (!verdict.allowed)
    throw new Error(`expected an allowed verdict, got ${verdict.code}: ${verdict.reason}`);
  return verdict;
}

describe('checkSql: statement kinds', () => {
  it.each([
    ['DELETE FROM trades', 'only SELECT statements are allowed (got DELETE)'],
    ['UPDATE users SET kyc_level = 3', 'only SELECT statements are allowed (got UPDATE)'],
    ['INSERT INTO trades (trade_id) VALUES (1)', 'only SELECT statements are allowed (got INSERT)'],
    ['DROP TABLE users', 'only SELECT statements are allowed (got DROP)'],
    ['CREATE TABLE evil AS SELECT 1', 'only SELECT statements are allowed (got CREATE TABLE AS)'],
    ['REVOKE ALL ON trades FROM analyst', 'only SELECT statements are allowed (got REVOKE)'],
    ['SET statement_timeout = 0', 'only SELECT statements are allowed (got SET)'],
    ['RESET ALL', 'only SELECT statements are allowed (got RESET)'],
    ['BEGIN', 'only SELECT statements are allowed (got BEGIN)'],
    ['ANALYZE users', 'only SELECT statements are allowed (got ANALYZE)'],
    ["COPY users TO '/tmp/x'", 'only SELECT statements are allowed (got COPY)'],
    ['DO $$ BEGIN PERFORM pg_sleep(1); END $$', 'only SELECT statements are allowed (got DO)'],
    ['EXPLAIN ANALYZE SELECT 1', 'only SELECT statements are allowed (got EXPLAIN)'],
    [
      'CREATE AGGREGATE a (int) (sfunc = int4pl, stype = int)',
      'only SELECT statements are allowed (got CREATE)',
    ],
  ])('%s', (sql, reason) => {
    expect(denied(sql)).toEqual({ code: 'sql_not_select', reason });
  });

  it('refuses stacked statements, however they are separated', () => {
    for (const sql of [
      'SELECT 1; DROP TABLE users',
      'SELECT 1;/**/DELETE FROM trades',
      'SELECT 1; -- x\nSELECT 2',
    ]) {
      expect(denied(sql)).toEqual({
        code: 'sql_multiple_statements',
        reason: 'multiple statements are not allowed',
      });
    }
  });

  it('refuses data-modifying CTEs, SELECT INTO and locking clauses', () => {
    expect(denied('WITH d AS (DELETE FROM trades RETURNING *) SELECT * FROM d')).toEqual({
      code: 'sql_cte_not_select',
      reason: 'data-modifying CTEs are not allowed (got DELETE in d)',
    });
    expect(denied('SELECT * INTO stolen FROM trades')).toEqual({
      code: 'sql_select_into',
      reason: 'SELECT … INTO is not allowed',
    });
    expect(denied('SELECT * FROM trades FOR SHARE')).toEqual({
      code: 'sql_locking_clause',
      reason: 'locking clauses (FOR SHARE) are not allowed',
    });
    expect(denied('SELECT * FROM (SELECT * FROM trades FOR UPDATE) s').code).toBe('sql_locking_clause');
  });

  it('reports empty input, parse errors, NUL bytes, invisible characters and size limits', () => {
    expect(denied('   ')).toEqual({ code: 'sql_empty', reason: 'the statement is empty' });
    expect(denied('-- only a comment')).toEqual({ code: 'sql_empty', reason: 'the statement is empty' });
    expect(denied('SELEC 1')).toEqual({
      code: 'sql_parse_error',
      reason: 'the statement does not parse: syntax error at or near "SELEC"',
    });
    expect(denied('SELECT 1\u0000; DROP TABLE users')).toEqual({
      code: 'sql_invalid_character',
      reason: 'the statement contains a NUL character',
    });
    expect(denied('SELECT * FROM "trades\u200b"')).toEqual({
      code: 'sql_invalid_character',
      reason: 'the statement contains an invisible or bidirectional control character (U+200B)',
    });
    expect(denied(`SELECT '${'x'.repeat(20_000)}'`)).toEqual({
      code: 'sql_too_long',
      reason: 'the statement is too long (20009 characters, max 20000)',
    });
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const tooDeep = { code: 'sql_too_deep', reason: 'the statement is nested too deeply' };
    expect(denied(`SELECT ${'('.repeat(3000)}1${')'.repeat(3000)}`)).toEqual(tooDeep);
    expect(denied(`SELECT ${'NOT '.repeat(4000)}true`)).toEqual(tooDeep);
    expect(denied(`SELECT 1${' + 1'.repeat(4900)}`)).toEqual(tooDeep);
    expect(denied(`SELECT ${'(SELECT '.repeat(60)}1${')'.repeat(60)}`)).toEqual(tooDeep);
    expect(allowed(`SELECT ${'('.repeat(20)}1${')'.repeat(20)}`).limit).toBe(1000);
  });
});

describe('checkSql: functions, types and catalogs', () => {
  it.each([
    ['SELECT pg_sleep(10)', 'function pg_sleep is not allowed'],
    ['SELECT pg_catalog.pg_sleep(10)', 'function pg_catalog.pg_sleep is not allowed'],
    ['SELECT U&"\\0070g_sleep"(5)', 'function pg_sleep is not allowed'],
    ['SELECT "PG_SLEEP"(1)', 'function "PG_SLEEP" is not allowed'],
    ["SELECT * FROM pg_ls_dir('/')", 'function pg_ls_dir is not allowed'],
    ["SELECT set_config('role', 'postgres', false)", 'function set_config is not allowed'],
    ["SELECT current_setting('data_directory')", 'function current_setting is not allowed'],
    ['SELECT version()', 'function version is not allowed'],
    ["SELECT nextval('s')", 'function nextval is not allowed'],
    ["SELECT query_to_xml('SELECT 1', true, true, '')", 'function query_to_xml is not allowed'],
    ['SELECT public.lower(asset) FROM trades', 'function public.lower is not allowed'],
    ['SELECT current_user', 'current_user is not allowed'],
    ['SELECT session_user', 'session_user is not allowed'],
  ])('%s', (sql, reason) => {
    expect(denied(sql)).toEqual({ code: 'sql_function_not_allowed', reason });
  });

  it('refuses reg* casts and types outside the allow-list, and operators outside pg_catalog', () => {
    expect(denied("SELECT 'ground_truth.aml_cases'::regclass")).toEqual({
      code: 'sql_type_not_allowed',
      reason: 'type regclass is not allowed',
    });
    expect(denied('SELECT NULL::ground_truth.aml_cases').reason).toBe(
      'type ground_truth.aml_cases is not allowed',
    );
    expect(denied('SELECT 1 OPERATOR(public.+) 1')).toEqual({
      code: 'sql_operator_not_allowed',
      reason: 'operator public.+ is not allowed',
    });
    expect(
      allowed('SELECT 1 OPERATOR(pg_catalog.+) 1, CAST(1 AS double precision), 2::numeric(10, 2)').limit,
    ).toBe(1000);
  });

  it('allows the analyst functions, with or without pg_catalog', () => {
    const verdict = allowed(
      "SELECT date_trunc('day', executed_at), pg_catalog.lower(asset), extract(hour FROM executed_at), percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM trades GROUP BY 1, 2, 3",
    );
    expect(verdict.tables).toEqual(['trades']);
  });

  it.each([
    ['SELECT * FROM ground_truth.aml_cases', 'table ground_truth.aml_cases is not allowed'],
    ['SELECT * FROM "ground_truth"."outliers"', 'table ground_truth.outliers is not allowed'],
    ['SELECT * FROM app.audit_log', 'table app.audit_log is not allowed'],
    ['SELECT * FROM schema_migrations', 'table schema_migrations is not allowed'],
    ['SELECT * FROM pg_shadow', 'table pg_shadow is not allowed'],
    ['SELECT * FROM information_schema.columns', 'table information_schema.columns is not allowed'],
    ['SELECT * FROM "Users"', 'table "Users" is not allowed'],
    ['SELECT * FROM postgres.public.trades', 'table postgres.public.trades is not allowed'],
    [
      'SELECT count(*) FROM trades WHERE user_id IN (SELECT user_id FROM ground_truth.aml_cases)',
      'table ground_truth.aml_cases is not allowed',
    ],
    ['TABLE pg_authid', 'table pg_authid is not allowed'],
  ])('%s', (sql, reason) => {
    expect(denied(sql)).toEqual({ code: 'sql_table_not_allowed', reason });
  });

  it('allows rollup tables by prefix and schema-qualified warehouse tables', () => {
    expect(allowed('SELECT * FROM rollup_trades_daily').tables).toEqual(['rollup_trades_daily']);
    expect(
      allowed('SELECT count(*) FROM public.trades t JOIN "public"."assets" a ON a.symbol = t.asset').tables,
    ).toEqual(['assets', 'trades']);
    expect(denied('SELECT * FROM rollup_').code).toBe('sql_table_not_allowed');
  });

  it('treats a CTE that shadows a table name as the CTE, in its scope only', () => {
    expect(allowed("WITH users AS (SELECT 'x' AS email) SELECT email FROM users").tables).toEqual([]);
    // The CTE of a sibling subquery is not visible: pg_user here is the catalog view.
    expect(
      denied(
        'SELECT (SELECT count(*) FROM (WITH pg_user AS (SELECT 1) SELECT 1) s), (SELECT count(*) FROM pg_user)',
      ),
    ).toEqual({ code: 'sql_table_not_allowed', reason: 'table pg_user is not allowed' });
    // A non-recursive CTE cannot see a later one, so `b` inside `a` is a table.
    expect(denied('WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a').reason).toBe(
      'table b is not allowed',
    );
  });

  it('caps generate_series with constant bounds and unbounded recursion', () => {
    expect(denied('SELECT count(*) FROM generate_series(1, 1e12)')).toEqual({
      code: 'sql_resource_limit',
      reason: 'generate_series would produce about 1.0e12 rows (max 1.0e6)',
    });
    expect(denied('SELECT count(*) FROM generate_series(1, 2000) a, generate_series(1, 2000) b').reason).toBe(
      'generate_series would produce about 4.0e6 rows (max 1.0e6)',
    );
    expect(
      denied(
        "SELECT count(*) FROM generate_series(timestamptz '2000-01-01', timestamptz '2030-01-01', interval '1 minute')",
      ).code,
    ).toBe('sql_resource_limit');
    expect(
      allowed("SELECT d FROM generate_series(date '2026-01-01', date '2026-12-31', interval '1 day') d")
        .limit,
    ).toBe(1000);
    expect(
      denied('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r'),
    ).toEqual({
      code: 'sql_resource_limit',
      reason: 'recursive CTE r needs a WHERE condition in its recursive part',
    });
    expect(
      allowed('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r')
        .tables,
    ).toEqual([]);
  });

  it('refuses parameters, system columns and XML', () => {
    expect(denied('SELECT * FROM trades WHERE user_id = $1')).toEqual({
      code: 'sql_parameter_not_allowed',
      reason: 'parameters ($1) are not allowed',
    });
    expect(denied('SELECT ctid FROM trades')).toEqual({
      code: 'sql_column_not_allowed',
      reason: 'system column ctid is not allowed',
    });
    expect(denied("SELECT xmlelement(name x, 'y')")).toEqual({
      code: 'sql_construct_not_allowed',
      reason: 'XML expressions are not allowed',
    });
  });
});

describe('checkSql: columns by role', () => {
  it('refuses restricted columns for analysts wherever they appear', () => {
    const reason = 'column users.email is not allowed for role analyst';
    for (const sql of [
      'SELECT email FROM users',
      'SELECT u.email FROM users u JOIN trades t ON t.user_id = u.user_id',
      "SELECT count(*) FROM users WHERE email LIKE '%@gmail.com'",
      'SELECT user_id FROM users ORDER BY email',
      'SELECT x FROM (SELECT email AS x FROM users) s',
      'SELECT (SELECT email FROM users WHERE users.user_id = t.user_id) FROM trades t',
      'SELECT (SELECT email FROM trades LIMIT 1) FROM users',
      'SELECT (u).email FROM users u',
      'SELECT public.users.email FROM public.users',
      'SELECT j.email FROM (users JOIN trades USING (user_id)) AS j',
      "SELECT count(*) FROM users JOIN (SELECT 'a@b.c' AS email) x USING (email)",
    ]) {
      expect(denied(sql), sql).toEqual({ code: 'sql_column_not_allowed', reason });
    }
  });

  it('refuses every way of reading a whole row of a table with restricted columns', () => {
    const hidden = '(it includes email, phone, full_name, address); list the columns you need';
    expect(denied('SELECT * FROM users').reason).toBe(
      `SELECT * on users is not allowed for role analyst ${hidden}`,
    );
    expect(denied('SELECT u.* FROM users u').reason).toBe(
      `SELECT * on users is not allowed for role analyst ${hidden}`,
    );
    expect(denied('SELECT * FROM trades t JOIN users u USING (user_id)').code).toBe('sql_column_not_allowed');
    expect(denied('SELECT row_to_json(u) FROM users u').reason).toBe(
      `the whole-row reference u to users is not allowed for role analyst ${hidden}`,
    );
    expect(denied('SELECT to_jsonb(users) FROM users').code).toBe('sql_column_not_allowed');
    expect(denied('SELECT u.text FROM users u').reason).toBe(
      `users.text, which is not a column but text(users) of the whole row, is not allowed for role analyst ${hidden}`,
    );
    expect(denied('SELECT x.b FROM users AS x(a, b)').reason).toBe(
      `renaming the columns of users is not allowed for role analyst ${hidden}`,
    );
    expect(denied('SELECT * FROM users NATURAL JOIN trades').reason).toBe(
      'NATURAL JOIN with users is not allowed for role analyst; join with ON or USING',
    );
  });

  it('resolves names by scope instead of refusing every column called address', () => {
    expect(allowed('SELECT l.address FROM address_labels l JOIN users u ON u.user_id = 1').tables).toEqual([
      'address_labels',
      'users',
    ]);
    expect(allowed('SELECT address FROM address_labels WHERE EXISTS (SELECT 1 FROM users)').tables).toEqual([
      'address_labels',
      'users',
    ]);
    expect(allowed('SELECT u.user_id, u.country, u.kyc_level FROM users u').tables).toEqual(['users']);
    expect(
      allowed('SELECT country, count(*) AS users FROM users GROUP BY country ORDER BY users DESC').limit,
    ).toBe(1000);
  });

  it('lets compliance read what analysts may not', () => {
    expect(allowed('SELECT email, phone, full_name, address FROM users', compliance).tables).toEqual([
      'users',
    ]);
    expect(allowed('SELECT * FROM users', compliance).tables).toEqual(['users']);
    expect(denied('SELECT * FROM ground_truth.aml_cases', compliance).code).toBe('sql_table_not_allowed');
  });

  it('follows a custom policy', () => {
    const policy = createGuardPolicy({
      role: 'support',
      tables: { trades: ['trade_id', 'user_id', 'asset'], 'reporting.kpis': undefined },
      restrictedColumns: { 'trades.user_id': ['admin'] },
      extraFunctions: ['my_udf'],
      maxRows: 10,
    });
    expect(allowed('SELECT asset, my_udf(trade_id) FROM trades', policy).sql).toBe(
      'SELECT asset, my_udf(trade_id) FROM trades\nLIMIT 10',
    );
    expect(denied('SELECT user_id FROM trades', policy).reason).toBe(
      'column trades.user_id is not allowed for role support',
    );
    expect(allowed('SELECT * FROM reporting.kpis', policy).tables).toEqual(['reporting.kpis']);
    expect(denied('SELECT * FROM users', policy).reason).toBe('table users is not allowed');
  });

  it('checks policy options when the policy is built', () => {
    expect(() => createGuardPolicy({ maxRows: 0 })).toThrow('maxRows must be a positive integer (got 0)');
    expect(() => createGuardPolicy({ restrictedColumns: { email: ['admin'] } })).toThrow(
      "restrictedColumns: 'email' must be 'table.column' or 'schema.table.column'",
    );
    expect(() => createGuardPolicy({ tablePrefixes: ['r'] })).toThrow(
      "tablePrefixes: 'r' is too short to name a family of tables (use e.g. 'rollup_')",
    );
  });
});

describe('checkSql: hidden statements and injection signatures', () => {
  it.each([
    ['SELECT 1 /* ; DROP TABLE users */', 'a comment hides a DROP statement'],
    ['SELECT 1 /* /* GRANT ALL ON users TO PUBLIC */ */', 'a comment hides a GRANT statement'],
    ['SELECT 1 -- DELETE FROM trades', 'a comment hides a DELETE statement'],
    ['SELECT 1 -- \u2028 UPDATE users SET email = NULL', 'a comment hides an UPDATE statement'],
    [
      "SELECT * FROM trades WHERE asset = 'BTC''; DROP TABLE trades; --'",
      'a string literal hides a DROP statement',
    ],
    ['SELECT $$; DELETE FROM trades$$', 'a string literal hides a DELETE statement'],
    [
      "SELECT * FROM trades WHERE asset = 'x'' OR ''1''=''1'",
      'a string literal contains an injection payload (a quote that ends the string early)',
    ],
    [
      "SELECT * FROM trades WHERE asset = 'admin''--'",
      'a string literal contains an injection payload (a quote that ends the string early)',
    ],
    [
      "SELECT * FROM trades WHERE asset = 'BTC\u2019 OR \u20181\u2019=\u20181'",
      'a string literal contains an injection payload (a quote that ends the string early)',
    ],
  ])('%s', (sql, reason) => {
    expect(denied(sql)).toEqual({ code: 'sql_hidden_statement', reason });
  });

  it('refuses constant OR branches (OR 1=1)', () => {
    for (const sql of [
      'SELECT * FROM trades WHERE user_id = 1 OR 1=1',
      "SELECT * FROM trades WHERE asset = 'BTC' OR 'a'='a'",
      'SELECT * FROM trades WHERE asset = $$x$$ OR true',
    ]) {
      expect(denied(sql)).toEqual({
        code: 'sql_tautology',
        reason: 'constant conditions in OR (such as OR 1=1) are not allowed',
      });
    }
  });

  it('does not mistake prose, names and punctuation for attacks', () => {
    expect(allowed('-- select the top users by volume\nSELECT user_id FROM trades').limit).toBe(1000);
    expect(allowed("SELECT feedback_id FROM feedback WHERE text ILIKE '%can''t withdraw%'").limit).toBe(1000);
    expect(allowed("SELECT 'O''Brien', 'fees; support', 'a''b''c'").limit).toBe(1000);
    expect(allowed("SELECT asset FROM trades WHERE asset = 'BTC' OR asset = 'ETH'").limit).toBe(1000);
  });
});

describe('checkSql: LIMIT', () => {
  it('injects a LIMIT on a new line when there is none', () => {
    expect(allowed('SELECT asset FROM trades -- comment;').sql).toBe(
      'SELECT asset FROM trades -- comment;\nLIMIT 1000',
    );
    expect(allowed('SELECT asset FROM trades;  ').sql).toBe('SELECT asset FROM trades\nLIMIT 1000');
    expect(allowed('SELECT user_id FROM deposits UNION SELECT user_id FROM withdrawals ORDER BY 1').sql).toBe(
      'SELECT user_id FROM deposits UNION SELECT user_id FROM withdrawals ORDER BY 1\nLIMIT 1000',
    );
    expect(allowed('SELECT asset FROM trades OFFSET 10').sql).toBe(
      'SELECT asset FROM trades OFFSET 10\nLIMIT 1000',
    );
    expect(allowed('TABLE assets').sql).toBe('TABLE assets\nLIMIT 1000');
  });

  it('keeps a smaller LIMIT and lowers a larger one in place (byte offsets survive non-ASCII text)', () => {
    const kept = allowed('SELECT asset FROM trades LIMIT 5');
    expect([kept.sql, kept.limit]).toEqual(['SELECT asset FROM trades LIMIT 5', 5]);
    expect(allowed("SELECT 'é€😀', asset FROM trades WHERE asset <> 'ü' LIMIT 50000 OFFSET 2").sql).toBe(
      "SELECT 'é€😀', asset FROM trades WHERE asset <> 'ü' LIMIT 1000 OFFSET 2",
    );
    expect(allowed('SELECT symbol FROM assets FETCH FIRST 99999 ROWS ONLY').sql).toBe(
      'SELECT symbol FROM assets FETCH FIRST 1000 ROWS ONLY',
    );
  });

  it('wraps statements whose LIMIT is not a plain constant', () => {
    expect(allowed('SELECT asset FROM trades LIMIT ALL').sql).toBe(
      'SELECT * FROM (\nSELECT asset FROM trades LIMIT ALL\n) AS guarded_result\nLIMIT 1000',
    );
    expect(allowed('SELECT asset FROM trades LIMIT (SELECT 10 * 1000)').limit).toBe(1000);
    expect(allowed('SELECT asset FROM trades ORDER BY asset FETCH FIRST 3 ROWS WITH TIES').sql).toBe(
      'SELECT * FROM (\nSELECT asset FROM trades ORDER BY asset FETCH FIRST 3 ROWS WITH TIES\n) AS guarded_result\nLIMIT 1000',
    );
  });

  it('uses the policy cap', () => {
    const small = createGuardPolicy({ maxRows: 25 });
    expect(allowed('SELECT asset FROM trades LIMIT 100', small)).toEqual({
      allowed: true,
      sql: 'SELECT asset FROM trades LIMIT 25',
      tables: ['trades'],
      limit: 25,
    });
  });
});

describe('checkSql: robustness', () => {
  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [undefined, null, 42, {}, '\uD800', ';;;', '$$', '/*', "'", 'SELECT $1', '\\'];
    for (const input of inputs) {
      const verdict = checkSql(input as string, analyst);
      expect(verdict.allowed).toBe(false);
    }
  });
});

describe('checkSql: false positives that must not happen', () => {
  it.each([
    ["SELECT feedback_id FROM feedback WHERE text ILIKE '%fees; begin%' OR text ILIKE '%app; commit%'"],
    ['-- end of the weekly report\nSELECT count(*) FROM trades'],
    ['SELECT count(*) FROM trades /* analyze */'],
    [
      "WITH RECURSIVE hops(address) AS (SELECT to_address FROM chain_transfers WHERE from_address = '0xabc' UNION SELECT ct.to_address FROM hops h JOIN chain_transfers ct ON ct.from_address = h.address) SELECT count(*) FROM hops",
    ],
  ])('%s', (sql) => {
    expect(allowed(sql).limit).toBe(1000);
  });
});

describe('checkSql: cost bounds', () => {
  it('stops checking comments and literals after a fixed budget', () => {
    const semicolons = `SELECT '${'a;'.repeat(5000)}'`;
    expect(denied(semicolons)).toEqual({
      code: 'sql_resource_limit',
      reason: 'the statement has too many comments and quoted strings to check (max 48 checks)',
    });
    expect(denied(`SELECT 1 ${'/* note */ '.repeat(100)}`).code).toBe('sql_resource_limit');
    expect(allowed(`SELECT 1 ${'/* note */ '.repeat(10)}`).limit).toBe(1000);
  });

  it('refuses a join chain deeper than the policy allows', () => {
    const joins = Array.from(
      { length: 200 },
      (_, index) => ` JOIN trades t${index + 1} USING (user_id)`,
    ).join('');
    expect(denied(`SELECT 1 FROM trades t0${joins}`).code).toBe('sql_too_deep');
  });
});
