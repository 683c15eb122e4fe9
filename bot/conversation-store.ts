import type { SqlConnection } from '../warehouse/connection.js';

/** One turn of a conversation, as the router sees history. */
export interface ConversationTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
  /** The route the bot took for this turn (assistant turns), so follow-ups can reuse its arguments. */
  readonly route?: { tool: string; args: Record<string, unknown> } | undefined;
}

/** History per conversation (a terminal session, a Slack or Discord thread). */
export interface ConversationStore {
  history(conversationId: string, limit?: number): Promise<ConversationTurn[]>;
  append(conversationId: string, surface: string, turn: ConversationTurn): Promise<void>;
}

/** A conversation store in the app database (`app.conversations`, `app.conversation_turns`). */
export function createConversationStore(app: SqlConnection): ConversationStore {
  return {
    async history(conversationId, limit = 10) {
      const { rows } = await app.query<{ role: string; content: string; route: unknown }>(
        `SELECT role, content, route FROM (
           SELECT turn_id, role, content, route FROM app.conversation_turns WHERE conversation_id = $1 ORDER BY turn_id DESC LIMIT $2
         ) recent ORDER BY turn_id`,
        [conversationId, limit],
      );
      return rows.map((row) => ({
        role: row.role === 'assistant' ? 'assistant' : 'user',
        content: row.content,
        route: parseRoute(row.route),
      }));
    },
    async append(conversationId, surface, turn) {
      await app.transaction(async (transaction) => {
        await transaction.query(
          `INSERT INTO app.conversations (conversation_id, surface) VALUES ($1, $2)
           ON CONFLICT (conversation_id) DO UPDATE SET updated_at = now()`,
          [conversationId, surface],
        );
        await transaction.query(
          'INSERT INTO app.conversation_turns (conversation_id, role, content, route) VALUES ($1, $2, $3, $4)',
          [conversationId, turn.role, turn.content, turn.route ? JSON.stringify(turn.route) : null],
        );
      });
    },
  };
}

function parseRoute(value: unknown): ConversationTurn['route'] {
  if (value === null || value === undefined) return undefined;
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (parsed && typeof parsed === 'object' && 'tool' in parsed) return parsed as ConversationTurn['route'];
  return undefined;
}
