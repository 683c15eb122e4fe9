/**
 * Fonts for chart rendering, read straight from TrueType files on disk.
 *
 * Why our own reader: resvg-js re-reads a font file from disk for every `<text>` element (about 1 ms
 * each, 40+ per chart), and Vega without a canvas guesses text widths at 0.8 em per character, which
 * misplaces axis titles and truncates labels too early. Reading the font once gives Vega exact widths
 * and lets us turn text into outline paths before rasterising, so resvg never needs a font at all.
 *
 * Only TrueType outlines (`glyf`) are read: DejaVu Sans (Debian `fonts-dejavu-core`), Liberation Sans
 * and Arial all qualify. No font is bundled; when none is found, charts still render (see
 * `chart-raster.ts` for the fallback).
 */
import { existsSync, readFileSync } from 'node:fs';
import { ConfigurationError, messageOf } from '../../core/errors.js';

/** A parsed TrueType font: metrics for layout and outlines for drawing. */
export interface ChartFont {
  /** The file it came from. */
  readonly file: string;
  /** Width of `text` in pixels at `fontSize` pixels (no kerning, like most label layout). */
  measure(text: string, fontSize: number): number;
  /**
   * The outline of `text` as SVG path data in pixels, with the pen starting at (x, y) on the
   * alphabetic baseline. Characters the font lacks are drawn as its "missing glyph" box.
   */
  outline(text: string, fontSize: number, x: number, y?: number): string;
}

/** The regular and bold faces used for charts. `bold` falls back to `regular` when absent. */
export interface ChartFonts {
  readonly regular: ChartFont;
  readonly bold: ChartFont;
}

/**
 * Where we look for a regular face and its bold sibling, first match wins. DejaVu first: it is what
 * Debian and Ubuntu install with `fonts-dejavu-core`, and its metrics are what the charts are tuned for.
 */
const FONT_CANDIDATES: readonly (readonly [regular: string, bold: string])[] = [
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  [
    '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
    '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  ],
  ['/usr/share/fonts/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/TTF/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/ttf-dejavu/DejaVuSans.ttf', '/usr/share/fonts/ttf-dejavu/DejaVuSans-Bold.ttf'],
  [
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  ],
  ['/Library/Fonts/Arial.ttf', '/Library/Fonts/Arial Bold.ttf'],
  ['/System/Library/Fonts/Supplemental/Arial.ttf', '/System/Library/Fonts/Supplemental/Arial Bold.ttf'],
  ['C:\\Windows\\Fonts\\arial.ttf', 'C:\\Windows\\Fonts\\arialbd.ttf'],
];

let cachedFonts: ChartFonts | null | undefined;
const explicitFonts = new Map<string, ChartFonts | null>();

/**
 * Finds and parses the chart fonts once per process. Returns `null` when no usable TrueType font is
 * installed (on Debian: `apt-get install fonts-dejavu-core`).
 *
 * @param files explicit `[regular, bold?]` font files, used instead of the search; `[]` means none.
 * @throws ConfigurationError when an explicit file cannot be read or is not a TrueType font (a
 * configuration mistake, unlike a missing system font).
 */
export function loadChartFonts(files?: readonly string[]): ChartFonts | null {
  if (files !== undefined) {
    const key = files.join('\n');
    let fonts = explicitFonts.get(key);
    if (fonts === undefined) {
      const [regularFile, boldFile] = files;
      const regular = regularFile === undefined ? undefined : readExplicitFont(regularFile);
      const bold = boldFile === undefined ? regular : readExplicitFont(boldFile);
      fonts = regular && bold ? { regular, bold } : null;
      explicitFonts.set(key, fonts);
    }
    return fonts;
  }
  if (cachedFonts !== undefined) return cachedFonts;
  cachedFonts = null;
  for (const [regularFile, boldFile] of FONT_CANDIDATES) {
    const regular = tryParse(regularFile);
    if (!regular) continue;
    cachedFonts = { regular, bold: tryParse(boldFile) ?? regular };
    break;
  }
  return cachedFonts;
}

function readExplicitFont(file: string): ChartFont {
  try {
    return parseTrueTypeFont(file, readFileSync(file));
  } catch (error) {
    throw new ConfigurationError(
      'fontFiles',
      `cannot use '${file}' (${messageOf(error)}); give TrueType .ttf files such as ${FONT_CANDIDATES[0]?.[0]}`,
    );
  }
}

function tryParse(file: string): ChartFont | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return parseTrueTypeFont(file, readFileSync(file));
  } catch {
    // A CFF-flavoured or damaged file: keep looking rather than fail every chart.
    return undefined;
  }
}

