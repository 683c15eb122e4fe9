/**
 * Row estimates for `generate_series` calls whose bounds are constants, so that
 * `generate_series(1, 1e12)` is refused before it runs. Bounds that are expressions (`now()`, a column)
 * cannot be estimated; the row cap and the statement timeout bound those.
 */
import { type AstObject, nodeOf, objectField } from './parser.js';

const UNIT_MILLISECONDS: Readonly<Record<string, number>> = {
  microsecond: 0.001,
  millisecond: 1,
  ms: 1,
  second: 1000,
  sec: 1000,
  s: 1000,
  minute: 60_000,
  min: 60_000,
  m: 60_000,
  hour: 3_600_000,
  hr: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  d: 86_400_000,
  week: 604_800_000,
  w: 604_800_000,
  month: 2_592_000_000,
  mon: 2_592_000_000,
  year: 31_536_000_000,
  y: 31_536_000_000,
};

/** Rows a `generate_series(start, stop[, step])` would produce, or undefined when the bounds are not constants. */
export function estimateSeriesRows(args: readonly unknown[]): number | undefined {
  if (args.length < 2 || args.length > 4) return undefined;
  const start = numericConstant(args[0]);
  const stop = numericConstant(args[1]);
  if (start !== undefined && stop !== undefined) {
    const step = args.length >= 3 ? numericConstant(args[2]) : 1;
    return countSteps(start, stop, step);
  }
  const startTime = timeConstant(args[0]);
  const stopTime = timeConstant(args[1]);
  const interval = args.length >= 3 ? intervalMilliseconds(stringConstant(args[2])) : undefined;
  if (startTime === undefined || stopTime === undefined || interval === undefined) return undefined;
  return countSteps(startTime, stopTime, interval);
}

function countSteps(start: number, stop: number, step: number | undefined): number | undefined {
  if (step === undefined || !Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step)) {
    return undefined;
  }
  if (step === 0) return undefined; // PostgreSQL refuses a zero step itself
  const count = Math.floor((stop - start) / step) + 1;
  return Math.max(count, 0);
}

function unwrapCast(value: unknown): unknown {
  const cast = nodeOf(value, 'TypeCast');
  return cast ? cast['arg'] : value;
}

function numericConstant(value: unknown): number | undefined {
  const constant = nodeOf(unwrapCast(value), 'A_Const');
  if (!constant) return undefined;
  const integer = objectField(constant, 'ival');
  if (integer) return typeof integer['ival'] === 'number' ? integer['ival'] : 0;
  const float = objectField(constant, 'fval')?.['fval'];
  return typeof float === 'string' ? Number(float) : undefined;
}

function stringConstant(value: unknown): string | undefined {
  const constant: AstObject | undefined = nodeOf(unwrapCast(value), 'A_Const');
  const text = objectField(constant, 'sval')?.['sval'];
  return typeof text === 'string' ? text : undefined;
}

function timeConstant(value: unknown): number | undefined {
  const text = stringConstant(value);
  if (text === undefined) return undefined;
  const time = Date.parse(text.includes(' ') && !text.includes('T') ? text.replace(' ', 'T') : text);
  return Number.isNaN(time) ? undefined : time;
}

/** '1 day', '15 minutes', '1 hour 30 minutes', '2 weeks' → milliseconds (months of 30 days); else undefined. */
export function intervalMilliseconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parts = text.trim().toLowerCase().split(/\s+/);
  if (parts.length === 0 || parts.length % 2 !== 0) return undefined;
  let total = 0;
  for (let index = 0; index < parts.length; index += 2) {
    const amount = Number(parts[index]);
    let unit = parts[index + 1]!;
    if (unit.endsWith('s') && unit.length > 1 && !(unit in UNIT_MILLISECONDS)) unit = unit.slice(0, -1);
    const size = UNIT_MILLISECONDS[unit];
    if (!Number.isFinite(amount) || size === undefined) return undefined;
    total += amount * size;
  }
  return total;
}
