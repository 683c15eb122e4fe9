import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readNumericCsv, runAnomalyScoreCommand, scoreCsv } from '../../../models/anomaly/index.js';
import { parseDecimal } from '../../../models/anomaly/score-csv.js';

const directory = mkdtempSync(join(tmpdir(), 'anomaly-score-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/**
 * 40 ordinary users (deposits 10–14, withdrawals 2–3, odd-hour share 0.04–0.06) on lines 2–41, then
 * the cases: missing values, bad rows and two planted outliers.
 */
function writeFixture(): string {
  const lines = ['user_id,deposits,withdrawals,country,odd_hour_share,notes'];
  const shares = ['0.04', '0.05', '0.05', '0.06'];
  for (let user = 1; user <= 40; user++) {
    lines.push(`${user},${10 + (user % 5)},${user % 3 === 0 ? 3 : 2},DE,${shares[user % 4]},note ${user}`);
  }
  lines.push(
    '41,12,3,FR,,missing share', // line 42
    ',11,2,DE,0.04,no id', // line 43
    '43,9,2,DE,0.06', // line 44: five fields
    '44,NA,3,US,0.05,"two', // lines 45–46: deposits missing, a quoted newline
    'lines"',
    '45,11,40,DE,0.05,withdraws twenty times the median', // line 47
    '46,13,3,DE,null,share is null', // line 48
    '47,"12",2,DE,0.04,"bad"quote', // line 49
    'NA,10,2,DE,0.05,id NA', // line 50
    '49, 11 ,NaN,DE,0.05,withdrawals NaN', // line 51
    '50,12,2,DE,0.91,night owl', // line 52
  );
  const path = join(directory, 'users.csv');
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

const expectedReport = {
  rows: 46,
  skippedRows: [
    { line: 43, reason: 'missing id' },
    { line: 44, reason: 'expected 6 fields, found 5' },
    { line: 49, reason: 'field 6 has text after its closing quote' },
    { line: 50, reason: 'missing id' },
  ],
  droppedColumns: [{ column: 'country', reason: "non-numeric value 'DE' on line 2" }],
  imputed: { deposits: 1, withdrawals: 1, odd_hour_share: 2 },
};

describe('readNumericCsv', () => {
  it('keeps numeric columns, drops the others, imputes medians and skips bad rows, reporting each', async () => {
    const path = writeFixture();
    const data = await readNumericCsv(path, { idColumn: 'user_id', ignoreColumns: ['notes'] });
    expect(data.report).toEqual(expectedReport);
    expect(data.featureNames).toEqual(['deposits', 'withdrawals', 'odd_hour_share']);
    expect(data.ids.slice(38)).toEqual(['39', '40', '41', '44', '45', '46', '49', '50']);
    expect(Array.from(data.lines.slice(38))).toEqual([40, 41, 42, 45, 47, 48, 51, 52]);
    // Medians of the present values: deposits 10–14 eight times each plus 12, 11, 13, 11, 12 → 12;
    // withdrawals 27 twos, 13 threes, then 3, 3, 40, 3, 2 → 2; shares 0.04 ×10, 0.05 ×20, 0.06 ×10,
    // then 0.05, 0.05, 0.05, 0.91 → 0.05.
    expect(Array.from(data.medians)).toEqual([12, 2, 0.05]);
    const row = (id: string): number[] => {
      const index = data.ids.indexOf(id);
      return Array.from(data.matrix.values.subarray(index * 3, index * 3 + 3));
    };
    expect(row('41')).toEqual([12, 3, 0.05]);
    expect(row('44')).toEqual([12, 3, 0.05]);
    expect(row('46')).toEqual([13, 3, 0.05]);
    expect(row('49')).toEqual([11, 2, 0.05]);
  });

  it('drops every non-numeric column it is not told to ignore', async () => {
    const data = await readNumericCsv(writeFixture(), { idColumn: 'user_id' });
    expect(data.report.droppedColumns).toEqual([
      { column: 'country', reason: "non-numeric value 'DE' on line 2" },
      { column: 'notes', reason: "non-numeric value 'note 1' on line 2" },
    ]);
  });

  it('names an unknown column and a file with nothing numeric', async () => {
    const path = writeFixture();
    await expect(readNumericCsv(path, { idColumn: 'userid' })).rejects.toThrow(
      "Unknown column 'userid'. Did you mean 'user_id'? Available: user_id, deposits, withdrawals, country, odd_hour_share, notes.",
    );
    await expect(readNumericCsv(path, { idColumn: 'user_id', ignoreColumns: ['note'] })).rejects.toThrow(
      "Unknown column 'note'. Did you mean 'notes'?",
    );
    const textOnly = join(directory, 'text.csv');
    writeFileSync(textOnly, 'id,name,empty\n1,alice,\n2,bob,NA\n');
    await expect(readNumericCsv(textOnly, { idColumn: 'id' })).rejects.toThrow(
      `${textOnly} has no numeric columns to score; dropped name (non-numeric value 'alice' on line 2), empty (every value is missing).`,
    );
  });
});

describe('scoreCsv on tiny inputs', () => {
  it('refuses a file whose rows were all skipped, and scores a single row 0.5 like scikit-learn', async () => {
    const skipped = join(directory, 'skipped.csv');
    writeFileSync(skipped, 'id,x\n,1\n');
    await expect(scoreCsv(skipped, { idColumn: 'id' })).rejects.toThrow(
      `${skipped} has no rows to score (1 skipped, see the report).`,
    );
    const single = join(directory, 'single.csv');
    writeFileSync(single, 'id,x\n7,1.5\n');
    expect((await scoreCsv(single, { idColumn: 'id' })).scores).toEqual([{ id: '7', score: 0.5 }]);
  });
});

describe('scoreCsv', () => {
  it('ranks the planted outliers first and explains them by the feature that is odd', async () => {
    const path = writeFixture();
    const result = await scoreCsv(path, { idColumn: 'user_id', ignoreColumns: ['notes'], seed: 5 });
    expect(result.report).toEqual(expectedReport);
    expect(result.scores.map((row) => row.id)).toEqual(result.data.ids);
    const ranked = [...result.scores].sort((a, b) => b.score - a.score);
    expect(
      ranked
        .slice(0, 2)
        .map((row) => row.id)
        .sort(),
    ).toEqual(['45', '50']);
    for (const row of result.scores) {
      expect(row.score).toBeGreaterThan(0);
      expect(row.score).toBeLessThan(1);
    }
    const withdrawer = result.explain(result.data.ids.indexOf('45'))[0]!;
    expect(withdrawer).toMatchObject({
      feature: 'withdrawals',
      text: 'withdrawals 20× the median',
      ratio: 20,
    });
    const nightOwl = result.explain(result.data.ids.indexOf('50'), 1);
    expect(nightOwl).toHaveLength(1);
    expect(nightOwl[0]).toMatchObject({
      feature: 'odd_hour_share',
      text: 'odd_hour_share 0.91 vs median 0.05',
    });

    const again = await scoreCsv(path, { idColumn: 'user_id', ignoreColumns: ['notes'], seed: 5 });
    expect(again.scores).toEqual(result.scores);
    const otherSeed = await scoreCsv(path, { idColumn: 'user_id', ignoreColumns: ['notes'], seed: 6 });
    expect(otherSeed.scores).not.toEqual(result.scores);
  });
});

describe('runAnomalyScoreCommand', () => {
  const run = async (options: { json: boolean; explain?: boolean }) => {
    const output = new PassThrough();
    const errorOutput = new PassThrough();
    const stdout: string[] = [];
    const stderr: string[] = [];
    output.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
    errorOutput.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const file = writeFixture();
    const report = await runAnomalyScoreCommand({
      file,
      idColumn: 'user_id',
      ignoreColumns: ['notes'],
      output,
      errorOutput,
      ...options,
    });
    return { file, report, stdout: stdout.join(''), stderr: stderr.join('') };
  };

  it('writes one {id, score} line per row to stdout and the JSON report to stderr', async () => {
    const { report, stdout, stderr } = await run({ json: true });
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; score: number });
    expect(lines).toHaveLength(46);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'score']);
    expect(lines[0]!.id).toBe('1');
    const expected = await scoreCsv(writeFixture(), { idColumn: 'user_id', ignoreColumns: ['notes'] });
    expect(lines).toEqual(expected.scores);
    expect(JSON.parse(stderr)).toEqual(expectedReport);
    expect(report).toEqual(expectedReport);
  });

  it('writes the report for people without --json, and explanations when asked', async () => {
    const { file, stdout, stderr } = await run({ json: false, explain: true });
    expect(stderr).toBe(
      [
        `scored 46 rows of ${file} on 3 features (deposits, withdrawals, odd_hour_share)`,
        'skipped line 43: missing id',
        'skipped line 44: expected 6 fields, found 5',
        'skipped line 49: field 6 has text after its closing quote',
        'skipped line 50: missing id',
        "dropped column country: non-numeric value 'DE' on line 2",
        'imputed 1 missing value of deposits with the median 12',
        'imputed 1 missing value of withdrawals with the median 2',
        'imputed 2 missing values of odd_hour_share with the median 0.05',
        '',
      ].join('\n'),
    );
    const outlier = stdout
      .trimEnd()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { id: string; explanation: Array<{ feature: string; text: string }> },
      )
      .find((line) => line.id === '45')!;
    expect(outlier.explanation).toHaveLength(3);
    expect(outlier.explanation[0]).toMatchObject({
      feature: 'withdrawals',
      text: 'withdrawals 20× the median',
    });
  });
});

describe('parseDecimal', () => {
  it('reads plain decimals exactly as Number() does and falls back to it for the rest', () => {
    for (const text of ['0', '-0', '12', '-3.25', '+7', '.5', '5.', '0.1', '123456789012345', '0.000001']) {
      expect(Object.is(parseDecimal(text), Number(text))).toBe(true);
    }
    for (const text of ['1e3', ' 4 ', '1234567890123456789', '0x10', 'abc', '', '-', '1.2.3']) {
      expect(Object.is(parseDecimal(text), Number(text))).toBe(true);
    }
  });
});
