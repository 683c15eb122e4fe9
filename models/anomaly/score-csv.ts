/**
 * `analyst anomaly score FILE.csv --id-col C [--ignore-cols a,b]`: scores any CSV with a header using
 * an Isolation Forest, and says exactly what it did with the parts it could not use.
 *
 * - Every column other than the id and the ignored ones is a feature if all its values are numbers;
 *   a column with a non-numeric value is dropped and named in the report, with the first such value.
 * - Missing values (empty, `NA`, `NaN`, `null`, any case) are replaced by the column's median, and
 *   counted per column.
 * - Rows with a missing id, the wrong number of fields or broken quoting are skipped and reported with
 *   their line number; the rest are scored.
 */
import type { Writable } from 'node:stream';
import { readCsvWithHeader, type TextSource } from '../../core/csv.js';
import { InvalidInputError, UnknownNameError } from '../../core/errors.js';
import { explainRow, type FeatureExplanation } from './explain.js';
import { createFeatureMatrix, type FeatureMatrix, median } from './feature-matrix.js';
import { fitIsolationForest, type IsolationForest, scoreIsolationForest } from './isolation-forest.js';

/** What happened to the input, for stderr and for the person who supplied the file. */
export interface AnomalyScoreReport {
  /** Rows scored. */
  readonly rows: number;
  /** Rows left out, in file order, with the line where each starts. */
  readonly skippedRows: ReadonlyArray<{ readonly line: number; readonly reason: string }>;
  /** Columns that are not features (other than the id and ignored ones), in header order. */
  readonly droppedColumns: ReadonlyArray<{ readonly column: string; readonly reason: string }>;
  /** Missing values replaced by the column median, per feature column (columns with none are absent). */
  readonly imputed: Readonly<Record<string, number>>;
}

/** Options of {@link readNumericCsv}. */
export interface NumericCsvOptions {
  /** Column holding each row's id (copied to the output as a string). */
  readonly idColumn: string;
  /** Columns to leave out of the features (labels, timestamps, free text). */
  readonly ignoreColumns?: readonly string[];
}

/** A CSV turned into a feature matrix, with ids and the report of what was dropped and imputed. */
export interface NumericCsv {
  readonly ids: string[];
  /** Line where each kept row starts. */
  readonly lines: Int32Array;
  readonly featureNames: string[];
  readonly matrix: FeatureMatrix;
  /** Median of each feature before imputation (what missing values were replaced with). */
  readonly medians: Float64Array;
  readonly report: AnomalyScoreReport;
}

/** Options of {@link scoreCsv}. */
export interface ScoreCsvOptions extends NumericCsvOptions {
  /** Number of trees, default 100. */
  readonly trees?: number;
  /** Rows per tree, default `'auto'` = min(256, rows). */
  readonly maxSamples?: number | 'auto';
  /** Seed, default 42. */
  readonly seed?: number;
}

/** One output line. */
export interface ScoredRow {
  readonly id: string;
  /** In (0, 1]; higher = more anomalous. */
  readonly score: number;
}

/** Scores in file order, plus what is needed to explain them. */
export interface ScoreCsvResult {
  readonly scores: ScoredRow[];
  readonly report: AnomalyScoreReport;
  readonly forest: IsolationForest;
  readonly data: NumericCsv;
  /** The top features behind the score of the row at `index` (0-based, in `scores` order). */
  explain(index: number, top?: number): FeatureExplanation[];
}

const MISSING = new Set(['', 'na', 'nan', 'null']);

/** Empty, `NA`, `NaN` or `null` in any case (the length test skips the lower-casing for numbers). */
function isMissing(trimmed: string): boolean {
  return trimmed.length === 0 || (trimmed.length <= 4 && MISSING.has(trimmed.toLowerCase()));
}

/**
 * Reads a CSV with a header into a feature matrix (see the module comment for the rules).
 *
 * @throws UnknownNameError when the id column or an ignored column is not in the header;
 *   InvalidInputError `anomaly_no_features` / `anomaly_no_rows` when nothing is left to score.
 */
