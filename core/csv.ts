/**
 * Streaming readers for the files people hand the bot: RFC 4180 CSV and JSON Lines.
 *
 * Both read a file path or any async stream of chunks, keep memory bounded by the longest record,
 * and never stop at a bad record: a malformed record comes out as `{ line, error }` (with the
 * physical line where it starts) and reading goes on, so ingestion can report bad rows by line and
 * keep the rest.
 *
 * What counts as malformed (messages are stable; tests pin them):
 * - a quoted field that never closes: `field 2 has an opening quote with no closing quote`;
 * - text between a closing quote and the next delimiter: `field 2 has text after its closing quote`
 *   (also what a stray quote that pairs up with a later one usually looks like);
 * - bytes that are not UTF-8: `field 2 contains invalid UTF-8 bytes`;
 * - with `expectColumns` (or a header): `expected 3 fields, found 4`.
 *
 * After a quoting error, reading resumes on the line after the one where the bad record started, so
 * one stray quote costs one row and not every line up to the next quote in the file.
 *
 * Lenient on purpose: a quote inside an unquoted field (`5" screen`) is kept as a literal character,
 * CRLF and LF endings may mix, a leading byte order mark is dropped and blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { InvalidInputError } from './errors.js';

/** A file path, or chunks of bytes (UTF-8) or text, such as `process.stdin` or `Readable.from([...])`. */
export type TextSource = string | AsyncIterable<Uint8Array | string>;

/** One CSV record: its fields, or why it could not be read. `line` is 1-based, where the record starts. */
export type CsvRecord = CsvFieldsRecord | CsvErrorRecord;

/** A record that parsed. */
export interface CsvFieldsRecord {
  readonly line: number;
  readonly fields: string[];
  readonly error?: undefined;
}

/** A malformed record; reading continued after it. */
export interface CsvErrorRecord {
  readonly line: number;
  readonly error: string;
  readonly fields?: undefined;
}

/** Options of {@link readCsvRecords}. */
export interface CsvReadOptions {
  /** One character; `','` by default (`'\t'` for TSV). */
  readonly delimiter?: string;
  /** Every record must have this many fields; others become error records. */
  readonly expectColumns?: number;
  /**
   * A quoted field still open after this many characters is reported as unterminated and reading
   * resumes on the next line, so one stray quote cannot pull the rest of a large file into memory.
   * Default 1,048,576.
   */
  readonly maxRecordChars?: number;
}

/** A data row of a CSV file with a header: values keyed by column name, or why it could not be read. */
export type CsvRow = CsvValuesRow | CsvErrorRecord;

/** A data row that parsed and has one value per column. */
export interface CsvValuesRow {
  readonly line: number;
  /** Values keyed by column name (a prototype-free object). */
  readonly values: Record<string, string>;
  /** The same values in column order. */
  readonly fields: string[];
  readonly error?: undefined;
}

/** A CSV file opened by {@link readCsvWithHeader}. */
export interface CsvTable {
  /** Column names from the header, trimmed; an empty name becomes `column_N` (1-based). */
  readonly columns: readonly string[];
  /** The data rows. Iterate either this or `batches`, once. */
  readonly rows: AsyncIterable<CsvRow>;
  /**
   * The same data rows as plain records in batches (one per chunk read), field count already checked,
   * for loops over large files where a keyed object and an `await` per row cost more than the work.
   */
  readonly batches: AsyncIterable<CsvRecord[]>;
}

/** One JSON Lines record: the object on that line, or why it could not be read. */
export type JsonlRecord = JsonlValueRecord | CsvErrorRecord;

/** A line holding a JSON object. */
export interface JsonlValueRecord {
  readonly line: number;
  readonly value: Record<string, unknown>;
  readonly error?: undefined;
}

const DEFAULT_MAX_RECORD_CHARS = 1 << 20;
const QUOTE = 34;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
/**
 * Stands in for each invalid UTF-8 byte in decoded text. A lone low surrogate can never come out of
 * decoding valid UTF-8, so finding one in a record proves the bytes under it were invalid (unlike
 * U+FFFD, which a file may contain legitimately).
 */
