/**
 * Every difference between the SQL dialects the bot speaks lives here: placeholders, time buckets,
 * casts, set membership. The semantic layer and the risk features build SQL only through these.
 */
import type { Dialect } from './connection.js';

/** A time grain the dialects know how to truncate to. */
export type Grain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** SQL fragments for one dialect. */
export interface SqlDialect {
  readonly name: Dialect;
  /** The n-th (1-based) positional parameter. */
  placeholder(
    index: number,
    type?: 'timestamp' | 'date' | 'text' | 'integer' | 'text[]' | 'integer[]',
  ): string;
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
      'text[]': 'text[]',
      'integer[]': 'integer[]',
    }[type];
    return `$${index}::${cast}`;
  },
  truncate: (grain, expression) => `date_trunc('${grain}', ${expression})`,
  dateOf: (expression) => `(${expression})::date`,
  inArray: (expression, placeholder) => `${expression} = ANY(${placeholder})`,
  toFloat: (expression) => `(${expression})::float8`,
  safeDivide: (numerator, denominator) => `(${numerator})::float8 / NULLIF(${denominator}, 0)`,
  addInterval: (expression, grain, count = 1) => `(${expression} + interval '${count} ${grain}')`,
};

/** The dialect for a connection. ClickHouse's is added with its connection. */
export function dialectFor(name: Dialect): SqlDialect {
  if (name === 'postgres') return postgresDialect;
  throw new Error(`No SQL dialect for ${name} yet`);
}
