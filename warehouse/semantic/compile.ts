import type { SqlDialect } from '../dialect.js';
import {
  DIMENSION_NAMES,
  DIMENSIONS,
  type DimensionName,
  type MetricDefinition,
  needsUsersJoin,
  rollupTableName,
  SOURCES,
  type SourceDefinition,
  type TimeGrain,
} from './catalogue.js';

/** A validated metric request (names checked, range parsed); see `resolve.ts`. */
export interface ResolvedMetricQuery {
  readonly metric: MetricDefinition;
  /** Half-open [start, end) as instants. */
  readonly start: Date;
  readonly end: Date;
  readonly grain: TimeGrain | undefined;
  readonly dimensions: readonly DimensionName[];
  readonly filters: ReadonlyMap<DimensionName, readonly (string | number)[]>;
  readonly order: 'asc' | 'desc' | undefined;
  /** Rows to fetch (already capped); the compiler adds one to detect truncation. */
  readonly limit: number;
  /** The instant "now", for snapshot metrics (a backlog cannot be known past now). */
  readonly now: Date;
}

/** SQL ready to run, with what it returns. */
export interface CompiledMetricQuery {
  readonly sql: string;
  readonly params: unknown[];
  /** Rollup table used, or undefined when the base tables are scanned. */
  readonly rollup: string | undefined;
  readonly dimensions: readonly DimensionName[];
  readonly grain: TimeGrain | undefined;
}

/** Compiler options. */
export interface CompileOptions {
  readonly dialect: SqlDialect;
  /** Allow rollup tables (default true). Tests turn it off to compare against base tables. */
  readonly useRollups?: boolean;
  /** Rollup tables that exist in this warehouse. */
  readonly availableRollups?: ReadonlySet<string>;
}

/**
 * Compiles a metric query to one parameterised SELECT. Values never enter the SQL text: filters,
 * ranges and limits are parameters; identifiers come only from the catalogue.
 */
export function compileMetricQuery(query: ResolvedMetricQuery, options: CompileOptions): CompiledMetricQuery {
  const source: SourceDefinition = SOURCES[query.metric.source];
  const rollup =
    options.useRollups === false ? undefined : chooseRollup(query, source, options.availableRollups);
  if (query.metric.aggregation.kind === 'snapshot') return compileSnapshot(query, source, options.dialect);
  return rollup
    ? compileOnRollup(query, source, rollup, options.dialect)
    : compileOnBase(query, source, options.dialect);
}

/** Picks the smallest rollup that holds every dimension the query needs, if the query can use one. */
export function chooseRollup(
  query: ResolvedMetricQuery,
  source: SourceDefinition,
  available: ReadonlySet<string> | undefined,
): string | undefined {
  const aggregation = query.metric.aggregation;
  const additive =
    aggregation.kind === 'count'
      ? aggregation.rollupColumn !== undefined
      : aggregation.kind === 'sum'
        ? aggregation.rollupColumn !== undefined
        : aggregation.kind === 'ratio'
          ? aggregation.rollupColumns !== undefined
          : false;
  if (!additive || !source.rollups || query.grain === 'hour') return undefined;
  if (!isMidnight(query.start) || !isMidnight(query.end)) return undefined;
  const needed = new Set<DimensionName>([...query.dimensions, ...query.filters.keys()]);
  const candidates = source.rollups
    .filter((set) => [...needed].every((dimension) => set.includes(dimension)))
    .sort((a, b) => a.length - b.length);
  for (const set of candidates) {
    const name = rollupTableName(source, set);
    if (!available || available.has(name)) return name;
  }
  return undefined;
}

function isMidnight(date: Date): boolean {
  return (
    date.getUTCHours() === 0 &&
    date.getUTCMinutes() === 0 &&
    date.getUTCSeconds() === 0 &&
    date.getUTCMilliseconds() === 0
  );
}

/** Builds WHERE conditions for filters, appending parameters. */
function filterConditions(
  query: ResolvedMetricQuery,
  expressionOf: (dimension: DimensionName) => string,
  params: unknown[],
  dialect: SqlDialect,
): string[] {
  const conditions: string[] = [];
  for (const [dimension, values] of query.filters) {
    const integer = DIMENSIONS[dimension].valueType === 'integer';
    const expression = expressionOf(dimension);
    if (values.length === 1) {
      params.push(integer ? Number(values[0]) : String(values[0]));
      conditions.push(`${expression} = ${dialect.placeholder(params.length, integer ? 'integer' : 'text')}`);
    } else {
      params.push(values.map((value) => (integer ? Number(value) : String(value))));
      conditions.push(
        dialect.inArray(expression, dialect.placeholder(params.length, integer ? 'integer[]' : 'text[]')),
      );
    }
  }
  return conditions;
}

