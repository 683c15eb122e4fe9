/**
 * The supervised risk model behind `analyst risk train` and `analyst risk score`: an L2-regularised
 * logistic regression on standardised numeric columns of a labelled CSV (for example feature exports
 * with the outcome of closed alerts as the label), fitted by Newton's method (IRLS) on typed arrays.
 * Its score is the probability of the positive label.
 *
 * What the reader does with imperfect files, and reports:
 * - the id column and the label column are required; other columns are features when every value is a
 *   number or missing (empty, NA, NaN, null); a column with any other value is dropped and named;
 * - missing feature values are replaced by the training median (counted per column);
 * - rows with a missing id or label, the wrong number of fields or broken quoting are skipped, by line;
 * - a feature that is constant in training is dropped (it cannot be standardised).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { readCsvWithHeader, type TextSource } from '../../core/csv.js';
import { InvalidInputError, UnknownNameError } from '../../core/errors.js';
import { rocAuc } from '../anomaly/index.js';

/** Format tag of a saved model file. */
export const RISK_MODEL_FORMAT = 'analyst-risk-model';

/** A fitted model, as saved to JSON. */
export interface RiskModel {
  readonly format: typeof RISK_MODEL_FORMAT;
  readonly version: 1;
  readonly kind: 'logistic_regression';
  readonly labelColumn: string;
  readonly positiveLabel: string;
  readonly negativeLabel: string;
  readonly features: readonly {
    readonly name: string;
    readonly mean: number;
    readonly scale: number;
    readonly median: number;
    /** Weight on the standardised feature. */
    readonly weight: number;
  }[];
  readonly intercept: number;
  readonly l2: number;
  readonly trainedRows: number;
  readonly positives: number;
  readonly iterations: number;
  readonly trainAuc: number;
  readonly trainLogLoss: number;
}

/** What happened to the input file. */
export interface RiskModelReport {
  readonly rows: number;
  readonly skippedRows: readonly { line: number; reason: string }[];
  readonly droppedColumns: readonly { column: string; reason: string }[];
  readonly imputed: Readonly<Record<string, number>>;
}

/** Options of {@link trainRiskModel}. */
export interface TrainRiskModelOptions {
  readonly idColumn: string;
  readonly labelColumn: string;
  /** The label value that counts as positive; inferred for 0/1, false/true, no/yes. */
  readonly positiveLabel?: string;
  readonly ignoreColumns?: readonly string[];
  /** L2 penalty on the standardised weights (not the intercept), default 1. */
  readonly l2?: number;
}

const MISSING = new Set(['', 'na', 'nan', 'null']);
const isMissing = (text: string): boolean => MISSING.has(text.trim().toLowerCase());

interface ReadTable {
  ids: string[];
  lines: number[];
  labels: string[];
  columns: string[];
  /** Column-major values, NaN where missing. */
  values: Float64Array[];
  report: {
    skippedRows: { line: number; reason: string }[];
    droppedColumns: { column: string; reason: string }[];
  };
}