/** One contour point in font units. */
interface Point {
  x: number;
  y: number;
  onCurve: boolean;
}

/**
 * Outline commands in font units, y up: `M x y`, `L x y`, `Q cx cy x y`, `Z`, flattened into one
 * number array per glyph with opcodes 0 (M), 1 (L), 2 (Q), 3 (Z).
 */
type GlyphCommands = Float64Array;

/**
 * Parses the tables of a TrueType font needed for widths and outlines.
 *
 * @throws Error when the file is not a TrueType font with `glyf` outlines.
 */
export function parseTrueTypeFont(file: string, buffer: Buffer): ChartFont {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const tables = new Map<string, { offset: number; length: number }>();
  const tableCount = view.getUint16(4);
  for (let index = 0; index < tableCount; index += 1) {
    const record = 12 + index * 16;
    const tag = buffer.toString('latin1', record, record + 4);
    tables.set(tag, { offset: view.getUint32(record + 8), length: view.getUint32(record + 12) });
  }
  const table = (tag: string): number => {
    const found = tables.get(tag);
    if (!found) throw new Error(`${file}: no '${tag}' table (not a TrueType-outline font)`);
    return found.offset;
  };
  const head = table('head');
  const unitsPerEm = view.getUint16(head + 18);
  const longOffsets = view.getInt16(head + 50) === 1;
  const glyphCount = view.getUint16(table('maxp') + 4);
  const metricCount = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const loca = table('loca');
  const glyf = table('glyf');

  const advances = new Uint16Array(glyphCount);
  for (let glyph = 0; glyph < glyphCount; glyph += 1) {
    advances[glyph] = view.getUint16(hmtx + Math.min(glyph, metricCount - 1) * 4);
  }
  const glyphFor = readCharacterMap(view, table('cmap'));

  const glyphOffset = (glyph: number): [start: number, end: number] =>
    longOffsets
      ? [view.getUint32(loca + glyph * 4), view.getUint32(loca + glyph * 4 + 4)]
      : [view.getUint16(loca + glyph * 2) * 2, view.getUint16(loca + glyph * 2 + 2) * 2];

  const contoursOf = (glyph: number, depth: number): Point[][] => {
    if (glyph >= glyphCount || depth > 8) return [];
    const [start, end] = glyphOffset(glyph);
    if (end <= start) return [];
    const at = glyf + start;
    const contourCount = view.getInt16(at);
    return contourCount >= 0
      ? readSimpleGlyph(view, at, contourCount)
      : readCompositeGlyph(view, at, (component) => contoursOf(component, depth + 1));
  };

  const commandCache = new Map<number, GlyphCommands>();
  const commandsOf = (glyph: number): GlyphCommands => {
    let commands = commandCache.get(glyph);
    if (!commands) {
      commands = contoursToCommands(contoursOf(glyph, 0));
      commandCache.set(glyph, commands);
    }
    return commands;
  };

  return {
    file,
    measure(text, fontSize) {
      let units = 0;
      for (const character of text) units += advances[glyphFor(character.codePointAt(0) ?? 0)] ?? 0;
      return (units * fontSize) / unitsPerEm;
    },
    outline(text, fontSize, x, y = 0) {
      const scale = fontSize / unitsPerEm;
      let pen = x;
      const parts: string[] = [];
      for (const character of text) {
        const glyph = glyphFor(character.codePointAt(0) ?? 0);
        appendPath(parts, commandsOf(glyph), scale, pen, y);
        pen += (advances[glyph] ?? 0) * scale;
      }
      return parts.join('');
    },
  };
}

