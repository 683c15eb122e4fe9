/**
 * The error hierarchy. Every failure the bot can explain carries a stable `code` and keeps its facts in
 * readonly fields, so surfaces can render a short message and tests can pin it.
 *
 * Two families: {@link InvalidInputError} (the asker can fix it: unknown metric, ambiguous date, a
 * statement that is not a SELECT) and everything else (a system failed: warehouse down, model missing).
 */
export class AnalystError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** True for errors the asker can fix by rephrasing; false for system failures. */
  get isUserError(): boolean {
    return false;
  }
}

/** Bad input from a person or a model: shown as-is, never logged as a system failure. */
export class InvalidInputError extends AnalystError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }

  override get isUserError(): boolean {
    return true;
  }
}

/** A name that is not in a catalogue; the message lists what exists and the closest match. */
export class UnknownNameError extends InvalidInputError {
  readonly kind: string;
  readonly input: string;
  readonly available: readonly string[];
  readonly closest: string | undefined;

  constructor(options: { code: string; kind: string; input: string; available: readonly string[] }) {
    const closest = closestName(options.input, options.available);
    const hint = closest ? ` Did you mean '${closest}'?` : '';
    super(
      options.code,
      `Unknown ${options.kind} '${options.input}'.${hint} Available: ${options.available.join(', ')}.`,
    );
    this.kind = options.kind;
    this.input = options.input;
    this.available = options.available;
    this.closest = closest;
  }
}

/** Arguments that do not match a tool's schema (a zod failure), with the paths that failed. */
export class InvalidArgumentsError extends InvalidInputError {
  readonly tool: string;
  readonly problems: readonly string[];

  constructor(tool: string, problems: readonly string[]) {
    super('arguments_invalid', `Invalid arguments for ${tool}: ${problems.join('; ')}.`);
    this.tool = tool;
    this.problems = problems;
  }
}

/** The warehouse rejected or failed a statement. The SQL stays in `sql` for the audit log, not the message. */
export class WarehouseQueryError extends AnalystError {
  readonly sql: string;

  constructor(sql: string, cause: unknown) {
    super('warehouse_query_failed', `The warehouse query failed: ${messageOf(cause)}`, { cause });
    this.sql = sql;
  }
}

/** Configuration that cannot work; the message names the variable and what it should look like. */
export class ConfigurationError extends AnalystError {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super('configuration_invalid', `${variable}: ${message}`);
    this.variable = variable;
  }
}

/** A capability that is routed but not built yet (answers "not available yet" instead of guessing). */
export class NotAvailableError extends AnalystError {
  readonly feature: string;

  constructor(feature: string, detail?: string) {
    super('not_available', `${feature} is not available yet${detail ? `: ${detail}` : '.'}`);
    this.feature = feature;
  }
}

/** Wraps anything thrown into an AnalystError, keeping the original as `cause`. Use only at the edges. */
export function asAnalystError(error: unknown): AnalystError {
  if (error instanceof AnalystError) return error;
  return new AnalystError('internal_error', `Something went wrong: ${messageOf(error)}`, { cause: error });
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Damerau-free Levenshtein distance, small inputs only (catalogue names). */
export function editDistance(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The available name closest to `input` (prefix or edit distance), or undefined when none is close. */
export function closestName(input: string, available: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const name of available) {
    const candidate = name.toLowerCase();
    const score =
      candidate.includes(needle) || needle.includes(candidate) ? 0.5 : editDistance(needle, candidate);
    if (score < bestScore) {
      bestScore = score;
      best = name;
    }
  }
  return bestScore <= Math.max(2, needle.length / 3) ? best : undefined;
}
