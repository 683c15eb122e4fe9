/**
 * Charts for answers: a small, typed {@link ChartSpec} (written by our code, never by a model) becomes a
 * Vega-Lite spec, an SVG (Vega, headless) and a PNG (resvg) at 2× for Slack and Discord.
 *
 * The look follows dashboards such as Grafana and Looker: left-aligned title and subtitle, light grid,
 * compact `$1.2M` / `45K` / `12.5%` ticks, dates by grain, breakdowns as horizontal bars sorted by value
 * with value labels, at most 12 bars and 8 series (what is left out is said in the subtitle and in
 * {@link RenderedChart.notes}).
 *
 * @example
 * const chart = await renderChartPng({
 *   kind: 'line',
 *   title: 'Trading volume',
 *   subtitle: 'Daily, last 30 days (UTC)',
 *   x: { field: 'day', title: '', type: 'temporal' },
 *   y: { field: 'volume_usd', title: 'Volume (USD)', format: 'usd' },
 *   data: rows,
 * });
 * // chart.png: 1600×800 PNG; chart.svg: the same chart as SVG (with real text)
 */
import type { TopLevelSpec } from 'vega-lite';
import { type ChartFonts, loadChartFonts } from './chart-font.js';
import {
  type AxisUnit,
  axisLabelExpression,
  axisUnitFor,
  formatChartTime,
  formatChartValue,
  grainMs,
  inferTimeGrain,
  type TimeGrain,
  timeLabelExpression,
  timeTicks,
  type ValueFormat,
} from './chart-format.js';
import { rasterizeSvg } from './chart-raster.js';
import { ChartSpecError, renderVegaLiteSvg, useChartFonts } from './chart-vega.js';

export type { TimeGrain, ValueFormat } from './chart-format.js';
export { ChartSpecError } from './chart-vega.js';

/** The chart kinds we draw. `bar` with a nominal x is a horizontal breakdown sorted by value. */
export type ChartKind = 'line' | 'bar' | 'stacked_bar' | 'grouped_bar';

/** How the x field is read: times (UTC), ordered categories, unordered categories, or numbers. */
export type ChartAxisType = 'temporal' | 'ordinal' | 'nominal' | 'quantitative';

/**
 * What to draw. Field names refer to keys of the `data` rows; values may be numbers, numeric strings
 * (PostgreSQL `numeric` and `bigint` arrive as strings), bigints, `Date`s or ISO dates. Rows with no
 * usable x are skipped; a null y is a gap in a line and no bar.
 */
export interface ChartSpec {
  readonly kind: ChartKind;
  /** Shown top left in bold, e.g. `Trading volume by asset`. */
  readonly title: string;
  /** Shown under the title, e.g. `Last 7 days (UTC) · vs previous period`. */
  readonly subtitle?: string;
  readonly x: {
    readonly field: string;
    /** Axis title; an empty string hides it (dates rarely need one). */
    readonly title: string;
    readonly type: ChartAxisType;
    /** For temporal x: the grain of the series; inferred from the spacing of the points when absent. */
    readonly grain?: TimeGrain;
  };
  readonly y: {
    readonly field: string;
    /** Value axis title, e.g. `Volume (USD)`; an empty string hides it. */
    readonly title: string;
    /** `percent` expects fractions (0.123 → 12.3%). Default `number`. */
    readonly format?: ValueFormat;
  };
  /** Splits the data into coloured series (lines, stacks or groups). */
  readonly series?: { readonly field: string; readonly title: string };
  /** Line charts only: a shaded band between two fields, e.g. a forecast's prediction interval. */
  readonly band?: { readonly lower: string; readonly upper: string };
  /**
   * A previous period to compare with: a dashed grey line on line charts, grey bars beside the
   * current ones on `bar` charts. `title` is its legend entry, e.g. `Previous 7 days`, and
   * `currentTitle` that of the y values (default `Current period`), e.g. `Last 7 days`.
   */
  readonly compare?: { readonly field: string; readonly title: string; readonly currentTitle?: string };
  readonly data: readonly Readonly<Record<string, unknown>>[];
  /** Logical size in CSS pixels, default 800 × 400; the PNG has `pixelRatio` times as many pixels. */
  readonly width?: number;
  readonly height?: number;
}

/** Options of {@link renderChartPng}. */
export interface RenderChartOptions {
  /** Device pixel ratio of the PNG, 1–4; default 2 (sharp on Slack's and Discord's retina clients). */
  readonly pixelRatio?: number;
  /** `[regular, bold?]` TrueType files to use instead of the installed DejaVu Sans. */
  readonly fontFiles?: readonly string[];
}

/** A rendered chart. */
export interface RenderedChart {
  /** The PNG file contents. */
  readonly png: Buffer;
  /** PNG size in pixels: logical size × pixel ratio (1600 × 800 by default). */
  readonly width: number;
  readonly height: number;
  readonly pixelRatio: number;
  /** The chart as SVG at logical size, with real `<text>` (searchable, usable on the web). */
  readonly svg: string;
  /**
   * What the chart leaves out or could not show, in plain words, e.g. `Showing the top 12 of 40
   * categories by value.` The same text is in the subtitle; answers should repeat it.
   */
  readonly notes: readonly string[];
}