const INVALID_BYTE_MARK = '\udfff';

/**
 * Reads CSV records one at a time.
 *
 * @example
 * for await (const record of readCsvRecords('users.csv', { expectColumns: 3 })) {
 *   if (record.error !== undefined) console.error(`line ${record.line}: ${record.error}`);
 *   else use(record.fields);
 * }
 */
export async function* readCsvRecords(
  source: TextSource,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(source, options)) yield* batch;
}

/**
 * Reads CSV records in batches (one per chunk read), for loops where a per-record `await` would
 * cost more than the work; same records as {@link readCsvRecords}.
 */
export async function* readCsvBatches(
  source: TextSource,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser(options);
  for await (const text of decodeSource(source)) {
    const batch: CsvRecord[] = [];
    parser.push(text.text, text.final, text.invalidBytes, batch);
    if (batch.length > 0) yield batch;
  }
}

/**
 * Opens a CSV file whose first record is a header. Rows whose field count differs from the header's
 * come out as errors (`expected 3 fields, found 2`).
 *
 * @throws InvalidInputError `csv_empty` when there is no header, `csv_header_invalid` when the header
 *   is malformed or repeats a column name, `file_not_found` when the path does not exist.
 * @example
 * const table = await readCsvWithHeader('feedback.csv');
 * for await (const row of table.rows) if (row.error === undefined) console.log(row.line, row.values['text']);
 */
export async function readCsvWithHeader(
  source: TextSource,
  options: Omit<CsvReadOptions, 'expectColumns'> = {},
): Promise<CsvTable> {
  const label = sourceLabel(source);
  const batches = readCsvBatches(source, options);
  let pending: CsvRecord[] = [];
  let header: CsvRecord | undefined;
  while (header === undefined) {
    const next = await batches.next();
    if (next.done) throw new InvalidInputError('csv_empty', `No header row in ${label}.`);
    pending = next.value;
    header = pending.shift();
  }
  if (header.error !== undefined) {
    await batches.return(undefined);
    throw new InvalidInputError(
      'csv_header_invalid',
      `The header of ${label} (line ${header.line}) is malformed: ${header.error}.`,
    );
  }
  const columns = header.fields.map((name, index) => name.trim() || `column_${index + 1}`);
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) {
      await batches.return(undefined);
      throw new InvalidInputError(
        'csv_header_invalid',
        `The header of ${label} names column '${name}' twice.`,
      );
    }
    seen.add(name);
  }
  const checkCount = (record: CsvRecord): CsvRecord =>
    record.error === undefined && record.fields.length !== columns.length
      ? { line: record.line, error: columnCountMessage(columns.length, record.fields.length) }
      : record;
  const toRow = (record: CsvRecord): CsvRow => {
    const checked = checkCount(record);
    if (checked.error !== undefined) return checked;
    const values: Record<string, string> = Object.create(null);
    for (let index = 0; index < columns.length; index++) values[columns[index]!] = checked.fields[index]!;
    return { line: checked.line, values, fields: checked.fields };
  };
  async function* checkedBatches(): AsyncGenerator<CsvRecord[]> {
    if (pending.length > 0) yield pending.map(checkCount);
    for await (const batch of batches) yield batch.map(checkCount);
  }
  async function* rows(): AsyncGenerator<CsvRow> {
    for await (const batch of checkedBatches()) for (const record of batch) yield toRow(record);
  }
  return { columns, rows: rows(), batches: checkedBatches() };
}

/**
 * Reads JSON Lines: one JSON object per line; blank lines are skipped. Bad lines come out as errors:
 * `invalid JSON: <parser message>`, `expected a JSON object, found an array`, `line contains invalid
 * UTF-8 bytes`.
 */
