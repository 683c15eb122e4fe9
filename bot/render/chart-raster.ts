/**
 * SVG → PNG with resvg, at a device pixel ratio (2× by default: sharp in Slack and Discord).
 *
 * With a font (see `chart-font.ts`), every `<text>` is first replaced by its outline, so resvg draws
 * paths only: fast, and identical on every machine that has the same font. Without one, the SVG goes
 * to resvg as is with the system fonts, which is slower and shows no text on a machine with none.
 */
import { promisify } from 'node:util';
import { deflate as deflateCallback } from 'node:zlib';
import { renderAsync } from '@resvg/resvg-js';
import type { ChartFonts } from './chart-font.js';
import { isBold } from './chart-vega.js';

const deflate = promisify(deflateCallback);

/** A rasterised chart. */
export interface RasterImage {
  readonly png: Buffer;
  /** Size in pixels (logical size × pixel ratio). */
  readonly width: number;
  readonly height: number;
}

/**
 * Rasterises an SVG to PNG at `pixelRatio`, on a white background.
 *
 * @param fonts the chart fonts; `null` lets resvg use system fonts for the text instead.
 */
export async function rasterizeSvg(
  svg: string,
  options: { pixelRatio: number; fonts: ChartFonts | null },
): Promise<RasterImage> {
  const source = options.fonts ? outlineSvgText(svg, options.fonts) : svg;
  // renderAsync draws on libuv's thread pool, so a Slack ack is not held up by a chart.
  const image = await renderAsync(source, {
    fitTo: { mode: 'zoom', value: options.pixelRatio },
    background: '#ffffff',
    shapeRendering: 2,
    font: options.fonts
      ? { loadSystemFonts: false }
      : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  const png = await encodePng(image.pixels, image.width, image.height);
  return { png, width: image.width, height: image.height };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encodes RGBA pixels as a PNG. resvg's own encoder spends ~30 ms on a 1600×800 chart; unfiltered
 * rows (copied natively, no per-pixel JavaScript) and fast deflate on the thread pool take ~10 ms and
 * give files of 40–80 KB, since charts are mostly flat colour that LZ77 matches four bytes back.
 */
export async function encodePng(rgba: Buffer, width: number, height: number): Promise<Buffer> {
  const rowBytes = width * 4;
  const stride = rowBytes + 1;
  const raw = Buffer.allocUnsafe(stride * height);
  for (let row = 0; row < height; row += 1) {
    raw[row * stride] = 0; // filter type None
    rgba.copy(raw, row * stride + 1, row * rowBytes, (row + 1) * rowBytes);
  }
  const compressed = await deflate(raw, { level: 3 });
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha (RGBA)
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', compressed),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const TEXT_ELEMENT = /<text\b([^>]*)>([\s\S]*?)<\/text>/g;
const ATTRIBUTE = /([a-zA-Z:-]+)="([^"]*)"/g;
const TSPAN = /<tspan\b([^>]*)>([\s\S]*?)<\/tspan>/g;

/**
 * Replaces each `<text>` of a Vega SVG with a `<path>` of its glyph outlines, keeping its transform,
 * anchor, fill and opacity. Vega already bakes the baseline offset into the transform, so y = 0 is the
 * alphabetic baseline. Hidden labels (opacity 0, dropped by Vega's overlap removal) are removed.
 */
export function outlineSvgText(svg: string, fonts: ChartFonts): string {
  return svg.replace(TEXT_ELEMENT, (_match, attributeText: string, content: string) => {
    const attributes = new Map<string, string>();
    for (const [, name, value] of attributeText.matchAll(ATTRIBUTE)) {
      if (name !== undefined && value !== undefined) attributes.set(name, value);
    }
    if (attributes.get('opacity') === '0' || attributes.get('fill-opacity') === '0') return '';
    const fontSize = Number.parseFloat(attributes.get('font-size') ?? '11') || 11;
    const font = isBold(attributes.get('font-weight')) ? fonts.bold : fonts.regular;
    const anchor = attributes.get('text-anchor') ?? 'start';
    const lines: Array<{ text: string; dy: number }> = [];
    if (content.includes('<tspan')) {
      for (const [, spanAttributes, spanText] of content.matchAll(TSPAN)) {
        const dy = /dy="([^"]*)"/.exec(spanAttributes ?? '')?.[1];
        lines.push({ text: decodeEntities(spanText ?? ''), dy: dy ? Number.parseFloat(dy) || 0 : 0 });
      }
    } else {
      lines.push({ text: decodeEntities(content), dy: 0 });
    }
    let baseline = 0;
    const paths: string[] = [];
    for (const line of lines) {
      baseline += line.dy;
      const width = font.measure(line.text, fontSize);
      const x = anchor === 'middle' ? -width / 2 : anchor === 'end' ? -width : 0;
      const outline = font.outline(line.text, fontSize, x, baseline);
      if (outline !== '') paths.push(outline);
    }
    if (paths.length === 0) return '';
    const kept: string[] = [];
    for (const name of ['transform', 'fill', 'fill-opacity', 'opacity']) {
      const value = attributes.get(name);
      if (value !== undefined) kept.push(`${name}="${value}"`);
    }
    return `<path ${kept.join(' ')} d="${paths.join('')}"/>`;
  });
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos|#39);/g, (entity, code: string) => {
    if (code.startsWith('#x')) return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(Number.parseInt(code.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[code] ?? entity;
  });
}