/** Reads id, optional label, and numeric columns (all, or only `wanted`). */
async function readTable(
  source: TextSource,
  options: {
    idColumn: string;
    labelColumn?: string;
    ignoreColumns?: readonly string[];
    wanted?: readonly string[];
  },
): Promise<ReadTable> {
  const table = await readCsvWithHeader(source);
  const header = table.columns;
  const require = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0)
      throw new UnknownNameError({
        code: 'csv_column_unknown',
        kind: 'column',
        input: name,
        available: header,
      });
    return index;
  };
  const idIndex = require(options.idColumn);
  const labelIndex = options.labelColumn === undefined ? -1 : require(options.labelColumn);
  for (const name of options.ignoreColumns ?? []) require(name);
  if (options.wanted) {
    const missing = options.wanted.filter((name) => !header.includes(name));
    if (missing.length > 0) {
      throw new InvalidInputError(
        'risk_model_columns_missing',
        `The file lacks the model's feature column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`,
      );
    }
  }
  const ignored = new Set(options.ignoreColumns ?? []);
  const featureIndexes = header
    .map((name, index) => ({ name, index }))
    .filter(
      ({ name, index }) =>
        index !== idIndex &&
        index !== labelIndex &&
        !ignored.has(name) &&
        (!options.wanted || options.wanted.includes(name)),
    );
  const columns = featureIndexes.map(({ name }) => name);
  const buffers = featureIndexes.map(() => [] as number[]);
  const nonNumeric = new Map<number, string>();
  const ids: string[] = [];
  const lines: number[] = [];
  const labels: string[] = [];
  const skippedRows: { line: number; reason: string }[] = [];
  for await (const batch of table.batches) {
    for (const record of batch) {
      if (record.error !== undefined) {
        skippedRows.push({ line: record.line, reason: record.error });
        continue;
      }
      const id = record.fields[idIndex]!.trim();
      if (isMissing(id)) {
        skippedRows.push({ line: record.line, reason: 'missing id' });
        continue;
      }
      const label = labelIndex < 0 ? '' : record.fields[labelIndex]!.trim();
      if (labelIndex >= 0 && isMissing(label)) {
        skippedRows.push({ line: record.line, reason: 'missing label' });
        continue;
      }
      // When scoring, a non-numeric value in a model feature costs its row, not the column.
      if (options.wanted) {
        const bad = featureIndexes.find(({ index }) => {
          const text = record.fields[index]!;
          return !isMissing(text) && !Number.isFinite(Number(text));
        });
        if (bad) {
          skippedRows.push({
            line: record.line,
            reason: `non-numeric value '${record.fields[bad.index]!.trim()}' in ${bad.name}`,
          });
          continue;
        }
      }
      ids.push(id);
      lines.push(record.line);
      labels.push(label);
      featureIndexes.forEach(({ index }, column) => {
        const text = record.fields[index]!;
        if (isMissing(text)) {
          buffers[column]!.push(Number.NaN);
          return;
        }
        const value = Number(text);
        if (!Number.isFinite(value) && !nonNumeric.has(column)) {
          nonNumeric.set(column, `non-numeric value '${text.trim()}' on line ${record.line}`);
        }
        buffers[column]!.push(value);
      });
    }
  }
  const droppedColumns: { column: string; reason: string }[] = [];
  const keptColumns: string[] = [];
  const values: Float64Array[] = [];
  columns.forEach((name, column) => {
    const reason = nonNumeric.get(column);
    if (reason) droppedColumns.push({ column: name, reason });
    else {
      keptColumns.push(name);
      values.push(Float64Array.from(buffers[column]!));
    }
  });
  return { ids, lines, labels, columns: keptColumns, values, report: { skippedRows, droppedColumns } };
}

function medianOf(values: Float64Array): number {
  const present = values.filter((value) => !Number.isNaN(value)).sort();
  if (present.length === 0) return Number.NaN;
  const middle = present.length >> 1;
  return present.length % 2 ? present[middle]! : (present[middle - 1]! + present[middle]!) / 2;
}

function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

/** Solves A x = b for a symmetric positive definite A (row-major n × n) by Cholesky; A is overwritten. */
function choleskySolve(matrix: Float64Array, vector: Float64Array, size: number): Float64Array {
  for (let row = 0; row < size; row++) {
    for (let column = 0; column <= row; column++) {
      let sum = matrix[row * size + column]!;
      for (let k = 0; k < column; k++) sum -= matrix[row * size + k]! * matrix[column * size + k]!;
      if (row === column) {
        if (sum <= 0)
          throw new InvalidInputError(
            'risk_model_singular',
            'The training data is degenerate (singular Hessian).',
          );
        matrix[row * size + row] = Math.sqrt(sum);
      } else {
        matrix[row * size + column] = sum / matrix[column * size + column]!;
      }
    }
  }
  const y = new Float64Array(size);
  for (let row = 0; row < size; row++) {
    let sum = vector[row]!;
    for (let k = 0; k < row; k++) sum -= matrix[row * size + k]! * y[k]!;
    y[row] = sum / matrix[row * size + row]!;
  }
  const x = new Float64Array(size);
  for (let row = size - 1; row >= 0; row--) {
    let sum = y[row]!;
    for (let k = row + 1; k < size; k++) sum -= matrix[k * size + row]! * x[k]!;
    x[row] = sum / matrix[row * size + row]!;
  }
  return x;
}

