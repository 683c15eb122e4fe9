import { describe, expect, it } from 'vitest';
import {
  AmbiguousDateError,
  defaultTimeRange,
  formatRange,
  InvertedRangeError,
  parseTimeRange,
} from '../../../bot/router/time-range.js';
import { InvalidInputError } from '../../../core/errors.js';

/** DESIGN.md's reference clock: Tuesday 2026-11-24, noon UTC. */
const TUESDAY = new Date('2026-11-24T12:00:00Z');

function range(text: string, now: Date = TUESDAY): [string, string] | undefined {
  const match = parseTimeRange(text, now);
  return match ? [match.range.start, match.range.end] : undefined;
}

describe('parseTimeRange: every row of the DESIGN.md table (today = 2026-11-24, a Tuesday)', () => {
  it.each([
    ['today', '2026-11-24', '2026-11-25'],
    ['yesterday', '2026-11-23', '2026-11-24'],
    ['last 7 days', '2026-11-17', '2026-11-24'],
    ['past week', '2026-11-17', '2026-11-24'],
    ['last 30 days', '2026-10-25', '2026-11-24'],
    ['last 24 hours', '2026-11-23T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    ['this week', '2026-11-23', '2026-11-25'],
    ['week to date', '2026-11-23', '2026-11-25'],
    ['last week', '2026-11-16', '2026-11-23'],
    ['this month', '2026-11-01', '2026-11-25'],
    ['MTD', '2026-11-01', '2026-11-25'],
    ['last month', '2026-10-01', '2026-11-01'],
    ['in October', '2026-10-01', '2026-11-01'],
    ['Q3', '2026-07-01', '2026-10-01'],
    ['this year', '2026-01-01', '2026-11-25'],
    ['YTD', '2026-01-01', '2026-11-25'],
  ])('%s → [%s, %s)', (text, start, end) => {
    expect(range(text)).toEqual([start, end]);
  });

  it('no time given → no match, and the tool default (metric: last 7 days) applies', () => {
    expect(parseTimeRange('trading volume by country', TUESDAY)).toBeUndefined();
    expect(defaultTimeRange('last_7_days', TUESDAY)).toEqual({ start: '2026-11-17', end: '2026-11-24' });
  });
});

describe('parseTimeRange: the extension rules of DESIGN.md', () => {
  it.each([
    // "last N days" = the N full days before today.
    ['last 14 days', '2026-11-10', '2026-11-24'],
    ['the last 14 days', '2026-11-10', '2026-11-24'],
    ['past 3 days', '2026-11-21', '2026-11-24'],
    ['over the past two days', '2026-11-22', '2026-11-24'],
    ['last 7d', '2026-11-17', '2026-11-24'],
    ['L30D', '2026-10-25', '2026-11-24'],
    // "last N hours" / "last hour" = [now − N h, now).
    ['last hour', '2026-11-24T11:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    ['past 6 hrs', '2026-11-24T06:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    ['24h', '2026-11-23T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    // "past N months" = from the same day N months ago to today.
    ['past 3 months', '2026-08-24', '2026-11-24'],
    ['last 12 months', '2025-11-24', '2026-11-24'],
    ['past month', '2026-10-24', '2026-11-24'],
    ['past 2 weeks', '2026-11-10', '2026-11-24'],
    ['over the past fortnight', '2026-11-10', '2026-11-24'],
    ['last wk', '2026-11-16', '2026-11-23'],
    ['past 3 hrs', '2026-11-24T09:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    // A month name = the whole month, the most recent one that has started.
    ['October', '2026-10-01', '2026-11-01'],
    ['Oct', '2026-10-01', '2026-11-01'],
    ['in December', '2025-12-01', '2026-01-01'],
    ['October 2025', '2025-10-01', '2025-11-01'],
    ['for the month of October', '2026-10-01', '2026-11-01'],
    ['during Sept', '2026-09-01', '2026-10-01'],
    ["Oct '25", '2025-10-01', '2025-11-01'],
    ['November', '2026-11-01', '2026-12-01'],
    // Quarters.
    ['Q4', '2026-10-01', '2027-01-01'],
    ['Q3 2025', '2025-07-01', '2025-10-01'],
    ['2025 Q1', '2025-01-01', '2025-04-01'],
    ['this quarter', '2026-10-01', '2026-11-25'],
    ['QTD', '2026-10-01', '2026-11-25'],
    ['last quarter', '2026-07-01', '2026-10-01'],
    // Years.
    ['last year', '2025-01-01', '2026-01-01'],
    ['in 2025', '2025-01-01', '2026-01-01'],
    ['year to date', '2026-01-01', '2026-11-25'],
    // "since D" = [D, tomorrow).
    ['since Monday', '2026-11-23', '2026-11-25'],
    ['since Oct 3', '2026-10-03', '2026-11-25'],
    ['since 2026-10-03', '2026-10-03', '2026-11-25'],
    ['since the start of the month', '2026-11-01', '2026-11-25'],
    // "D1 through D2" = [D1, D2 + 1 day).
    ['Oct 3 through Oct 9', '2026-10-03', '2026-10-10'],
    ['from Nov 1 to Nov 5', '2026-11-01', '2026-11-06'],
    ['between Oct 1 and Oct 15', '2026-10-01', '2026-10-16'],
    ['2026-10-01 to 2026-10-31', '2026-10-01', '2026-11-01'],
    ['Oct 1-15', '2026-10-01', '2026-10-16'],
    ['from August to October', '2026-08-01', '2026-11-01'],
    ['Dec 20 to Jan 5', '2025-12-20', '2026-01-06'],
    // Weekends: the last full Saturday and Sunday.
    ['over the weekend', '2026-11-21', '2026-11-23'],
    ['last weekend', '2026-11-21', '2026-11-23'],
    ['this weekend', '2026-11-21', '2026-11-23'],
    // Single days.
    ['so far today', '2026-11-24', '2026-11-25'],
    ['on Monday', '2026-11-23', '2026-11-24'],
    ['2026-10-03', '2026-10-03', '2026-10-04'],
    ['Oct 3', '2026-10-03', '2026-10-04'],
    ['3rd of October 2025', '2025-10-03', '2025-10-04'],
    ['on 25/10', '2026-10-25', '2026-10-26'],
    ['the day before yesterday', '2026-11-22', '2026-11-23'],
  ])('%s → [%s, %s)', (text, start, end) => {
    expect(range(text)).toEqual([start, end]);
  });

  it('returns the substring it consumed and a normalised phrase kind', () => {
    const match = parseTimeRange('pending KYC in Turkey over the last 14 days, by day', TUESDAY);
    expect(match).toEqual({
      range: { start: '2026-11-10', end: '2026-11-24' },
      matched: 'over the last 14 days',
      phrase: 'last_n_days',
      index: 22,
    });
    expect(parseTimeRange('new signups per day since Monday?', TUESDAY)).toMatchObject({
      matched: 'since Monday',
      phrase: 'since',
    });
    expect(parseTimeRange('Withdrawals In October', TUESDAY)).toMatchObject({
      matched: 'In October',
      phrase: 'month',
    });
  });

  it('skips comparison phrases: "vs last year" is not the question’s range', () => {
    expect(range('fee revenue this year vs last year')).toEqual(['2026-01-01', '2026-11-25']);
    expect(range('KYC pass rate last week vs the week before')).toEqual(['2026-11-16', '2026-11-23']);
    expect(range('aml alerts for Q3 compared to the previous quarter')).toEqual(['2026-07-01', '2026-10-01']);
    expect(range('net inflow this week vs the same week last year')).toEqual(['2026-11-23', '2026-11-25']);
    expect(parseTimeRange('volume vs last year', TUESDAY)).toBeUndefined();
  });

  it('ignores future phrases and words that only look like dates', () => {
    for (const text of [
      'forecast withdrawals for next week',
      "what's the weather in Dubai tomorrow?",
      'may I see the volume',
      'top 5 countries by vol',
      'buy 2 BTC for me at market',
      '1/2 of users',
      '24/7 support',
      '3d secure failures',
      'what happened on Black Friday',
    ]) {
      expect(parseTimeRange(text, TUESDAY), text).toBeUndefined();
    }
    expect(range('volume in may')).toEqual(['2026-05-01', '2026-06-01']);
  });

  it('longest phrase wins where phrases overlap, then the first one', () => {
    expect(parseTimeRange('volume October 2025', TUESDAY)?.phrase).toBe('month');
    expect(range('volume October 2025')).toEqual(['2025-10-01', '2025-11-01']);
    expect(range('yesterday and today')).toEqual(['2026-11-23', '2026-11-24']);
  });
});

describe('parseTimeRange with other clocks', () => {
  const MONDAY = '2026-11-23T09:30:00Z';
  const FIRST_OF_MONTH = '2026-12-01T00:00:00Z';
  const NEW_YEAR = '2027-01-01T08:00:00Z';
  const SUNDAY = '2026-11-29T10:00:00Z';
  const MONTH_END = '2026-03-31T12:00:00Z';

  it.each([
    [MONDAY, 'this week', '2026-11-23', '2026-11-24'],
    [MONDAY, 'last week', '2026-11-16', '2026-11-23'],
    [MONDAY, 'since Monday', '2026-11-23', '2026-11-24'],
    [MONDAY, 'last Monday', '2026-11-16', '2026-11-17'],
    [MONDAY, 'over the weekend', '2026-11-21', '2026-11-23'],
    [MONDAY, 'last 24 hours', '2026-11-22T09:30:00.000Z', '2026-11-23T09:30:00.000Z'],
    [FIRST_OF_MONTH, 'this month', '2026-12-01', '2026-12-02'],
    [FIRST_OF_MONTH, 'last month', '2026-11-01', '2026-12-01'],
    [FIRST_OF_MONTH, 'in December', '2026-12-01', '2027-01-01'],
    [FIRST_OF_MONTH, 'last 7 days', '2026-11-24', '2026-12-01'],
    [FIRST_OF_MONTH, 'past 3 months', '2026-09-01', '2026-12-01'],
    [NEW_YEAR, 'today', '2027-01-01', '2027-01-02'],
    [NEW_YEAR, 'yesterday', '2026-12-31', '2027-01-01'],
    [NEW_YEAR, 'this year', '2027-01-01', '2027-01-02'],
    [NEW_YEAR, 'YTD', '2027-01-01', '2027-01-02'],
    [NEW_YEAR, 'last year', '2026-01-01', '2027-01-01'],
    [NEW_YEAR, 'last quarter', '2026-10-01', '2027-01-01'],
    [NEW_YEAR, 'Q1', '2027-01-01', '2027-04-01'],
    [NEW_YEAR, 'Q3', '2026-07-01', '2026-10-01'],
    [NEW_YEAR, 'this week', '2026-12-28', '2027-01-02'],
    [NEW_YEAR, 'last week', '2026-12-21', '2026-12-28'],
    [NEW_YEAR, 'in December', '2026-12-01', '2027-01-01'],
    [SUNDAY, 'this weekend', '2026-11-28', '2026-11-30'],
    [SUNDAY, 'over the weekend', '2026-11-21', '2026-11-23'],
    [MONTH_END, 'past month', '2026-02-28', '2026-03-31'],
    [MONTH_END, 'last month', '2026-02-01', '2026-03-01'],
    [MONTH_END, 'Q4', '2025-10-01', '2026-01-01'],
  ])('now %s: %s → [%s, %s)', (now, text, start, end) => {
    expect(range(text, new Date(now))).toEqual([start, end]);
  });
});

describe('parseTimeRange errors', () => {
  it('throws AmbiguousDateError naming both readings for 03/04', () => {
    let thrown: unknown;
    try {
      parseTimeRange('deposits on 03/04', TUESDAY);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AmbiguousDateError);
    expect(thrown).toBeInstanceOf(InvalidInputError);
    const error = thrown as AmbiguousDateError;
    expect(error.code).toBe('date_ambiguous');
    expect(error.readings).toEqual(['2026-04-03', '2026-03-04']);
    expect(error.message).toBe(
      "The date '03/04' is ambiguous: it could be 3 April 2026 (2026-04-03) or 4 March 2026 (2026-03-04). Please write dates as YYYY-MM-DD.",
    );
  });

  it('throws AmbiguousDateError for 3/4/26 and for ranges made of such dates', () => {
    expect(() => parseTimeRange('volume 3/4/26', TUESDAY)).toThrow(
      "The date '3/4/26' is ambiguous: it could be 3 April 2026 (2026-04-03) or 4 March 2026 (2026-03-04). Please write dates as YYYY-MM-DD.",
    );
    expect(() => parseTimeRange('from 01/02 to 05/02', TUESDAY)).toThrow(AmbiguousDateError);
  });

  it('reads numeric dates whose day cannot be a month, and equal day and month', () => {
    expect(range('since 25/10')).toEqual(['2026-10-25', '2026-11-25']);
    expect(range('on 10/25/2025')).toEqual(['2025-10-25', '2025-10-26']);
    expect(range('on 05/05')).toEqual(['2026-05-05', '2026-05-06']);
  });

  it('throws InvertedRangeError for from Nov 10 to Nov 2', () => {
    let thrown: unknown;
    try {
      parseTimeRange('signups from Nov 10 to Nov 2', TUESDAY);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvertedRangeError);
    expect(thrown).toBeInstanceOf(InvalidInputError);
    const error = thrown as InvertedRangeError;
    expect(error.code).toBe('time_range_inverted');
    expect([error.start, error.end]).toEqual(['2026-11-10', '2026-11-02']);
    expect(error.message).toBe(
      "The time range 'from Nov 10 to Nov 2' ends before it starts: 2026-11-10 is after 2026-11-02. Put the earlier date first.",
    );
  });

  it('InvertedRangeError also serves tool arguments (no phrase)', () => {
    expect(new InvertedRangeError({ start: '2026-11-10', end: '2026-11-02' }).message).toBe(
      'The time range ends before it starts: 2026-11-10 is after 2026-11-02. Put the earlier date first.',
    );
    expect(() => parseTimeRange('between 2026-10-31 and 2026-10-01', TUESDAY)).toThrow(InvertedRangeError);
  });
});

describe('formatRange and defaultTimeRange', () => {
  it('shows the last day inclusive', () => {
    expect(formatRange({ start: '2026-11-17', end: '2026-11-24' })).toBe('2026-11-17 to 2026-11-23');
    expect(formatRange({ start: '2026-11-23', end: '2026-11-24' })).toBe('2026-11-23');
    expect(formatRange({ start: '2026-11-23T12:00:00.000Z', end: '2026-11-24T12:00:00.000Z' })).toBe(
      '2026-11-23 12:00 to 2026-11-24 12:00 UTC',
    );
  });

  it('gives each default kind', () => {
    expect(defaultTimeRange('last_30_days', TUESDAY)).toEqual({ start: '2026-10-25', end: '2026-11-24' });
    expect(defaultTimeRange('today', TUESDAY)).toEqual({ start: '2026-11-24', end: '2026-11-25' });
    expect(defaultTimeRange('month_to_date', TUESDAY)).toEqual({ start: '2026-11-01', end: '2026-11-25' });
  });
});

describe('periods of a named year in words', () => {
  it.each([
    ['Q3 last year', '2025-07-01', '2025-10-01'],
    ['Q1 of this year', '2026-01-01', '2026-04-01'],
    ['October last year', '2025-10-01', '2025-11-01'],
    ['in march of this year', '2026-03-01', '2026-04-01'],
    ['may last year', '2025-05-01', '2025-06-01'],
  ])('%s', (text, start, end) => {
    expect(range(text)).toEqual([start, end]);
  });
});