function aggregateExpression(metric: MetricDefinition, dialect: SqlDialect): string {
  const aggregation = metric.aggregation;
  switch (aggregation.kind) {
    case 'sum':
      return dialect.toFloat(`COALESCE(SUM(${aggregation.expression}), 0)`);
    case 'count':
      return 'COUNT(*)';
    case 'count_distinct':
      return `COUNT(DISTINCT ${aggregation.expression})`;
    case 'ratio':
      return dialect.safeDivide(`SUM(${aggregation.numerator})`, `SUM(${aggregation.denominator})`);
    case 'average':
      return dialect.toFloat(`AVG(${aggregation.expression})`);
    case 'snapshot':
      return 'COUNT(*)';
  }
}

function rollupAggregate(metric: MetricDefinition, source: SourceDefinition, dialect: SqlDialect): string {
  const aggregation = metric.aggregation;
  if (source.name === 'net_flows') {
    return dialect.toFloat(
      `COALESCE(SUM(CASE WHEN r.direction = 'deposit' THEN r.amount_usd ELSE -r.amount_usd END), 0)`,
    );
  }
  switch (aggregation.kind) {
    case 'sum':
      return dialect.toFloat(`COALESCE(SUM(r.${aggregation.rollupColumn}), 0)`);
    case 'count':
      return dialect.toFloat(`COALESCE(SUM(r.${aggregation.rollupColumn}), 0)`);
    case 'ratio': {
      const [numerator, denominator] = aggregation.rollupColumns!;
      return dialect.safeDivide(`SUM(r.${numerator})`, `SUM(r.${denominator})`);
    }
    default:
      throw new Error(`metric ${metric.name} cannot be answered from a rollup`);
  }
}

function periodSelect(
  grain: TimeGrain | undefined,
  timeExpression: string,
  dialect: SqlDialect,
  isDate: boolean,
): string | undefined {
  if (!grain) return undefined;
  if (grain === 'hour') return `${dialect.truncate('hour', timeExpression)} AS period`;
  const truncated = dialect.truncate(grain, timeExpression);
  return `${isDate ? dialect.dateOf(truncated) : dialect.dateOf(truncated)} AS period`;
}

