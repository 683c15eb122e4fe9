import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildVegaLiteSpec,
  type ChartSpec,
  ChartSpecError,
  NO_DATA_TEXT,
  renderChartPng,
} from '../../../bot/render/chart.js';
import { loadChartFonts } from '../../../bot/render/chart-font.js';
import { outlineSvgText } from '../../../bot/render/chart-raster.js';
import {
  ChartLoadRefusedError,
  compileVegaLite,
  offlineLoader,
  renderVegaLiteSvg,
} from '../../../bot/render/chart-vega.js';
import { countDarkPixels, decodePng, PNG_SIGNATURE } from './chart-png.js';

const fonts = loadChartFonts();
if (!fonts) {
  console.warn(
    'chart tests: no TrueType font found (apt-get install fonts-dejavu-core); text pixel checks skipped',
  );
}

const DAY_MS = 86_400_000;
const day = (index: number): string =>
  new Date(Date.UTC(2026, 10, 1) + index * DAY_MS).toISOString().slice(0, 10);

const dailyVolume: ChartSpec = {
  kind: 'line',
  title: 'Trading volume',
  subtitle: 'Daily, November 2026 (UTC)',
  x: { field: 'day', title: '', type: 'temporal' },
  y: { field: 'volume_usd', title: 'Volume (USD)', format: 'usd' },
  // PostgreSQL numeric arrives as strings: the chart must read them as numbers.
  data: Array.from({ length: 23 }, (_, index) => ({
    day: day(index),
    volume_usd: String(100e6 + index * 2e6),
  })),
};

const netInflowByAsset: ChartSpec = {
  kind: 'bar',
  title: 'Net inflow by asset',
  x: { field: 'asset', title: 'Asset', type: 'nominal' },
  y: { field: 'net_inflow_usd', title: 'Net inflow (USD)', format: 'usd' },
  data: [
    { asset: 'ETH', net_inflow_usd: -2_500_000 },
    { asset: 'BTC', net_inflow_usd: 5_000_000 },
    { asset: 'SOL', net_inflow_usd: 1_670_000 },
    { asset: 'DOGE', net_inflow_usd: -400_000 },
  ],
};

const tradesByPlatform: ChartSpec = {
  kind: 'stacked_bar',
  title: 'Trades by platform',
  x: { field: 'day', title: '', type: 'temporal' },
  y: { field: 'trades', title: 'Trades', format: 'count' },
  series: { field: 'platform', title: 'Platform' },
  data: Array.from({ length: 7 }, (_, index) =>
    ['web', 'ios', 'android', 'api'].map((platform, rank) => ({
      day: day(index),
      platform,
      trades: 1000 * (rank + 1),
    })),
  ).flat(),
};

const approvalByLevel: ChartSpec = {
  kind: 'grouped_bar',
  title: 'KYC approval rate by level',
  x: { field: 'kyc_level', title: 'KYC level', type: 'ordinal' },
  y: { field: 'rate', title: 'Approval rate', format: 'percent' },
  series: { field: 'month', title: 'Month' },
  data: [0, 1, 2, 3].flatMap((level) =>
    ['Sep', 'Oct', 'Nov'].map((month, index) => ({
      kyc_level: level,
      month,
      rate: 0.6 + level * 0.05 + index * 0.02,
    })),
  ),
};

/**
 * The lines of every `<text>` element of an SVG (one entry per `<tspan>` of multi-line text), in
 * document order, with the element's translate(x, y).
 */
function svgTexts(svg: string): Array<{ text: string; x: number; y: number }> {
  const pattern = /<text\b[^>]*transform="translate\(([-\d.e]+),([-\d.e]+)\)[^"]*"[^>]*>([\s\S]*?)<\/text>/g;
  return [...svg.matchAll(pattern)].flatMap((match) => {
    const content = match[3] ?? '';
    const lines = content.includes('<tspan')
      ? [...content.matchAll(/<tspan\b[^>]*>([^<]*)<\/tspan>/g)].map((span) => span[1] ?? '')
      : [content];
    return lines.map((text) => ({
      text: text.replaceAll('&amp;', '&'),
      x: Number(match[1]),
      y: Number(match[2]),
    }));
  });
}