/** Default logical size: a wide dashboard panel that Slack shows without cropping. */
export const DEFAULT_CHART_WIDTH = 800;
export const DEFAULT_CHART_HEIGHT = 400;
/** At most this many bars (categories) are drawn; the rest are named in the notes. */
export const MAX_CHART_CATEGORIES = 12;
/** At most this many series; stacked bars fold the rest into `Other`. */
export const MAX_CHART_SERIES = 8;
/** More rows than this is a caller bug (a chart cannot show them), not something to draw slowly. */
export const MAX_CHART_ROWS = 10_000;

/** The placeholder text of a chart without data. */
export const NO_DATA_TEXT = 'No data for this period';

/**
 * Renders a chart to PNG (and SVG). Never touches the network; needs a TrueType font for text
 * (DejaVu Sans, Debian package `fonts-dejavu-core`), and still renders, via system fonts or without
 * text, when there is none.
 *
 * @throws ChartSpecError when the spec is inconsistent (unknown kind, a field missing from every row,
 * a band on a bar chart, more than {@link MAX_CHART_ROWS} rows).
 */
export async function renderChartPng(
  spec: ChartSpec,
  options: RenderChartOptions = {},
): Promise<RenderedChart> {
  const pixelRatio = options.pixelRatio ?? 2;
  if (!(pixelRatio >= 1 && pixelRatio <= 4)) {
    throw new ChartSpecError(`pixelRatio must be between 1 and 4, got ${pixelRatio}`);
  }
  const fonts = options.fontFiles ? loadChartFonts(options.fontFiles) : loadChartFonts();
  useChartFonts(fonts);
  const { vegaLite, notes } = buildVegaLiteSpec(spec, fonts);
  const svg = await renderVegaLiteSvg(vegaLite);
  const raster = await rasterizeSvg(svg, { pixelRatio, fonts });
  return { png: raster.png, width: raster.width, height: raster.height, pixelRatio, svg, notes };
}

/**
 * Loads the fonts and Vega's modules and draws one small chart, so that the first answer of a bot
 * process does not pay the cold start (about 150 ms on top of a warm render). Call it at start-up.
 */
export async function warmUpChartRenderer(): Promise<void> {
  await renderChartPng(
    {
      kind: 'line',
      title: 'Warm-up',
      x: { field: 'day', title: '', type: 'temporal' },
      y: { field: 'value', title: '', format: 'usd' },
      data: [
        { day: '2026-01-01', value: 1 },
        { day: '2026-01-02', value: 2 },
      ],
    },
    { pixelRatio: 1 },
  );
}

/** A spec ready for Vega-Lite, and what was left out. */
export interface BuiltChart {
  readonly vegaLite: TopLevelSpec;
  readonly notes: readonly string[];
}

const PALETTE = [
  '#4E79A7',
  '#F28E2B',
  '#59A14F',
  '#E15759',
  '#76B7B2',
  '#EDC948',
  '#B07AA1',
  '#FF9DA7',
  '#9C755F',
  '#BAB0AC',
];
const PRIMARY = '#4E79A7';
const NEGATIVE = '#E15759';
const OTHER = '#BAB0AC';
const COMPARE = '#A0A7B4';
const TEXT = '#1F2328';
const MUTED = '#6B7280';
const LABEL = '#4B5563';
const GRID = '#E5E7EB';
const AXIS_LINE = '#9CA3AF';
const FONT_FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif';
const LABEL_FONT_SIZE = 11;
/** Category labels longer than this (in pixels at 11 px) are cut with an ellipsis. */
const MAX_CATEGORY_LABEL_WIDTH = 180;
const MAX_LEGEND_LABEL_WIDTH = 150;
/** Lines with up to this many points per series get dots on the points. */
const MAX_POINTS_WITH_DOTS = 40;

/** One row after parsing: x is epoch ms (temporal), a label (categories) or a number. */
interface Row {
  x: number | string;
  y: number | null;
  series: string;
  lower: number | null;
  upper: number | null;
  compare: number | null;
}

/** Measures text as Vega will draw it. */
type Measure = (text: string, fontSize: number, bold?: boolean) => number;

/**
 * Turns a {@link ChartSpec} into a Vega-Lite spec with our theme. Exported for tests and for callers
 * that want the SVG only; {@link renderChartPng} is the usual entry point.
 *
 * @throws ChartSpecError when the spec is inconsistent.
 */
export function buildVegaLiteSpec(spec: ChartSpec, fonts: ChartFonts | null = loadChartFonts()): BuiltChart {
  validate(spec);
  const measure: Measure = (text, fontSize, bold = false) =>
    fonts ? (bold ? fonts.bold : fonts.regular).measure(text, fontSize) : 0.6 * fontSize * text.length;
  const width = spec.width ?? DEFAULT_CHART_WIDTH;
  const height = spec.height ?? DEFAULT_CHART_HEIGHT;
  const notes: string[] = [];
  const rows = parseRows(spec, notes);
  const hasValues = rows.some((row) => row.y !== null || row.compare !== null);
  const context: BuildContext = { spec, rows, notes, measure, width, height };
  const body = hasValues ? buildBody(context) : noDataBody(context);
  const subtitleLines = [spec.subtitle, ...notes].filter(
    (line): line is string => line !== undefined && line !== '',
  );
  const vegaLite = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: { left: 16, right: 20, top: 14, bottom: 10 },
    background: '#ffffff',
    title: {
      text: truncateText(spec.title, width - 40, 16, measure, true),
      ...(subtitleLines.length > 0
        ? { subtitle: subtitleLines.map((line) => truncateText(line, width - 40, 12, measure)) }
        : {}),
    },
    config: themeConfig(),
    ...body,
  };
  // $schema is only a label for humans; the URL check in chart-vega.ts looks at `url` keys.
  return { vegaLite: vegaLite as unknown as TopLevelSpec, notes };
}