export async function* readJsonlRecords(source: TextSource): AsyncGenerator<JsonlRecord> {
  let carry = '';
  let line = 1;
  for await (const chunk of decodeSource(source)) {
    const text = carry.length > 0 ? carry + chunk.text : chunk.text;
    let position = 0;
    while (position < text.length) {
      let end = text.indexOf('\n', position);
      if (end === -1) {
        if (!chunk.final) break;
        end = text.length;
      }
      const content = text.slice(position, end).trim();
      if (content.length > 0) yield parseJsonLine(line, content, chunk.invalidBytes);
      position = end + 1;
      line++;
    }
    carry = position < text.length ? text.slice(position) : '';
  }
}

function parseJsonLine(line: number, content: string, invalidBytes: boolean): JsonlRecord {
  if (invalidBytes && content.includes(INVALID_BYTE_MARK)) {
    return { line, error: 'line contains invalid UTF-8 bytes' };
  }
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return { line, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, error: `expected a JSON object, found ${describeJsonValue(value)}` };
  }
  return { line, value: value as Record<string, unknown> };
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return 'a boolean';
}

/** The message for a record with the wrong number of fields (shared so every reader words it alike). */
export function columnCountMessage(expected: number, found: number): string {
  return `expected ${expected} field${expected === 1 ? '' : 's'}, found ${found}`;
}

/**
 * Splits text into records. Keeps the text from the start of the first unfinished record, so a record
 * split across chunks is parsed again whole when its end arrives (only that record is rescanned).
 */
class CsvParser {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly expectColumns: number | undefined;
  private readonly maxRecordChars: number;
  private pending = '';
  private line = 1;
  private started = false;

