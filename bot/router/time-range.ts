/**
 * Time phrases → half-open UTC ranges, following DESIGN.md "Time conventions" exactly.
 *
 * All arithmetic is on whole UTC days (days since 1970-01-01), weeks start on Monday, and ranges are
 * `[start, end)`: dates `YYYY-MM-DD` for day ranges, full ISO timestamps for hour and minute ranges.
 * chrono-node is only the last resort for unusual single dates ("the third of October 2025"); the
 * conventions below decide everything else, because chrono's own defaults differ from DESIGN.md (it
 * reads "12 Jan" as the next January, and "03/04" silently as 4 March).
 */
import * as chrono from 'chrono-node';
import { InvalidInputError } from '../../core/errors.js';
import { findComparisons } from './compare.js';
import { blankSpan, prepareText } from './text.js';

/** A half-open UTC range `[start, end)`: `YYYY-MM-DD` dates, or ISO timestamps for hour ranges. */
export interface TimeRange {
  readonly start: string;
  readonly end: string;
}

/** The normalised kind of phrase a range came from (for logs, tests and the answer text). */
export type TimeRangePhrase =
  | 'today'
  | 'yesterday'
  | 'day_before_yesterday'
  | 'days_ago'
  | 'last_n_days'
  | 'last_n_hours'
  | 'last_n_minutes'
  | 'last_n_weeks'
  | 'last_n_months'
  | 'last_n_quarters'
  | 'last_n_years'
  | 'this_week'
  | 'last_week'
  | 'weeks_ago'
  | 'week_of'
  | 'iso_week'
  | 'this_month'
  | 'last_month'
  | 'months_ago'
  | 'month'
  | 'this_quarter'
  | 'last_quarter'
  | 'quarter'
  | 'half_year'
  | 'this_year'
  | 'last_year'
  | 'year'
  | 'weekend'
  | 'weekday'
  | 'date'
  | 'period_start'
  | 'since'
  | 'between';

/** A time phrase found in a question. */
export interface TimeRangeMatch {
  readonly range: TimeRange;
  /** The substring of the input that the phrase consumed (with a leading "in"/"over the"/"since"). */
  readonly matched: string;
  readonly phrase: TimeRangePhrase;
  /** Where `matched` starts in the input. */
  readonly index: number;
}

/** A date such as '03/04' that reads as two different days; the asker must write YYYY-MM-DD. */
export class AmbiguousDateError extends InvalidInputError {
  /** The date as written. */
  readonly input: string;
  /** The two readings as YYYY-MM-DD: day-first, then month-first. */
  readonly readings: readonly [string, string];

  constructor(input: string, readings: readonly [string, string]) {
    super(
      'date_ambiguous',
      `The date '${input}' is ambiguous: it could be ${describeDay(readings[0])} (${readings[0]}) or ` +
        `${describeDay(readings[1])} (${readings[1]}). Please write dates as YYYY-MM-DD.`,
    );
    this.input = input;
    this.readings = readings;
  }
}

/** A range whose end comes before its start ("from Nov 10 to Nov 2"). */
export class InvertedRangeError extends InvalidInputError {
  /** The phrase as written (empty when the range came from tool arguments). */
  readonly input: string;
  /** First day of the range as given (YYYY-MM-DD or ISO timestamp). */
  readonly start: string;
  /** Last day (or end instant) of the range as given. */
  readonly end: string;

  constructor(options: { input?: string; start: string; end: string }) {
    const what = options.input ? `The time range '${options.input}'` : 'The time range';
    super(
      'time_range_inverted',
      `${what} ends before it starts: ${options.start} is after ${options.end}. Put the earlier date first.`,
    );
    this.input = options.input ?? '';
    this.start = options.start;
    this.end = options.end;
  }
}

/** Ranges a tool may fall back to when the question names no time. */
export type DefaultTimeRangeKind = 'last_7_days' | 'last_30_days' | 'today' | 'month_to_date';

/**
 * A tool's default range (DESIGN.md: "no time given → the tool's default", metric: last 7 days).
 *
 * @example
 * defaultTimeRange('last_7_days', new Date('2026-11-24T12:00:00Z')) // { start: '2026-11-17', end: '2026-11-24' }
 */
export function defaultTimeRange(kind: DefaultTimeRangeKind, now: Date): TimeRange {
  const today = dayOf(now);
  switch (kind) {
    case 'last_7_days':
      return days(today - 7, today);
    case 'last_30_days':
      return days(today - 30, today);
    case 'today':
      return days(today, today + 1);
    case 'month_to_date': {
      const { year, month } = ymdOf(today);
      return days(dayFromYmd(year, month, 1), today + 1);
    }
  }
}

/**
 * A range for people: the last day is shown inclusive ("2026-11-17 to 2026-11-23" for
 * `[2026-11-17, 2026-11-24)`), a single day as that day, and hour ranges with their times in UTC.
 */
export function formatRange(range: TimeRange): string {
  if (isDay(range.start) && isDay(range.end)) {
    const start = parseDay(range.start);
    const last = parseDay(range.end) - 1;
    return last <= start ? range.start : `${range.start} to ${isoDay(last)}`;
  }
  const show = (value: string) => {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 16).replace('T', ' ');
  };
  return `${show(range.start)} to ${show(range.end)} UTC`;
}

/**
 * Finds the time phrase of a question and turns it into a range, with `now` as the clock.
 * Comparison phrases ("vs last year", "the week before") are skipped: they are not the question's range.
 * When several phrases remain, the longest wins where they overlap, then the first in the text.
 *
 * @throws AmbiguousDateError for a date such as '03/04' or '3/4/26' (day and month could swap).
 * @throws InvertedRangeError for "from Nov 10 to Nov 2".
 * @example
 * parseTimeRange('pending KYC over the last 14 days', new Date('2026-11-24T12:00:00Z'))
 * // { range: { start: '2026-11-10', end: '2026-11-24' }, matched: 'over the last 14 days', phrase: 'last_n_days', index: 12 }
 */
