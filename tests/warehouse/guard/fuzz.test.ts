import { parseSync } from 'libpg-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../../core/random.js';
import {
  ALLOWED_FUNCTIONS,
  checkSql,
  createGuardPolicy,
  executeGuardedQuery,
  type GuardVerdict,
} from '../../../warehouse/guard/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { readCorpus } from './corpus-lines.js';

const CASES = 2000;
const policy = createGuardPolicy({ role: 'analyst' });
const seeds = [...readCorpus('legit'), ...readCorpus('hostile').filter((line) => line.sql.length < 2000)].map(
  (line) => line.sql,
);

/** Fragments an attacker would splice in: write keywords, separators, quotes, comments, catalog names. */
const INSERTIONS = [
  ';',
  ';;',
  'DROP TABLE users',
  'DELETE FROM trades',
  'INSERT INTO trades VALUES (1)',
  'UPDATE users SET kyc_level = 3',
  'TRUNCATE trades',
  'INTO stolen',
  'FOR UPDATE',
  'UNION SELECT email FROM users',
  'UNION SELECT * FROM ground_truth.aml_cases',
  'RETURNING *',
  'WITH d AS (DELETE FROM trades RETURNING *)',
  '--',
  '/*',
  '*/',
  "'",
  '"',
  '$$',
  '$1',
  '(',
  ')',
  ',',
  '*',
  'OR 1=1',
  'pg_sleep(1)',
  'pg_catalog.pg_read_file',
  'ground_truth.aml_cases',
  'app.audit_log',
  'email',
  'users',
  'LIMIT ALL',
  'LIMIT 99999999',
  '::regclass',
  'COPY',
  'EXECUTE',
  'SET ROLE postgres',
];

/** Characters that trip naive guards: NUL, quotes and their look-alikes, zero-width, bidi, line separators. */
const ODD_CHARACTERS = [
  '\u0000',
  '\u00a0',
  '\u2028',
  '\u200b',
  '\u202e',
  '\u2019',
  '\uff07',
  '\uff1b',
  '\ufeff',
  'é',
  '😀',
  '\\',
  '\t',
  '\n',
  'U&',
  'E',
];

function tokens(sql: string): string[] {
  return sql.split(' ').filter((token) => token !== '');
}

function mutate(sql: string, random: Random): string {
  let parts = tokens(sql);
  const steps = random.int(1, 3);
  for (let step = 0; step < steps; step++) {
    const position = parts.length === 0 ? 0 : random.int(0, parts.length - 1);
    switch (random.int(0, 5)) {
      case 0: // delete a token
        parts.splice(position, 1);
        break;
      case 1: // duplicate a token
        if (parts[position] !== undefined) parts.splice(position, 0, parts[position]!);
        break;
      case 2: {
        // swap two tokens
        const other = random.int(0, Math.max(0, parts.length - 1));
        const first = parts[position];
        const second = parts[other];
        if (first !== undefined && second !== undefined) {
          parts[position] = second;
          parts[other] = first;
        }
        break;
      }
      case 3: // insert an attacker's fragment
        parts.splice(position, 0, random.pick(INSERTIONS));
        break;
      case 4: {
        // insert an odd character inside a token
        const token = parts[position] ?? '';
        const at = random.int(0, token.length);
        parts[position] = token.slice(0, at) + random.pick(ODD_CHARACTERS) + token.slice(at);
        break;
      }
      default: // splice another statement's tail onto this one
        parts = [...parts.slice(0, position), ...tokens(random.pick(seeds)).slice(random.int(0, 3))];
    }
  }
  return parts.join(' ');
}

/** Every wrapped node type in a parse tree. */
function nodeTypes(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) nodeTypes(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key.charCodeAt(0) >= 65 && key.charCodeAt(0) <= 90) found.add(key);
      nodeTypes(child, found);
    }
  }
  return found;
}

/** Every function name called in a parse tree. */
function functionNames(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) functionNames(item, found);
  } else if (value !== null && typeof value === 'object') {
    const call = (value as { FuncCall?: { funcname?: { String?: { sval?: string } }[] } }).FuncCall;
    if (call?.funcname) found.add(call.funcname.map((part) => part.String?.sval ?? '').join('.'));
    for (const child of Object.values(value)) functionNames(child, found);
  }
  return found;
}

const mutants: { sql: string; verdict: GuardVerdict }[] = [];

describe('guard fuzzing', () => {
  it(`returns a verdict for ${CASES} random mutations and never throws`, () => {
    const random = createRandom(20261124);
    for (let index = 0; index < CASES; index++) {
      const sql = mutate(random.pick(seeds), random);
      let verdict: GuardVerdict | undefined;
      expect(() => {
        verdict = checkSql(sql, policy);
      }, sql).not.toThrow();
      expect(typeof verdict?.allowed, sql).toBe('boolean');
      if (verdict && !verdict.allowed) {
        expect(verdict.reason.length, sql).toBeGreaterThan(0);
        expect(verdict.code.startsWith('sql_'), sql).toBe(true);
      }
      mutants.push({ sql, verdict: verdict! });
    }
    // Sanity of the generator: mutations must produce both outcomes, or the test proves nothing.
    const allowedCount = mutants.filter((entry) => entry.verdict.allowed).length;
    expect(allowedCount).toBeGreaterThan(50);
    expect(allowedCount).toBeLessThan(CASES - 50);
  });

  it('allows only statements that are still one plain SELECT over allow-listed names', () => {
    const forbiddenNodes = ['IntoClause', 'LockingClause', 'ParamRef'];
    for (const { sql, verdict } of mutants) {
      if (!verdict.allowed) continue;
      const parsed = parseSync(verdict.sql) as { stmts: { stmt: Record<string, unknown> }[] };
      expect(parsed.stmts.length, sql).toBe(1);
      expect(Object.keys(parsed.stmts[0]!.stmt), sql).toEqual(['SelectStmt']);
      const types = nodeTypes(parsed, new Set());
      const statements = [...types].filter((type) => type.endsWith('Stmt') && type !== 'SelectStmt');
      expect(statements, sql).toEqual([]);
      expect(
        forbiddenNodes.filter((type) => types.has(type)),
        sql,
      ).toEqual([]);
      for (const name of functionNames(parsed, new Set())) {
        const bare = name.startsWith('pg_catalog.') ? name.slice('pg_catalog.'.length) : name;
        expect(ALLOWED_FUNCTIONS.has(bare), `${name} in ${sql}`).toBe(true);
      }
      for (const table of verdict.tables) {
        expect(
          table.startsWith('ground_truth') || table.startsWith('app.') || table.startsWith('pg_'),
          sql,
        ).toBe(false);
      }
      expect(checkSql(verdict.sql, policy).allowed, `re-check of ${verdict.sql}`).toBe(true);
    }
  });

  describe('defence in depth', () => {
    let stores: Stores;
    beforeAll(async () => {
      stores = await openStores({ inMemory: true });
    });
    afterAll(async () => {
      await stores.close();
    });

    it('no allowed mutant ever reaches a write in the database', async () => {
      const allowedMutants = mutants.filter((entry) => entry.verdict.allowed).slice(0, 150);
      for (const { sql, verdict } of allowedMutants) {
        try {
          await executeGuardedQuery(stores.warehouse, verdict, { statementTimeoutMs: 2000 });
        } catch (error) {
          // Mutants may reference columns that do not exist; they must never have tried to write.
          expect((error as Error).message, sql).not.toContain('read-only transaction');
        }
      }
      const { rows } = await stores.warehouse.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM trades',
      );
      expect(rows[0]?.count).toBe(0);
    });
  });
});
