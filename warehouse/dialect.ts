/**
 * Every difference between the SQL dialects the bot speaks lives here: placeholders, time buckets,
 * casts, set membership, window functions, bounded graph walks. The semantic layer and the risk
 * features (models/risk) build SQL only through these.
 *
 * Notes for the ClickHouse dialect (added with its connection): `nextInPartition` and `rowNumber` need
 * window functions (ClickHouse ≥ 21.3; on older servers express them with groupArray/arrayJoin),
 * `materialized` is a plain CTE, `countIf`/`boolOr` are `countIf`/`max`, and `walk` has no recursive
 * CTEs to lean on: unroll it into one join per hop (the hop limit is small and known up front).
 */
import type { Dialect } from './connection.js';

/** A time grain the dialects know how to truncate to. */
export type Grain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** The SQL types a parameter can be cast to. */
export type PlaceholderType =
  | 'timestamp'
  | 'date'
  | 'text'
  | 'integer'
  | 'float'
  | 'bigint'
  | 'text[]'
  | 'integer[]'
  | 'bigint[]';

/**
 * One step of a bounded walk over an edge table (see {@link SqlDialect.walk}): from the current node,
 * follow rows whose `matchColumn` equals it to `nextColumn`.
 */
export interface WalkOptions {
  /** Name of the CTE the walk defines; columns: node, hops, path (array of nodes), edges (array of ids), stop, capped. */
  readonly name: string;
  /** The start node (an SQL expression, usually a placeholder). */
  readonly start: string;
  /** Edge table and its columns. */
  readonly table: string;
  readonly idColumn: string;
  readonly matchColumn: string;
  readonly nextColumn: string;
  /** Extra condition on the edge row (alias `edge`), e.g. `edge.chain = $2`. */
  readonly edgeFilter: string;
  /** Order edges are kept in when a node has more than `fanOut` of them, e.g. `edge.amount_usd DESC`. */
  readonly edgeOrder: string;
  /** An SQL expression on `edge` that is true when the walk must not continue past the next node. */
  readonly stopWhen: string;
  /** Integer SQL expressions (placeholders): the hop limit and the cap on edges followed per node. */
  readonly maxHops: string;
  readonly fanOut: string;
}

/** SQL fragments for one dialect. */
export interface SqlDialect {
  readonly name: Dialect;
  /** The n-th (1-based) positional parameter. */
  placeholder(index: number, type?: PlaceholderType): string;
  /** Start of the grain bucket containing `expression` (a timestamp), as a timestamp. */
  truncate(grain: Grain, expression: string): string;
  /** The UTC calendar date of a timestamp. */
  dateOf(expression: string): string;
  /** `expression` is one of the values of an array parameter. */
  inArray(expression: string, placeholder: string): string;
  /** A float cast so integer division never truncates. */
  toFloat(expression: string): string;
  /** Division that gives NULL instead of failing on zero. */
  safeDivide(numerator: string, denominator: string): string;
  /** Adds one grain (or `count` grains) to a timestamp expression. */
  addInterval(expression: string, grain: Grain, count?: number): string;
  /** Adds a number of seconds (any numeric SQL expression, e.g. a placeholder) to a timestamp. */
  addSeconds(expression: string, seconds: string): string;
  /** Seconds since 1970-01-01 UTC of a timestamp, as a float. */
  epochSeconds(expression: string): string;
  /** The value of `expression` on the row `offset` rows later in the partition (NULL past its end). */
  nextInPartition(expression: string, offset: number, partitionBy: string, orderBy: string): string;
  /** 1, 2, 3… within each partition, in `orderBy` order. */
  rowNumber(partitionBy: string, orderBy: string): string;
  /** The number of rows for which `condition` holds (an aggregate). */
  countIf(condition: string): string;
  /** Whether `condition` holds on any row (an aggregate). */
  boolOr(condition: string): string;
  /** The largest / smallest of the expressions, ignoring NULLs (NULL when all are NULL). */
  greatest(expressions: readonly string[]): string;
  least(expressions: readonly string[]): string;
  /** A CTE computed once and reused, not inlined into every reference: `name AS …(body)`. */
  materialized(name: string, body: string): string;
  /** Text concatenation of the expressions (NULL-free inputs). */
  concat(expressions: readonly string[]): string;
  /** Any value as text. */
  toText(expression: string): string;
  /** The keyword that opens a WITH list which may contain {@link walk}. */
  readonly withRecursive: string;
  /**
   * A CTE that walks an edge table from one node for at most `maxHops` hops, following at most
   * `fanOut` edges per node (the first ones in `edgeOrder`), never revisiting a node already on the
   * path (cycle-safe), and not expanding nodes where `stopWhen` held. One row per path prefix, the
   * start node included with 0 hops; `capped` says the node had more edges than were followed.
   */
  walk(options: WalkOptions): string;
  /** Session settings for heavy read-only scans, run at the start of their transaction. */
  readonly scanSettings: readonly string[];
}

