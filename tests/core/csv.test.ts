import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CsvReadOptions,
  type CsvRecord,
  type CsvValuesRow,
  type JsonlRecord,
  readCsvRecords,
  readCsvWithHeader,
  readJsonlRecords,
  type TextSource,
} from '../../core/csv.js';
import { InvalidInputError } from '../../core/errors.js';

const directory = mkdtempSync(join(tmpdir(), 'csv-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) yield part;
}

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const record of records) out.push(record);
  return out;
}

const csv = (source: TextSource, options?: CsvReadOptions): Promise<CsvRecord[]> =>
  collect(readCsvRecords(source, options));

describe('readCsvRecords', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines, CRLF, a BOM and blank lines', async () => {
    const text = '\ufeffid,text,n\r\n1,"a, ""quoted""\r\nvalue",3\r\n\r\n2,plain,4\n\n3,"",\n';
    expect(await csv(chunks(text))).toEqual([
      { line: 1, fields: ['id', 'text', 'n'] },
      { line: 2, fields: ['1', 'a, "quoted"\r\nvalue', '3'] },
      { line: 5, fields: ['2', 'plain', '4'] },
      { line: 7, fields: ['3', '', ''] },
    ]);
  });

  it('gives the same records wherever the chunks are cut, in text or in bytes', async () => {
    const text = 'a,b,c\r\n"x\n""y""",é€😀,"z,"\n5" screen,"q"\r\nlast,"row",end';
    const expected = await csv(chunks(text));
    expect(expected).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x\n"y"', 'é€😀', 'z,'] },
      { line: 4, fields: ['5" screen', 'q'] },
      { line: 5, fields: ['last', 'row', 'end'] },
    ]);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await csv(chunks(text.slice(0, cut), text.slice(cut)))).toEqual(expected);
    }
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await csv(chunks(bytes.subarray(0, cut), bytes.subarray(cut)))).toEqual(expected);
    }
    // One byte at a time: every multi-byte character and every CRLF is split.
    expect(await csv(chunks(...Array.from(bytes, (byte) => Uint8Array.of(byte))))).toEqual(expected);
  });

  it('reports an unterminated quote at the line where its record starts and reads on from the next line', async () => {
    const text = 'id,text\n1,ok\n2,"never closed\n3,fine\n4,also fine\n';
    expect(await csv(chunks(text))).toEqual([
      { line: 1, fields: ['id', 'text'] },
      { line: 2, fields: ['1', 'ok'] },
      { line: 3, error: 'field 2 has an opening quote with no closing quote' },
      { line: 4, fields: ['3', 'fine'] },
      { line: 5, fields: ['4', 'also fine'] },
    ]);
  });

  it('costs one row for a stray quote that pairs up with a quote lines later', async () => {
    const text = 'id,text\n2,"stray\n3,fine\n4,"quoted"\n';
    expect(await csv(chunks(text))).toEqual([
      { line: 1, fields: ['id', 'text'] },
      { line: 2, error: 'field 2 has text after its closing quote' },
      { line: 3, fields: ['3', 'fine'] },
      { line: 4, fields: ['4', 'quoted'] },
    ]);
  });

  it('gives up on a quoted field longer than maxRecordChars and resumes on the next line', async () => {
    const text = `a,"${'x'.repeat(50)}\n${'b,c\n'.repeat(30)}`;
    const records = await csv(chunks(...text.match(/[\s\S]{1,16}/g)!), { maxRecordChars: 40 });
    expect(records[0]).toEqual({
      line: 1,
      error: 'field 2 has an opening quote with no closing quote within 40 characters',
    });
    expect(records.slice(1)).toEqual(
      Array.from({ length: 30 }, (_, index) => ({ line: index + 2, fields: ['b', 'c'] })),
    );
  });

  it('reports text after a closing quote and keeps the next record', async () => {
    expect(await csv(chunks('1,"ab"c,2\n3,4\n'))).toEqual([
      { line: 1, error: 'field 2 has text after its closing quote' },
      { line: 2, fields: ['3', '4'] },
    ]);
  });

  it('reports invalid UTF-8 bytes by field, but not a U+FFFD that is really in the file', async () => {
    const records = await csv(
      chunks(
        Buffer.from('id,name\n1,'),
        Uint8Array.of(0x66, 0xff, 0x6f),
        Buffer.from('\n2,\ufffd real replacement character\n3,'),
        Uint8Array.of(0xc3, 0x28),
        Buffer.from(',x\n4,ok\n5,'),
        // A lead byte with its continuation missing at the very end of the file.
        Uint8Array.of(0xe2, 0x82),
      ),
    );
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, error: 'field 2 contains invalid UTF-8 bytes' },
      { line: 3, fields: ['2', '\ufffd real replacement character'] },
      { line: 4, error: 'field 2 contains invalid UTF-8 bytes' },
      { line: 5, fields: ['4', 'ok'] },
      { line: 6, error: 'field 2 contains invalid UTF-8 bytes' },
    ]);
  });

  it('checks the field count when expectColumns is set', async () => {
    expect(await csv(chunks('a,b,c\n1,2\n1,2,3,4\n1,2,3\nx\n'), { expectColumns: 3 })).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, error: 'expected 3 fields, found 2' },
      { line: 3, error: 'expected 3 fields, found 4' },
      { line: 4, fields: ['1', '2', '3'] },
      { line: 5, error: 'expected 3 fields, found 1' },
    ]);
  });

  it('reads another delimiter, and refuses one that cannot work', async () => {
    expect(await csv(chunks('1\t"a\tb"\t3\n'), { delimiter: '\t' })).toEqual([
      { line: 1, fields: ['1', 'a\tb', '3'] },
    ]);
    await expect(csv(chunks('a'), { delimiter: ';;' })).rejects.toThrow(
      'The CSV delimiter must be one character other than a quote or a newline, got ";;".',
    );
  });

  it('reads a file by path, and names a missing file', async () => {
    const path = join(directory, 'plain.csv');
    const rows = Array.from({ length: 5000 }, (_, index) => `${index},"name ${index}",${index * 2}`);
    writeFileSync(path, `id,name,double\n${rows.join('\n')}`);
    const records = await csv(path);
    expect(records).toHaveLength(5001);
    expect(records[4321]).toEqual({ line: 4322, fields: ['4320', 'name 4320', '8640'] });
    const missing = join(directory, 'missing.csv');
    await expect(csv(missing)).rejects.toThrow(
      new InvalidInputError('file_not_found', `Cannot read ${missing}: no such file.`),
    );
  });

  it('returns nothing for an empty source', async () => {
    expect(await csv(chunks())).toEqual([]);
    expect(await csv(chunks('\ufeff', '\r\n', '\n'))).toEqual([]);
  });
});

