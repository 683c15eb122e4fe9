/**
 * The grounding check: every figure in a summary must be a (rounded) value of the tool result.
 * Dates (YYYY-MM-DD, times) are not figures; the range they describe is checked by the route tests.
 */

/** A figure found in a summary. */
export interface SummaryFigure {
  readonly text: string;
  /** The value the text stands for, in the result's units (percent as a ratio: '12.5%' → 0.125). */
  readonly value: number;
  /** Half a unit of the last printed digit, scaled: how far the result's value may be. */
  readonly tolerance: number;
  readonly percent: boolean;
}

const FIGURE = /[-+]?\$?\d[\d,]*(?:\.\d+)?(?:[KMB](?![a-z]))?%?/g;
const DATE_OR_TIME = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?\b|\b\d{2}:\d{2}\b/g;

/** Figures printed in a text, with the value and rounding tolerance each stands for. */
export function figuresIn(text: string): SummaryFigure[] {
  const withoutDates = text.replace(DATE_OR_TIME, ' ');
  const figures: SummaryFigure[] = [];
  for (const match of withoutDates.matchAll(FIGURE)) {
    const raw = match[0];
    const percent = raw.endsWith('%');
    const scale = raw.includes('B') ? 1e9 : raw.includes('M') ? 1e6 : raw.includes('K') ? 1e3 : 1;
    const numeric = raw.replace(/[$,%KMB+]/g, '');
    const value = Number(numeric);
    if (!Number.isFinite(value)) continue;
    const decimals = numeric.includes('.') ? numeric.split('.')[1]!.length : 0;
    const tolerance = (0.5 * 10 ** -decimals * scale) / (percent ? 100 : 1) + 1e-9;
    figures.push({ text: raw, value: (value * scale) / (percent ? 100 : 1), tolerance, percent });
  }
  return figures;
}

/** Every number anywhere in a result (nested objects, arrays, and numbers inside strings). */
export function numbersIn(result: unknown, into: number[] = [], depth = 0): number[] {
  if (depth > 8 || result === null || result === undefined) return into;
  if (typeof result === 'number') {
    if (Number.isFinite(result)) into.push(result);
  } else if (typeof result === 'string') {
    for (const match of result.replace(DATE_OR_TIME, ' ').matchAll(/-?\d+(?:\.\d+)?/g))
      into.push(Number(match[0]));
  } else if (Array.isArray(result)) {
    into.push(result.length); // "52 rows", "14 metrics": counts of what the result lists
    for (const item of result) numbersIn(item, into, depth + 1);
  } else if (typeof result === 'object') {
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
      if (key === 'sql') continue; // statements and their parameters are not evidence for a figure
      numbersIn(value, into, depth + 1);
    }
  }
  return into;
}

/**
 * Figures of `summary` that match no value of `result` (empty = grounded). A figure matches a value
 * when it is the value rounded as printed; signs are compared as printed, so '-$3.8K' needs −3,800.
 */
export function ungroundedFigures(summary: string, result: unknown): SummaryFigure[] {
  const values = numbersIn(result);
  return figuresIn(summary).filter((figure) => {
    const candidates =
      figure.text.startsWith('-') || figure.text.startsWith('+')
        ? [figure.value]
        : [figure.value, -figure.value];
    return !values.some((value) =>
      candidates.some((candidate) => Math.abs(value - candidate) <= figure.tolerance),
    );
  });
}
