import * as vega from 'vega';
import { describe, expect, it } from 'vitest';
import { loadChartFonts, parseTrueTypeFont } from '../../../bot/render/chart-font.js';
import {
  axisLabelExpression,
  axisUnitFor,
  formatChartTime,
  formatChartValue,
  inferTimeGrain,
  timeLabelExpression,
  timeTicks,
} from '../../../bot/render/chart-format.js';

/** Evaluates a label expression the way a Vega axis does, by drawing an axis with one tick. */
async function evaluateLabel(
  expression: string,
  value: number,
  type: 'linear' | 'utc' = 'linear',
): Promise<string> {
  const view = new vega.View(
    vega.parse({
      width: 200,
      height: 20,
      scales: [{ name: 's', type, domain: [value - 1, value + 1], range: 'width' }],
      axes: [
        {
          scale: 's',
          orient: 'bottom',
          values: [value],
          encode: { labels: { update: { text: { signal: expression } } } },
        },
      ],
    }),
    { renderer: 'none' },
  );
  const svg = await view.toSVG();
  view.finalize();
  return /<text[^>]*>([^<]*)<\/text>/.exec(svg)?.[1] ?? '';
}

describe('formatChartValue', () => {
  it.each([
    [12_345.6, 'usd', '$12,346'],
    [12.345, 'usd', '$12.35'],
    [1_234_567, 'usd', '$1.23M'],
    [-2_500_000, 'usd', '−$2.5M'],
    [999_999_999, 'usd', '$1B'],
    [0.1234, 'percent', '12.3%'],
    [0.0004, 'percent', '0.04%'],
    [-0.05, 'percent', '−5%'],
    [12_345, 'count', '12,345'],
    [4.256, 'number', '4.26'],
    [1234.56, 'number', '1,234.6'],
    [-0.001, 'usd', '$0.00'],
  ] as const)('%d as %s is %s', (value, format, expected) => {
    expect(formatChartValue(value, format)).toBe(expected);
  });

  it('abbreviates from a thousand up when compact', () => {
    expect(formatChartValue(833_333, 'usd', { compact: true })).toBe('$833K');
    expect(formatChartValue(45_600, 'count', { compact: true })).toBe('45.6K');
    expect(formatChartValue(950, 'usd', { compact: true })).toBe('$950');
  });
});

describe('axis labels', () => {
  it('picks one unit per axis from its largest value', () => {
    expect(axisUnitFor(980_000, 'usd')).toBe('M');
    expect(axisUnitFor(9_000, 'count')).toBe('');
    expect(axisUnitFor(12_000, 'count')).toBe('K');
    expect(axisUnitFor(3e9, 'number')).toBe('B');
    expect(axisUnitFor(5, 'percent')).toBe('');
  });

  it.each([
    ['usd', 'M', 1_500_000, '$1.5M'],
    ['usd', 'M', 0, '$0'],
    ['usd', 'K', -500_000, '−$500K'],
    ['count', '', 8000, '8,000'],
    ['number', 'M', 1_205_000, '1.205M'],
    ['percent', '', 0.125, '12.5%'],
  ] as const)('%s ticks in %s: %d prints %s', async (format, unit, value, expected) => {
    expect(await evaluateLabel(axisLabelExpression(format, unit), value)).toBe(expected);
  });

  it('prints times by grain, in UTC', async () => {
    const midnight = Date.UTC(2026, 10, 24);
    expect(await evaluateLabel(timeLabelExpression('day', false), midnight, 'utc')).toBe('Nov 24');
    expect(await evaluateLabel(timeLabelExpression('hour', false), midnight, 'utc')).toBe('Nov 24');
    expect(await evaluateLabel(timeLabelExpression('hour', false), midnight + 14 * 3_600_000, 'utc')).toBe(
      '14:00',
    );
    expect(await evaluateLabel(timeLabelExpression('month', false), midnight, 'utc')).toBe('Nov 2026');
    expect(await evaluateLabel(timeLabelExpression('week', true), midnight, 'utc')).toBe('Nov 24, 2026');
    expect(formatChartTime(midnight + 14 * 3_600_000, 'hour')).toBe('14:00');
    expect(formatChartTime(midnight, 'day', true)).toBe('Nov 24, 2026');
  });
});

describe('time axes', () => {
  const day = (date: number): number => Date.UTC(2026, 10, date);

  it('infers the grain from the spacing of the points', () => {
    expect(inferTimeGrain([day(1), day(1) + 3_600_000])).toBe('hour');
    expect(inferTimeGrain([day(1), day(2), day(3)])).toBe('day');
    expect(inferTimeGrain([day(2), day(9)])).toBe('week');
    expect(inferTimeGrain([Date.UTC(2026, 9, 1), Date.UTC(2026, 10, 1)])).toBe('month');
    expect(inferTimeGrain([day(24)])).toBe('day');
  });

  it('puts ticks on Mondays for a month of days', () => {
    const ticks = timeTicks(day(1), day(30), 'day', 6);
    expect(ticks.map((tick) => new Date(tick).toISOString().slice(0, 10))).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
  });

  it('puts ticks every 6 hours for two days of hours', () => {
    const ticks = timeTicks(day(23), day(25) - 3_600_000, 'hour', 10);
    expect(ticks.map((tick) => new Date(tick).getUTCHours())).toEqual([0, 6, 12, 18, 0, 6, 12, 18]);
  });

  it('puts ticks on quarter starts for two years of months', () => {
    const ticks = timeTicks(Date.UTC(2025, 0, 1), Date.UTC(2026, 11, 1), 'month', 8);
    expect(ticks.map((tick) => new Date(tick).toISOString().slice(0, 7))).toEqual([
      '2025-01',
      '2025-04',
      '2025-07',
      '2025-10',
      '2026-01',
      '2026-04',
      '2026-07',
      '2026-10',
    ]);
  });
});

describe('chart fonts', () => {
  const fonts = loadChartFonts();

  it.skipIf(!fonts)('measures and outlines text from the TrueType tables', () => {
    const regular = fonts!.regular;
    const wide = regular.measure('MMMM', 20);
    const narrow = regular.measure('iiii', 20);
    expect(wide).toBeGreaterThan(narrow * 2);
    expect(regular.measure('', 20)).toBe(0);
    // Width scales linearly with the size.
    expect(regular.measure('Trading volume', 22)).toBeCloseTo(
      (regular.measure('Trading volume', 11) * 22) / 11,
      9,
    );
    // A composite glyph (é = e + accent) has outlines; a space has none.
    expect(regular.outline('é', 11, 0)).toMatch(/^M[\d.\- ]+[LQ]/);
    expect(regular.outline(' ', 11, 0)).toBe('');
    expect(fonts!.bold.measure('Trading', 16)).toBeGreaterThan(regular.measure('Trading', 16));
  });

  it('names the fix when an explicit font file is unusable', () => {
    expect(() => loadChartFonts(['/nonexistent/font.ttf'])).toThrow(
      "fontFiles: cannot use '/nonexistent/font.ttf' (ENOENT: no such file or directory, open '/nonexistent/font.ttf'); give TrueType .ttf files such as /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    );
    expect(loadChartFonts([])).toBeNull();
  });

  it('rejects a file that is not a TrueType font', () => {
    const notAFont = Buffer.alloc(64);
    expect(() => parseTrueTypeFont('empty.ttf', notAFont)).toThrow("empty.ttf: no 'head' table");
  });
});
