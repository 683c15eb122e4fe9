import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSqlCheckCommand } from '../../../warehouse/guard/index.js';
import { SQL_FIXTURES } from './corpus-lines.js';

const directory = mkdtempSync(join(tmpdir(), 'sql-check-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(lines: string[], role?: string): Promise<{ printed: unknown[]; summary: unknown }> {
  const file = join(directory, `input-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const printed: unknown[] = [];
  const summary = await runSqlCheckCommand({
    file,
    ...(role ? { role } : {}),
    write: (line) => printed.push(JSON.parse(line)),
  });
  return { printed, summary };
}

describe('runSqlCheckCommand', () => {
  it('prints one verdict line per input line, in order', async () => {
    const { printed, summary } = await run([
      JSON.stringify({ id: 'a', sql: 'SELECT asset FROM trades' }),
      '',
      JSON.stringify({ id: 2, sql: 'SELECT 1; DROP TABLE users' }),
      JSON.stringify({ id: 'c', sql: 'SELECT email FROM users' }),
    ]);
    expect(printed).toEqual([
      { id: 'a', allowed: true, reason: null },
      {
        id: 2,
        allowed: false,
        reason: 'multiple statements are not allowed',
        code: 'sql_multiple_statements',
      },
      {
        id: 'c',
        allowed: false,
        reason: 'column users.email is not allowed for role analyst',
        code: 'sql_column_not_allowed',
      },
    ]);
    expect(summary).toEqual({ total: 3, allowed: 1, denied: 2, invalid: 0 });
  });

  it('checks for the given role', async () => {
    const { printed } = await run(
      [JSON.stringify({ id: 'c', sql: 'SELECT email FROM users' })],
      'compliance',
    );
    expect(printed).toEqual([{ id: 'c', allowed: true, reason: null }]);
  });

  it('reports lines that are not {id, sql} JSON without stopping', async () => {
    const { printed, summary } = await run([
      'not json',
      JSON.stringify({ id: 'x' }),
      JSON.stringify({ id: 'y', sql: 'SELECT 1' }),
    ]);
    expect(printed).toEqual([
      {
        id: null,
        allowed: false,
        reason: 'line 1 is not a JSON object with a string "sql"',
        code: 'input_invalid',
      },
      {
        id: 'x',
        allowed: false,
        reason: 'line 2 is not a JSON object with a string "sql"',
        code: 'input_invalid',
      },
      { id: 'y', allowed: true, reason: null },
    ]);
    expect(summary).toEqual({ total: 3, allowed: 1, denied: 2, invalid: 2 });
  });

  it('runs over the shipped corpora', async () => {
    const denied: unknown[] = [];
    const hostile = await runSqlCheckCommand({
      file: join(SQL_FIXTURES, 'hostile.jsonl'),
      write: (line) => denied.push(JSON.parse(line)),
    });
    expect(hostile.allowed).toBe(0);
    expect(hostile.denied).toBe(denied.length);
    const legit = await runSqlCheckCommand({
      file: join(SQL_FIXTURES, 'legit.jsonl'),
      write: () => undefined,
    });
    expect(legit.denied).toBe(0);
  });

  it('names a file it cannot read', async () => {
    await expect(runSqlCheckCommand({ file: join(directory, 'missing.jsonl') })).rejects.toThrow(
      `Cannot read ${join(directory, 'missing.jsonl')}`,
    );
  });
});
