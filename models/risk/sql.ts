/**
 * Small helpers shared by the risk SQL builders: numbered parameters, the optional user filter, row
 * value conversion, fingerprints and the wording of amounts in rule texts.
 */
import { createHash } from 'node:crypto';
import type { PlaceholderType, SqlDialect } from '../../warehouse/dialect.js';
import type { RiskWindow } from './types.js';

/** Collects parameter values and hands out their placeholders, in order. */
export class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  /** Adds a value and returns its placeholder (`$3::float8`). */
  add(value: unknown, type?: PlaceholderType): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length, type);
  }
}

/** Placeholders of a window's bounds, added to `parameters` (start first). */
export function windowPlaceholders(
  parameters: SqlParameters,
  window: RiskWindow,
): { start: string; end: string } {
  return {
    start: parameters.add(window.start.toISOString(), 'timestamp'),
    end: parameters.add(window.end.toISOString(), 'timestamp'),
  };
}

/** `AND <column> is one of the users` when the scan is limited to some users, else nothing. */
export function userFilter(
  dialect: SqlDialect,
  parameters: SqlParameters,
  column: string,
  userIds: readonly number[] | undefined,
): string {
  if (!userIds) return '';
  return ` AND ${dialect.inArray(column, parameters.add([...userIds], 'integer[]'))}`;
}

/** A numeric column value (drivers may return bigint counts as strings). */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

/** A nullable numeric column value. */
export function toNullableNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

/** A timestamp column value as an ISO string. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  const date = new Date(text.includes('T') ? text : text.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Milliseconds since the epoch of a timestamp column value. */
export function toMs(value: unknown): number {
  return Date.parse(toIso(value));
}

/**
 * The alert fingerprint of a hit: the scenario, the subject and an anchor that stays the same while the
 * pattern is in view (its first triggering row), so rescans with overlapping windows find the same alert.
 */
export function fingerprintOf(scenario: string, subject: string, anchor: string): string {
  return createHash('sha256').update(`aml|${scenario}|${subject}|${anchor}`).digest('hex').slice(0, 32);
}

/** 9,000 → '9,000'; 9500.5 → '9,500.50': amounts in rule texts and reasons. */
export function usdText(value: number): string {
  return Number.isInteger(value)
    ? `${value.toLocaleString('en-US')} USD`
    : `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`;
}

/** Rounds to `digits` decimals (scores and ratios kept short in results). */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Clamps into [0, 1]. */
export function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Minutes, hours or days in words: '41 minutes', '3.5 hours', '12 days'. */
export function durationText(milliseconds: number): string {
  const minutes = milliseconds / 60_000;
  if (minutes < 90) return `${Math.round(minutes)} minutes`;
  const hours = minutes / 60;
  if (hours < 48) return `${round(hours, 1)} hours`;
  return `${round(hours / 24, 1)} days`;
}
