/**
 * Number and date formatting for answers. Summaries only print numbers through these functions, so the
 * grounding check can recognise every printed figure as a rounding of a value in the tool result.
 */

/** Units a value can carry. */
export type ValueUnit = 'usd' | 'count' | 'ratio' | 'rating' | 'number';

/** '$18.2M', '$950.3K', '$412.50'. */
export function formatUsd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const absolute = Math.abs(value);
  if (absolute >= 1e9) return `${sign}$${(absolute / 1e9).toFixed(2)}B`;
  if (absolute >= 1e6) return `${sign}$${(absolute / 1e6).toFixed(2)}M`;
  if (absolute >= 1e4) return `${sign}$${(absolute / 1e3).toFixed(1)}K`;
  return `${sign}$${absolute.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** '12,345'. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 0.8123 → '81.2%'. */
export function formatPercent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** A value in its unit. */
export function formatValue(value: number | null | undefined, unit: ValueUnit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  switch (unit) {
    case 'usd':
      return formatUsd(value);
    case 'count':
      return formatCount(value);
    case 'ratio':
      return formatPercent(value);
    case 'rating':
      return value.toFixed(2);
    default:
      return Number.isInteger(value)
        ? formatCount(value)
        : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
}

/** A signed change: '+$1.20M', '-3.4 pp' for ratios, '+12'. */
export function formatChange(change: number, unit: ValueUnit): string {
  const sign = change > 0 ? '+' : change < 0 ? '-' : '±';
  if (unit === 'ratio') return `${sign}${Math.abs(change * 100).toFixed(1)} pp`;
  return `${sign}${formatValue(Math.abs(change), unit)}`;
}

/** '2026-11-17 to 2026-11-23' for a half-open date range; hour ranges keep their times. */
export function formatRange(range: { start: string; end: string }): string {
  if (range.start.length === 10 && range.end.length === 10) {
    const lastDay = new Date(Date.parse(`${range.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    return lastDay === range.start ? range.start : `${range.start} to ${lastDay}`;
  }
  const short = (text: string): string =>
    text
      .replace('T', ' ')
      .replace(/:00(\.000)?Z$/, ' UTC')
      .replace(/\.000Z$/, ' UTC');
  return `${short(range.start)} to ${short(range.end)}`;
}