/** Returns a code point → glyph lookup from the best Unicode subtable (format 12, else format 4). */
function readCharacterMap(view: DataView, cmap: number): (codePoint: number) => number {
  const subtableCount = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let index = 0; index < subtableCount; index += 1) {
    const record = cmap + 4 + index * 8;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const offset = cmap + view.getUint32(record + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(offset);
    if (format === 12) format12 ??= offset;
    if (format === 4) format4 ??= offset;
  }
  const map = new Map<number, number>();
  if (format12 !== undefined) {
    const groupCount = view.getUint32(format12 + 12);
    for (let group = 0; group < groupCount; group += 1) {
      const at = format12 + 16 + group * 12;
      const first = view.getUint32(at);
      const last = Math.min(view.getUint32(at + 4), first + 0xffff);
      const glyph = view.getUint32(at + 8);
      for (let code = first; code <= last; code += 1) map.set(code, glyph + code - first);
    }
  } else if (format4 !== undefined) {
    const segmentCount = view.getUint16(format4 + 6) / 2;
    const ends = format4 + 14;
    const starts = ends + segmentCount * 2 + 2;
    const deltas = starts + segmentCount * 2;
    const rangeOffsets = deltas + segmentCount * 2;
    for (let segment = 0; segment < segmentCount; segment += 1) {
      const first = view.getUint16(starts + segment * 2);
      const last = view.getUint16(ends + segment * 2);
      const delta = view.getInt16(deltas + segment * 2);
      const rangeOffsetAt = rangeOffsets + segment * 2;
      const rangeOffset = view.getUint16(rangeOffsetAt);
      for (let code = first; code <= last && code !== 0xffff; code += 1) {
        let glyph: number;
        if (rangeOffset === 0) {
          glyph = (code + delta) & 0xffff;
        } else {
          const raw = view.getUint16(rangeOffsetAt + rangeOffset + (code - first) * 2);
          glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
        }
        if (glyph !== 0) map.set(code, glyph);
      }
    }
  }
  return (codePoint) => map.get(codePoint) ?? 0;
}

function readSimpleGlyph(view: DataView, at: number, contourCount: number): Point[][] {
  const endPoints: number[] = [];
  for (let index = 0; index < contourCount; index += 1) endPoints.push(view.getUint16(at + 10 + index * 2));
  const pointCount = (endPoints[endPoints.length - 1] ?? -1) + 1;
  const instructionLength = view.getUint16(at + 10 + contourCount * 2);
  let cursor = at + 12 + contourCount * 2 + instructionLength;
  const flags = new Uint8Array(pointCount);
  for (let index = 0; index < pointCount; ) {
    const flag = view.getUint8(cursor++);
    flags[index++] = flag;
    if (flag & 8) {
      // Repeat flag: the next byte says how many more points share this flag.
      let repeat = view.getUint8(cursor++);
      while (repeat-- > 0 && index < pointCount) flags[index++] = flag;
    }
  }
  const xs = new Int32Array(pointCount);
  const ys = new Int32Array(pointCount);
  const readCoordinates = (target: Int32Array, shortBit: number, sameBit: number): void => {
    let value = 0;
    for (let index = 0; index < pointCount; index += 1) {
      const flag = flags[index] ?? 0;
      if (flag & shortBit) {
        const delta = view.getUint8(cursor++);
        value += flag & sameBit ? delta : -delta;
      } else if (!(flag & sameBit)) {
        value += view.getInt16(cursor);
        cursor += 2;
      }
      target[index] = value;
    }
  };
  readCoordinates(xs, 2, 16);
  readCoordinates(ys, 4, 32);
  const contours: Point[][] = [];
  let first = 0;
  for (const last of endPoints) {
    const contour: Point[] = [];
    for (let index = first; index <= last; index += 1) {
      contour.push({ x: xs[index] ?? 0, y: ys[index] ?? 0, onCurve: ((flags[index] ?? 0) & 1) === 1 });
    }
    contours.push(contour);
    first = last + 1;
  }
  return contours;
}