/** The positive label among two values, or why it cannot be told. */
function choosePositive(values: readonly string[], requested: string | undefined): string {
  if (requested !== undefined) {
    if (!values.includes(requested)) {
      throw new InvalidInputError(
        'risk_label_unknown',
        `The positive label '${requested}' does not occur in the label column (values: ${values.join(', ')}).`,
      );
    }
    return requested;
  }
  const lower = values.map((value) => value.toLowerCase());
  for (const positive of ['1', 'true', 'yes', 'y', 'positive', 'fraud', 'suspicious']) {
    const index = lower.indexOf(positive);
    if (index >= 0) return values[index]!;
  }
  throw new InvalidInputError(
    'risk_label_ambiguous',
    `Cannot tell which label is positive among ${values.join(', ')}; pass --positive-label.`,
  );
}

/**
 * Fits the model on a labelled CSV.
 *
 * @example
 * const { model, report } = await trainRiskModel('labelled.csv', { idColumn: 'user_id', labelColumn: 'label' });
 */
export async function trainRiskModel(
  source: TextSource,
  options: TrainRiskModelOptions,
): Promise<{ model: RiskModel; report: RiskModelReport }> {
  const table = await readTable(source, {
    idColumn: options.idColumn,
    labelColumn: options.labelColumn,
    ...(options.ignoreColumns ? { ignoreColumns: options.ignoreColumns } : {}),
  });
  const distinct = [...new Set(table.labels)].sort();
  if (distinct.length !== 2) {
    throw new InvalidInputError(
      'risk_labels_invalid',
      `The label column ${options.labelColumn} must hold exactly two values, found ${distinct.length}${distinct.length ? ` (${distinct.slice(0, 5).join(', ')})` : ''}.`,
    );
  }
  const positiveLabel = choosePositive(distinct, options.positiveLabel);
  const negativeLabel = distinct.find((value) => value !== positiveLabel)!;
  const rows = table.ids.length;
  const y = Float64Array.from(table.labels, (label) => (label === positiveLabel ? 1 : 0));
  const droppedColumns = [...table.report.droppedColumns];
  const imputed: Record<string, number> = {};
  const kept: { name: string; mean: number; scale: number; median: number; values: Float64Array }[] = [];
  table.columns.forEach((name, column) => {
    const values = table.values[column]!;
    const median = medianOf(values);
    if (Number.isNaN(median)) {
      droppedColumns.push({ column: name, reason: 'every value is missing' });
      return;
    }
    let missing = 0;
    for (let row = 0; row < rows; row++) {
      if (Number.isNaN(values[row]!)) {
        values[row] = median;
        missing++;
      }
    }
    if (missing > 0) imputed[name] = missing;
    let mean = 0;
    for (let row = 0; row < rows; row++) mean += values[row]!;
    mean /= rows;
    let variance = 0;
    for (let row = 0; row < rows; row++) variance += (values[row]! - mean) ** 2;
    const scale = Math.sqrt(variance / rows);
    if (!(scale > 1e-12)) {
      droppedColumns.push({ column: name, reason: 'constant in the training rows' });
      return;
    }
    for (let row = 0; row < rows; row++) values[row] = (values[row]! - mean) / scale;
    kept.push({ name, mean, scale, median, values });
  });
  if (kept.length === 0) {
    throw new InvalidInputError('risk_no_features', 'The file has no usable numeric feature columns.');
  }
  const l2 = options.l2 ?? 1;
  const size = kept.length + 1; // weights, then the intercept
  const weights = new Float64Array(size);
  const positives = y.reduce((sum, value) => sum + value, 0);
  // Start from the base rate so the first Newton step is small.
  weights[size - 1] = Math.log((positives + 0.5) / (rows - positives + 0.5));
  const row = new Float64Array(size);
  const probability = new Float64Array(rows);
  let iterations = 0;
  for (; iterations < 50; iterations++) {
    const hessian = new Float64Array(size * size);
    const gradient = new Float64Array(size);
    for (let index = 0; index < rows; index++) {
      let margin = weights[size - 1]!;
      for (let feature = 0; feature < kept.length; feature++) {
        row[feature] = kept[feature]!.values[index]!;
        margin += weights[feature]! * row[feature]!;
      }
      row[size - 1] = 1;
      const p = sigmoid(margin);
      probability[index] = p;
      const residual = y[index]! - p;
      const weight = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < size; a++) {
        gradient[a] = gradient[a]! + residual * row[a]!;
        const scaled = weight * row[a]!;
        for (let b = 0; b <= a; b++) hessian[a * size + b] = hessian[a * size + b]! + scaled * row[b]!;
      }
    }
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < a; b++) hessian[b * size + a] = hessian[a * size + b]!;
      if (a < size - 1) {
        hessian[a * size + a] = hessian[a * size + a]! + l2;
        gradient[a] = gradient[a]! - l2 * weights[a]!;
      }
    }
    const step = choleskySolve(hessian, gradient, size);
    let largest = 0;
    for (let a = 0; a < size; a++) {
      weights[a] = weights[a]! + step[a]!;
      largest = Math.max(largest, Math.abs(step[a]!));
    }
    if (largest < 1e-9) {
      iterations++;
      break;
    }
  }
  // Final probabilities with the final weights, for the training figures.
  let logLoss = 0;
  for (let index = 0; index < rows; index++) {
    let margin = weights[size - 1]!;
    for (let feature = 0; feature < kept.length; feature++)
      margin += weights[feature]! * kept[feature]!.values[index]!;
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(margin)));
    probability[index] = p;
    logLoss -= y[index] ? Math.log(p) : Math.log(1 - p);
  }
  const model: RiskModel = {
    format: RISK_MODEL_FORMAT,
    version: 1,
    kind: 'logistic_regression',
    labelColumn: options.labelColumn,
    positiveLabel,
    negativeLabel,
    features: kept.map((feature, index) => ({
      name: feature.name,
      mean: feature.mean,
      scale: feature.scale,
      median: feature.median,
      weight: weights[index]!,
    })),
    intercept: weights[size - 1]!,
    l2,
    trainedRows: rows,
    positives,
    iterations,
    trainAuc: rocAuc(probability, y),
    trainLogLoss: logLoss / rows,
  };
  return { model, report: { rows, skippedRows: table.report.skippedRows, droppedColumns, imputed } };
}