  constructor(options: CsvReadOptions) {
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1 || this.delimiter === '"' || this.delimiter === '\n') {
      throw new InvalidInputError(
        'csv_options_invalid',
        `The CSV delimiter must be one character other than a quote or a newline, got ${JSON.stringify(this.delimiter)}.`,
      );
    }
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.expectColumns = options.expectColumns;
    this.maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  }

  push(chunk: string, final: boolean, invalidBytes: boolean, out: CsvRecord[]): void {
    const text = this.pending.length > 0 ? this.pending + chunk : chunk;
    const length = text.length;
    let position = 0;
    if (!this.started && length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) position = 1;
    }
    let line = this.line;
    let nextQuote = -1;
    while (position < length) {
      let newline = text.indexOf('\n', position);
      if (newline === -1) {
        if (!final) break;
        newline = length;
      }
      if (nextQuote < position) {
        nextQuote = text.indexOf('"', position);
        if (nextQuote === -1) nextQuote = length;
      }
      if (nextQuote >= newline) {
        // Fast path: no quote on this line, so it is one record split on the delimiter.
        let end = newline;
        if (end > position && text.charCodeAt(end - 1) === CARRIAGE_RETURN) end--;
        if (end > position) {
          this.emit(line, text.slice(position, end).split(this.delimiter), invalidBytes, out);
        }
        position = newline + 1;
        line++;
        continue;
      }
      const result = this.parseQuoted(text, position, final);
      if (result.kind === 'incomplete') {
        if (length - position <= this.maxRecordChars) break;
        out.push({
          line,
          error: `field ${result.field} has an opening quote with no closing quote within ${this.maxRecordChars} characters`,
        });
        position = newline + 1;
        line++;
        continue;
      }
      if (result.kind === 'unterminated' || result.kind === 'error') {
        // Resume on the line after the record's first line: a stray quote, which pairs up with the
        // next quote further down, then costs one row and not every line up to that quote.
        const error =
          result.kind === 'error'
            ? result.error
            : `field ${result.field} has an opening quote with no closing quote`;
        out.push({ line, error });
        position = newline + 1;
        line++;
        continue;
      }
      this.emit(line, result.fields, invalidBytes, out);
      line += countNewlines(text, position, result.end);
      position = result.end;
    }
    this.pending = position < length ? text.slice(position) : '';
    this.line = line;
  }

  private emit(line: number, fields: string[], invalidBytes: boolean, out: CsvRecord[]): void {
    if (invalidBytes) {
      for (let index = 0; index < fields.length; index++) {
        if (fields[index]!.includes(INVALID_BYTE_MARK)) {
          out.push({ line, error: `field ${index + 1} contains invalid UTF-8 bytes` });
          return;
        }
      }
    }
    if (this.expectColumns !== undefined && fields.length !== this.expectColumns) {
      out.push({ line, error: columnCountMessage(this.expectColumns, fields.length) });
      return;
    }
    out.push({ line, fields });
  }

  /** Parses one record that contains a quote somewhere, character by character. */
  private parseQuoted(text: string, start: number, final: boolean): QuotedParse {
    const length = text.length;
    const delimiter = this.delimiterCode;
    const fields: string[] = [];
    let position = start;
    for (;;) {
      const field = fields.length + 1;
      if (position < length && text.charCodeAt(position) === QUOTE) {
        position++;
        let value = '';
        let segment = position;
        for (;;) {
          const quote = text.indexOf('"', position);
          if (quote === -1) return final ? { kind: 'unterminated', field } : { kind: 'incomplete', field };
          if (quote + 1 >= length && !final) return { kind: 'incomplete', field };
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += text.slice(segment, quote + 1);
            position = quote + 2;
            segment = position;
            continue;
          }
          value += text.slice(segment, quote);
          position = quote + 1;
          break;
        }
        const next = position < length ? text.charCodeAt(position) : -1;
        if (next === -1) {
          fields.push(value);
          return { kind: 'fields', fields, end: position };
        }
        if (next === delimiter) {
          fields.push(value);
          position++;
          continue;
        }
        if (next === NEWLINE) {
          fields.push(value);
          return { kind: 'fields', fields, end: position + 1 };
        }
        if (next === CARRIAGE_RETURN) {
          if (position + 1 >= length && !final) return { kind: 'incomplete', field };
          const after = position + 1 < length ? text.charCodeAt(position + 1) : -1;
          if (after === NEWLINE || after === -1) {
            fields.push(value);
            return { kind: 'fields', fields, end: after === -1 ? position + 1 : position + 2 };
          }
        }
        // Text after a closing quote: malformed (the caller resumes on the record's second line).
        return { kind: 'error', error: `field ${field} has text after its closing quote` };
      }
      // Unquoted field: runs to the next delimiter or newline; quotes inside are literal.
      let end = position;
      while (end < length) {
        const code = text.charCodeAt(end);
        if (code === delimiter || code === NEWLINE) break;
        end++;
      }
      if (end >= length && !final) return { kind: 'incomplete', field };
      if (end < length && text.charCodeAt(end) === delimiter) {
        fields.push(text.slice(position, end));
        position = end + 1;
        continue;
      }
      let valueEnd = end;
      if (valueEnd > position && text.charCodeAt(valueEnd - 1) === CARRIAGE_RETURN) valueEnd--;
      fields.push(text.slice(position, valueEnd));
      return { kind: 'fields', fields, end: end < length ? end + 1 : length };
    }
  }
}

type QuotedParse =
  | { kind: 'fields'; fields: string[]; end: number }
  | { kind: 'error'; error: string }
  | { kind: 'unterminated'; field: number }
  | { kind: 'incomplete'; field: number };

function countNewlines(text: string, start: number, end: number): number {
  let count = 0;
  for (
    let index = text.indexOf('\n', start);
    index !== -1 && index < end;
    index = text.indexOf('\n', index + 1)
  ) {
    count++;
  }
  return count;
}

interface DecodedChunk {
  readonly text: string;
  /** True once any invalid UTF-8 byte has been seen (then records are checked for the mark). */
  readonly invalidBytes: boolean;
  readonly final: boolean;
}