function readCompositeGlyph(
  view: DataView,
  at: number,
  componentContours: (glyph: number) => Point[][],
): Point[][] {
  const contours: Point[][] = [];
  let cursor = at + 10;
  let flags: number;
  do {
    flags = view.getUint16(cursor);
    const glyph = view.getUint16(cursor + 2);
    cursor += 4;
    let dx: number;
    let dy: number;
    if (flags & 1) {
      dx = view.getInt16(cursor);
      dy = view.getInt16(cursor + 2);
      cursor += 4;
    } else {
      dx = view.getInt8(cursor);
      dy = view.getInt8(cursor + 1);
      cursor += 2;
    }
    // Point-matching placement (flag 2 clear) is rare in Latin fonts; treat it as no offset.
    if (!(flags & 2)) {
      dx = 0;
      dy = 0;
    }
    let [a, b, c, d] = [1, 0, 0, 1];
    const f2dot14 = (offset: number): number => view.getInt16(offset) / 16384;
    if (flags & 8) {
      a = d = f2dot14(cursor);
      cursor += 2;
    } else if (flags & 0x40) {
      a = f2dot14(cursor);
      d = f2dot14(cursor + 2);
      cursor += 4;
    } else if (flags & 0x80) {
      a = f2dot14(cursor);
      b = f2dot14(cursor + 2);
      c = f2dot14(cursor + 4);
      d = f2dot14(cursor + 6);
      cursor += 8;
    }
    for (const contour of componentContours(glyph)) {
      contours.push(
        contour.map((point) => ({
          x: point.x * a + point.y * c + dx,
          y: point.x * b + point.y * d + dy,
          onCurve: point.onCurve,
        })),
      );
    }
  } while (flags & 0x20);
  return contours;
}

/** Turns quadratic TrueType contours into move/line/quad commands, adding implied on-curve points. */
function contoursToCommands(contours: readonly Point[][]): GlyphCommands {
  const out: number[] = [];
  for (const contour of contours) {
    const count = contour.length;
    if (count === 0) continue;
    const point = (index: number): Point => contour[((index % count) + count) % count] as Point;
    // Start on an on-curve point; if there is none, start midway between the first two.
    let startIndex = contour.findIndex((candidate) => candidate.onCurve);
    const allOffCurve = startIndex === -1;
    let start: Point;
    if (allOffCurve) {
      const p0 = point(0);
      const p1 = point(1);
      start = { x: (p0.x + p1.x) / 2, y: (p0.y + p1.y) / 2, onCurve: true };
      startIndex = 0;
    } else {
      start = point(startIndex);
    }
    out.push(0, start.x, start.y);
    let control: Point | undefined;
    // With no on-curve point the synthetic start sits between points 0 and 1, so point 0 comes last.
    const lastStep = allOffCurve ? count : count - 1;
    for (let step = 1; step <= lastStep; step += 1) {
      const current = point(startIndex + step);
      if (current.onCurve) {
        if (control) out.push(2, control.x, control.y, current.x, current.y);
        else out.push(1, current.x, current.y);
        control = undefined;
      } else {
        // Two off-curve points in a row imply an on-curve point halfway between them.
        if (control)
          out.push(2, control.x, control.y, (control.x + current.x) / 2, (control.y + current.y) / 2);
        control = current;
      }
    }
    if (control) out.push(2, control.x, control.y, start.x, start.y);
    out.push(3);
  }
  return Float64Array.from(out);
}

/** Appends glyph commands scaled to pixels, flipped to y-down and shifted to the pen position. */
function appendPath(
  parts: string[],
  commands: GlyphCommands,
  scale: number,
  pen: number,
  baseline: number,
): void {
  const x = (value: number): string => round(pen + value * scale);
  const y = (value: number): string => round(baseline - value * scale);
  for (let index = 0; index < commands.length; ) {
    const opcode = commands[index];
    if (opcode === 0) {
      parts.push('M', x(commands[index + 1] ?? 0), ' ', y(commands[index + 2] ?? 0));
      index += 3;
    } else if (opcode === 1) {
      parts.push('L', x(commands[index + 1] ?? 0), ' ', y(commands[index + 2] ?? 0));
      index += 3;
    } else if (opcode === 2) {
      parts.push(
        'Q',
        x(commands[index + 1] ?? 0),
        ' ',
        y(commands[index + 2] ?? 0),
        ' ',
        x(commands[index + 3] ?? 0),
        ' ',
        y(commands[index + 4] ?? 0),
      );
      index += 5;
    } else {
      parts.push('Z');
      index += 1;
    }
  }
}

/** Two decimals are a hundredth of a pixel: invisible after rasterising, and keeps the SVG short. */
function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
