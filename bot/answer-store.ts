/**
 * Answers posted to Slack and Discord, kept for their buttons. "Show SQL", "Download CSV" and "Explain"
 * arrive minutes later, maybe on another instance, so what they need is stored by answer id rather than
 * packed into the button (Slack allows 2,000 characters per value, Discord 100 per custom id).
 */
import type { ExecutedSql } from '../tools/define-tool.js';
import type { SqlConnection } from '../warehouse/connection.js';
import type { TextTable } from './render/table.js';

/** Everything the answer buttons show, as computed for the asker (already masked for their role). */
export interface AnswerRecord {
  readonly answerId: string;
  readonly surface: string;
  readonly conversationId: string | undefined;
  readonly askerId: string;
  readonly askerRole: string;
  readonly question: string;
  readonly route: { readonly tool: string; readonly args: Readonly<Record<string, unknown>> };
  /** The text shown: the summary, or the clarifying question or error. */
  readonly text: string;
  readonly table: TextTable | undefined;
  readonly sql: readonly ExecutedSql[];
  readonly definitions: readonly string[];
  readonly rowCount: number;
  readonly truncated: boolean;
  readonly durationMs: number;
  readonly createdAt: string;
}

/** Stores answers for their buttons. */
export interface AnswerStore {
  save(record: AnswerRecord): Promise<void>;
  /** The record, or undefined when it is unknown or expired. */
  load(answerId: string): Promise<AnswerRecord | undefined>;
  /** Deletes expired answers; returns how many. */
  purge(): Promise<number>;
}

/** Options of {@link createSqlAnswerStore}. */
export interface SqlAnswerStoreOptions {
  /** How long buttons keep working. Default 30 days. */
  readonly ttlMs?: number;
  readonly now?: () => Date;
}

/** An {@link AnswerStore} on `app.surface_answers` (migration `chat-surfaces`). */
export function createSqlAnswerStore(app: SqlConnection, options: SqlAnswerStoreOptions = {}): AnswerStore {
  const now = options.now ?? (() => new Date());
  const ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
  return {
    async save(record) {
      const { answerId, surface, conversationId, askerId, askerRole, createdAt, ...payload } = record;
      await app.query(
        `INSERT INTO app.surface_answers
           (answer_id, surface, conversation_id, asker_id, asker_role, payload, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (answer_id) DO UPDATE SET payload = EXCLUDED.payload`,
        [
          answerId,
          surface,
          conversationId ?? null,
          askerId,
          askerRole,
          JSON.stringify(payload),
          createdAt,
          new Date(now().getTime() + ttlMs).toISOString(),
        ],
      );
    },
    async load(answerId) {
      const { rows } = await app.query<{
        answer_id: string;
        surface: string;
        conversation_id: string | null;
        asker_id: string;
        asker_role: string;
        payload: unknown;
        created_at: string;
      }>(
        `SELECT answer_id, surface, conversation_id, asker_id, asker_role, payload, created_at
         FROM app.surface_answers WHERE answer_id = $1 AND expires_at > $2`,
        [answerId, now().toISOString()],
      );
      const row = rows[0];
      if (!row) return undefined;
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Omit<
        AnswerRecord,
        'answerId' | 'surface' | 'conversationId' | 'askerId' | 'askerRole' | 'createdAt'
      >;
      return {
        ...payload,
        answerId: row.answer_id,
        surface: row.surface,
        conversationId: row.conversation_id ?? undefined,
        askerId: row.asker_id,
        askerRole: row.asker_role,
        createdAt: new Date(row.created_at).toISOString(),
      };
    },
    async purge() {
      const { rows } = await app.query<{ answer_id: string }>(
        'DELETE FROM app.surface_answers WHERE expires_at <= $1 RETURNING answer_id',
        [now().toISOString()],
      );
      return rows.length;
    },
  };
}