/** Probability of the positive label for one row of raw feature values (NaN = missing), in model order. */
export function riskProbability(model: RiskModel, values: ArrayLike<number>): number {
  let margin = model.intercept;
  model.features.forEach((feature, index) => {
    const raw = values[index]!;
    const value = Number.isNaN(raw) ? feature.median : raw;
    margin += feature.weight * ((value - feature.mean) / feature.scale);
  });
  return sigmoid(margin);
}

/** Scores the rows of a CSV with a model: `{id, score}` in file order. */
export async function scoreRiskModel(
  model: RiskModel,
  source: TextSource,
  options: { idColumn: string },
): Promise<{ scores: { id: string; score: number }[]; report: RiskModelReport }> {
  const names = model.features.map((feature) => feature.name);
  const table = await readTable(source, { idColumn: options.idColumn, wanted: names });
  const imputed: Record<string, number> = {};
  const order = names.map((name) => table.columns.indexOf(name));
  const values = new Float64Array(names.length);
  const scores = table.ids.map((id, row) => {
    order.forEach((column, index) => {
      const value = table.values[column]![row]!;
      if (Number.isNaN(value)) imputed[names[index]!] = (imputed[names[index]!] ?? 0) + 1;
      values[index] = value;
    });
    return { id, score: riskProbability(model, values) };
  });
  return {
    scores,
    report: {
      rows: scores.length,
      skippedRows: table.report.skippedRows,
      droppedColumns: [],
      imputed,
    },
  };
}