interface BuildContext {
  readonly spec: ChartSpec;
  rows: Row[];
  readonly notes: string[];
  readonly measure: Measure;
  readonly width: number;
  readonly height: number;
}

function themeConfig(): Record<string, unknown> {
  return {
    font: FONT_FAMILY,
    view: { stroke: null },
    title: {
      anchor: 'start',
      fontSize: 16,
      fontWeight: 'bold',
      color: TEXT,
      subtitleFontSize: 12,
      subtitleColor: MUTED,
      subtitlePadding: 4,
      offset: 14,
    },
    axis: {
      labelFontSize: LABEL_FONT_SIZE,
      labelColor: LABEL,
      titleFontSize: 11,
      titleFontWeight: 'normal',
      titleColor: MUTED,
      titlePadding: 10,
      gridColor: GRID,
      domainColor: AXIS_LINE,
      tickColor: AXIS_LINE,
      tickSize: 4,
      labelPadding: 4,
      labelLimit: MAX_CATEGORY_LABEL_WIDTH + 20,
    },
    legend: {
      orient: 'top',
      direction: 'horizontal',
      title: null,
      labelFontSize: 11,
      labelColor: LABEL,
      labelLimit: MAX_LEGEND_LABEL_WIDTH + 20,
      symbolSize: 90,
      symbolStrokeWidth: 2.5,
      columnPadding: 14,
      offset: 10,
      padding: 0,
    },
    range: { category: PALETTE },
    bar: { cornerRadiusEnd: 2 },
    line: { strokeWidth: 2, strokeCap: 'round', strokeJoin: 'round' },
    text: { font: FONT_FAMILY },
  };
}

// ---------------------------------------------------------------------------------------------------
// Validation and parsing

const KINDS: readonly ChartKind[] = ['line', 'bar', 'stacked_bar', 'grouped_bar'];
const AXIS_TYPES: readonly ChartAxisType[] = ['temporal', 'ordinal', 'nominal', 'quantitative'];
const FORMATS: readonly ValueFormat[] = ['usd', 'percent', 'count', 'number'];
const GRAINS: readonly TimeGrain[] = ['hour', 'day', 'week', 'month'];

function validate(spec: ChartSpec): void {
  if (!KINDS.includes(spec.kind)) {
    throw new ChartSpecError(`unknown kind '${String(spec.kind)}' (expected ${KINDS.join(', ')})`);
  }
  if (typeof spec.title !== 'string') throw new ChartSpecError('title must be a string');
  if (!AXIS_TYPES.includes(spec.x?.type)) {
    throw new ChartSpecError(`unknown x type '${String(spec.x?.type)}' (expected ${AXIS_TYPES.join(', ')})`);
  }
  if (spec.x.grain !== undefined && !GRAINS.includes(spec.x.grain)) {
    throw new ChartSpecError(`unknown grain '${String(spec.x.grain)}' (expected ${GRAINS.join(', ')})`);
  }
  if (spec.y?.format !== undefined && !FORMATS.includes(spec.y.format)) {
    throw new ChartSpecError(`unknown format '${String(spec.y.format)}' (expected ${FORMATS.join(', ')})`);
  }
  if (!Array.isArray(spec.data)) throw new ChartSpecError('data must be an array of rows');
  if (spec.data.length > MAX_CHART_ROWS) {
    throw new ChartSpecError(
      `${spec.data.length} rows is more than a chart can show (at most ${MAX_CHART_ROWS})`,
    );
  }
  for (const [name, value] of [
    ['width', spec.width],
    ['height', spec.height],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 200 && value <= 4000)) {
      throw new ChartSpecError(`${name} must be between 200 and 4000 pixels, got ${value}`);
    }
  }
  if (spec.band && spec.kind !== 'line') throw new ChartSpecError('a band can only be drawn on a line chart');
  if (spec.compare && spec.series && spec.kind !== 'line') {
    throw new ChartSpecError('compare with series is only supported on line charts');
  }
  if (spec.compare && (spec.kind === 'stacked_bar' || spec.kind === 'grouped_bar')) {
    throw new ChartSpecError(`compare is not supported on ${spec.kind} charts (use kind 'bar')`);
  }
  if (spec.data.length === 0) return;
  const fields: Array<[role: string, field: string | undefined]> = [
    ['x', spec.x.field],
    ['y', spec.y.field],
    ['series', spec.series?.field],
    ['band.lower', spec.band?.lower],
    ['band.upper', spec.band?.upper],
    ['compare', spec.compare?.field],
  ];
  for (const [role, field] of fields) {
    if (field === undefined) continue;
    if (!spec.data.some((row) => row !== null && typeof row === 'object' && field in row)) {
      const columns = Object.keys(spec.data[0] ?? {}).join(', ');
      throw new ChartSpecError(`${role} field '${field}' is not in the data (columns: ${columns})`);
    }
  }
}