export async function readNumericCsv(source: TextSource, options: NumericCsvOptions): Promise<NumericCsv> {
  const label = typeof source === 'string' ? source : 'the input';
  const table = await readCsvWithHeader(source);
  const { columns } = table;
  const checkColumn = (name: string): void => {
    if (!columns.includes(name)) {
      throw new UnknownNameError({
        code: 'csv_column_unknown',
        kind: 'column',
        input: name,
        available: columns,
      });
    }
  };
  checkColumn(options.idColumn);
  for (const name of options.ignoreColumns ?? []) checkColumn(name);
  const idIndex = columns.indexOf(options.idColumn);
  const ignored = new Set(options.ignoreColumns ?? []);
  const candidates: ColumnBuffer[] = [];
  columns.forEach((name, index) => {
    if (index !== idIndex && !ignored.has(name)) candidates.push(new ColumnBuffer(name, index));
  });

  const ids: string[] = [];
  let lines = new Int32Array(1024);
  const skippedRows: Array<{ line: number; reason: string }> = [];
  for await (const batch of table.batches) {
    for (const row of batch) {
      if (row.error !== undefined) {
        skippedRows.push({ line: row.line, reason: row.error });
        continue;
      }
      const id = row.fields[idIndex]!.trim();
      if (isMissing(id)) {
        skippedRows.push({ line: row.line, reason: 'missing id' });
        continue;
      }
      if (ids.length === lines.length) lines = grow(lines);
      lines[ids.length] = row.line;
      ids.push(id);
      for (const column of candidates) column.add(row.fields[column.index]!, row.line);
    }
  }
  const count = ids.length;

  const droppedColumns: Array<{ column: string; reason: string }> = [];
  const features: ColumnBuffer[] = [];
  for (const column of candidates) {
    if (column.nonNumeric !== undefined) {
      droppedColumns.push({ column: column.name, reason: column.nonNumeric });
    } else if (count > 0 && column.missing === count) {
      droppedColumns.push({ column: column.name, reason: 'every value is missing' });
    } else {
      features.push(column);
    }
  }
  if (features.length === 0) {
    const dropped = droppedColumns.map((column) => `${column.column} (${column.reason})`).join(', ');
    throw new InvalidInputError(
      'anomaly_no_features',
      `${label} has no numeric columns to score${dropped ? `; dropped ${dropped}` : ''}.`,
    );
  }
  if (count === 0) {
    throw new InvalidInputError(
      'anomaly_no_rows',
      `${label} has no rows to score (${skippedRows.length} skipped, see the report).`,
    );
  }

  const width = features.length;
  const values = new Float64Array(count * width);
  const medians = new Float64Array(width);
  const imputed: Record<string, number> = {};
  features.forEach((column, feature) => {
    const present = new Float64Array(count - column.missing);
    let filled = 0;
    for (let row = 0; row < count; row++) {
      const value = column.values[row]!;
      if (!Number.isNaN(value)) present[filled++] = value;
    }
    const middle = median(present);
    medians[feature] = middle;
    if (column.missing > 0) imputed[column.name] = column.missing;
    for (let row = 0; row < count; row++) {
      const value = column.values[row]!;
      values[row * width + feature] = Number.isNaN(value) ? middle : value;
    }
  });
  return {
    ids,
    lines: lines.slice(0, count),
    featureNames: features.map((column) => column.name),
    matrix: createFeatureMatrix(values, count, width),
    medians,
    report: { rows: count, skippedRows, droppedColumns, imputed },
  };
}

/**
 * Reads, fits and scores a CSV file in one go.
 *
 * @example
 * const { scores, report } = await scoreCsv('users.csv', { idColumn: 'user_id', ignoreColumns: ['label'] });
 */
