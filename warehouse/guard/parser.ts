/**
 * The real PostgreSQL parser (libpg-query, PostgreSQL 18's grammar compiled to WASM), loaded once when
 * this module is imported so that the guard can stay synchronous. Every decision of the guard is made
 * on the parse tree or on the parser's own token stream, never on regular expressions over the text.
 */
import { loadModule, parseSync, scanSync } from 'libpg-query';

// Top-level await: the sync API needs the WASM module loaded, and loading takes ~25 ms once per process.
await loadModule();

/** A node of the raw parse tree as libpg-query prints it: `{ "SelectStmt": { … } }` and plain structs. */
export type AstObject = { readonly [key: string]: unknown };

/** One statement of a parsed input. */
export interface ParsedStatement {
  /** The wrapped statement node, e.g. `{ SelectStmt: { … } }`. */
  readonly stmt: AstObject;
  /** Byte offset of the statement in the UTF-8 input. */
  readonly location: number;
  /** Byte length of the statement (0 = to the end of the input). */
  readonly length: number;
}

/** A token of the PostgreSQL scanner, with byte offsets into the UTF-8 input. */
export interface SqlToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly tokenName: string;
  readonly keywordKind: number;
}

/**
 * Parses SQL into its statements. Throws what the parser throws (a `SqlError` with the PostgreSQL
 * message) or a `RangeError` for inputs nested too deeply to print as JSON.
 */
export function parseStatements(sql: string): ParsedStatement[] {
  const result = parseSync(sql) as unknown as {
    stmts?: { stmt?: AstObject; stmt_location?: number; stmt_len?: number }[];
  };
  return (result.stmts ?? []).map((entry) => ({
    stmt: entry.stmt ?? {},
    location: entry.stmt_location ?? 0,
    length: entry.stmt_len ?? 0,
  }));
}

/** The scanner's tokens (comments included). Throws on unterminated literals. */
export function scanTokens(sql: string): SqlToken[] {
  return scanSync(sql).tokens.map((token) => ({
    start: token.start,
    end: token.end,
    text: token.text,
    tokenName: token.tokenName,
    keywordKind: token.keywordKind,
  }));
}

/** The single key of a wrapped node (`{ SelectStmt: {…} }` → 'SelectStmt'), or undefined for a plain struct. */
export function nodeType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  const first = key.charCodeAt(0);
  // Node type names start with an upper-case letter; struct fields (relname, args, …) never do.
  if (first < 65 || first > 90) return undefined;
  const inner = (value as AstObject)[key];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? key : undefined;
}

/** The payload of a wrapped node of a given type, or undefined. */
export function nodeOf(value: unknown, type: string): AstObject | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const inner = (value as AstObject)[type];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner)
    ? (inner as AstObject)
    : undefined;
}

/** The `sval` of a `{ String: { sval } }` node, or undefined. */
export function stringValue(value: unknown): string | undefined {
  const node = nodeOf(value, 'String');
  const text = node?.['sval'];
  return typeof text === 'string' ? text : node ? '' : undefined;
}

/** An array field of a struct, or an empty array. */
export function listField(node: AstObject | undefined, key: string): readonly unknown[] {
  const value = node?.[key];
  return Array.isArray(value) ? value : [];
}

/** An object field of a struct, or undefined. */
export function objectField(node: AstObject | undefined, key: string): AstObject | undefined {
  const value = node?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as AstObject)
    : undefined;
}

/** The names of a list of `String` nodes (a qualified name: `['pg_catalog', 'pg_sleep']`). */
export function namesOf(list: readonly unknown[]): string[] {
  return list.map((item) => stringValue(item) ?? '');
}

/** An identifier as a person would write it: plain lower-case names bare, anything else double-quoted. */
export function quoteForDisplay(name: string): string {
  let plain = name.length > 0;
  for (let index = 0; index < name.length && plain; index++) {
    const code = name.charCodeAt(index);
    const letter = (code >= 97 && code <= 122) || code === 95;
    const digit = code >= 48 && code <= 57;
    plain = letter || (index > 0 && (digit || code === 36));
  }
  return plain ? name : `"${name.replaceAll('"', '""')}"`;
}