function parseRows(spec: ChartSpec, notes: string[]): Row[] {
  const rows: Row[] = [];
  let skipped = 0;
  for (const record of spec.data) {
    const rawX = record[spec.x.field];
    const x =
      spec.x.type === 'temporal'
        ? parseTime(rawX)
        : spec.x.type === 'quantitative'
          ? toNumber(rawX)
          : rawX === null || rawX === undefined
            ? null
            : String(rawX);
    if (x === null) {
      skipped += 1;
      continue;
    }
    rows.push({
      x,
      y: toNumber(record[spec.y.field]),
      series: spec.series ? labelOf(record[spec.series.field]) : '',
      lower: spec.band ? toNumber(record[spec.band.lower]) : null,
      upper: spec.band ? toNumber(record[spec.band.upper]) : null,
      compare: spec.compare ? toNumber(record[spec.compare.field]) : null,
    });
  }
  if (skipped > 0) {
    notes.push(
      `${skipped} ${skipped === 1 ? 'row' : 'rows'} without a valid ${spec.x.title || spec.x.field} not shown.`,
    );
  }
  return rows;
}

/** Numbers, numeric strings and bigints become numbers; anything else (null, '', 'n/a') is null. */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** Dates, epoch milliseconds and ISO strings; a date or timestamp without a zone is read as UTC. */
function parseTime(value: unknown): number | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  let iso = text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) iso = `${text}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text))
    iso = `${text.replace(' ', 'T')}Z`;
  const parsed = Date.parse(iso);
  return Number.isFinite(parsed) ? parsed : null;
}

function labelOf(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(none)';
  return value instanceof Date ? value.toISOString() : String(value);
}

// ---------------------------------------------------------------------------------------------------
// Chart bodies

function noDataBody(context: BuildContext): Record<string, unknown> {
  return {
    data: { values: [{ message: NO_DATA_TEXT }] },
    mark: { type: 'text', fontSize: 15, color: MUTED, align: 'center', baseline: 'middle' },
    encoding: {
      text: { field: 'message', type: 'nominal' },
      // Plot coordinates start after the padding and below the title: these offsets centre the
      // message on the whole image rather than on the plot area.
      x: { value: context.width / 2 - 36 },
      y: { value: context.height / 2 - 50 },
    },
  };
}

function buildBody(context: BuildContext): Record<string, unknown> {
  const { spec } = context;
  if (spec.kind === 'line') return lineBody(context);
  // Bars along a time axis keep time order; categories with no order become a sorted breakdown.
  const horizontal = spec.x.type === 'nominal';
  if (spec.kind === 'bar' && spec.compare) return groupedBody(context, horizontal, true);
  if (spec.kind === 'bar') return barBody(context, horizontal);
  if (spec.kind === 'stacked_bar') return stackedBody(context, horizontal);
  return groupedBody(context, horizontal, false);
}

/** The y axis (or x, for horizontal bars) of values: compact ticks with one unit for the axis. */
function valueAxis(context: BuildContext, maxAbsolute: number): Record<string, unknown> {
  const format = context.spec.y.format ?? 'number';
  const unit: AxisUnit = axisUnitFor(maxAbsolute, format);
  return {
    title: context.spec.y.title || null,
    labelExpr: axisLabelExpression(format, unit),
    grid: true,
    domain: false,
    ticks: false,
    labelPadding: 6,
    tickCount: 5,
  };
}

/**
 * Keeps the largest series (by total absolute value); the rest are dropped or, with `fold`, summed
 * into `Other`. Returns the series in legend order: largest first, or first appearance for `data`.
 */
function limitSeries(
  context: BuildContext,
  fold: boolean,
  limit: number,
  order: 'total' | 'data' = 'total',
): string[] {
  const totals = new Map<string, number>();
  for (const row of context.rows) {
    totals.set(row.series, (totals.get(row.series) ?? 0) + Math.abs(row.y ?? 0));
  }
  const byTotal = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
  const inOrder = (kept: Set<string>): string[] =>
    order === 'total'
      ? byTotal.filter((name) => kept.has(name))
      : [...totals.keys()].filter((name) => kept.has(name));
  if (byTotal.length <= limit) return inOrder(new Set(byTotal));
  const title = lower(context.spec.series?.title || context.spec.series?.field || 'series');
  if (fold) {
    const kept = new Set(byTotal.slice(0, limit - 1));
    const otherName = kept.has('Other') ? 'Other (rest)' : 'Other';
    for (const row of context.rows) if (!kept.has(row.series)) row.series = otherName;
    context.notes.push(
      `The ${byTotal.length - kept.size} smallest of ${byTotal.length} ${title} values are grouped as ${otherName}.`,
    );
    return [...inOrder(kept), otherName];
  }
  const kept = new Set(byTotal.slice(0, limit));
  context.rows = context.rows.filter((row) => kept.has(row.series));
  context.notes.push(`Showing the ${limit} largest of ${byTotal.length} ${title} values.`);
  return inOrder(kept);
}

/** Lower-cases a title's first letter for use mid-sentence, unless it starts an acronym (`KYC level`). */
function lower(text: string): string {
  return text.length > 1 && text[1] === text[1]?.toLowerCase()
    ? text[0]!.toLowerCase() + text.slice(1)
    : text;
}

/** Series names cut to fit a legend, unique. */
function seriesLabels(context: BuildContext, series: readonly string[]): Map<string, string> {
  const labels = uniqueTruncated(series, MAX_LEGEND_LABEL_WIDTH, context.measure);
  for (const row of context.rows) row.series = labels.get(row.series) ?? row.series;
  return labels;
}

/**
 * Legend entries as lines (line charts) or squares (bars), in as many columns as fit the width, so a
 * long legend wraps onto a second row instead of running off the chart.
 */
function legendLayout(
  context: BuildContext,
  labels: readonly string[],
  symbol: 'stroke' | 'square',
): Record<string, unknown> {
  const widest = Math.max(0, ...labels.map((label) => context.measure(label, LABEL_FONT_SIZE)));
  // Symbol (16 px), its gap (5 px) and the column padding (14 px) around each label.
  const columns = Math.max(1, Math.floor((context.width - 80) / (widest + 35)));
  return { symbolType: symbol, columns: Math.min(columns, labels.length) };
}

function colorRange(names: readonly string[]): string[] {
  return names.map((name, index) =>
    name.startsWith('Other') && index === names.length - 1
      ? OTHER
      : (PALETTE[index % PALETTE.length] ?? PRIMARY),
  );
}

function lineBody(context: BuildContext): Record<string, unknown> {
  const { spec } = context;
  // Numbers and times stay numbers on a continuous axis; only category names are cut to fit.
  if (spec.x.type === 'ordinal' || spec.x.type === 'nominal') categoryLabels(context);
  const series = spec.series
    ? [...seriesLabels(context, limitSeries(context, false, MAX_CHART_SERIES)).values()]
    : [];
  const values: Array<Record<string, unknown>> = [];
  const currentName = spec.compare?.currentTitle || 'Current period';
  const compareName = spec.compare?.title || 'Previous period';
  for (const row of context.rows) {
    values.push({
      x: row.x,
      y: row.y,
      series: row.series,
      period: currentName,
      lower: row.lower,
      upper: row.upper,
    });
    if (spec.compare) values.push({ x: row.x, y: row.compare, series: row.series, period: compareName });
  }
  const numbers = values.flatMap((value) => [value['y'], value['lower'], value['upper']]);
  const [minimum, maximum] = extent(numbers);
  // Keep zero on the axis unless the values sit in a narrow band far from it (a rate of 94–97%).
  const narrow =
    minimum !== maximum &&
    (minimum > 0
      ? (maximum - minimum) / maximum < 0.25
      : maximum < 0 && (maximum - minimum) / -minimum < 0.25);
  const x = xEncoding(context, 'continuous');
  const y = {
    field: 'y',
    type: 'quantitative',
    scale: { zero: !narrow, nice: true },
    axis: valueAxis(context, Math.max(Math.abs(minimum), Math.abs(maximum))),
  };

  const colorBy: Record<string, unknown> | undefined = spec.series
    ? {
        field: 'series',
        type: 'nominal',
        scale: { domain: series, range: colorRange(series) },
        sort: series,
        legend: legendLayout(context, series, 'stroke'),
      }
    : spec.compare
      ? {
          field: 'period',
          type: 'nominal',
          scale: { domain: [currentName, compareName], range: [PRIMARY, COMPARE] },
          legend: legendLayout(context, [currentName, compareName], 'stroke'),
        }
      : undefined;
  const dashBy = spec.compare
    ? {
        field: 'period',
        type: 'nominal',
        scale: {
          domain: [currentName, compareName],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
      }
    : undefined;
  const pointCounts = new Map<string, number>();
  for (const row of context.rows) pointCounts.set(row.series, (pointCounts.get(row.series) ?? 0) + 1);
  const maxPoints = Math.max(0, ...pointCounts.values());
  const layers: Array<Record<string, unknown>> = [];
  if (spec.band) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lower) && isValid(datum.upper)' }],
      mark: { type: 'area', opacity: 0.18, ...(spec.series ? {} : { color: PRIMARY }) },
      encoding: {
        x,
        y: { field: 'lower', type: 'quantitative' },
        y2: { field: 'upper' },
        ...(spec.series ? { color: colorBy } : {}),
      },
    });
  }
  if (minimum < 0) layers.push(zeroRule('y'));
  const lineEncoding: Record<string, unknown> = {
    x,
    y,
    ...(colorBy ? { color: colorBy } : {}),
    ...(dashBy ? { strokeDash: dashBy } : {}),
    ...(spec.series && spec.compare ? { detail: { field: 'period', type: 'nominal' } } : {}),
  };
  layers.push({ mark: { type: 'line', ...(colorBy ? {} : { color: PRIMARY }) }, encoding: lineEncoding });
  if (maxPoints <= MAX_POINTS_WITH_DOTS) {
    layers.push({
      transform: [{ filter: `datum.period === ${JSON.stringify(currentName)}` }],
      mark: {
        type: 'point',
        filled: true,
        size: maxPoints === 1 ? 70 : 26,
        opacity: 1,
        ...(colorBy ? {} : { color: PRIMARY }),
      },
      encoding: { x, y, ...(colorBy ? { color: colorBy } : {}) },
    });
  }
  return { data: { values }, layer: layers };
}

function zeroRule(channel: 'x' | 'y'): Record<string, unknown> {
  return {
    mark: { type: 'rule', color: AXIS_LINE, strokeWidth: 1 },
    encoding: { [channel]: { datum: 0, type: 'quantitative' } },
  };
}

/**
 * The x encoding for time series and ordered categories. `continuous` (lines) uses a time or linear
 * scale; `band` (vertical bars) uses one band per distinct x, labels thinned to fit.
 */
function xEncoding(context: BuildContext, mode: 'continuous' | 'band'): Record<string, unknown> {
  const { spec, rows } = context;
  const title = spec.x.title || null;
  const plotWidth = context.width - 110;
  if (spec.x.type === 'temporal') {
    const times = [...new Set(rows.map((row) => row.x as number))].sort((a, b) => a - b);
    const grain = spec.x.grain ?? inferTimeGrain(times);
    const first = times[0] ?? 0;
    const last = times[times.length - 1] ?? first;
    const spansYears =
      new Date(first).getUTCFullYear() !== new Date(last).getUTCFullYear() && grain !== 'month';
    const sample = formatChartTime(last, grain === 'hour' ? 'day' : grain, spansYears);
    const maxTicks = Math.max(2, Math.floor(plotWidth / (context.measure(sample, LABEL_FONT_SIZE) + 24)));
    const axis = {
      title,
      labelExpr: timeLabelExpression(grain, spansYears),
      labelAngle: 0,
      grid: false,
      labelOverlap: true,
      labelFlush: mode === 'continuous',
    };
    if (mode === 'continuous') {
      const pad = first === last ? grainMs(grain) : 0;
      return {
        field: 'x',
        type: 'temporal',
        scale: { type: 'utc', domain: [first - pad, last + pad], nice: false },
        axis: { ...axis, values: timeTicks(first, last, grain, maxTicks) },
      };
    }
    const onTicks = new Set(timeTicks(first, last, grain, maxTicks));
    let values = times.filter((time) => onTicks.has(time));
    if (values.length < 2) values = everyNth(times, maxTicks);
    return {
      field: 'x',
      type: 'ordinal',
      sort: 'ascending',
      scale: { paddingInner: 0.2, paddingOuter: 0.1 },
      axis: { ...axis, values, labelFlush: false },
    };
  }
  if (spec.x.type === 'quantitative' && mode === 'continuous') {
    const numbers = rows.map((row) => row.x as number);
    const [minimum, maximum] = extent(numbers);
    return {
      field: 'x',
      type: 'quantitative',
      scale: {
        zero: false,
        nice: false,
        domain: minimum === maximum ? [minimum - 1, maximum + 1] : [minimum, maximum],
      },
      axis: {
        title,
        grid: false,
        tickCount: Math.max(2, Math.floor(plotWidth / 80)),
        labelExpr: axisLabelExpression(
          'number',
          axisUnitFor(Math.max(Math.abs(minimum), Math.abs(maximum)), 'number'),
        ),
      },
    };
  }
  // Ordered categories (or numbers drawn as bars), already cut to fit by `categoryLabels`: data order.
  const domain = [...new Set(rows.map((row) => String(row.x)))];
  const widest = Math.max(0, ...domain.map((label) => context.measure(label, LABEL_FONT_SIZE)));
  const perCategory = plotWidth / Math.max(1, domain.length);
  return {
    field: 'x',
    type: 'ordinal',
    sort: domain,
    scale: { paddingInner: 0.2, paddingOuter: 0.1 },
    axis: {
      title,
      grid: false,
      labelAngle: widest + 8 > perCategory ? -40 : 0,
      labelOverlap: true,
      ...(widest + 8 > perCategory ? { labelAlign: 'right', labelBaseline: 'middle' } : {}),
    },
  };
}

/** Cuts long category labels to fit, keeping them distinct, in place on the rows. */
function categoryLabels(context: BuildContext): Map<string, string> {
  if (context.spec.x.type === 'temporal') return new Map();
  const names = [...new Set(context.rows.map((row) => String(row.x)))];
  const labels = uniqueTruncated(names, MAX_CATEGORY_LABEL_WIDTH, context.measure);
  for (const row of context.rows) row.x = labels.get(String(row.x)) ?? row.x;
  return labels;
}

function everyNth<T>(items: readonly T[], limit: number): T[] {
  const step = Math.max(1, Math.ceil(items.length / Math.max(1, limit)));
  return items.filter((_, index) => index % step === 0);
}

/** Keeps the `limit` categories largest in absolute value (summed over series), in their order. */
function limitCategories(context: BuildContext, order: 'value' | 'keep'): string[] {
  const totals = new Map<string, number>();
  const signed = new Map<string, number>();
  for (const row of context.rows) {
    const key = String(row.x);
    totals.set(key, (totals.get(key) ?? 0) + Math.abs(row.y ?? 0) + Math.abs(row.compare ?? 0));
    signed.set(key, (signed.get(key) ?? 0) + (row.y ?? 0));
  }
  let categories = [...totals.keys()];
  if (categories.length > MAX_CHART_CATEGORIES) {
    const kept = new Set(
      [...categories]
        .sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0))
        .slice(0, MAX_CHART_CATEGORIES),
    );
    const title = context.spec.x.title || context.spec.x.field;
    context.notes.push(
      `Showing the ${MAX_CHART_CATEGORIES} largest of ${categories.length} ${lower(title)} values.`,
    );
    categories = categories.filter((category) => kept.has(category));
    context.rows = context.rows.filter((row) => kept.has(String(row.x)));
  }
  if (order === 'value') categories.sort((a, b) => (signed.get(b) ?? 0) - (signed.get(a) ?? 0));
  return categories;
}

/** Extra room on the value scale so that value labels at the bar ends stay inside the chart. */
function labelledDomain(
  minimum: number,
  maximum: number,
  labelRoom: number,
  plotExtent: number,
): [number, number] {
  const low = Math.min(0, minimum);
  const high = Math.max(0, maximum);
  const span = high - low || 1;
  const fraction = Math.min(0.45, labelRoom / plotExtent);
  const grow = (span * fraction) / (1 - fraction);
  return [low < 0 ? low - grow : 0, high > 0 ? high + grow : 0];
}

function barBody(context: BuildContext, horizontal: boolean): Record<string, unknown> {
  const { spec } = context;
  const format = spec.y.format ?? 'number';
  const categories =
    spec.x.type === 'temporal' ? [] : limitCategories(context, horizontal ? 'value' : 'keep');
  const labels = categoryLabels(context);
  const domain = categories.map((category) => labels.get(category) ?? category);
  const [minimum, maximum] = extent(context.rows.map((row) => row.y));
  const maxAbsolute = Math.max(Math.abs(minimum), Math.abs(maximum));
  // One style for all labels of a chart: `$5M … $833K`, not `$5M … $833,333`.
  const compact = maxAbsolute >= 1e5;
  const values = context.rows.map((row) => ({
    x: row.x,
    y: row.y,
    label: row.y === null ? '' : formatChartValue(row.y, format, { compact }),
  }));
  const labelled = values.length <= MAX_CHART_CATEGORIES;
  const color = {
    condition: { test: 'datum.y < 0', value: NEGATIVE },
    value: PRIMARY,
  };
  const layers: Array<Record<string, unknown>> = [];
  if (horizontal) {
    const widestLabel = Math.max(0, ...values.map((value) => context.measure(value.label, LABEL_FONT_SIZE)));
    const plotWidth =
      context.width - 40 - Math.min(MAX_CATEGORY_LABEL_WIDTH, widestCategory(context, domain)) - 30;
    const valueScale = labelled
      ? { domain: labelledDomain(minimum, maximum, widestLabel + 10, plotWidth), nice: false, zero: true }
      : { zero: true };
    const category = {
      field: 'x',
      type: 'nominal',
      sort: domain,
      scale: { paddingInner: 0.25, paddingOuter: 0.15 },
      axis: {
        title: spec.x.title || null,
        ticks: false,
        domain: false,
        labelPadding: 8,
        labelLimit: MAX_CATEGORY_LABEL_WIDTH + 20,
      },
    };
    const value = {
      field: 'y',
      type: 'quantitative',
      scale: valueScale,
      axis: valueAxis(context, maxAbsolute),
    };
    layers.push({
      mark: { type: 'bar', ...barThickness(context, domain.length, true) },
      encoding: { y: category, x: value, color },
    });
    if (minimum < 0) layers.push(zeroRule('x'));
    if (labelled) {
      layers.push(
        valueLabels({ y: category, x: value }, 'datum.y >= 0', { align: 'left', dx: 5, baseline: 'middle' }),
      );
      layers.push(
        valueLabels({ y: category, x: value }, 'datum.y < 0', { align: 'right', dx: -5, baseline: 'middle' }),
      );
    }
    return { data: { values }, layer: layers };
  }
  const x = xEncoding(context, 'band');
  const plotHeight = context.height - 110;
  const valueScale = labelled
    ? { domain: labelledDomain(minimum, maximum, 18, plotHeight), nice: false, zero: true }
    : { zero: true, nice: true };
  const y = { field: 'y', type: 'quantitative', scale: valueScale, axis: valueAxis(context, maxAbsolute) };
  const bandCount = new Set(values.map((value) => value.x)).size;
  layers.push({
    mark: { type: 'bar', ...barThickness(context, bandCount, false) },
    encoding: { x, y, color },
  });
  if (minimum < 0) layers.push(zeroRule('y'));
  if (labelled) {
    layers.push(valueLabels({ x, y }, 'datum.y >= 0', { baseline: 'bottom', dy: -4 }));
    layers.push(valueLabels({ x, y }, 'datum.y < 0', { baseline: 'top', dy: 4 }));
  }
  return { data: { values }, layer: layers };
}

function valueLabels(
  encoding: Record<string, unknown>,
  filter: string,
  mark: Record<string, unknown>,
): Record<string, unknown> {
  return {
    transform: [{ filter: `isValid(datum.y) && ${filter}` }],
    mark: { type: 'text', fontSize: LABEL_FONT_SIZE, color: TEXT, ...mark },
    encoding: { ...encoding, text: { field: 'label', type: 'nominal' } },
  };
}

/** Caps bar thickness at 48 px, so two bars do not fill the whole chart. */
function barThickness(context: BuildContext, count: number, horizontal: boolean): Record<string, unknown> {
  const extentPx = horizontal ? context.height - 100 : context.width - 120;
  const step = extentPx / Math.max(1, count);
  return step * 0.75 > 48 ? { size: 48 } : {};
}

function widestCategory(context: BuildContext, labels: readonly string[]): number {
  return Math.max(0, ...labels.map((label) => context.measure(label, LABEL_FONT_SIZE)));
}

function stackedBody(context: BuildContext, horizontal: boolean): Record<string, unknown> {
  const { spec } = context;
  const series = [...seriesLabels(context, limitSeries(context, true, MAX_CHART_SERIES)).values()];
  const categories =
    spec.x.type === 'temporal' ? [] : limitCategories(context, horizontal ? 'value' : 'keep');
  const labels = categoryLabels(context);
  const domain = categories.map((category) => labels.get(category) ?? category);
  // Fold rows that became the same (x, series) after grouping into Other.
  const sums = new Map<string, { x: number | string; series: string; y: number }>();
  const positive = new Map<string | number, number>();
  const negative = new Map<string | number, number>();
  for (const row of context.rows) {
    if (row.y === null) continue;
    const key = `${row.x}\u0000${row.series}`;
    const entry = sums.get(key) ?? { x: row.x, series: row.series, y: 0 };
    entry.y += row.y;
    sums.set(key, entry);
    const side = row.y >= 0 ? positive : negative;
    side.set(row.x, (side.get(row.x) ?? 0) + row.y);
  }
  const values = [...sums.values()].map((entry) => ({ ...entry, rank: series.indexOf(entry.series) }));
  const maxAbsolute = Math.max(0, ...positive.values(), ...[...negative.values()].map(Math.abs));
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: series, range: colorRange(series) },
    sort: series,
    legend: legendLayout(context, series, 'square'),
  };
  const order = { field: 'rank', type: 'quantitative', sort: 'ascending' };
  const value = {
    field: 'y',
    type: 'quantitative',
    aggregate: 'sum',
    stack: 'zero',
    axis: valueAxis(context, maxAbsolute),
  };
  if (horizontal) {
    const category = {
      field: 'x',
      type: 'nominal',
      sort: domain,
      scale: { paddingInner: 0.25, paddingOuter: 0.15 },
      axis: { title: spec.x.title || null, ticks: false, domain: false, labelPadding: 8 },
    };
    return {
      data: { values },
      mark: { type: 'bar', cornerRadiusEnd: 0, ...barThickness(context, domain.length, true) },
      encoding: { y: category, x: value, color, order },
    };
  }
  const x = xEncoding(context, 'band');
  const bandCount = new Set(values.map((entry) => entry.x)).size;
  return {
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 0, ...barThickness(context, bandCount, false) },
    encoding: { x, y: value, color, order },
  };
}

function groupedBody(context: BuildContext, horizontal: boolean, periods: boolean): Record<string, unknown> {
  const { spec } = context;
  let series: string[];
  let colors: string[];
  if (periods) {
    // `bar` with compare: the current period and the previous one side by side.
    const currentName = spec.compare?.currentTitle || 'Current period';
    const compareName = spec.compare?.title || 'Previous period';
    const expanded: Row[] = [];
    for (const row of context.rows) {
      expanded.push({ ...row, series: currentName });
      expanded.push({ ...row, series: compareName, y: row.compare });
    }
    context.rows = expanded;
    series = [currentName, compareName];
    colors = [PRIMARY, COMPARE];
  } else {
    series = [...seriesLabels(context, limitSeries(context, false, 6, 'data')).values()];
    colors = colorRange(series);
  }
  const categories =
    spec.x.type === 'temporal' ? [] : limitCategories(context, horizontal ? 'value' : 'keep');
  const labels = categoryLabels(context);
  const domain = categories.map((category) => labels.get(category) ?? category);
  const values = context.rows.map((row) => ({ x: row.x, y: row.y, series: row.series }));
  const [minimum, maximum] = extent(values.map((entry) => entry.y));
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: series, range: colors },
    sort: series,
    legend: legendLayout(context, series, 'square'),
  };
  const offset = { field: 'series', type: 'nominal', sort: series, scale: { paddingInner: 0.05 } };
  const value = {
    field: 'y',
    type: 'quantitative',
    scale: { zero: true, nice: true },
    axis: valueAxis(context, Math.max(Math.abs(minimum), Math.abs(maximum))),
  };
  const layers: Array<Record<string, unknown>> = [];
  if (horizontal) {
    const category = {
      field: 'x',
      type: 'nominal',
      sort: domain,
      scale: { paddingInner: 0.25, paddingOuter: 0.15 },
      axis: { title: spec.x.title || null, ticks: false, domain: false, labelPadding: 8 },
    };
    layers.push({ mark: { type: 'bar' }, encoding: { y: category, yOffset: offset, x: value, color } });
    if (minimum < 0) layers.push(zeroRule('x'));
  } else {
    const x = xEncoding(context, 'band');
    layers.push({ mark: { type: 'bar' }, encoding: { x, xOffset: offset, y: value, color } });
    if (minimum < 0) layers.push(zeroRule('y'));
  }
  return { data: { values }, layer: layers };
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function extent(values: readonly unknown[]): [number, number] {
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  return Number.isFinite(minimum) ? [minimum, maximum] : [0, 0];
}

/** Cuts text to `maxWidth` pixels with an ellipsis. */
function truncateText(
  text: string,
  maxWidth: number,
  fontSize: number,
  measure: Measure,
  bold = false,
): string {
  if (measure(text, fontSize, bold) <= maxWidth) return text;
  const characters = [...text];
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(`${characters.slice(0, middle).join('').trimEnd()}…`, fontSize, bold) <= maxWidth)
      low = middle;
    else high = middle - 1;
  }
  return `${characters.slice(0, low).join('').trimEnd()}…`;
}

/** Truncates each name to fit and keeps them distinct (`…`, then `… (2)`), as a name → label map. */
function uniqueTruncated(names: readonly string[], maxWidth: number, measure: Measure): Map<string, string> {
  const labels = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    let label = truncateText(name, maxWidth, LABEL_FONT_SIZE, measure);
    for (let copy = 2; used.has(label); copy += 1) {
      label = `${truncateText(name, maxWidth - 24, LABEL_FONT_SIZE, measure)} (${copy})`;
    }
    used.add(label);
    labels.set(name, label);
  }
  return labels;
}