export async function scoreCsv(source: TextSource, options: ScoreCsvOptions): Promise<ScoreCsvResult> {
  const data = await readNumericCsv(source, options);
  const forest = fitIsolationForest(data.matrix, {
    ...(options.trees === undefined ? {} : { trees: options.trees }),
    ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const raw = scoreIsolationForest(forest, data.matrix);
  const scores = data.ids.map((id, index) => ({ id, score: raw[index]! }));
  const width = data.matrix.columns;
  return {
    scores,
    report: data.report,
    forest,
    data,
    explain: (index, top = 3) =>
      explainRow(forest, data.matrix.values.subarray(index * width, (index + 1) * width), {
        featureNames: data.featureNames,
        medians: data.medians,
        top,
      }),
  };
}

/** Options of {@link runAnomalyScoreCommand}, as parsed by the CLI. */
export interface AnomalyScoreCommandOptions {
  readonly file: string;
  readonly idColumn: string;
  readonly ignoreColumns?: readonly string[];
  /** Report on stderr as one JSON object instead of lines for people. */
  readonly json?: boolean;
  /** Add each row's top three features (`"explanation": [{feature, contribution, text}]`) to its line. */
  readonly explain?: boolean;
  readonly seed?: number;
  readonly trees?: number;
  /** Where the `{id, score}` lines go, default stdout. */
  readonly output?: Writable;
  /** Where the report goes, default stderr. */
  readonly errorOutput?: Writable;
}

/**
 * The `analyst anomaly score` command: one JSON line `{"id", "score"}` per scored row on stdout (file
 * order), the report on stderr. Returns the report.
 */
export async function runAnomalyScoreCommand(
  options: AnomalyScoreCommandOptions,
): Promise<AnomalyScoreReport> {
  const output = options.output ?? process.stdout;
  const errorOutput = options.errorOutput ?? process.stderr;
  const result = await scoreCsv(options.file, {
    idColumn: options.idColumn,
    ...(options.ignoreColumns === undefined ? {} : { ignoreColumns: options.ignoreColumns }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.trees === undefined ? {} : { trees: options.trees }),
  });
  let buffer = '';
  for (let index = 0; index < result.scores.length; index++) {
    const scored = result.scores[index]!;
    const line: Record<string, unknown> = { id: scored.id, score: scored.score };
    if (options.explain) {
      line['explanation'] = result.explain(index).map((explanation) => ({
        feature: explanation.feature,
        contribution: Math.round(explanation.contribution * 1000) / 1000,
        text: explanation.text,
      }));
    }
    buffer += `${JSON.stringify(line)}\n`;
    if (buffer.length >= 1 << 16) {
      await write(output, buffer);
      buffer = '';
    }
  }
  if (buffer.length > 0) await write(output, buffer);
  await write(
    errorOutput,
    options.json ? `${JSON.stringify(result.report)}\n` : formatReport(options.file, result),
  );
  return result.report;
}

/** The report in lines for people. */
function formatReport(file: string, result: ScoreCsvResult): string {
  const { report, data } = result;
  const lines = [
    `scored ${report.rows} rows of ${file} on ${data.featureNames.length} features (${data.featureNames.join(', ')})`,
  ];
  for (const row of report.skippedRows) lines.push(`skipped line ${row.line}: ${row.reason}`);
  for (const column of report.droppedColumns) lines.push(`dropped column ${column.column}: ${column.reason}`);
  for (const [column, count] of Object.entries(report.imputed)) {
    const median = data.medians[data.featureNames.indexOf(column)]!;
    lines.push(
      `imputed ${count} missing value${count === 1 ? '' : 's'} of ${column} with the median ${median}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * Parses plain decimals (`-12.345`) with at most 15 digits by hand, and anything else with Number().
 * For such inputs digits / 10^k is exactly what Number() returns (both operands are exact doubles and
 * one division rounds correctly, Clinger's fast path), and it skips Number()'s general parser, which
 * was a third of the time of reading a numeric CSV.
 */
export function parseDecimal(text: string): number {
  const length = text.length;
  let index = 0;
  let negative = false;
  if (length > 0) {
    const first = text.charCodeAt(0);
    if (first === 45 /* - */ || first === 43 /* + */) {
      negative = first === 45;
      index = 1;
    }
  }
  let digits = 0;
  let mantissa = 0;
  let fraction = -1;
  for (; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
    } else if (code === 46 /* . */ && fraction < 0) {
      fraction = digits;
    } else {
      return Number(text);
    }
  }
  if (digits === 0 || digits > 15) return Number(text);
  const value = fraction < 0 ? mantissa : mantissa / POWERS_OF_TEN[digits - fraction]!;
  return negative ? -value : value;
}

function grow<T extends Int32Array | Float64Array>(array: T): T {
  const larger = new (array.constructor as new (length: number) => T)(array.length * 2);
  larger.set(array);
  return larger;
}

/** One candidate feature column, parsed as rows arrive; NaN marks a missing value. */
class ColumnBuffer {
  values = new Float64Array(1024);
  length = 0;
  missing = 0;
  /** Why the column is not numeric (its first non-numeric value), once known. */
  nonNumeric: string | undefined;

  constructor(
    readonly name: string,
    readonly index: number,
  ) {}

  add(text: string, line: number): void {
    if (this.nonNumeric !== undefined) return;
    // Number() (the fallback of parseDecimal) ignores surrounding spaces, so the common case needs no
    // trim; it also reads '' and blanks as 0, hence the check on 0.
    let value = parseDecimal(text);
    if (value - value !== 0 || (value === 0 && text.trim() === '')) {
      const trimmed = text.trim();
      if (isMissing(trimmed)) {
        this.missing++;
        value = Number.NaN;
      } else {
        this.nonNumeric = `non-numeric value '${trimmed}' on line ${line}`;
        this.values = new Float64Array(0);
        return;
      }
    }
    if (this.length === this.values.length) this.values = grow(this.values);
    this.values[this.length++] = value;
  }
}
