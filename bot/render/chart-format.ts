/**
 * Number and date labels for charts, in the style of a dashboard: `$1.2M`, `45K`, `12.5%`, `12,345`,
 * `Nov 24`, `14:00`. Value labels are formatted here; axis ticks by Vega expressions built here, so
 * both print numbers the same way.
 */

/** How values on the value axis are printed. `percent` expects fractions: 0.123 prints as `12.3%`. */
export type ValueFormat = 'usd' | 'percent' | 'count' | 'number';

/** The spacing of time series points; it decides the date labels. Weeks start on Monday (UTC). */
export type TimeGrain = 'hour' | 'day' | 'week' | 'month';

/** A compact unit for an axis: every tick of one axis uses the same one, so `$500K` never sits under `$1M`. */
export type AxisUnit = '' | 'K' | 'M' | 'B' | 'T';

const UNIT_SIZE: Record<AxisUnit, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/** Typographic minus, as dashboards (and d3) print it; it has the width of a digit. */
const MINUS = '\u2212';

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimalFormats = [0, 1, 2, 3].map(
  (digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
);
const fixedTwoFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/**
 * Picks the unit for an axis whose values reach `maxAbsolute`. Thresholds sit a little below the unit
 * so that a 980K maximum, which Vega rounds up to a 1M tick, is labelled in millions.
 */
export function axisUnitFor(maxAbsolute: number, format: ValueFormat): AxisUnit {
  if (format === 'percent' || !Number.isFinite(maxAbsolute)) return '';
  if (maxAbsolute >= 0.95e12) return 'T';
  if (maxAbsolute >= 0.95e9) return 'B';
  if (maxAbsolute >= 0.95e6) return 'M';
  if (maxAbsolute >= 9.5e3) return 'K';
  return '';
}

/**
 * A Vega expression that prints an axis tick (`datum.value`) like `$1.5M`, `250K`, `12.5%`, `8,000`.
 * Vega's built-in `format` (d3-format) does the digits; expressions rather than registered functions,
 * because vega-parser may carry its own copy of the function registry (it does in this install).
 *
 * @example axisLabelExpression('usd', 'M') // "$0" at zero, "$1.5M", "−$500K"… for the ticks
 */
export function axisLabelExpression(format: ValueFormat, unit: AxisUnit): string {
  if (format === 'percent') return "format(datum.value, '.2~%')";
  const prefix = format === 'usd' ? '$' : '';
  const scaled = unit === '' ? 'abs(datum.value)' : `abs(datum.value) / ${UNIT_SIZE[unit]}`;
  // Three decimals at most: enough for ticks 0.005M apart on a narrow axis; `~` drops trailing zeros.
  const digits = `format(${scaled}, ',.3~f')`;
  return (
    `datum.value === 0 ? '${prefix}0' : ` +
    `(datum.value < 0 ? '${MINUS}' : '') + '${prefix}' + ${digits} + '${unit}'`
  );
}

/**
 * A Vega expression that prints a time tick like {@link formatChartTime} does, in UTC.
 */
export function timeLabelExpression(grain: TimeGrain, spansYears: boolean): string {
  if (grain === 'month') return "utcFormat(datum.value, '%b %Y')";
  const dayFormat = spansYears ? '%b %-d, %Y' : '%b %-d';
  if (grain === 'hour') {
    return (
      `utchours(datum.value) === 0 && utcminutes(datum.value) === 0 ` +
      `? utcFormat(datum.value, '${dayFormat}') : utcFormat(datum.value, '%H:%M')`
    );
  }
  return `utcFormat(datum.value, '${dayFormat}')`;
}

/**
 * A value label (bar ends, answers): full figures below a million with thousands separators, three
 * significant digits above (`$1.23M`). With `compact`, every value from a thousand up is abbreviated,
 * so the labels of one chart read alike (`$5M`, `$833K`, `$950`).
 *
 * @example formatChartValue(12_345.6, 'usd') // '$12,346'
 * @example formatChartValue(833_333, 'usd', { compact: true }) // '$833K'
 * @example formatChartValue(0.1234, 'percent') // '12.3%'
 */
export function formatChartValue(
  value: number,
  format: ValueFormat,
  options: { compact?: boolean } = {},
): string {
  if (!Number.isFinite(value)) return '';
  if (format === 'percent') {
    return signed(value, (absolute) => {
      const percent = absolute * 100;
      return `${decimalFormats[percent !== 0 && percent < 0.1 ? 2 : 1]!.format(percent)}%`;
    });
  }
  const prefix = format === 'usd' ? '$' : '';
  const compactFrom = options.compact ? 999.5 : 0.9995e6;
  return signed(value, (absolute) => {
    if (absolute >= compactFrom) return `${prefix}${compact(absolute)}`;
    if (format === 'count') return `${prefix}${integerFormat.format(absolute)}`;
    if (format === 'usd') {
      return `${prefix}${absolute >= 100 ? integerFormat.format(absolute) : fixedTwoFormat.format(absolute)}`;
    }
    return `${prefix}${decimalFormats[absolute >= 100 ? 1 : 2]!.format(absolute)}`;
  });
}

/** Three significant digits with a K/M/B/T suffix: 1.23M, 12.3M, 123M. */
function compact(absolute: number): string {
  const units: AxisUnit[] = ['T', 'B', 'M', 'K'];
  for (const unit of units) {
    const size = UNIT_SIZE[unit];
    if (absolute >= size * 0.9995) {
      const scaled = absolute / size;
      const digits = scaled >= 99.95 ? 0 : scaled >= 9.995 ? 1 : 2;
      return `${decimalFormats[digits]!.format(scaled)}${unit}`;
    }
  }
  return decimalFormats[2]!.format(absolute);
}

function signed(value: number, formatAbsolute: (absolute: number) => string): string {
  const text = formatAbsolute(Math.abs(value));
  // A value that rounds to zero prints without a sign ("$0", not "−$0").
  return value < 0 && /[1-9]/.test(text) ? `${MINUS}${text}` : text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A date label for a time axis, in UTC. Hours print as `14:00` and midnight as the date, so a
 * 48-hour chart reads `Nov 23 … 12:00 … Nov 24`. Days and weeks print `Nov 24` (with the year when
 * the chart spans years); months print `Nov 2026`.
 */
export function formatChartTime(epochMs: number, grain: TimeGrain, spansYears = false): string {
  if (!Number.isFinite(epochMs)) return '';
  const date = new Date(epochMs);
  const month = MONTHS[date.getUTCMonth()] ?? '';
  const day = date.getUTCDate();
  const year = date.getUTCFullYear();
  if (grain === 'month') return `${month} ${year}`;
  const dayLabel = spansYears ? `${month} ${day}, ${year}` : `${month} ${day}`;
  if (grain === 'hour') {
    const hours = date.getUTCHours();
    const minutes = date.getUTCMinutes();
    if (hours === 0 && minutes === 0) return dayLabel;
    return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  }
  return dayLabel;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Guesses the grain from the smallest gap between distinct time points. */
export function inferTimeGrain(sortedEpochMs: readonly number[]): TimeGrain {
  let smallest = Number.POSITIVE_INFINITY;
  for (let index = 1; index < sortedEpochMs.length; index += 1) {
    const gap = (sortedEpochMs[index] ?? 0) - (sortedEpochMs[index - 1] ?? 0);
    if (gap > 0 && gap < smallest) smallest = gap;
  }
  if (!Number.isFinite(smallest)) {
    // One point: midnight suggests a day, anything else an hour.
    const only = sortedEpochMs[0] ?? 0;
    return only % DAY_MS === 0 ? 'day' : 'hour';
  }
  if (smallest < 20 * HOUR_MS) return 'hour';
  if (smallest < 5 * DAY_MS) return 'day';
  if (smallest < 26 * DAY_MS) return 'week';
  return 'month';
}

/** Milliseconds in one step of a grain (months approximated as 30 days, for padding only). */
export function grainMs(grain: TimeGrain): number {
  return grain === 'hour' ? HOUR_MS : grain === 'day' ? DAY_MS : grain === 'week' ? 7 * DAY_MS : 30 * DAY_MS;
}

/**
 * Tick positions for a time axis: at most `maxTicks`, on round boundaries of the grain (every 6 hours,
 * Mondays, quarter starts…) so labels land where a reader expects them.
 */
export function timeTicks(minMs: number, maxMs: number, grain: TimeGrain, maxTicks: number): number[] {
  if (!(maxMs > minMs)) return [minMs];
  const limit = Math.max(2, maxTicks);
  const candidates: Array<() => number[]> = [];
  if (grain === 'hour') {
    for (const step of [1, 2, 3, 6, 12]) candidates.push(() => hourTicks(minMs, maxMs, step));
  }
  if (grain === 'hour' || grain === 'day') {
    for (const step of [1, 2]) candidates.push(() => dayTicks(minMs, maxMs, step));
  }
  if (grain !== 'month') {
    for (const step of [1, 2, 4]) candidates.push(() => mondayTicks(minMs, maxMs, step));
  }
  for (const step of [1, 2, 3, 6, 12]) candidates.push(() => monthTicks(minMs, maxMs, step));
  for (const step of [2, 5, 10, 20, 50]) candidates.push(() => monthTicks(minMs, maxMs, step * 12));
  let finer: number[] = [minMs, maxMs];
  for (const candidate of candidates) {
    const ticks = candidate();
    if (ticks.length <= limit) {
      // Jumping from too many ticks to fewer than two: thin the finer set instead of losing the axis.
      return ticks.length >= 2 || finer.length <= 2 ? ticks : thin(finer, limit);
    }
    finer = ticks;
  }
  return thin(finer, limit);
}

function thin(ticks: readonly number[], limit: number): number[] {
  const step = Math.ceil(ticks.length / limit);
  return ticks.filter((_, index) => index % step === 0);
}

function hourTicks(minMs: number, maxMs: number, step: number): number[] {
  const ticks: number[] = [];
  for (let tick = Math.ceil(minMs / HOUR_MS) * HOUR_MS; tick <= maxMs; tick += HOUR_MS) {
    if (new Date(tick).getUTCHours() % step === 0) ticks.push(tick);
  }
  return ticks;
}

function dayTicks(minMs: number, maxMs: number, step: number): number[] {
  const ticks: number[] = [];
  for (let tick = Math.ceil(minMs / DAY_MS) * DAY_MS; tick <= maxMs; tick += DAY_MS) {
    if (Math.round(tick / DAY_MS) % step === 0) ticks.push(tick);
  }
  return ticks;
}

function mondayTicks(minMs: number, maxMs: number, step: number): number[] {
  const ticks: number[] = [];
  let tick = Math.ceil(minMs / DAY_MS) * DAY_MS;
  while (new Date(tick).getUTCDay() !== 1) tick += DAY_MS;
  // Count weeks from a fixed Monday so the chosen weeks do not shift as the range moves.
  const epochMonday = Date.UTC(1970, 0, 5);
  for (; tick <= maxMs; tick += 7 * DAY_MS) {
    if (Math.round((tick - epochMonday) / (7 * DAY_MS)) % step === 0) ticks.push(tick);
  }
  return ticks;
}

function monthTicks(minMs: number, maxMs: number, step: number): number[] {
  const ticks: number[] = [];
  const start = new Date(minMs);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  if (Date.UTC(year, month, 1) < minMs) month += 1;
  for (let tick = Date.UTC(year, month, 1); tick <= maxMs; tick = Date.UTC(year, month, 1)) {
    const monthIndex = new Date(tick).getUTCFullYear() * 12 + new Date(tick).getUTCMonth();
    if (monthIndex % step === 0) ticks.push(tick);
    month += 1;
    if (month > 11) {
      month = 0;
      year += 1;
    }
  }
  return ticks;
}
