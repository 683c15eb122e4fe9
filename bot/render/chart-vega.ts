/**
 * Vega-Lite → SVG in Node, headless and offline.
 *
 * Charts are built by our own code (`chart.ts`), never by a model, and still every spec passes two
 * locks before Vega sees it: a scan that rejects any `url`/`href` outside inline data values, and a
 * loader that refuses every load, so Vega can never open a file or a socket.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { AnalystError } from '../../core/errors.js';
import type { ChartFonts } from './chart-font.js';

/** A chart spec that cannot be drawn, or one that asked for an external resource. */
export class ChartSpecError extends AnalystError {
  readonly problem: string;

  constructor(problem: string) {
    super('chart_spec_invalid', `Cannot draw the chart: ${problem}.`);
    this.problem = problem;
  }
}

/** Thrown by the offline loader: Vega asked for a URL or a file. */
export class ChartLoadRefusedError extends AnalystError {
  readonly uri: string;

  constructor(uri: string) {
    super('chart_load_refused', `Charts never load external resources; refused '${uri}'.`);
    this.uri = uri;
  }
}

/**
 * A Vega loader that refuses everything (data URLs, images, files, links). Charts carry their data
 * inline, so anything that reaches the loader is a mistake or an attack.
 */
export const offlineLoader: vega.Loader = {
  load: (uri) => Promise.reject(new ChartLoadRefusedError(uri)),
  sanitize: (uri) => Promise.reject(new ChartLoadRefusedError(uri)),
  http: (uri) => Promise.reject(new ChartLoadRefusedError(uri)),
  file: (filename) => Promise.reject(new ChartLoadRefusedError(filename)),
};

/**
 * Throws {@link ChartSpecError} when a Vega or Vega-Lite spec refers to anything outside itself:
 * a `url` (data, images) or an `href` (links), at any depth. Inline `values` are data, not
 * instructions, so they are not scanned (a column may well be called `url`).
 */
export function assertSelfContained(spec: unknown, path = 'spec'): void {
  if (Array.isArray(spec)) {
    spec.forEach((item, index) => {
      assertSelfContained(item, `${path}[${index}]`);
    });
    return;
  }
  if (spec === null || typeof spec !== 'object') return;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'values' && Array.isArray(value)) continue;
    if (key === 'url' || key === 'href') {
      throw new ChartSpecError(`${path}.${key} refers to an external resource; charts take inline data only`);
    }
    assertSelfContained(value, `${path}.${key}`);
  }
}

/** The shape of Vega's text measurement hook (not in its type declarations). */
interface VegaTextMetrics {
  width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number;
}

let measureWithFonts: VegaTextMetrics['width'] = (item, text) =>
  0.6 * (item.fontSize ?? 11) * String(text ?? '').trim().length;

/**
 * Points Vega's text measurement at the real font (or a calibrated estimate without one). Without
 * this, Vega in Node guesses 0.8 em per character and lays out axes for text far wider than drawn.
 * Takes effect for renders started after the call (see {@link installTextMetrics}).
 */
export function useChartFonts(fonts: ChartFonts | null): void {
  measureWithFonts = (item, text) => {
    // Vega trims lines before drawing them; measure what it draws. Truncation is ours (`chart.ts`).
    const line = String(text ?? '').trim();
    const fontSize = item.fontSize ?? 11;
    if (!fonts) return 0.6 * fontSize * line.length;
    return (isBold(item.fontWeight) ? fonts.bold : fonts.regular).measure(line, fontSize);
  };
}

let installation: Promise<void> | undefined;

/**
 * Installs our measurement in every copy of `vega-scenegraph` that Vega loads. There is more than
 * one: vega 6.2 pins vega-scenegraph ~5.1 (used for layout, and what `vega.textMetrics` is) while
 * vega-view, vega-parser and vega-label need ^5.2 and get their own copy (used to draw the SVG,
 * where labels are truncated). Patching only one makes layout and drawing disagree. Each copy is
 * found the way its importer finds it, so this holds for hoisted and nested installs alike.
 */
export function installTextMetrics(): Promise<void> {
  installation ??= (async () => {
    const hook: VegaTextMetrics['width'] = (item, text) => measureWithFonts(item, text);
    (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics.width = hook;
    for (const file of scenegraphCopies()) {
      const copy = (await import(pathToFileURL(file).href)) as { textMetrics?: VegaTextMetrics };
      if (copy.textMetrics) copy.textMetrics.width = hook;
    }
  })();
  return installation;
}

/** Entry files of the vega-scenegraph copies reachable from `vega` through its own packages. */
function scenegraphCopies(): Set<string> {
  const importers = [
    'vega-view',
    'vega-view-transforms',
    'vega-parser',
    'vega-functions',
    'vega-label',
    'vega-encode',
  ];
  const found = new Set<string>();
  const visited = new Set<string>();
  const visit = (fromFile: string, depth: number): void => {
    const resolveFrom = createRequire(fromFile);
    try {
      found.add(resolveFrom.resolve('vega-scenegraph'));
    } catch {
      // Not reachable from here: nothing to patch on this path.
    }
    if (depth === 0) return;
    for (const name of importers) {
      let entry: string;
      try {
        entry = resolveFrom.resolve(name);
      } catch {
        continue;
      }
      if (visited.has(entry)) continue;
      visited.add(entry);
      visit(entry, depth - 1);
    }
  };
  try {
    visit(createRequire(import.meta.url).resolve('vega'), 2);
  } catch {
    // vega not resolvable through require (unexpected layout): the main copy is patched anyway.
  }
  return found;
}

/** True for the CSS weights that map to the bold face. */
export function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/**
 * Compiles Vega-Lite to Vega, keeping Vega-Lite's warnings (it would print them on the console).
 *
 * @throws ChartSpecError when Vega-Lite cannot compile the spec.
 */
export function compileVegaLite(spec: TopLevelSpec): { vega: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger = createCollectingLogger(errors, warnings);
  try {
    const { spec: compiled } = compile(spec, { logger: logger as CompileLogger });
    return { vega: compiled, warnings: [...warnings, ...errors] };
  } catch (error) {
    throw new ChartSpecError(`Vega-Lite rejected the spec (${(error as Error).message})`);
  }
}

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string with no DOM, no canvas and no network.
 *
 * @throws ChartSpecError when the spec refers to a URL or cannot be compiled.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  assertSelfContained(spec);
  await installTextMetrics();
  const { vega: vegaSpec } = compileVegaLite(spec);
  const errors: string[] = [];
  const warnings: string[] = [];
  const view = new vega.View(vega.parse(vegaSpec), {
    renderer: 'none',
    loader: offlineLoader,
    logger: createCollectingLogger(errors, warnings),
  });
  try {
    const svg = await view.toSVG();
    // Vega reports dataflow failures to its logger and carries on with a half-drawn chart (a refused
    // load is only a warning, "Loading failed"); a half-drawn chart is worse than an error.
    const failures = [...errors, ...warnings.filter((warning) => warning.startsWith('Loading failed'))];
    if (failures.length > 0) throw new ChartSpecError(failures.join('; '));
    return svg;
  } finally {
    view.finalize();
  }
}

type VegaLogger = NonNullable<vega.ViewOptions['logger']>;
type CompileLogger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** A logger that keeps errors (and warnings, when asked) for the caller: charts never write to stdout. */
function createCollectingLogger(errors: string[], warnings?: string[]): VegaLogger {
  let level: number = vega.Error;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings?.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as VegaLogger;
}
