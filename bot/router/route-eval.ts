/**
 * Routing evaluation: reads question sets in the format of `../shared/eval/routes.dev.jsonl`, routes them,
 * and scores the routes with the rules of `../shared/eval/score-routes.mjs` (ported here so the extra
 * question sets can be scored when /work/shared is absent; the routing test checks both agree).
 */
import { readFileSync } from 'node:fs';
import type { ConversationTurn } from '../conversation-store.js';
import type { Router } from './types.js';

/** One expected line: `{id, question, history?, expect: {tool, args}, loose?}`. */
export interface ExpectedRoute {
  readonly id: string;
  readonly question: string;
  readonly history?: readonly ConversationTurn[];
  readonly expect: { readonly tool: string; readonly args: Record<string, unknown> };
  /** Free-text arguments that match by content words (a search query, a topic). */
  readonly loose?: readonly string[];
}

/** One routed line, as `analyst route --jsonl` prints it. */
export interface ActualRoute {
  readonly id: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/** Scores of one set, shaped like `score-routes.mjs --json`. */
export interface RouteScore {
  readonly n: number;
  /** Tool and every argument right. */
  readonly accuracy: number;
  /** Tool right. */
  readonly tool_accuracy: number;
  readonly by_tool: Record<string, { n: number; ok: number }>;
  readonly misses: ReadonlyArray<{ id: string; question: string; why: string }>;
}

/** Reads a JSONL question set. */
export function readRouteSet(path: string): ExpectedRoute[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as ExpectedRoute;
      } catch {
        throw new Error(`${path}:${index + 1}: not JSON`);
      }
    });
}

/**
 * Routes every question of a set with `now` as the clock. Timings per question come back too: wall
 * milliseconds, and CPU milliseconds of the process (which a busy shared machine inflates less).
 */
export async function routeSet(
  router: Router,
  set: readonly ExpectedRoute[],
  now: Date,
): Promise<{ routes: ActualRoute[]; milliseconds: Float64Array; cpuMilliseconds: Float64Array }> {
  const routes: ActualRoute[] = [];
  const milliseconds = new Float64Array(set.length);
  const cpuMilliseconds = new Float64Array(set.length);
  for (const [index, item] of set.entries()) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const route = await router.route(item.question, { now, history: item.history ?? [] });
    milliseconds[index] = performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMilliseconds[index] = (used.user + used.system) / 1000;
    routes.push({ id: item.id, tool: route.tool, args: route.args });
  }
  return { routes, milliseconds, cpuMilliseconds };
}

// The rules below mirror score-routes.mjs line by line; keep them in step with it.
const DEFAULTS: Readonly<Record<string, Record<string, unknown>>> = {
  recommend_for_user: { k: 5 },
  similar_items: { k: 5 },
  feedback_search: { k: 10 },
};
const ALWAYS: Readonly<Record<string, readonly string[]>> = {
  metric_query: ['group_by', 'filters', 'compare'],
};
const STOP = new Set(
  'a an the of for in on to and or with about by from what which how is are was were do does did our we my me show tell give find any all that this these those it its be been most top some please'.split(
    ' ',
  ),
);

function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    const items = value
      .map(normalise)
      .map((item) => JSON.stringify(item))
      .sort();
    return items.length ? items : null;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined && record[key] !== null)
      .sort();
    if (!keys.length) return null;
    return Object.fromEntries(
      keys.map((key) => {
        const item = record[key];
        return [key, normalise(Array.isArray(item) && item.length === 1 ? item[0] : item)];
      }),
    );
  }
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(value.trim())) {
      return new Date(value).toISOString();
    }
    const text = value.trim().toLowerCase();
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  return value;
}

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
const contentWords = (text: unknown): string[] =>
  (
    String(text ?? '')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  ).filter((word) => !STOP.has(word));

function looseMatch(expected: unknown, actual: unknown): boolean {
  const have = contentWords(actual);
  const stem = (a: string, b: string) => {
    const length = Math.min(5, a.length, b.length);
    return a.slice(0, length) === b.slice(0, length);
  };
  return contentWords(expected).every((word) => have.some((candidate) => stem(word, candidate)));
}

/** Why a route is wrong, or undefined when it is right (the rules of score-routes.mjs). */
export function checkRoute(expected: ExpectedRoute, actual: ActualRoute | undefined): string | undefined {
  if (!actual) return 'no output';
  const { tool } = expected.expect;
  if (actual.tool !== tool) return `tool ${actual.tool} != ${tool}`;
  const args: Record<string, unknown> = { ...(DEFAULTS[tool] ?? {}), ...actual.args };
  const want: Record<string, unknown> = { ...(DEFAULTS[tool] ?? {}), ...expected.expect.args };
  const names = new Set([...Object.keys(want), ...(ALWAYS[tool] ?? [])]);
  for (const name of names) {
    const ok = (expected.loose ?? []).includes(name)
      ? looseMatch(want[name], args[name])
      : same(want[name], args[name]);
    if (!ok) return `${name}: got ${JSON.stringify(args[name])}, want ${JSON.stringify(want[name])}`;
  }
  return undefined;
}

/** Scores routed lines against a set. */
export function scoreRoutes(expected: readonly ExpectedRoute[], actual: readonly ActualRoute[]): RouteScore {
  const byId = new Map(actual.map((route) => [String(route.id), route]));
  const byTool: Record<string, { n: number; ok: number }> = {};
  const misses: Array<{ id: string; question: string; why: string }> = [];
  let right = 0;
  let toolRight = 0;
  for (const item of expected) {
    const route = byId.get(String(item.id));
    const why = checkRoute(item, route);
    const entry = byTool[item.expect.tool] ?? { n: 0, ok: 0 };
    byTool[item.expect.tool] = entry;
    entry.n++;
    if (route && route.tool === item.expect.tool) toolRight++;
    if (why) misses.push({ id: item.id, question: item.question, why });
    else {
      right++;
      entry.ok++;
    }
  }
  const n = expected.length;
  return { n, accuracy: n ? right / n : 0, tool_accuracy: n ? toolRight / n : 0, by_tool: byTool, misses };
}
