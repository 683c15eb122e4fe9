import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSql, createGuardPolicy, executeGuardedQuery } from '../../../warehouse/guard/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { readCorpus } from './corpus-lines.js';

const policy = createGuardPolicy({ role: 'analyst' });
const hostile = readCorpus('hostile');
const legit = readCorpus('legit');

describe('hostile corpus', () => {
  it('has at least 300 statements across the attack categories', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(300);
    expect(new Set(hostile.map((line) => line.id)).size).toBe(hostile.length);
    expect(new Set(hostile.map((line) => line.category))).toEqual(
      new Set([
        'stacked',
        'not_select',
        'cte_write',
        'into_or_lock',
        'function_abuse',
        'catalog_read',
        'forbidden_table',
        'pii_column',
        'injection',
        'comment_trick',
        'unicode_quoting',
        'cast_trick',
        'resource',
        'other',
      ]),
    );
  });

  it('is blocked 100%, each with a reason', () => {
    const leaks = hostile.filter((line) => checkSql(line.sql, policy).allowed).map((line) => line.id);
    expect(leaks).toEqual([]);
    for (const line of hostile) {
      const verdict = checkSql(line.sql, policy);
      if (!verdict.allowed) expect(verdict.reason.length, line.id).toBeGreaterThan(10);
    }
  });

  it('stays blocked for compliance, except statements whose only fault for analysts was a PII column', () => {
    const compliance = createGuardPolicy({ role: 'compliance' });
    const leaks = hostile
      .filter((line) => {
        const forAnalyst = checkSql(line.sql, policy);
        return !forAnalyst.allowed && forAnalyst.code !== 'sql_column_not_allowed';
      })
      .filter((line) => checkSql(line.sql, compliance).allowed)
      .map((line) => line.id);
    expect(leaks).toEqual([]);
  });
});

describe('legitimate corpus', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
  });
  afterAll(async () => {
    await stores.close();
  });

  it('has at least 100 statements', () => {
    expect(legit.length).toBeGreaterThanOrEqual(100);
  });

  it('is allowed 100%', () => {
    const refused = legit
      .map((line) => ({ id: line.id, verdict: checkSql(line.sql, policy) }))
      .filter((entry) => !entry.verdict.allowed)
      .map((entry) => `${entry.id}: ${entry.verdict.allowed ? '' : entry.verdict.reason}`);
    expect(refused).toEqual([]);
  });

  it('runs on the migrated warehouse, rewritten with its LIMIT, read-only', async () => {
    const failures: string[] = [];
    for (const line of legit) {
      const verdict = checkSql(line.sql, policy);
      if (!verdict.allowed) continue;
      try {
        const result = await executeGuardedQuery(stores.warehouse, verdict, { statementTimeoutMs: 10_000 });
        expect(result.rows.length).toBeLessThanOrEqual(verdict.limit);
      } catch (error) {
        failures.push(`${line.id}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