/** Reads and checks a saved model. */
export function loadRiskModel(file: string): RiskModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(
      'risk_model_unreadable',
      `Cannot read the risk model ${file}: ${(error as Error).message}`,
    );
  }
  const model = parsed as Partial<RiskModel>;
  if (model.format !== RISK_MODEL_FORMAT || model.version !== 1 || !Array.isArray(model.features)) {
    throw new InvalidInputError(
      'risk_model_unreadable',
      `${file} is not a risk model written by 'analyst risk train' (format ${RISK_MODEL_FORMAT}, version 1).`,
    );
  }
  return model as RiskModel;
}

function reportLines(file: string, report: RiskModelReport): string[] {
  const lines: string[] = [];
  for (const row of report.skippedRows) lines.push(`skipped line ${row.line}: ${row.reason}`);
  for (const column of report.droppedColumns) lines.push(`dropped column ${column.column}: ${column.reason}`);
  for (const [column, count] of Object.entries(report.imputed)) {
    lines.push(
      `imputed ${count} missing value${count === 1 ? '' : 's'} of ${column} with the training median`,
    );
  }
  return [`read ${report.rows} rows of ${file}`, ...lines];
}

/** `analyst risk train`: fits and saves the model; the report goes to `errorOutput`. */
export async function runRiskTrainCommand(options: {
  file: string;
  idColumn: string;
  labelColumn: string;
  modelPath: string;
  positiveLabel?: string;
  ignoreColumns?: readonly string[];
  l2?: number;
  json?: boolean;
  errorOutput?: Writable;
}): Promise<{ model: RiskModel; report: RiskModelReport }> {
  const outcome = await trainRiskModel(options.file, {
    idColumn: options.idColumn,
    labelColumn: options.labelColumn,
    ...(options.positiveLabel === undefined ? {} : { positiveLabel: options.positiveLabel }),
    ...(options.ignoreColumns ? { ignoreColumns: options.ignoreColumns } : {}),
    ...(options.l2 === undefined ? {} : { l2: options.l2 }),
  });
  writeFileSync(options.modelPath, `${JSON.stringify(outcome.model, null, 2)}\n`);
  const errorOutput = options.errorOutput ?? process.stderr;
  const { model } = outcome;
  errorOutput.write(
    options.json
      ? `${JSON.stringify({ model: options.modelPath, report: outcome.report, trainAuc: model.trainAuc, trainLogLoss: model.trainLogLoss, features: model.features.map((feature) => feature.name) })}\n`
      : `${[
          ...reportLines(options.file, outcome.report),
          `trained a logistic regression on ${model.trainedRows} rows (${model.positives} labelled ${model.positiveLabel}) and ${model.features.length} features in ${model.iterations} Newton steps; training ROC AUC ${model.trainAuc.toFixed(3)}, log loss ${model.trainLogLoss.toFixed(3)}; saved to ${options.modelPath}`,
        ].join('\n')}\n`,
  );
  return outcome;
}

/** `analyst risk score`: one `{"id","score"}` line per row on `output`, the report on `errorOutput`. */
export async function runRiskScoreCommand(options: {
  file: string;
  idColumn: string;
  modelPath: string;
  json?: boolean;
  output?: Writable;
  errorOutput?: Writable;
}): Promise<RiskModelReport> {
  const model = loadRiskModel(options.modelPath);
  const { scores, report } = await scoreRiskModel(model, options.file, { idColumn: options.idColumn });
  const output = options.output ?? process.stdout;
  let buffer = '';
  for (const scored of scores) buffer += `${JSON.stringify(scored)}\n`;
  await new Promise<void>((resolve, reject) =>
    output.write(buffer, (error) => (error ? reject(error) : resolve())),
  );
  (options.errorOutput ?? process.stderr).write(
    options.json ? `${JSON.stringify(report)}\n` : `${reportLines(options.file, report).join('\n')}\n`,
  );
  return report;
}
