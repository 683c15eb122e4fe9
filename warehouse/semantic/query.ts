import { InvalidInputError, UnknownNameError } from '../../core/errors.js';
import type { SqlConnection } from '../connection.js';
import { dialectFor } from '../dialect.js';
import {
  DIMENSION_NAMES,
  DIMENSIONS,
  type DimensionName,
  METRIC_NAMES,
  METRICS,
  type MetricDefinition,
  type MetricName,
  SOURCES,
  TIME_GRAINS,
  type TimeGrain,
} from './catalogue.js';
import {
  type CompiledMetricQuery,
  compileMetricQuery,
  orderedDimensions,
  type ResolvedMetricQuery,
} from './compile.js';
import { listRollups } from './rollups.js';

/** A half-open range written as dates (YYYY-MM-DD) or ISO timestamps. */
export interface TimeRangeInput {
  readonly start: string;
  readonly end: string;
}

/** The arguments of `metric_query`, as routed (DESIGN.md tool catalogue). */
export interface MetricQueryInput {
  readonly metric: string;
  readonly time_range: TimeRangeInput;
  readonly group_by?: readonly string[] | undefined;
  readonly filters?: Readonly<Record<string, string | number | readonly (string | number)[]>> | undefined;
  readonly compare?: 'previous_period' | 'previous_year' | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
  readonly limit?: number | undefined;
}

/** One result row: the period (for time grains), dimension values, the value and the comparison. */
export interface MetricRow {
  period?: string;
  [dimension: string]: string | number | null | undefined;
  value: number | null;
  previous_value?: number | null;
  change?: number | null;
  change_pct?: number | null;
}

/** A statement the semantic layer ran. */
export interface SemanticStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly rowCount: number;
  readonly durationMs: number;
  readonly rollup: string | undefined;
  readonly purpose: 'current' | 'previous' | 'total' | 'previous_total';
}

/** What a metric query returns. */
export interface MetricQueryOutcome {
  readonly metric: MetricDefinition;
  readonly timeRange: { start: string; end: string };
  readonly previousRange: { start: string; end: string } | undefined;
  readonly grain: TimeGrain | undefined;
  readonly dimensions: readonly DimensionName[];
  readonly filters: Record<string, readonly (string | number)[]>;
  readonly rows: MetricRow[];
  /** The value over the whole range with the filters, whatever the grouping. */
  readonly total: number | null;
  readonly previousTotal: number | null | undefined;
  /** True when more rows existed than were returned (limit or row cap). */
  readonly truncated: boolean;
  readonly statements: SemanticStatement[];
}

/** Options of {@link runMetricQuery}. */
export interface RunMetricQueryOptions {
  readonly now: Date;
  /** Hard cap on returned rows. */
  readonly maxRows?: number;
  readonly useRollups?: boolean;
  /** Called for every statement (audit log). */
  readonly onStatement?: (statement: SemanticStatement) => Promise<void> | void;
}

const valueCache = new WeakMap<SqlConnection, Map<DimensionName, Promise<string[]>>>();
const rollupCache = new WeakMap<SqlConnection, Promise<Set<string>>>();

/** Forgets cached dimension values and rollups (after regenerating the warehouse). */
export function clearSemanticCaches(warehouse: SqlConnection): void {
  valueCache.delete(warehouse);
  rollupCache.delete(warehouse);
}

/** Valid values of a dimension: the catalogue's list, or the distinct values in the warehouse. */
export async function dimensionValues(warehouse: SqlConnection, dimension: DimensionName): Promise<string[]> {
  const definition = DIMENSIONS[dimension];
  if (definition.values) return [...definition.values];
  let cache = valueCache.get(warehouse);
  if (!cache) {
    cache = new Map();
    valueCache.set(warehouse, cache);
  }
  let pending = cache.get(dimension);
  if (!pending) {
    pending = (async () => {
      try {
        const { rows } = await warehouse.query<{ value: string }>(definition.valuesSql!);
        return rows.map((row) => String(row.value).trim());
      } catch {
        // The market rollup may not exist yet (warehouse loaded without rollups): read the base table.
        const { rows } = await warehouse.query<{ value: string }>(
          'SELECT DISTINCT market AS value FROM trades ORDER BY 1',
        );
        return rows.map((row) => String(row.value));
      }
    })();
    cache.set(dimension, pending);
    pending.catch(() => cache.delete(dimension));
  }
  return pending;
}