/** PostgreSQL and PGlite. Sessions run with TimeZone = UTC, so date_trunc works in UTC. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (index, type) => {
    if (!type) return `$${index}`;
    const cast = {
      timestamp: 'timestamptz',
      date: 'date',
      text: 'text',
      integer: 'integer',
      float: 'float8',
      bigint: 'bigint',
      'text[]': 'text[]',
      'integer[]': 'integer[]',
      'bigint[]': 'bigint[]',
    }[type];
    return `$${index}::${cast}`;
  },
  truncate: (grain, expression) => `date_trunc('${grain}', ${expression})`,
  dateOf: (expression) => `(${expression})::date`,
  inArray: (expression, placeholder) => `${expression} = ANY(${placeholder})`,
  toFloat: (expression) => `(${expression})::float8`,
  safeDivide: (numerator, denominator) => `(${numerator})::float8 / NULLIF(${denominator}, 0)`,
  addInterval: (expression, grain, count = 1) => `(${expression} + interval '${count} ${grain}')`,
  addSeconds: (expression, seconds) => `(${expression} + (${seconds}) * interval '1 second')`,
  // date_part returns float8; extract() returns numeric since PostgreSQL 14, several times slower.
  epochSeconds: (expression) => `date_part('epoch', ${expression})`,
  nextInPartition: (expression, offset, partitionBy, orderBy) =>
    `lead(${expression}, ${integerLiteral(offset)}) OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy})`,
  rowNumber: (partitionBy, orderBy) => `row_number() OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy})`,
  countIf: (condition) => `COUNT(*) FILTER (WHERE ${condition})`,
  boolOr: (condition) => `bool_or(${condition})`,
  greatest: (expressions) => `GREATEST(${expressions.join(', ')})`,
  least: (expressions) => `LEAST(${expressions.join(', ')})`,
  materialized: (name, body) => `${name} AS MATERIALIZED (${body})`,
  concat: (expressions) => `(${expressions.join(' || ')})`,
  toText: (expression) => `CAST(${expression} AS text)`,
  withRecursive: 'WITH RECURSIVE',
  walk: (options) => {
    // The LATERAL subquery caps the edges followed per node; the window count inside it sees every
    // candidate edge before the LIMIT, so the walk can say where it cut.
    const { name } = options;
    return `${name} (node, hops, path, edges, stop, capped) AS (
  SELECT ${options.start}, 0, ARRAY[${options.start}], ARRAY[]::bigint[], false, false
  UNION ALL
  SELECT step.next_node, ${name}.hops + 1, ${name}.path || step.next_node, ${name}.edges || step.edge_id, step.stop,
    step.candidates > ${options.fanOut}
  FROM ${name} CROSS JOIN LATERAL (
    SELECT edge.${options.nextColumn} AS next_node, edge.${options.idColumn} AS edge_id, (${options.stopWhen}) AS stop,
      COUNT(*) OVER () AS candidates
    FROM ${options.table} edge
    WHERE edge.${options.matchColumn} = ${name}.node AND ${options.edgeFilter}
      AND NOT (edge.${options.nextColumn} = ANY(${name}.path))
    ORDER BY ${options.edgeOrder}
    LIMIT ${options.fanOut}
  ) step
  WHERE ${name}.hops < ${options.maxHops} AND NOT ${name}.stop
)`;
  },
  // Risk scans sort and hash a few hundred thousand rows; the 4 MB default spills them to disk.
  scanSettings: ["SET LOCAL work_mem = '64MB'"],
};

/** Offsets are spliced into SQL (window functions take no parameters there): integers only. */
function integerLiteral(value: number): string {
  if (!Number.isInteger(value) || value < 0) throw new Error(`Expected a non-negative integer, got ${value}`);
  return String(value);
}

/** The dialect for a connection. ClickHouse's is added with its connection. */
export function dialectFor(name: Dialect): SqlDialect {
  if (name === 'postgres') return postgresDialect;
  throw new Error(`No SQL dialect for ${name} yet`);
}