describe('readCsvWithHeader', () => {
  it('keys values by trimmed column name and reports rows with the wrong field count', async () => {
    const table = await readCsvWithHeader(chunks(' id , amount,\n1,"2,5",x\n3,4\n"5",6,7\n'));
    expect(table.columns).toEqual(['id', 'amount', 'column_3']);
    const rows = await collect(table.rows);
    expect(rows).toEqual([
      { line: 2, values: { id: '1', amount: '2,5', column_3: 'x' }, fields: ['1', '2,5', 'x'] },
      { line: 3, error: 'expected 3 fields, found 2' },
      { line: 4, values: { id: '5', amount: '6', column_3: '7' }, fields: ['5', '6', '7'] },
    ]);
    expect(Object.getPrototypeOf((rows[0] as CsvValuesRow).values)).toBeNull();
  });

  it('gives the same rows as batches', async () => {
    const table = await readCsvWithHeader(chunks('a,b\n1,2\n3\n'));
    expect((await collect(table.batches)).flat()).toEqual([
      { line: 2, fields: ['1', '2'] },
      { line: 3, error: 'expected 2 fields, found 1' },
    ]);
  });

  it('refuses an empty file, a malformed header and a repeated column name', async () => {
    await expect(readCsvWithHeader(chunks('\n\n'))).rejects.toThrow('No header row in the input.');
    await expect(readCsvWithHeader(chunks('a,"b\n'))).rejects.toThrow(
      'The header of the input (line 1) is malformed: field 2 has an opening quote with no closing quote.',
    );
    const path = join(directory, 'duplicate.csv');
    writeFileSync(path, 'id,amount, amount\n1,2,3\n');
    await expect(readCsvWithHeader(path)).rejects.toThrow(
      `The header of ${path} names column 'amount' twice.`,
    );
  });
});

describe('readJsonlRecords', () => {
  it('reads one object per line and reports each kind of bad line', async () => {
    const badJson = '{"id": 2, "text": }';
    let parseMessage = '';
    try {
      JSON.parse(badJson);
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    const records: JsonlRecord[] = await collect(
      readJsonlRecords(
        chunks(
          Buffer.from('\ufeff{"id": 1, "text": "caf'),
          Buffer.from('é"}\r\n\n   \n'),
          Buffer.from(`${badJson}\n[1, 2]\n"text"\nnull\n{"id": "`),
          Uint8Array.of(0xff),
          Buffer.from('"}\n{"id": 9}'),
        ),
      ),
    );
    expect(records).toEqual([
      { line: 1, value: { id: 1, text: 'café' } },
      { line: 4, error: `invalid JSON: ${parseMessage}` },
      { line: 5, error: 'expected a JSON object, found an array' },
      { line: 6, error: 'expected a JSON object, found a string' },
      { line: 7, error: 'expected a JSON object, found null' },
      { line: 8, error: 'line contains invalid UTF-8 bytes' },
      { line: 9, value: { id: 9 } },
    ]);
  });
});
