import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/config.js';
import { announceSkip, HAVE_SHARED } from '../helpers/demo-fixture.js';

const BIN = resolve(PROJECT_ROOT, 'bin', 'analyst.mjs');
const NOW = '2026-11-24T12:00:00Z';

function analyst(args: string[], options: { env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OPENAI_API_KEY: '', ...options.env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

if (!HAVE_SHARED)
  announceSkip('command line', '../shared/data/banking77/train.csv is absent, the demo generator needs it');

describe.runIf(HAVE_SHARED)('the analyst command line', () => {
  let scratch: string;
  let db: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'analyst-cli-'));
    db = join(scratch, 'db');
    const generated = analyst([
      'demo',
      'generate',
      '--scale',
      '0.01',
      '--seed',
      '3',
      '--db',
      db,
      '--now',
      NOW,
      '--json',
    ]);
    expect(generated.status, generated.stderr).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({ seed: 3, scale: 0.01 });
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers a metric question as JSON with the route, the result and the answer', () => {
    const { status, stdout } = analyst(['ask', 'trade count yesterday', '--db', db, '--now', NOW, '--json']);
    expect(status).toBe(0);
    const output = JSON.parse(stdout) as {
      route: { tool: string; args: unknown };
      result: { total: number };
      answer: string;
    };
    expect(output.route).toMatchObject({
      tool: 'metric_query',
      args: { metric: 'trade_count', time_range: { start: '2026-11-23', end: '2026-11-24' } },
    });
    expect(output.result.total).toBeGreaterThan(0);
    expect(output.answer).toBe(`Trades, 2026-11-23: ${output.result.total.toLocaleString('en-US')}. 1 row.`);
  });

  it('refuses a missing data directory without creating it', () => {
    const missing = join(scratch, 'nowhere');
    const { status, stderr } = analyst(['ask', 'trade count yesterday', '--db', missing]);
    expect(status).toBe(2);
    expect(stderr).toBe(
      `error: No data directory at ${missing}. Run 'npm start' (which builds the demo warehouse) or 'analyst demo generate --db ${missing}' first.\n`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('turns an inverted range into a clear message and a non-zero exit', () => {
    const { status, stdout } = analyst(['ask', 'trade count from Nov 10 to Nov 2', '--db', db, '--now', NOW]);
    expect(status).toBe(2);
    expect(stdout).toMatch(/ends before it starts/);
  });

  it('refuses SQL that is not a read-only SELECT and leaves the data alone', () => {
    const deletion = analyst(['ask', 'run this: DELETE FROM users', '--db', db, '--now', NOW]);
    expect(deletion.status).toBe(2);
    expect(deletion.stdout).toMatch(/^This SQL cannot run: /);
    const count = analyst([
      'ask',
      'sql: SELECT count(*) AS n FROM users',
      '--db',
      db,
      '--now',
      NOW,
      '--json',
    ]);
    expect(JSON.parse(count.stdout).result.rows[0].n).toBe(500);
  });

  it('says what it can do when a question is out of scope', () => {
    const { status, stdout } = analyst([
      'ask',
      'write me a poem about the bull run',
      '--db',
      db,
      '--now',
      NOW,
    ]);
    expect(status).toBe(2);
    expect(stdout).toMatch(/^That is outside what I can do\. I answer questions about the exchange/);
  });

  it('rejects bad flags with the reason', () => {
    const { status, stderr } = analyst(['demo', 'generate', '--scale', '-1', '--db', join(scratch, 'other')]);
    expect(status).toBe(2);
    expect(stderr).toBe("error: --scale must be a number above 0 and at most 20, got '-1'.\n");
  });

  it('routes a JSONL file, reporting bad lines by number and keeping the rest', () => {
    const file = join(scratch, 'questions.jsonl');
    writeFileSync(
      file,
      '{"id":"a","question":"trade count yesterday"}\nnot json\n{"id":"b","question":"pull up user 48213"}\n',
    );
    const { status, stdout, stderr } = analyst(['route', '--jsonl', file, '--now', NOW]);
    expect(status).toBe(1);
    expect(stderr).toBe(`${file}:2: not JSON, skipped\n`);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        id: 'a',
        tool: 'metric_query',
        args: { metric: 'trade_count', time_range: { start: '2026-11-23', end: '2026-11-24' } },
      },
      { id: 'b', tool: 'user_profile', args: { user_id: 48213 } },
    ]);
  });
});