function ihdrSize(png: Buffer): { width: number; height: number } {
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('renderChartPng', () => {
  it.each([
    ['line', dailyVolume],
    ['bar', netInflowByAsset],
    ['stacked_bar', tradesByPlatform],
    ['grouped_bar', approvalByLevel],
  ] as const)('renders a %s chart to a 1600×800 PNG that decodes', async (_kind, spec) => {
    const chart = await renderChartPng(spec);
    expect(chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(ihdrSize(chart.png)).toEqual({ width: 1600, height: 800 });
    expect([chart.width, chart.height, chart.pixelRatio]).toEqual([1600, 800, 2]);
    const image = decodePng(chart.png);
    expect([image.width, image.height]).toEqual([1600, 800]);
    // Something is drawn in the plot area (bars, lines), not just a white page.
    expect(countDarkPixels(image, { x: 200, y: 200, width: 1380, height: 560 }, 200)).toBeGreaterThan(500);
    expect(chart.svg).toContain(`width="800" height="400"`);
    expect(chart.notes).toEqual([]);
  });

  it('sizes the PNG as the logical size times the pixel ratio', async () => {
    const chart = await renderChartPng({ ...dailyVolume, width: 600, height: 300 }, { pixelRatio: 1.5 });
    expect(ihdrSize(chart.png)).toEqual({ width: 900, height: 450 });
    expect(chart.svg).toContain(`width="600" height="300"`);
  });

  it('puts the title, subtitle and formatted axis labels in the SVG', async () => {
    const { svg } = await renderChartPng(dailyVolume);
    const texts = svgTexts(svg).map((entry) => entry.text);
    expect(texts).toContain('Trading volume');
    expect(texts).toContain('Daily, November 2026 (UTC)');
    expect(texts).toContain('Volume (USD)');
    // 100M–144M with zero kept: compact dollar ticks in millions, dates by day.
    expect(texts).toEqual(expect.arrayContaining(['$0', '$50M', '$100M', 'Nov 2', 'Nov 9', 'Nov 16']));
  });

  it('formats percent axes and count axes', async () => {
    const percent = svgTexts((await renderChartPng(approvalByLevel)).svg).map((entry) => entry.text);
    expect(percent).toEqual(expect.arrayContaining(['0%', '20%', '80%', 'Sep', 'Oct', 'Nov']));
    const counts = svgTexts((await renderChartPng(tradesByPlatform)).svg).map((entry) => entry.text);
    expect(counts).toEqual(expect.arrayContaining(['0', '2K', '10K', 'api', 'android', 'ios', 'web']));
  });

  it('draws a breakdown as horizontal bars sorted by value, with signed value labels', async () => {
    const { svg } = await renderChartPng(netInflowByAsset);
    const texts = svgTexts(svg);
    const rowOf = (label: string): number => texts.find((entry) => entry.text === label)?.y ?? Number.NaN;
    const order = ['BTC', 'SOL', 'DOGE', 'ETH'].map(rowOf);
    expect(order.every(Number.isFinite)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(texts.map((entry) => entry.text)).toEqual(
      expect.arrayContaining(['$5M', '$1.67M', '−$400K', '−$2.5M', '−$2M', '$0', '$4M']),
    );
  });

  it('renders "No data for this period" instead of failing on empty data', async () => {
    const chart = await renderChartPng({ ...dailyVolume, data: [] });
    expect(ihdrSize(chart.png)).toEqual({ width: 1600, height: 800 });
    expect(
      svgTexts(chart.svg)
        .map((entry) => entry.text)
        .sort(),
    ).toEqual(['Daily, November 2026 (UTC)', NO_DATA_TEXT, 'Trading volume']);
    decodePng(chart.png);
  });

  it('treats rows whose values are all null as no data', async () => {
    const chart = await renderChartPng({
      ...netInflowByAsset,
      data: [{ asset: 'BTC', net_inflow_usd: null }],
    });
    expect(chart.svg).toContain(NO_DATA_TEXT);
  });

  it('renders a single point with its value on the axis', async () => {
    const chart = await renderChartPng({
      ...dailyVolume,
      y: { field: 'users', title: 'New users', format: 'count' },
      data: [{ day: '2026-11-24', users: 1234 }],
    });
    const texts = svgTexts(chart.svg).map((entry) => entry.text);
    expect(texts).toContain('Nov 24');
    expect(texts).toContain('0');
    decodePng(chart.png);
  });

  it('keeps nulls as gaps and skips rows without a usable x, saying so', async () => {
    const chart = await renderChartPng({
      ...dailyVolume,
      data: [
        { day: '2026-11-01', volume_usd: 10 },
        { day: '2026-11-02', volume_usd: null },
        { day: 'not a date', volume_usd: 5 },
        { day: '2026-11-03', volume_usd: 12 },
      ],
    });
    expect(chart.notes).toEqual(['1 row without a valid day not shown.']);
    expect(svgTexts(chart.svg).map((entry) => entry.text)).toContain('1 row without a valid day not shown.');
  });

  it('shows 12 bars at most and says how many were left out', async () => {
    const data = Array.from({ length: 40 }, (_, index) => ({ country: `C${index}`, users: 1000 - index }));
    const chart = await renderChartPng({
      kind: 'bar',
      title: 'New users by country',
      x: { field: 'country', title: 'Country', type: 'nominal' },
      y: { field: 'users', title: 'New users', format: 'count' },
      data,
    });
    expect(chart.notes).toEqual(['Showing the 12 largest of 40 country values.']);
    const texts = svgTexts(chart.svg).map((entry) => entry.text);
    expect(texts).toContain('C11');
    expect(texts).not.toContain('C12');
    expect(texts).toContain('1,000');
  });

  it('folds small series of a stacked chart into Other', async () => {
    const assets = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'ADA', 'TRX', 'AVAX', 'LINK', 'DOT'];
    const chart = await renderChartPng({
      ...tradesByPlatform,
      series: { field: 'asset', title: 'Asset' },
      data: assets.map((asset, index) => ({ day: day(0), asset, trades: 100 - index })),
    });
    expect(chart.notes).toEqual(['The 3 smallest of 10 asset values are grouped as Other.']);
    const texts = svgTexts(chart.svg).map((entry) => entry.text);
    expect(texts).toEqual(expect.arrayContaining(['BTC', 'TRX', 'Other']));
    expect(texts).not.toContain('AVAX');
    expect(texts).not.toContain('DOT');
  });

  it('cuts very long category labels with an ellipsis, keeping them distinct', async () => {
    const long = 'An exceptionally long jurisdiction name that would push the bars off the chart';
    const chart = await renderChartPng({
      ...netInflowByAsset,
      data: [
        { asset: `${long} (A)`, net_inflow_usd: 10 },
        { asset: `${long} (B)`, net_inflow_usd: 5 },
      ],
    });
    const labels = svgTexts(chart.svg)
      .map((entry) => entry.text)
      .filter((text) => text.startsWith('An exceptionally'));
    expect(labels).toHaveLength(2);
    expect(new Set(labels).size).toBe(2);
    for (const label of labels) {
      expect(label.includes('…')).toBe(true);
      expect(label.length).toBeLessThan(long.length);
    }
  });

  it('renders 240 hourly points per series with a previous-period line and a legend', async () => {
    const start = Date.UTC(2026, 10, 14);
    const chart = await renderChartPng({
      kind: 'line',
      title: 'Withdrawals vs previous week',
      x: { field: 'hour', title: '', type: 'temporal' },
      y: { field: 'current', title: 'Withdrawals (USD)', format: 'usd' },
      compare: { field: 'previous', title: 'Previous week', currentTitle: 'This week' },
      data: Array.from({ length: 240 }, (_, index) => ({
        hour: new Date(start + index * 3_600_000),
        current: 5e5 + Math.sin(index / 4) * 2e5,
        previous: 4.5e5,
      })),
    });
    const texts = svgTexts(chart.svg).map((entry) => entry.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'Withdrawals (USD)',
        'This week',
        'Previous week',
        'Nov 14',
        'Nov 20',
        '$600K',
      ]),
    );
    expect(chart.svg).toContain('stroke-dasharray="6,4"');
    decodePng(chart.png);
  });

  it('draws a line over a numeric x on a linear axis', async () => {
    const chart = await renderChartPng({
      kind: 'line',
      title: 'Fill rate by order size',
      x: { field: 'size', title: 'Order size (BTC)', type: 'quantitative' },
      y: { field: 'rate', title: 'Fill rate', format: 'percent' },
      data: Array.from({ length: 21 }, (_, index) => ({ size: index / 2, rate: 1 - index * 0.02 })),
    });
    const texts = svgTexts(chart.svg).map((entry) => entry.text);
    expect(texts).toEqual(expect.arrayContaining(['0', '2', '4', '10', 'Order size (BTC)', '60%', '100%']));
    // The line spans the plot: its path starts at x = 0 and moves right.
    expect(chart.svg).toMatch(/aria-roledescription="line mark" d="M0,[\d.]+L[1-9]/);
  });

  it('shades a forecast band', async () => {
    const chart = await renderChartPng({
      ...dailyVolume,
      band: { lower: 'lower', upper: 'upper' },
      data: [
        { day: day(0), volume_usd: 100, lower: null, upper: null },
        { day: day(1), volume_usd: 110, lower: 90, upper: 130 },
        { day: day(2), volume_usd: 120, lower: 85, upper: 150 },
      ],
    });
    expect(chart.svg).toMatch(/aria-roledescription="area mark" d="M[^"]+" fill="#4E79A7" opacity="0.18"/);
  });

  it('draws the same PNG for the same spec', async () => {
    const first = await renderChartPng(netInflowByAsset);
    const second = await renderChartPng(netInflowByAsset);
    expect(first.png.equals(second.png)).toBe(true);
  });

  it.skipIf(!fonts)('draws the title text as glyph outlines (dark pixels top left)', async () => {
    const image = decodePng((await renderChartPng(dailyVolume)).png);
    // The title "Trading volume" is bold 16 px at 2×, starting near (32, 28).
    expect(countDarkPixels(image, { x: 20, y: 10, width: 320, height: 50 })).toBeGreaterThan(800);
    // And nothing dark where there is no text, right of it.
    expect(countDarkPixels(image, { x: 700, y: 10, width: 800, height: 50 })).toBe(0);
  });

  it('still renders without any font file (system fonts, or no text)', async () => {
    const chart = await renderChartPng(dailyVolume, { fontFiles: [] });
    expect(ihdrSize(chart.png)).toEqual({ width: 1600, height: 800 });
    decodePng(chart.png);
  });
});

describe('chart spec checks', () => {
  it('names a field that is not in the data', async () => {
    await expect(renderChartPng({ ...dailyVolume, y: { field: 'volume', title: 'Volume' } })).rejects.toThrow(
      "Cannot draw the chart: y field 'volume' is not in the data (columns: day, volume_usd).",
    );
  });

  it('refuses a band on a bar chart and too many rows', () => {
    expect(() => buildVegaLiteSpec({ ...netInflowByAsset, band: { lower: 'a', upper: 'b' } })).toThrow(
      'Cannot draw the chart: a band can only be drawn on a line chart.',
    );
    const rows = Array.from({ length: 10_001 }, (_, index) => ({ day: index, volume_usd: 1 }));
    expect(() => buildVegaLiteSpec({ ...dailyVolume, data: rows })).toThrow(
      'Cannot draw the chart: 10001 rows is more than a chart can show (at most 10000).',
    );
  });

  it('carries the chart_spec_invalid code', () => {
    try {
      buildVegaLiteSpec({ ...dailyVolume, kind: 'pie' as never });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ChartSpecError);
      expect((error as ChartSpecError).code).toBe('chart_spec_invalid');
      expect((error as ChartSpecError).message).toBe(
        "Cannot draw the chart: unknown kind 'pie' (expected line, bar, stacked_bar, grouped_bar).",
      );
    }
  });

  it.each([
    ['line', dailyVolume],
    ['bar', netInflowByAsset],
    ['stacked_bar', tradesByPlatform],
    ['grouped_bar', approvalByLevel],
    ['empty', { ...dailyVolume, data: [] }],
  ] as const)('compiles the %s spec without Vega-Lite warnings', (_name, spec) => {
    const { warnings } = compileVegaLite(buildVegaLiteSpec(spec).vegaLite);
    expect(warnings).toEqual([]);
  });
});