function finish(
  query: ResolvedMetricQuery,
  select: string[],
  from: string,
  where: string[],
  params: unknown[],
  dialect: SqlDialect,
  rollup: string | undefined,
): CompiledMetricQuery {
  const groupCount = select.length - 1;
  const groupBy =
    groupCount > 0
      ? ` GROUP BY ${Array.from({ length: groupCount }, (_, index) => index + 1).join(', ')}`
      : '';
  const orderParts: string[] = [];
  if (query.order) orderParts.push(`value ${query.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);
  if (query.grain) orderParts.push('period');
  if (!query.order && query.dimensions.length > 0) orderParts.push('value DESC NULLS LAST');
  for (const dimension of query.dimensions) orderParts.push(`"${dimension}"`);
  const orderBy = groupCount > 0 ? ` ORDER BY ${orderParts.join(', ')}` : '';
  params.push(query.limit + 1);
  const limit = groupCount > 0 ? ` LIMIT ${dialect.placeholder(params.length, 'integer')}` : '';
  if (groupCount === 0) params.pop();
  const sql = `SELECT ${select.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}${groupBy}${orderBy}${limit}`;
  return { sql, params, rollup, dimensions: query.dimensions, grain: query.grain };
}

function compileOnBase(
  query: ResolvedMetricQuery,
  source: SourceDefinition,
  dialect: SqlDialect,
): CompiledMetricQuery {
  const params: unknown[] = [query.start.toISOString(), query.end.toISOString()];
  const expressionOf = (dimension: DimensionName): string => source.dimensions[dimension]!;
  const select: string[] = [];
  const period = periodSelect(query.grain, source.timeColumn, dialect, false);
  if (period) select.push(period);
  for (const dimension of query.dimensions) select.push(`${expressionOf(dimension)} AS "${dimension}"`);
  select.push(`${aggregateExpression(query.metric, dialect)} AS value`);
  const where = [
    `${source.timeColumn} >= ${dialect.placeholder(1, 'timestamp')}`,
    `${source.timeColumn} < ${dialect.placeholder(2, 'timestamp')}`,
  ];
  if (source.where) where.push(source.where);
  where.push(...filterConditions(query, expressionOf, params, dialect));
  if (query.metric.aggregation.kind === 'average')
    where.push(`${query.metric.aggregation.expression} IS NOT NULL`);
  return finish(query, select, fromClause(query, source), where, params, dialect, undefined);
}

function fromClause(query: ResolvedMetricQuery, source: SourceDefinition): string {
  const dimensions = new Set<DimensionName>([...query.dimensions, ...query.filters.keys()]);
  const joinUsers = [...dimensions].some((dimension) => needsUsersJoin(source, dimension));
  const base = `${source.relation} ${source.alias}`;
  return joinUsers ? `${base} JOIN users u ON u.user_id = ${source.userIdColumn}` : base;
}

function compileOnRollup(
  query: ResolvedMetricQuery,
  source: SourceDefinition,
  rollup: string,
  dialect: SqlDialect,
): CompiledMetricQuery {
  const params: unknown[] = [isoDate(query.start), isoDate(query.end)];
  const expressionOf = (dimension: DimensionName): string => `r.${dimension}`;
  const select: string[] = [];
  const period = periodSelect(query.grain, 'r.day', dialect, true);
  if (period) select.push(period);
  for (const dimension of query.dimensions) select.push(`r.${dimension} AS "${dimension}"`);
  select.push(`${rollupAggregate(query.metric, source, dialect)} AS value`);
  const where = [`r.day >= ${dialect.placeholder(1, 'date')}`, `r.day < ${dialect.placeholder(2, 'date')}`];
  if (source.name === 'deposits') where.push(`r.direction = 'deposit'`);
  if (source.name === 'withdrawals') where.push(`r.direction = 'withdrawal'`);
  where.push(...filterConditions(query, expressionOf, params, dialect));
  return finish(query, select, `${rollup} r`, where, params, dialect, rollup);
}

/**
 * Snapshot metrics (the KYC backlog): for each period, the items opened before its end and not
 * closed by then. Without a grain there is one period, the whole range. The end is capped at now.
 */
function compileSnapshot(
  query: ResolvedMetricQuery,
  source: SourceDefinition,
  dialect: SqlDialect,
): CompiledMetricQuery {
  if (query.metric.aggregation.kind !== 'snapshot') throw new Error('not a snapshot metric');
  const { openedAt, closedAt } = query.metric.aggregation;
  const cappedEnd = query.end.getTime() > query.now.getTime() ? query.now : query.end;
  const params: unknown[] = [query.start.toISOString(), query.end.toISOString(), cappedEnd.toISOString()];
  const start = dialect.placeholder(1, 'timestamp');
  const end = dialect.placeholder(2, 'timestamp');
  const asOfCap = dialect.placeholder(3, 'timestamp');
  const grain = query.grain;
  const buckets = grain
    ? `(SELECT b AS period_start, LEAST(${dialect.addInterval('b', grain)}, ${asOfCap}) AS as_of
         FROM generate_series(${dialect.truncate(grain, start)}, ${end} - interval '1 microsecond', interval '1 ${grain}') AS b) p`
    : `(SELECT ${start} AS period_start, ${asOfCap} AS as_of WHERE ${start} < ${end}) p`;
  const expressionOf = (dimension: DimensionName): string => source.dimensions[dimension]!;
  const select: string[] = [];
  if (grain)
    select.push(
      grain === 'hour' ? 'p.period_start AS period' : `${dialect.dateOf('p.period_start')} AS period`,
    );
  for (const dimension of query.dimensions) select.push(`${expressionOf(dimension)} AS "${dimension}"`);
  select.push('COUNT(*) AS value');
  const dimensions = new Set<DimensionName>([...query.dimensions, ...query.filters.keys()]);
  const joinUsers = [...dimensions].some((dimension) => needsUsersJoin(source, dimension));
  const from = `${buckets} JOIN ${source.relation} ${source.alias} ON ${openedAt} < p.as_of AND (${closedAt} IS NULL OR ${closedAt} >= p.as_of)${
    joinUsers ? ` JOIN users u ON u.user_id = ${source.userIdColumn}` : ''
  }`;
  // The first two conditions only narrow the scan; the join condition decides.
  const where = [
    `${openedAt} < ${asOfCap}`,
    `(${closedAt} IS NULL OR ${closedAt} >= ${start})`,
    'p.as_of > p.period_start',
  ];
  where.push(...filterConditions(query, expressionOf, params, dialect));
  return finish(query, select, from, where, params, dialect, undefined);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Dimensions in catalogue order (stable column order for results). */
export function orderedDimensions(dimensions: readonly DimensionName[]): DimensionName[] {
  return DIMENSION_NAMES.filter((name) => dimensions.includes(name));
}