/** Parses 'YYYY-MM-DD' or an ISO timestamp as a UTC instant. */
export function parseInstant(text: string, field: string): Date {
  const trimmed = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
    ? new Date(`${trimmed}T00:00:00.000Z`)
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)
      ? new Date(trimmed)
      : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInputError(
      'time_range_invalid',
      `time_range.${field} '${text}' is not a date: use YYYY-MM-DD (UTC) or an ISO timestamp such as 2026-11-24T12:00:00Z.`,
    );
  }
  return date;
}

/** Formats an instant as a date when it is midnight UTC, otherwise as an ISO timestamp. */
export function formatInstant(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** Validates names, values and the range; throws errors that list what is available. */
export async function resolveMetricQuery(
  warehouse: SqlConnection,
  input: MetricQueryInput,
  options: { now: Date; maxRows: number },
): Promise<ResolvedMetricQuery> {
  if (!(METRIC_NAMES as readonly string[]).includes(input.metric)) {
    throw new UnknownNameError({
      code: 'metric_unknown',
      kind: 'metric',
      input: input.metric,
      available: METRIC_NAMES,
    });
  }
  const metric = METRICS[input.metric as MetricName];
  const source = SOURCES[metric.source];
  const supported = DIMENSION_NAMES.filter((name) => name in source.dimensions);
  const start = parseInstant(input.time_range.start, 'start');
  const end = parseInstant(input.time_range.end, 'end');
  if (start.getTime() >= end.getTime()) {
    throw new InvalidInputError(
      'time_range_inverted',
      `The time range is empty or inverted: start ${input.time_range.start} is not before end ${input.time_range.end}.`,
    );
  }
  let grain: TimeGrain | undefined;
  const dimensions: DimensionName[] = [];
  for (const raw of input.group_by ?? []) {
    const name = raw.trim().toLowerCase();
    if ((TIME_GRAINS as readonly string[]).includes(name)) {
      if (grain && grain !== name) {
        throw new InvalidInputError(
          'grain_conflict',
          `Only one time grain at a time: got ${grain} and ${name}.`,
        );
      }
      grain = name as TimeGrain;
      continue;
    }
    dimensions.push(checkDimension(name, metric, supported));
  }
  if (grain === 'hour' && end.getTime() - start.getTime() > 31 * 86_400_000) {
    throw new InvalidInputError(
      'grain_too_fine',
      'Hourly breakdowns are limited to 31 days; use day or week for longer ranges.',
    );
  }
  const filters = new Map<DimensionName, (string | number)[]>();
  for (const [rawName, rawValue] of Object.entries(input.filters ?? {})) {
    const name = checkDimension(rawName.trim().toLowerCase(), metric, supported);
    const values = (Array.isArray(rawValue) ? rawValue : [rawValue]) as (string | number)[];
    if (values.length === 0) continue;
    const known = await dimensionValues(warehouse, name);
    const checked = values.map((value) => {
      const normalised = normaliseValue(name, value);
      const match = known.find((candidate) => candidate.toLowerCase() === String(normalised).toLowerCase());
      if (match === undefined) {
        throw new UnknownNameError({
          code: 'dimension_value_unknown',
          kind: `${name} value`,
          input: String(value),
          available: known,
        });
      }
      return DIMENSIONS[name].valueType === 'integer' ? Number(match) : match;
    });
    filters.set(name, checked);
  }
  const maxRows = options.maxRows;
  const limit = Math.min(input.limit ?? maxRows, maxRows);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidInputError('limit_invalid', `limit must be a whole number from 1 to ${maxRows}.`);
  }
  return {
    metric,
    start,
    end,
    grain,
    dimensions: orderedDimensions(dimensions),
    filters,
    order: input.order,
    limit,
    now: options.now,
  };
}