export function parseTimeRange(text: string, now: Date): TimeRangeMatch | undefined {
  if (Number.isNaN(now.getTime())) throw new TypeError('parseTimeRange: now is not a valid date');
  let prepared = prepareText(text);
  for (const comparison of findComparisons(prepared)) {
    prepared = blankSpan(prepared, comparison.index, comparison.index + comparison.matched.length);
  }
  const context: Context = { now, today: dayOf(now), original: text, prepared };
  // chrono's candidates come last so that ours win ties of equal length.
  const candidates = [...collectCandidates(context), ...chronoCandidates(context)];
  const chosen = choose(candidates);
  if (!chosen) return undefined;
  const final = applySince(chosen, context) ?? extendLeft(chosen, context);
  return {
    range: final.range,
    matched: text.slice(final.index, final.end),
    phrase: final.phrase,
    index: final.index,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Day arithmetic (UTC, whole days since 1970-01-01).

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

type Day = number;

function dayOf(date: Date): Day {
  return Math.floor(date.getTime() / DAY_MS);
}

function dayFromYmd(year: number, month: number, day: number): Day {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function ymdOf(day: Day): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function isoDay(day: Day): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

function parseDay(value: string): Day {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return dayFromYmd(year, month, day);
}

/** Monday = 0 … Sunday = 6. 1970-01-01 was a Thursday. */
function weekdayOf(day: Day): number {
  return (((day + 3) % 7) + 7) % 7;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day `count` months later (earlier when negative), clamped to the month's last day. */
function addMonths(day: Day, count: number): Day {
  const { year, month, day: dayOfMonth } = ymdOf(day);
  const index = year * 12 + (month - 1) + count;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return dayFromYmd(targetYear, targetMonth, Math.min(dayOfMonth, daysInMonth(targetYear, targetMonth)));
}

function monthStart(year: number, month: number): Day {
  return dayFromYmd(year, month, 1);
}

function quarterOf(day: Day): { year: number; quarter: number } {
  const { year, month } = ymdOf(day);
  return { year, quarter: Math.floor((month - 1) / 3) + 1 };
}

function quarterRange(year: number, quarter: number): TimeRange {
  const start = monthStart(year, (quarter - 1) * 3 + 1);
  return days(start, addMonths(start, 3));
}

function days(start: Day, end: Day): TimeRange {
  return { start: isoDay(start), end: isoDay(end) };
}

function instants(startMs: number, endMs: number): TimeRange {
  return { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() };
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function describeDay(iso: string): string {
  const { year, month, day } = ymdOf(parseDay(iso));
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary.

const MONTH_WORDS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const MONTH = `(?:${Object.keys(MONTH_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;

const WEEKDAY_WORDS: Readonly<Record<string, number>> = {
  monday: 0,
  mon: 0,
  tuesday: 1,
  tues: 1,
  tue: 1,
  wednesday: 2,
  weds: 2,
  wed: 2,
  thursday: 3,
  thurs: 3,
  thur: 3,
  thu: 3,
  friday: 4,
  fri: 4,
  saturday: 5,
  sat: 5,
  sunday: 6,
  sun: 6,
};
const WEEKDAY_FULL = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const WEEKDAY_ANY = `(?:${Object.keys(WEEKDAY_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  'a couple of': 2,
  'couple of': 2,
  'a couple': 2,
};
const NUMBER = `(?:\\d{1,4}|${Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .map((word) => word.replace(/ /g, '\\s+'))
  .join('|')})`;

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return NUMBER_WORDS[trimmed];
}

function parseYear(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const digits = text.replace(/^'/, '');
  if (digits.length === 2) return 2000 + Number(digits);
  const year = Number(digits);
  return year >= 1970 && year <= 2199 ? year : undefined;
}

const LAST = '(?:last|past|previous|prior|trailing|rolling|preceding)';

// ---------------------------------------------------------------------------------------------------------
// Candidates.

interface Context {
  readonly now: Date;
  readonly today: Day;
  readonly original: string;
  readonly prepared: string;
}

interface Candidate {
  readonly index: number;
  readonly end: number;
  readonly range: TimeRange;
  readonly phrase: TimeRangePhrase;
}

interface Rule {
  readonly phrase: TimeRangePhrase;
  readonly pattern: RegExp;
  resolve(match: RegExpMatchArray, context: Context): TimeRange | undefined;
}

/** A day or a month, with or without its year, before the year is decided. */
type Endpoint =
  | { readonly kind: 'day'; readonly year: number | undefined; readonly month: number; readonly day: number }
  | { readonly kind: 'month'; readonly year: number | undefined; readonly month: number }
  | { readonly kind: 'fixed'; readonly start: Day; readonly end: Day };

/** The most recent day/month matching the endpoint that is not in the future (DESIGN.md rule). */
function resolveAlone(endpoint: Endpoint, today: Day): { start: Day; end: Day } | undefined {
  if (endpoint.kind === 'fixed') return { start: endpoint.start, end: endpoint.end };
  if (endpoint.year !== undefined) return spanIn(endpoint, endpoint.year);
  const thisYear = ymdOf(today).year;
  for (let year = thisYear; year >= thisYear - 8; year--) {
    const span = spanIn(endpoint, year);
    if (span && span.start <= today) return span;
  }
  return undefined;
}

function spanIn(endpoint: Endpoint, year: number): { start: Day; end: Day } | undefined {
  if (endpoint.kind === 'fixed') return { start: endpoint.start, end: endpoint.end };
  if (endpoint.kind === 'month') {
    const start = monthStart(year, endpoint.month);
    return { start, end: addMonths(start, 1) };
  }
  if (endpoint.day > daysInMonth(year, endpoint.month)) return undefined;
  const start = dayFromYmd(year, endpoint.month, endpoint.day);
  return { start, end: start + 1 };
}

/** Longest span a year-less range may wrap over New Year ("Dec 20 to Jan 5") before it counts as inverted. */
const MAX_WRAP_DAYS = 183;

/**
 * "D1 through D2" = [D1, D2 + 1 day) (a month as D2 = to the end of that month). Missing years: a year
 * given on one side applies to the other; with none, D1 is the most recent one not in the future and D2
 * follows it, wrapping over New Year only for a short range ("Dec 20 to Jan 5", at most 183 days), else
 * it is inverted ("Nov 10 to Nov 2").
 */
function resolvePair(first: Endpoint, second: Endpoint, input: string, context: Context): TimeRange {
  const { today } = context;
  const yearOf = (endpoint: Endpoint) =>
    endpoint.kind === 'fixed' ? ymdOf(endpoint.start).year : endpoint.year;
  const hasYear = (endpoint: Endpoint) => endpoint.kind === 'fixed' || endpoint.year !== undefined;
  const invalid = () => new InvalidInputError('date_invalid', `'${input}' is not a valid date range.`);

  let start: { start: Day; end: Day } | undefined;
  let end: { start: Day; end: Day } | undefined;
  if (hasYear(first) && hasYear(second)) {
    start = spanIn(first, yearOf(first)!);
    end = spanIn(second, yearOf(second)!);
  } else if (hasYear(first)) {
    const year = yearOf(first)!;
    start = spanIn(first, year);
    end = spanIn(second, year);
    if (start && end && end.start < start.start) {
      const wrapped = spanIn(second, year + 1);
      if (wrapped && wrapped.end - start.start <= MAX_WRAP_DAYS) end = wrapped;
    }
  } else if (second.kind === 'fixed') {
    // "October to date", "Monday until now": the first side is simply the most recent one.
    start = resolveAlone(first, today);
    end = spanIn(second, 0);
  } else if (hasYear(second)) {
    const year = yearOf(second)!;
    end = spanIn(second, year);
    start = spanIn(first, year);
    if (start && end && end.start < start.start) {
      const wrapped = spanIn(first, year - 1);
      if (wrapped && end.end - wrapped.start <= MAX_WRAP_DAYS) start = wrapped;
    }
  } else {
    start = resolveAlone(first, today);
    const year = start ? ymdOf(start.start).year : ymdOf(today).year;
    end = spanIn(second, year);
    if (start && end && end.start < start.start) {
      const wrapped = spanIn(second, year + 1);
      // D1 is already the most recent one that has started, so the range may run into the future.
      if (wrapped && wrapped.end - start.start <= MAX_WRAP_DAYS) end = wrapped;
    }
  }
  if (!start || !end) throw invalid();
  if (end.start < start.start) {
    throw new InvertedRangeError({ input: input.trim(), start: isoDay(start.start), end: isoDay(end.start) });
  }
  return days(start.start, end.end);
}

/** Parses one endpoint of a range ("Oct 3", "2026-10-03", "October 2025", "Monday", "today"). */
function parseEndpoint(raw: string, context: Context): Endpoint | undefined {
  const text = raw.trim().replace(/\s+/g, ' ').replace(/^the /, '');
  const { today } = context;
  let match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return validDay(year, month, day) ? { kind: 'day', year, month, day } : undefined;
  }
  if (/^\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?$/.test(text)) {
    const day = readNumericDate(text, context, true);
    return day === undefined ? undefined : { kind: 'fixed', start: day, end: day + 1 };
  }
  match = new RegExp(`^(${MONTH})\\.? (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?$`).exec(text);
  if (match) return dayEndpoint(match[1]!, match[2]!, match[3]);
  match = new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTH})\\.?(?:,? (\\d{4}))?$`).exec(text);
  if (match) return dayEndpoint(match[2]!, match[1]!, match[3]);
  match = new RegExp(`^(${MONTH})\\.?(?:,? (?:of )?(\\d{4}|'\\d{2}))?$`).exec(text);
  if (match) {
    return { kind: 'month', year: parseYear(match[2]), month: MONTH_WORDS[match[1]!]! };
  }
  if (/^20\d{2}$/.test(text)) {
    const year = Number(text);
    return { kind: 'fixed', start: monthStart(year, 1), end: monthStart(year + 1, 1) };
  }
  match = /^(\d{4})-(\d{2})$/.exec(text);
  if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12) {
    return { kind: 'month', year: Number(match[1]), month: Number(match[2]) };
  }
  match = new RegExp(`^(?:(last|this|past|previous) )?(${WEEKDAY_FULL})$`).exec(text);
  if (match) {
    const day = resolveWeekday(
      WEEKDAY_WORDS[match[2]!]!,
      match[1] !== undefined && match[1] !== 'this',
      today,
    );
    return { kind: 'fixed', start: day, end: day + 1 };
  }
  if (text === 'today' || text === 'now' || text === 'date')
    return { kind: 'fixed', start: today, end: today + 1 };
  if (text === 'yesterday') return { kind: 'fixed', start: today - 1, end: today };
  return undefined;
}

function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function dayEndpoint(monthWord: string, dayText: string, yearText: string | undefined): Endpoint | undefined {
  const month = MONTH_WORDS[monthWord];
  const day = Number(dayText);
  if (month === undefined || day < 1 || day > 31) return undefined;
  const year = parseYear(yearText);
  if (year !== undefined && !validDay(year, month, day)) return undefined;
  if (year === undefined && day > daysInMonth(2024, month)) return undefined;
  return { kind: 'day', year, month, day };
}

/** The most recent given weekday on or before today (strictly before when `strict`, as in "last Monday"). */
function resolveWeekday(weekday: number, strict: boolean, today: Day): Day {
  let back = (weekdayOf(today) - weekday + 7) % 7;
  if (strict && back === 0) back = 7;
  return today - back;
}

/**
 * Reads '25/10', '10/25', '3/4/26', '03.04.2026'. Throws {@link AmbiguousDateError} when day and month
 * could swap; returns undefined when it is not a date at all (e.g. '45/60').
 */
function readNumericDate(text: string, context: Context, throwWhenAmbiguous: boolean): Day | undefined {
  const parts = text.split(/[/.-]/);
  const first = Number(parts[0]);
  const second = Number(parts[1]);
  const year =
    parts[2] === undefined ? undefined : parseYear(parts[2].length === 2 ? `'${parts[2]}` : parts[2]);
  if (parts[2] !== undefined && year === undefined) return undefined;
  if (first < 1 || second < 1 || first > 31 || second > 31) return undefined;
  const reading = (day: number, month: number): Day | undefined => {
    if (month > 12) return undefined;
    const endpoint: Endpoint = { kind: 'day', year, month, day };
    return resolveAlone(endpoint, context.today)?.start;
  };
  const dayFirst = reading(first, second);
  const monthFirst = reading(second, first);
  if (dayFirst !== undefined && monthFirst !== undefined && dayFirst !== monthFirst) {
    if (!throwWhenAmbiguous) return undefined;
    throw new AmbiguousDateError(text, [isoDay(dayFirst), isoDay(monthFirst)]);
  }
  return dayFirst ?? monthFirst;
}

/** Endpoint alternatives for range patterns (non-capturing; each side is re-parsed by parseEndpoint). */
const ENDPOINT = [
  String.raw`\d{4}[-/]\d{1,2}[-/]\d{1,2}`,
  String.raw`\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})`,
  String.raw`\d{1,2}/\d{1,2}`,
  String.raw`${MONTH}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?`,
  String.raw`(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}\.?(?:,?\s+\d{4})?`,
  String.raw`${MONTH}\.?(?:,?\s+(?:of\s+)?(?:\d{4}|'\d{2}))?`,
  String.raw`\d{4}-\d{2}`,
  String.raw`(?:(?:last|this|past|previous)\s+)?${WEEKDAY_FULL}`,
  String.raw`20\d{2}`,
  'today|yesterday|now',
].join('|');
const TO = String.raw`(?:to|until|till|til|through|thru|up\s+to|-|\.\.)`;

/** Turns a (first, second) endpoint match into a range. */
function pairRule(pattern: RegExp): Rule {
  return {
    phrase: 'between',
    pattern,
    resolve(match, context) {
      const first = parseEndpoint(match[1]!, context);
      const second = parseEndpoint(match[2]!.replace(/^date$/, 'today'), context);
      if (!first || !second) return undefined;
      return resolvePair(first, second, originalOf(match, context), context);
    },
  };
}

/** The original text a match on the prepared text covers (for messages that quote the asker). */
function originalOf(match: RegExpMatchArray, context: Context): string {
  const index = match.index ?? 0;
  return context.original.slice(index, index + match[0].length);
}

/** "Oct 1-15", "1st to 15th October 2025": a day range inside one month. */
function sameMonthRule(pattern: RegExp, order: 'month_first' | 'days_first'): Rule {
  return {
    phrase: 'between',
    pattern,
    resolve(match, context) {
      const [monthWord, fromDay, toDay, yearText] =
        order === 'month_first'
          ? [match[1], match[2], match[3], match[4]]
          : [match[3], match[1], match[2], match[4]];
      const first = dayEndpoint(monthWord!, fromDay!, yearText);
      const second = dayEndpoint(monthWord!, toDay!, yearText);
      if (!first || !second) return undefined;
      return resolvePair(first, second, originalOf(match, context), context);
    },
  };
}

function startOfPeriod(unit: string, today: Day): Day {
  const { year, month } = ymdOf(today);
  switch (unit) {
    case 'week':
      return today - weekdayOf(today);
    case 'month':
      return monthStart(year, month);
    case 'quarter':
      return monthStart(year, (quarterOf(today).quarter - 1) * 3 + 1);
    default:
      return monthStart(year, 1);
  }
}

/** Month names that are also ordinary words: read as months only with a date-ish neighbour. */
const WORDY_MONTHS = new Set(['may', 'march', 'mar']);
const MONTH_CONTEXT =
  /\b(?:in|since|during|for|of|from|through|thru|until|till|to|between|and|last|this|early|mid|late|end|start|beginning|whole|entire|all|throughout)\s+$/;

const ORDINAL_QUARTERS: Readonly<Record<string, number>> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
};

const RULES: readonly Rule[] = [
  // Ranges with two endpoints: "between Oct 1 and Oct 15", "from Nov 10 to Nov 2", "Oct 3 through Oct 9".
  pairRule(new RegExp(String.raw`\bbetween\s+(${ENDPOINT})\s+and\s+(${ENDPOINT})(?![\w/])`, 'g')),
  pairRule(new RegExp(String.raw`\bfrom\s+(${ENDPOINT})\s*${TO}\s*(${ENDPOINT}|date)(?![\w/])`, 'g')),
  pairRule(
    new RegExp(
      String.raw`(?<![\w/.-])(${ENDPOINT})\s*(?:to|until|till|til|through|thru|-|\.\.)\s*(${ENDPOINT}|date)(?![\w/])`,
      'g',
    ),
  ),
  sameMonthRule(
    new RegExp(
      String.raw`\b(${MONTH})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|to|through|thru|until|till)\s*(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?(?![\w/])`,
      'g',
    ),
    'month_first',
  ),
  sameMonthRule(
    new RegExp(
      String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|to|through|thru|until|till)\s*(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(${MONTH})\b\.?(?:,?\s+(\d{4}))?`,
      'g',
    ),
    'days_first',
  ),

  // Today and yesterday.
  {
    phrase: 'today',
    pattern: /\b(?:so\s+far\s+today|today\s+so\s+far|today|tdy|intraday)\b/g,
    resolve: (_match, { today }) => days(today, today + 1),
  },
  {
    phrase: 'day_before_yesterday',
    pattern: /\b(?:the\s+)?day\s+before\s+yesterday\b/g,
    resolve: (_match, { today }) => days(today - 2, today - 1),
  },
  {
    phrase: 'yesterday',
    pattern: /\b(?:yesterday|yday|yest)\b/g,
    resolve: (_match, { today }) => days(today - 1, today),
  },

  // Last N days = the N full days before today ("the last 14 days", "past 7d", "L30D").
  {
    phrase: 'last_n_days',
    pattern: new RegExp(
      String.raw`\b(?:the\s+)?${LAST}\s+(?:(${NUMBER})\s*)?(?:full\s+|whole\s+|complete\s+|calendar\s+)?(?:days?|d)\b`,
      'g',
    ),
    resolve(match, { today }) {
      const count = parseNumber(match[1]) ?? 1;
      return count >= 1 && count <= 3660 ? days(today - count, today) : undefined;
    },
  },
  {
    phrase: 'last_n_days',
    pattern: /(?<!\b(?:next|coming|upcoming|following)\s+)\b[lt]?(\d{1,3})d\b(?!\s*secure)/g,
    resolve(match, { today }) {
      const count = Number(match[1]);
      return count >= 1 ? days(today - count, today) : undefined;
    },
  },
  {
    phrase: 'days_ago',
    pattern: new RegExp(String.raw`\b(${NUMBER})\s+days?\s+ago\b`, 'g'),
    resolve(match, { today }) {
      const count = parseNumber(match[1]);
      return count === undefined ? undefined : days(today - count, today - count + 1);
    },
  },
  {
    phrase: 'days_ago',
    pattern: /\b(?:a|one)\s+week\s+ago\b/g,
    resolve: (_match, { today }) => days(today - 7, today - 6),
  },

  // Hours and minutes: [now - N h, now).
  {
    phrase: 'last_n_hours',
    pattern: new RegExp(String.raw`\b(?:the\s+)?${LAST}\s+(?:(${NUMBER})\s*)?(?:hours?|hrs?|h)\b`, 'g'),
    resolve(match, { now }) {
      const count = parseNumber(match[1]) ?? 1;
      return instants(now.getTime() - count * HOUR_MS, now.getTime());
    },
  },
  {
    phrase: 'last_n_hours',
    pattern: /(?<!\b(?:next|coming|upcoming|following)\s+)\b(\d{1,3})h\b/g,
    resolve(match, { now }) {
      const count = Number(match[1]);
      return count >= 1 ? instants(now.getTime() - count * HOUR_MS, now.getTime()) : undefined;
    },
  },
  {
    phrase: 'last_n_minutes',
    pattern: new RegExp(String.raw`\b(?:the\s+)?${LAST}\s+(?:(${NUMBER})\s*)?(?:minutes?|mins?)\b`, 'g'),
    resolve(match, { now }) {
      const count = parseNumber(match[1]) ?? 1;
      return instants(now.getTime() - count * MINUTE_MS, now.getTime());
    },
  },

  // Weeks. "last week" / "previous week" = the previous ISO week; "past week", "the last week" and
  // "last N weeks" = rolling 7·N full days before today (DESIGN.md: "past week" = last 7 days).
  {
    phrase: 'last_n_weeks',
    pattern: new RegExp(String.raw`\b(the\s+)?(${LAST})\s+(?:(${NUMBER})\s*)?(?:weeks?|wks?|w)\b`, 'g'),
    resolve(match, { today }) {
      const word = match[2]!;
      const count = parseNumber(match[3]);
      if (count !== undefined) return days(today - 7 * count, today);
      return isRolling(match[1], word) ? days(today - 7, today) : undefined;
    },
  },
  {
    phrase: 'last_n_weeks',
    pattern: new RegExp(String.raw`\b(?:the\s+)?${LAST}\s+(?:(${NUMBER})\s+)?fortnights?\b`, 'g'),
    resolve: (match, { today }) => days(today - 14 * (parseNumber(match[1]) ?? 1), today),
  },
  {
    phrase: 'last_week',
    pattern: /\b(?:last|previous|prior|preceding)\s+(?:week|wk)\b/g,
    resolve(_match, { today }) {
      const monday = today - weekdayOf(today);
      return days(monday - 7, monday);
    },
  },
  {
    phrase: 'weeks_ago',
    pattern: new RegExp(
      String.raw`\b(?:(?:the\s+)?week\s+before\s+last|(?:the\s+)?(?:last|previous)\s+week\s+but\s+one|(${NUMBER})\s+weeks?\s+ago)\b`,
      'g',
    ),
    resolve(match, { today }) {
      const count = match[1] === undefined ? 2 : parseNumber(match[1]);
      if (count === undefined || count < 1) return undefined;
      const monday = today - weekdayOf(today) - 7 * count;
      return days(monday, monday + 7);
    },
  },
  {
    phrase: 'this_week',
    pattern:
      /\b(?:(?:so\s+far\s+)?(?:this|current|the\s+current)\s+(?:week|wk)(?:\s+so\s+far|\s+to\s+date)?|week[\s-]+to[\s-]+date|wtd|(?:the\s+)?week\s+so\s+far)\b/g,
    resolve: (_match, { today }) => days(today - weekdayOf(today), today + 1),
  },
  {
    phrase: 'week_of',
    pattern: new RegExp(
      String.raw`\b(?:the\s+)?(?:week|wk)\s+(?:of|starting|beginning|commencing)\s+(?:on\s+)?(${ENDPOINT})(?![\w/])`,
      'g',
    ),
    resolve(match, context) {
      const endpoint = parseEndpoint(match[1]!, context);
      const day = endpoint && resolveAlone(endpoint, context.today);
      if (!day) return undefined;
      const monday = day.start - weekdayOf(day.start);
      return days(monday, monday + 7);
    },
  },
  {
    phrase: 'iso_week',
    pattern: /\b(?:iso\s+)?(?:week|wk)\s*#?\s*(\d{1,2})(?:\s*(?:of\s+)?(\d{4}))?\b(?!\s*(?:days?|weeks?|%))/g,
    resolve(match, { today }) {
      const week = Number(match[1]);
      if (week < 1 || week > 53) return undefined;
      const isoWeekStart = (year: number) => {
        const january4 = dayFromYmd(year, 1, 4);
        return january4 - weekdayOf(january4) + 7 * (week - 1);
      };
      const given = match[2] === undefined ? undefined : Number(match[2]);
      const thisYear = ymdOf(today).year;
      let monday = isoWeekStart(given ?? thisYear);
      if (given === undefined && monday > today) monday = isoWeekStart(thisYear - 1);
      return days(monday, monday + 7);
    },
  },

  // Months. "last month" = the previous calendar month; "past month", "the last month" and "past N months"
  // = from the same day N months ago to today (DESIGN.md: past 3 months = [2026-08-24, 2026-11-24)).
  {
    phrase: 'last_n_months',
    pattern: new RegExp(
      String.raw`\b(the\s+)?(${LAST})\s+(?:(${NUMBER})\s*)?(?:months?|mos?|mths?|mnths?)\b`,
      'g',
    ),
    resolve(match, { today }) {
      const word = match[2]!;
      const count = parseNumber(match[3]);
      if (count !== undefined) return days(addMonths(today, -count), today);
      return isRolling(match[1], word) ? days(addMonths(today, -1), today) : undefined;
    },
  },
  {
    phrase: 'last_month',
    pattern: /\b(?:last|previous|prior|preceding)\s+(?:month|mth|mnth)\b/g,
    resolve(_match, { today }) {
      const { year, month } = ymdOf(today);
      const start = monthStart(year, month);
      return days(addMonths(start, -1), start);
    },
  },
  {
    phrase: 'months_ago',
    pattern: new RegExp(
      String.raw`\b(?:(?:the\s+)?month\s+before\s+last|(${NUMBER})\s+(?:months?|mths?)\s+ago)\b`,
      'g',
    ),
    resolve(match, { today }) {
      const count = match[1] === undefined ? 2 : parseNumber(match[1]);
      if (count === undefined || count < 1) return undefined;
      const { year, month } = ymdOf(today);
      const start = addMonths(monthStart(year, month), -count);
      return days(start, addMonths(start, 1));
    },
  },
  {
    phrase: 'this_month',
    pattern:
      /\b(?:(?:so\s+far\s+)?(?:this|current|the\s+current)\s+(?:month|mth|mnth)(?:\s+so\s+far|\s+to\s+date)?|month[\s-]+to[\s-]+date|mtd|(?:the\s+)?month\s+so\s+far)\b/g,
    resolve: (_match, { today }) => days(startOfPeriod('month', today), today + 1),
  },

  // Quarters. "this quarter" = quarter to date; "last quarter" = the previous calendar quarter;
  // "Q3" = the most recent Q3 that has started; "past quarter" / "last N quarters" = rolling 3·N months.
  {
    phrase: 'this_quarter',
    pattern:
      /\b(?:(?:so\s+far\s+)?(?:this|current|the\s+current)\s+(?:quarter|qtr)(?:\s+so\s+far|\s+to\s+date)?|quarter[\s-]+to[\s-]+date|qtd)\b/g,
    resolve: (_match, { today }) => days(startOfPeriod('quarter', today), today + 1),
  },
  {
    phrase: 'last_quarter',
    pattern: /\b(?:last|previous|prior|preceding)\s+(?:quarter|qtr)\b/g,
    resolve(_match, { today }) {
      const { year, quarter } = quarterOf(today);
      return quarter === 1 ? quarterRange(year - 1, 4) : quarterRange(year, quarter - 1);
    },
  },
  {
    phrase: 'last_n_quarters',
    pattern: new RegExp(String.raw`\b(the\s+)?(${LAST})\s+(?:(${NUMBER})\s*)?(?:quarters?|qtrs?)\b`, 'g'),
    resolve(match, { today }) {
      const count = parseNumber(match[3]);
      if (count !== undefined) return days(addMonths(today, -3 * count), today);
      return isRolling(match[1], match[2]!) ? days(addMonths(today, -3), today) : undefined;
    },
  },
  {
    phrase: 'quarter',
    // "Q3 last year" / "Q1 of this year" name the year in words.
    pattern:
      /\b(?:q([1-4])|([1-4])q)(?:\s*(?:of\s+)?(?:(\d{4})|'(\d{2})|fy\s*'?(\d{2}|\d{4}))|\s+(?:of\s+)?(last|this)\s+year)?\b/g,
    resolve(match, { today }) {
      const quarter = Number(match[1] ?? match[2]);
      const thisYear = ymdOf(today).year;
      const year =
        parseYear(match[3]) ??
        parseYear(match[4] === undefined ? undefined : `'${match[4]}`) ??
        fyYear(match[5]) ??
        (match[6] === 'last' ? thisYear - 1 : match[6] === 'this' ? thisYear : undefined);
      return quarterIn(quarter, year, today);
    },
  },
  {
    phrase: 'quarter',
    pattern: /\b(\d{4})\s*[-\s]?\s*q([1-4])\b/g,
    resolve: (match, { today }) => quarterIn(Number(match[2]), parseYear(match[1]), today),
  },
  {
    phrase: 'quarter',
    pattern:
      /\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of\s+)?(?:(\d{4})|(this|last)\s+year))?\b/g,
    resolve(match, { today }) {
      const quarter = ORDINAL_QUARTERS[match[1]!]!;
      const thisYear = ymdOf(today).year;
      const year = match[2]
        ? Number(match[2])
        : match[3] === 'this'
          ? thisYear
          : match[3]
            ? thisYear - 1
            : undefined;
      return quarterIn(quarter, year, today);
    },
  },
  {
    phrase: 'half_year',
    pattern:
      /\b(?:h([12])(?:\s*(?:(\d{4})|'(\d{2})))?|(?:the\s+)?(first|second)\s+half(?:\s+of\s+(?:(\d{4})|(?:the\s+|this\s+)?year|(last)\s+year))?)\b/g,
    resolve(match, { today }) {
      const half = match[1] ? Number(match[1]) : match[4] === 'first' ? 1 : 2;
      const thisYear = ymdOf(today).year;
      const given = parseYear(match[2] ?? (match[3] ? `'${match[3]}` : undefined) ?? match[5]);
      let year = given ?? (match[6] ? thisYear - 1 : thisYear);
      if (given === undefined && !match[6] && monthStart(year, half === 1 ? 1 : 7) > today) year -= 1;
      const start = monthStart(year, half === 1 ? 1 : 7);
      return days(start, addMonths(start, 6));
    },
  },

  // Years. "this year" = year to date; "last year" = the previous calendar year; "past year" and
  // "the last year" = rolling 12 months; "in 2025" = that calendar year.
  {
    phrase: 'this_year',
    pattern:
      /\b(?:(?:so\s+far\s+)?(?:this|current|the\s+current)\s+(?:year|yr)(?:\s+so\s+far|\s+to\s+date)?|year[\s-]+to[\s-]+date|ytd|(?:the\s+)?year\s+so\s+far)\b/g,
    resolve: (_match, { today }) => days(startOfPeriod('year', today), today + 1),
  },
  {
    phrase: 'last_year',
    pattern: /\b(?:last|previous|prior|preceding)\s+(?:year|yr)\b/g,
    resolve(_match, { today }) {
      const year = ymdOf(today).year - 1;
      return days(monthStart(year, 1), monthStart(year + 1, 1));
    },
  },
  {
    phrase: 'last_n_years',
    pattern: new RegExp(String.raw`\b(the\s+)?(${LAST})\s+(?:(${NUMBER})\s*)?(?:years?|yrs?)\b`, 'g'),
    resolve(match, { today }) {
      const count = parseNumber(match[3]);
      if (count !== undefined) return days(addMonths(today, -12 * count), today);
      return isRolling(match[1], match[2]!) ? days(addMonths(today, -12), today) : undefined;
    },
  },
  {
    phrase: 'last_year',
    pattern: /\b(?:the\s+)?year\s+before\s+last\b/g,
    resolve(_match, { today }) {
      const year = ymdOf(today).year - 2;
      return days(monthStart(year, 1), monthStart(year + 1, 1));
    },
  },
  {
    phrase: 'year',
    pattern:
      /(?<=\b(?:in|for|during|throughout|since|from|of|year|calendar\s+year|full\s+year|between|to|and|until|through|vs\.?|versus|against|than)\s+)(20\d{2})\b(?![-/.]\d)|\b(?:fy|cy)\s*'?(\d{2}|20\d{2})\b/g,
    resolve(match) {
      const year = match[1] ? Number(match[1]) : fyYear(match[2]);
      return year === undefined ? undefined : days(monthStart(year, 1), monthStart(year + 1, 1));
    },
  },

  // Month names: the whole month, the most recent one that has started ("in October", "Oct 2025").
  {
    phrase: 'month',
    pattern: new RegExp(
      String.raw`\b(?:the\s+month\s+of\s+)?(?:(last|this|past)\s+)?(${MONTH})\b\.?(?:,?\s+(?:of\s+)?(\d{4}|'\d{2})|\s+(?:of\s+)?(last|this)\s+year\b)?`,
      'g',
    ),
    resolve(match, context) {
      const word = match[2]!;
      const month = MONTH_WORDS[word]!;
      const thisYearWord = match[4] === 'this' ? ymdOf(context.today).year : undefined;
      const given =
        parseYear(match[3]) ?? (match[4] === 'last' ? ymdOf(context.today).year - 1 : thisYearWord);
      const index = match.index ?? 0;
      if (WORDY_MONTHS.has(word) && given === undefined && !match[1] && !monthInContext(context, index)) {
        return undefined;
      }
      const thisYear = ymdOf(context.today).year;
      const { month: currentMonth } = ymdOf(context.today);
      let year = given ?? thisYear;
      if (given === undefined) {
        // "last October" in October means a year ago; otherwise the most recent one that has started.
        const strict = match[1] === 'last' || match[1] === 'past';
        if (month > currentMonth || (strict && month === currentMonth)) year -= 1;
        if (match[1] === 'this') year = thisYear;
      }
      const start = monthStart(year, month);
      return days(start, addMonths(start, 1));
    },
  },
  {
    phrase: 'month',
    pattern: /\b(20\d{2})-(0[1-9]|1[0-2])\b(?![-/]\d)/g,
    resolve(match) {
      const start = monthStart(Number(match[1]), Number(match[2]));
      return days(start, addMonths(start, 1));
    },
  },

  // Single days: ISO dates, "Oct 3", "3rd of October 2025", numeric dates (ambiguous ones throw).
  {
    phrase: 'date',
    pattern: /\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)/g,
    resolve(match) {
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      if (!validDay(year, month, day)) return undefined;
      const start = dayFromYmd(year, month, day);
      return days(start, start + 1);
    },
  },
  {
    phrase: 'date',
    pattern: new RegExp(
      String.raw`\b(${MONTH})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?::|am\b|pm\b|%|k\b|m\b|bn\b|x\b|usd\b|\$))(?:,?\s+(\d{4}))?`,
      'g',
    ),
    resolve: (match, context) => dayRange(dayEndpoint(match[1]!, match[2]!, match[3]), context),
  },
  {
    phrase: 'date',
    pattern: new RegExp(
      String.raw`\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(${MONTH})\b\.?(?:,?\s+(\d{4}))?`,
      'g',
    ),
    resolve: (match, context) => dayRange(dayEndpoint(match[2]!, match[1]!, match[3]), context),
  },
  {
    phrase: 'date',
    pattern:
      /(?<![\w/.:-])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\w/])|(?<![\w/.:-])(\d{1,2})([.-])(\d{1,2})\5(\d{4})(?![\w/.-])/g,
    resolve(match, context) {
      const text = match[0];
      if (text === '24/7') return undefined;
      // Two-part fractions ("1/2 of users") are only dates with a leading zero or a date word before them.
      if (match[3] === undefined && match[4] === undefined && !/^0|\/0/.test(text)) {
        const before = context.prepared.slice(Math.max(0, (match.index ?? 0) - 12), match.index);
        if (
          !/\b(?:on|since|from|to|until|till|through|thru|between|and|for|of|in|before|after|starting|date|day)\s+$/.test(
            before,
          )
        )
          return undefined;
      }
      const day = readNumericDate(text, context, true);
      return day === undefined ? undefined : days(day, day + 1);
    },
  },

  // Weekdays: the most recent one on or before today ("since Monday", "on Monday"); "last Monday" is the
  // most recent one before today. Abbreviations count only after a word that makes them a day.
  {
    phrase: 'weekday',
    pattern: new RegExp(String.raw`\b(?:(last|this|past|previous|prior)\s+)?(${WEEKDAY_ANY})\b`, 'g'),
    resolve(match, context) {
      const word = match[2]!;
      const index = match.index ?? 0;
      // "Black Friday" and "Cyber Monday" are named days, not the most recent Friday.
      if (/\b(?:black|cyber|good|easter)\s+$/.test(context.prepared.slice(Math.max(0, index - 8), index)))
        return undefined;
      if (!/^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/.test(word)) {
        const before = context.prepared.slice(Math.max(0, index - 10), index);
        if (!match[1] && !/\b(?:on|since|from|until|till|to|and|through|thru)\s+$/.test(before))
          return undefined;
      }
      const strict = match[1] !== undefined && match[1] !== 'this';
      const day = resolveWeekday(WEEKDAY_WORDS[word]!, strict, context.today);
      return days(day, day + 1);
    },
  },

  // Weekends: "over the weekend" = the last full Saturday and Sunday; "this weekend" on a Saturday or
  // Sunday = the current weekend so far.
  {
    phrase: 'weekend',
    pattern: /\b(?:(last|this|past|previous|prior)\s+)?week-?end\b/g,
    resolve(match, { today }) {
      const weekday = weekdayOf(today);
      if (match[1] === 'this' && weekday >= 5) return days(today - (weekday - 5), today + 1);
      // Monday–Friday: the weekend just gone; Saturday/Sunday: the one before (this one is not complete).
      const saturday = today - weekday - 2;
      return days(saturday, saturday + 2);
    },
  },

  // "the start of the month" (alone a day; after "since" it becomes month to date).
  {
    phrase: 'period_start',
    pattern: /\b(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?(week|month|quarter|year)\b/g,
    resolve(match, { today }) {
      const start = startOfPeriod(match[1]!, today);
      return days(start, start + 1);
    },
  },
];

/**
 * Without a count, "past week" / "trailing month" / "the last year" are rolling windows, while "last week" /
 * "previous month" / "the previous quarter" are the previous calendar period (their own rules).
 */
function isRolling(article: string | undefined, word: string): boolean {
  return /^(?:past|trailing|rolling)$/.test(word) || (article !== undefined && word === 'last');
}

function fyYear(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return text.length === 2 ? 2000 + Number(text) : Number(text);
}

function quarterIn(quarter: number, year: number | undefined, today: Day): TimeRange {
  if (year !== undefined) return quarterRange(year, quarter);
  const { year: thisYear } = ymdOf(today);
  const start = monthStart(thisYear, (quarter - 1) * 3 + 1);
  return quarterRange(start > today ? thisYear - 1 : thisYear, quarter);
}

function dayRange(endpoint: Endpoint | undefined, context: Context): TimeRange | undefined {
  const span = endpoint && resolveAlone(endpoint, context.today);
  return span ? days(span.start, span.end) : undefined;
}

function monthInContext(context: Context, index: number): boolean {
  if (MONTH_CONTEXT.test(context.prepared.slice(Math.max(0, index - 14), index))) return true;
  // A capitalised "May"/"March" in the middle of a sentence is the month.
  const original = context.original[index];
  const before = context.original.slice(0, index).trimEnd();
  return (
    original !== undefined && original === original.toUpperCase() && before !== '' && !/[.!?]$/.test(before)
  );
}

function collectCandidates(context: Context): Candidate[] {
  const candidates: Candidate[] = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (const match of context.prepared.matchAll(rule.pattern)) {
      if (match[0].trim() === '') continue;
      const range = rule.resolve(match, context);
      if (!range) continue;
      const index = match.index + (match[0].length - match[0].trimStart().length);
      candidates.push({ index, end: match.index + match[0].trimEnd().length, range, phrase: rule.phrase });
    }
  }
  return candidates;
}

const ORDINAL_WORD =
  /\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|twenty|thirty)\b/;
const NAMED_MONTH = new RegExp(`\\b${MONTH}\\b`);

/**
 * chrono-node for single dates written in words that our patterns miss ("the third of October 2025").
 * Only results that name a month and a certain day are used, with our own year rule: chrono's relative
 * readings ("next week", "tomorrow") and its forward-looking year guesses do not follow DESIGN.md.
 */
function chronoCandidates(context: Context): Candidate[] {
  // chrono costs milliseconds per call: only ask it when a month comes with a day written as a word.
  if (!NAMED_MONTH.test(context.prepared) || !ORDINAL_WORD.test(context.prepared)) return [];
  const reference = new Date(context.today * DAY_MS + 12 * HOUR_MS);
  const results = chrono.parse(context.prepared, { instant: reference, timezone: 'UTC' });
  const candidates: Candidate[] = [];
  for (const result of results) {
    const { start } = result;
    if (!NAMED_MONTH.test(result.text) || !start.isCertain('day') || !start.isCertain('month')) continue;
    const month = start.get('month');
    const day = start.get('day');
    if (month === null || day === null) continue;
    const endpoint: Endpoint = {
      kind: 'day',
      year: start.isCertain('year') ? (start.get('year') ?? undefined) : undefined,
      month,
      day,
    };
    const range = dayRange(endpoint, context);
    if (range) {
      candidates.push({ index: result.index, end: result.index + result.text.length, range, phrase: 'date' });
    }
  }
  return candidates;
}

/** The longest candidate wins where candidates overlap; of what remains, the first in the text. */
function choose(candidates: Candidate[]): Candidate | undefined {
  const byLength = [...candidates].sort((a, b) => b.end - b.index - (a.end - a.index) || a.index - b.index);
  const accepted: Candidate[] = [];
  for (const candidate of byLength) {
    if (accepted.some((other) => candidate.index < other.end && candidate.end > other.index)) continue;
    accepted.push(candidate);
  }
  return accepted.sort((a, b) => a.index - b.index)[0];
}

/**
 * "since D" = [D, tomorrow) (hour ranges: [start, now)); "from D onwards" likewise, and "from D" when D is
 * a single day ("from Monday"); "from October" stays October, and "from yesterday" stays yesterday.
 */
function applySince(candidate: Candidate, context: Context): Candidate | undefined {
  const before = context.prepared.slice(0, candidate.index);
  const after = context.prepared.slice(candidate.end);
  const since = /\b(?:since|starting(?:\s+(?:from|on|with))?|beginning|as\s+of|after)\s+(?:the\s+)?$/.exec(
    before,
  );
  const from = /\bfrom\s+(?:the\s+)?$/.exec(before);
  const onwards =
    /^\s*(?:onwards?|forwards?|on(?![\w])|until\s+(?:now|today)|till\s+(?:now|today)|to\s+(?:now|today|date))/.exec(
      after,
    );
  const singleDay =
    isDay(candidate.range.start) && parseDay(candidate.range.end) - parseDay(candidate.range.start) === 1;
  // "feedback from yesterday" is yesterday's feedback: a relative day after "from" names its source.
  const relativeDay = candidate.phrase === 'yesterday' || candidate.phrase === 'day_before_yesterday';
  const opener = since ?? (from && (onwards || (singleDay && !relativeDay)) ? from : null);
  if (!opener || candidate.phrase === 'between') return undefined;
  const hours = !isDay(candidate.range.start);
  // "after Oct 3" starts the day after.
  const startDay = hours ? undefined : parseDay(candidate.range.start) + (/^after\b/.test(opener[0]) ? 1 : 0);
  const range =
    startDay === undefined
      ? { start: candidate.range.start, end: context.now.toISOString() }
      : days(startDay, context.today + 1);
  return {
    index: opener.index,
    end: candidate.end + (onwards ? onwards[0].length : 0),
    range,
    phrase: 'since',
  };
}

/** Extends a match over a leading "in", "over the", "for the past", … so the remainder reads cleanly. */
function extendLeft(candidate: Candidate, context: Context): Candidate {
  const before = context.prepared.slice(0, candidate.index);
  const lead =
    /\b(?:(?:in|over|for|during|within|throughout|across|on|at|of|from)\s+)?(?:the\s+)?(?:(?:whole|entire|full)\s+)?$/.exec(
      before,
    );
  if (!lead || lead[0] === '') return candidate;
  return { ...candidate, index: lead.index };
}