describe('no network access', () => {
  let server: Server;
  let baseUrl = '';
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      response.end('[{"a": "A", "b": 1}]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('rejects a Vega-Lite spec with URL data before Vega sees it', async () => {
    const spec = {
      data: { url: `${baseUrl}/data.json` },
      mark: 'bar',
      encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
    } as TopLevelSpec;
    await expect(renderVegaLiteSvg(spec)).rejects.toThrow(
      'Cannot draw the chart: spec.data.url refers to an external resource; charts take inline data only.',
    );
    expect(requests).toEqual([]);
  });

  it('rejects an image mark that points at a URL', async () => {
    const spec = {
      data: { values: [{ a: 1 }] },
      mark: 'image',
      encoding: { url: { value: `${baseUrl}/logo.png` } },
    } as unknown as TopLevelSpec;
    await expect(renderVegaLiteSvg(spec)).rejects.toThrow('spec.encoding.url refers to an external resource');
    expect(requests).toEqual([]);
  });

  it('refuses every load in the Vega loader, even for a Vega spec that skips our checks', async () => {
    await expect(offlineLoader.load(`${baseUrl}/x.json`)).rejects.toBeInstanceOf(ChartLoadRefusedError);
    await expect(offlineLoader.sanitize(`${baseUrl}/x.png`, { context: 'image' })).rejects.toThrow(
      `Charts never load external resources; refused '${baseUrl}/x.png'.`,
    );
    // Vega reports a failed load as a warning ("Loading failed") and carries on.
    const logged: unknown[] = [];
    const view = new vega.View(vega.parse({ data: [{ name: 'table', url: `${baseUrl}/direct.json` }] }), {
      renderer: 'none',
      loader: offlineLoader,
      logger: {
        level: () => 0,
        error: (...args: unknown[]) => {
          logged.push(...args);
          return undefined as never;
        },
        warn: (...args: unknown[]) => {
          logged.push(...args);
          return undefined as never;
        },
        info: () => undefined as never,
        debug: () => undefined as never,
      } as never,
    });
    await view.runAsync();
    view.finalize();
    expect(logged.some((entry) => entry instanceof ChartLoadRefusedError)).toBe(true);
    expect(requests).toEqual([]);
  });

  it('keeps quotes, backslashes and markup in names as text', async () => {
    const names = [`O'Brien "quoted"`, 'back\\slash', '<b>bold</b> & co', '"]); datum.x //'];
    const chart = await renderChartPng({
      ...netInflowByAsset,
      data: names.map((asset, index) => ({ asset, net_inflow_usd: 10 - index })),
    });
    const texts = svgTexts(chart.svg).map((entry) =>
      entry.text.replaceAll('&lt;', '<').replaceAll('&gt;', '>'),
    );
    expect(texts).toEqual(expect.arrayContaining(names));
    expect(chart.svg).not.toContain('<b>');
  });

  it('treats URL-looking category names as text', async () => {
    const chart = await renderChartPng({
      ...netInflowByAsset,
      data: [{ asset: `${baseUrl}/p`, net_inflow_usd: 1 }],
    });
    expect(svgTexts(chart.svg).map((entry) => entry.text)).toContain(`${baseUrl}/p`);
    expect(requests).toEqual([]);
  });
});

describe.skipIf(!fonts)('outlineSvgText', () => {
  it('replaces every text element with a path and drops hidden labels', () => {
    const svg =
      '<svg><text text-anchor="middle" transform="translate(10,20)" font-size="11px" fill="#000" opacity="1">A&amp;B</text>' +
      '<text transform="translate(0,0)" font-size="11px" opacity="0">hidden</text></svg>';
    const outlined = outlineSvgText(svg, fonts!);
    expect(outlined).not.toContain('<text');
    expect(outlined).not.toContain('hidden');
    expect(outlined).toMatch(
      /^<svg><path transform="translate\(10,20\)" fill="#000" opacity="1" d="M[^"]+"\/><\/svg>$/,
    );
  });
});