function checkDimension(
  name: string,
  metric: MetricDefinition,
  supported: readonly DimensionName[],
): DimensionName {
  if (!(DIMENSION_NAMES as readonly string[]).includes(name)) {
    throw new UnknownNameError({
      code: 'dimension_unknown',
      kind: 'dimension',
      input: name,
      available: [...DIMENSION_NAMES, ...TIME_GRAINS],
    });
  }
  if (!supported.includes(name as DimensionName)) {
    throw new InvalidInputError(
      'dimension_not_supported',
      `${metric.name} cannot be broken down or filtered by ${name}; it supports: ${supported.join(', ')}.`,
    );
  }
  return name as DimensionName;
}

function normaliseValue(dimension: DimensionName, value: string | number): string | number {
  if (DIMENSIONS[dimension].valueType === 'integer') return String(value).trim();
  const text = String(value).trim();
  return dimension === 'asset' || dimension === 'market' || dimension === 'country'
    ? text.toUpperCase()
    : text.toLowerCase();
}

/**
 * The range to compare with. `previous_year` shifts by one calendar year; `previous_period` takes the
 * same number of calendar months when the range is whole months (October → September), otherwise the
 * same length immediately before.
 */
export function previousRange(
  start: Date,
  end: Date,
  compare: 'previous_period' | 'previous_year',
): { start: Date; end: Date } {
  if (compare === 'previous_year') return { start: addMonths(start, -12), end: addMonths(end, -12) };
  const months = wholeMonths(start, end);
  if (months !== undefined) return { start: addMonths(start, -months), end: start };
  const length = end.getTime() - start.getTime();
  return { start: new Date(start.getTime() - length), end: start };
}

