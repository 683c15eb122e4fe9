import type { z } from 'zod';
import type { Random } from '../core/random.js';
import type { SqlConnection } from '../warehouse/connection.js';

/** Roles of the people who ask (permissions per tool come with the security work). */
export type Role = 'analyst' | 'compliance' | 'support' | 'admin';

/** Who is asking, and where. */
export interface Asker {
  readonly id: string;
  readonly role: Role;
  /** 'cli', 'slack', 'discord', 'test', … */
  readonly surface: string;
  readonly channel?: string;
}

/** One record of the audit trail: questions, routes, tool calls and SQL statements. */
export interface AuditEntry {
  readonly kind: 'question' | 'route' | 'tool_call' | 'sql' | 'answer' | 'denied';
  readonly question?: string;
  readonly tool?: string;
  readonly args?: unknown;
  readonly sql?: string;
  readonly rowCount?: number;
  readonly durationMs?: number;
  readonly masked?: boolean;
  readonly allowed?: boolean;
  readonly error?: string;
}

/** Appends to the audit log. Implementations must never throw into the caller's work. */
export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

/** Everything a tool may touch: data, the clock and randomness come in here, never from globals. */
export interface ToolContext {
  readonly warehouse: SqlConnection;
  readonly app: SqlConnection;
  readonly now: Date;
  readonly random: Random;
  readonly asker: Asker;
  readonly audit: AuditSink;
  /** Row cap for results shown to people. */
  readonly maxRows: number;
  /** Statement timeout for ad-hoc SQL. */
  readonly statementTimeoutMs: number;
}

/** A statement a tool ran, kept on its result for "how did you get this?" and the audit log. */
export interface ExecutedSql {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly rowCount: number;
  readonly durationMs: number;
}

/** What every tool returns: its own typed data plus the SQL behind it. */
export interface ToolResultBase {
  readonly sql: readonly ExecutedSql[];
}

/** A typed tool: name, description for people and LLMs, zod input, and `run`. */
export interface Tool<Input extends z.ZodType = z.ZodType, Result extends ToolResultBase = ToolResultBase> {
  readonly name: string;
  readonly description: string;
  readonly input: Input;
  run(input: z.infer<Input>, context: ToolContext): Promise<Result>;
}

/**
 * Declares a tool. It returns its argument unchanged and exists only so TypeScript infers `run`'s
 * input from the zod schema.
 *
 * @example
 * export const describeDataTool = defineTool({
 *   name: 'describe_data',
 *   description: 'Lists metrics and dimensions',
 *   input: z.object({ subject: z.string().optional() }),
 *   async run(input, context) { … },
 * });
 */
export function defineTool<Input extends z.ZodType, Result extends ToolResultBase>(
  tool: Tool<Input, Result>,
): Tool<Input, Result> {
  return tool;
}

/**
 * Runs a statement on the warehouse, timing it and writing it to the audit log.
 * Tools call this instead of `warehouse.query` so no statement escapes the log.
 */
export async function runAuditedQuery<Row = Record<string, unknown>>(
  context: ToolContext,
  tool: string,
  sql: string,
  params: readonly unknown[] = [],
  connection: SqlConnection = context.warehouse,
): Promise<{ rows: Row[]; executed: ExecutedSql }> {
  const started = performance.now();
  try {
    const { rows } = await connection.query<Row>(sql, params);
    const durationMs = performance.now() - started;
    await context.audit.record({ kind: 'sql', tool, sql, rowCount: rows.length, durationMs });
    return { rows, executed: { sql, params, rowCount: rows.length, durationMs } };
  } catch (error) {
    await context.audit.record({
      kind: 'sql',
      tool,
      sql,
      durationMs: performance.now() - started,
      error: (error as Error).message,
    });
    throw error;
  }
}
