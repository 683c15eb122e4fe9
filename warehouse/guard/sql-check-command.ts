/**
 * `analyst sql check --jsonl FILE`: the guard's verdict for every line `{id, sql}` of a file, printed
 * as lines `{id, allowed, reason}` (reason is null when allowed). The CLI wires flags to this function.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError, messageOf } from '../../core/errors.js';
import { checkSql } from './check.js';
import { createGuardPolicy } from './policy.js';

/** Options of {@link runSqlCheckCommand}. */
export interface SqlCheckCommandOptions {
  /** A JSONL file of `{ "id": …, "sql": "…" }` lines. */
  readonly file: string;
  /** The role the statements are checked for; default 'analyst'. */
  readonly role?: string;
  /** Where lines go; default stdout. */
  readonly write?: (line: string) => void;
}

/** Counts of a run, for the CLI's exit code and summary. */
export interface SqlCheckSummary {
  readonly total: number;
  readonly allowed: number;
  readonly denied: number;
  /** Lines that were not `{id, sql}` JSON (each still printed, as denied). */
  readonly invalid: number;
}

/** One printed line. */
export interface SqlCheckLine {
  readonly id: unknown;
  readonly allowed: boolean;
  readonly reason: string | null;
  readonly code?: string;
}

/**
 * Checks every statement of a JSONL file and prints one verdict line per input line, in order.
 *
 * @example
 * await runSqlCheckCommand({ file: 'tests/fixtures/sql/hostile.jsonl', role: 'analyst' });
 * // {"id":"h001","allowed":false,"reason":"multiple statements are not allowed","code":"sql_multiple_statements"}
 */
export async function runSqlCheckCommand(options: SqlCheckCommandOptions): Promise<SqlCheckSummary> {
  let content: string;
  try {
    content = await readFile(options.file, 'utf8');
  } catch (error) {
    throw new InvalidInputError('file_unreadable', `Cannot read ${options.file}: ${messageOf(error)}`);
  }
  const policy = createGuardPolicy({ role: options.role ?? 'analyst' });
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let allowed = 0;
  let denied = 0;
  let invalid = 0;
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    if (raw === '') continue;
    let output: SqlCheckLine;
    const input = parseLine(raw);
    if (input.sql === undefined) {
      invalid++;
      output = {
        id: input.id,
        allowed: false,
        reason: `line ${index + 1} is not a JSON object with a string "sql"`,
        code: 'input_invalid',
      };
    } else {
      const verdict = checkSql(input.sql, policy);
      output = verdict.allowed
        ? { id: input.id, allowed: true, reason: null }
        : { id: input.id, allowed: false, reason: verdict.reason, code: verdict.code };
    }
    if (output.allowed) allowed++;
    else denied++;
    write(JSON.stringify(output));
  }
  return { total: allowed + denied, allowed, denied, invalid };
}

function parseLine(raw: string): { id: unknown; sql: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { id: null, sql: undefined };
  }
  if (value === null || typeof value !== 'object') return { id: null, sql: undefined };
  const record = value as Record<string, unknown>;
  const sql = record['sql'];
  return { id: record['id'] ?? null, sql: typeof sql === 'string' ? sql : undefined };
}