function wholeMonths(start: Date, end: Date): number | undefined {
  const monthStart = (date: Date): boolean =>
    date.getUTCDate() === 1 &&
    date.getUTCHours() === 0 &&
    date.getUTCMinutes() === 0 &&
    date.getUTCSeconds() === 0;
  if (!monthStart(start) || !monthStart(end)) return undefined;
  return (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
}

/** Adds calendar months in UTC, clamping the day (Mar 31 − 1 month = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

async function execute(
  warehouse: SqlConnection,
  compiled: CompiledMetricQuery,
  purpose: SemanticStatement['purpose'],
  options: RunMetricQueryOptions,
  statements: SemanticStatement[],
): Promise<MetricRow[]> {
  const started = performance.now();
  const { rows } = await warehouse.query<MetricRow>(compiled.sql, compiled.params);
  const statement: SemanticStatement = {
    sql: compiled.sql,
    params: compiled.params,
    rowCount: rows.length,
    durationMs: performance.now() - started,
    rollup: compiled.rollup,
    purpose,
  };
  statements.push(statement);
  await options.onStatement?.(statement);
  return rows.map((row) => ({
    ...row,
    value: row.value === null || row.value === undefined ? null : Number(row.value),
  }));
}

/**
 * Answers a metric query: validates it, compiles it (on a rollup when one fits), runs it, and adds
 * the total and the comparison period when asked.
 */
export async function runMetricQuery(
  warehouse: SqlConnection,
  input: MetricQueryInput,
  options: RunMetricQueryOptions,
): Promise<MetricQueryOutcome> {
  const maxRows = options.maxRows ?? 1000;
  const resolved = await resolveMetricQuery(warehouse, input, { now: options.now, maxRows });
  const dialect = dialectFor(warehouse.dialect);
  let availableRollups: Set<string> | undefined;
  if (options.useRollups !== false) {
    let pending = rollupCache.get(warehouse);
    if (!pending) {
      pending = listRollups(warehouse);
      rollupCache.set(warehouse, pending);
    }
    availableRollups = await pending;
  }
  const compileOptions = {
    dialect,
    useRollups: options.useRollups !== false,
    ...(availableRollups ? { availableRollups } : {}),
  };
  const statements: SemanticStatement[] = [];
  const grouped = resolved.grain !== undefined || resolved.dimensions.length > 0;

  const currentRows = await execute(
    warehouse,
    compileMetricQuery(resolved, compileOptions),
    'current',
    options,
    statements,
  );
  const truncated = grouped && currentRows.length > resolved.limit;
  const rows = truncated ? currentRows.slice(0, resolved.limit) : currentRows;
  const ungrouped: ResolvedMetricQuery = { ...resolved, grain: undefined, dimensions: [], order: undefined };
  const total = grouped
    ? ((
        await execute(warehouse, compileMetricQuery(ungrouped, compileOptions), 'total', options, statements)
      )[0]?.value ?? null)
    : (rows[0]?.value ?? null);

  let previous: { start: Date; end: Date } | undefined;
  let previousTotal: number | null | undefined;
  if (input.compare) {
    previous = previousRange(resolved.start, resolved.end, input.compare);
    const previousQuery: ResolvedMetricQuery = {
      ...resolved,
      start: previous.start,
      end: previous.end,
      limit: maxRows,
    };
    const previousRows = await execute(
      warehouse,
      compileMetricQuery(previousQuery, compileOptions),
      'previous',
      options,
      statements,
    );
    previousTotal = grouped
      ? ((
          await execute(
            warehouse,
            compileMetricQuery({ ...ungrouped, start: previous.start, end: previous.end }, compileOptions),
            'previous_total',
            options,
            statements,
          )
        )[0]?.value ?? null)
      : (previousRows[0]?.value ?? null);
    const shift = (period: string): string =>
      shiftPeriod(period, resolved.start, previous!.start, input.compare!);
    const keyOf = (row: MetricRow, period: string | undefined): string =>
      JSON.stringify([period ?? null, ...resolved.dimensions.map((dimension) => row[dimension] ?? null)]);
    const previousByKey = new Map(
      previousRows.map((row) => [
        keyOf(row, row.period === undefined ? undefined : shift(String(row.period))),
        row.value,
      ]),
    );
    for (const row of rows) {
      const before =
        previousByKey.get(keyOf(row, row.period === undefined ? undefined : String(row.period))) ?? null;
      row.previous_value = before;
      row.change = row.value !== null && before !== null ? row.value - before : null;
      row.change_pct =
        row.value !== null && before !== null && before !== 0
          ? (row.value - before) / Math.abs(before)
          : null;
    }
  }

  return {
    metric: resolved.metric,
    timeRange: { start: formatInstant(resolved.start), end: formatInstant(resolved.end) },
    previousRange: previous
      ? { start: formatInstant(previous.start), end: formatInstant(previous.end) }
      : undefined,
    grain: resolved.grain,
    dimensions: resolved.dimensions,
    filters: Object.fromEntries(resolved.filters),
    rows,
    total,
    previousTotal,
    truncated,
    statements,
  };
}

/** Maps a period of the comparison range onto the matching period of the current range. */
function shiftPeriod(
  period: string,
  currentStart: Date,
  previousStart: Date,
  compare: 'previous_period' | 'previous_year',
): string {
  const instant = parseInstant(period.length === 10 ? period : new Date(period).toISOString(), 'period');
  const shifted =
    compare === 'previous_year'
      ? addMonths(instant, 12)
      : wholeMonths(previousStart, currentStart) !== undefined
        ? addMonths(instant, wholeMonths(previousStart, currentStart)!)
        : new Date(instant.getTime() + (currentStart.getTime() - previousStart.getTime()));
  return period.length === 10 ? shifted.toISOString().slice(0, 10) : shifted.toISOString();
}