/** Turns a source into text chunks, the last one flagged `final` (possibly empty). */
async function* decodeSource(source: TextSource): AsyncGenerator<DecodedChunk> {
  const decoder = new Utf8ChunkDecoder();
  const chunks = typeof source === 'string' ? readFileChunks(source) : source;
  let previous: string | undefined;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, false);
    // Hold one chunk back so the last one can be flagged final without an extra empty pass.
    if (previous !== undefined) yield { text: previous, invalidBytes: decoder.invalidSeen, final: false };
    previous = text;
  }
  const tail = decoder.decode(new Uint8Array(0), true);
  yield { text: (previous ?? '') + tail, invalidBytes: decoder.invalidSeen, final: true };
}

async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 18 })) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InvalidInputError('file_not_found', `Cannot read ${path}: no such file.`);
    if (code === 'EISDIR') {
      throw new InvalidInputError('file_not_found', `Cannot read ${path}: it is a directory.`);
    }
    throw error;
  }
}

function sourceLabel(source: TextSource): string {
  return typeof source === 'string' ? source : 'the input';
}

/**
 * Decodes UTF-8 chunk by chunk. The native decoder does the work; only a chunk whose output holds
 * U+FFFD is decoded again by hand, to tell invalid bytes (marked with {@link INVALID_BYTE_MARK}) from
 * a U+FFFD that was really in the file.
 */
class Utf8ChunkDecoder {
  invalidSeen = false;
  private carry: Uint8Array | undefined;
  // ignoreBOM keeps U+FEFF: the parser drops it only at the very start of the file.
  private readonly native = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  decode(chunk: Uint8Array, final: boolean): string {
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
      this.carry = undefined;
    }
    let complete = bytes.length;
    if (!final) {
      complete = completeLength(bytes);
      if (complete < bytes.length) this.carry = bytes.slice(complete);
    }
    const view = complete === bytes.length ? bytes : bytes.subarray(0, complete);
    const text = this.native.decode(view);
    if (!text.includes('\ufffd')) return text;
    const checked = decodeMarkingInvalid(view);
    if (checked.includes(INVALID_BYTE_MARK)) this.invalidSeen = true;
    return checked;
  }
}

/** Length of the prefix of `bytes` that does not end inside a multi-byte sequence. */
function completeLength(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let index = length - 1; index >= 0 && index >= length - 3; index--) {
    const byte = bytes[index]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length - index < needed ? index : length;
    }
    return length;
  }
  return length;
}

/** A strict UTF-8 decoder that writes {@link INVALID_BYTE_MARK} for each byte it cannot decode. */
function decodeMarkingInvalid(bytes: Uint8Array): string {
  const parts: string[] = [];
  let units: number[] = [];
  const flush = (): void => {
    parts.push(String.fromCharCode(...units));
    units = [];
  };
  let index = 0;
  while (index < bytes.length) {
    if (units.length > 8192) flush();
    const byte = bytes[index]!;
    if (byte < 0x80) {
      units.push(byte);
      index++;
      continue;
    }
    let needed = 0;
    let point = 0;
    let minimum = 0;
    if (byte >= 0xc2 && byte <= 0xdf) {
      needed = 1;
      point = byte & 0x1f;
      minimum = 0x80;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      needed = 2;
      point = byte & 0x0f;
      minimum = 0x800;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      needed = 3;
      point = byte & 0x07;
      minimum = 0x10000;
    }
    let valid = needed > 0;
    if (valid) {
      for (let offset = 1; offset <= needed; offset++) {
        const next = bytes[index + offset];
        if (next === undefined || (next & 0xc0) !== 0x80) {
          valid = false;
          break;
        }
        point = (point << 6) | (next & 0x3f);
      }
    }
    if (valid && (point < minimum || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))) valid = false;
    if (!valid) {
      units.push(0xdfff);
      index++;
      continue;
    }
    if (point >= 0x10000) {
      const offset = point - 0x10000;
      units.push(0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff));
    } else {
      units.push(point);
    }
    index += needed + 1;
  }
  flush();
  return parts.join('');
}
