/**
 * A fake of our own {@link AskPipeline} interface for surface tests: it records every request with the
 * history the conversation store held for it, remembers the turn as the real pipeline does, and answers
 * with a fixed metric outcome (headline, a 7-row table, a line chart, one SQL statement).
 */
import type { AskOutcome, AskPipeline, AskRequest } from '../../bot/ask.js';
import type { ConversationStore, ConversationTurn } from '../../bot/conversation-store.js';

/** One recorded call. */
export interface RecordedAsk {
  readonly request: AskRequest;
  /** The conversation's history when the question arrived. */
  readonly history: readonly ConversationTurn[];
}

/** The fake. */
export interface FakePipeline extends AskPipeline {
  readonly asks: RecordedAsk[];
}

/** Daily volumes of the sample answer. */
export const SAMPLE_ROWS = [
  { period: '2026-11-17', value: 1_250_000 },
  { period: '2026-11-18', value: 1_410_000 },
  { period: '2026-11-19', value: 980_000 },
  { period: '2026-11-20', value: 1_120_000 },
  { period: '2026-11-21', value: 1_530_000 },
  { period: '2026-11-22', value: 870_000 },
  { period: '2026-11-23', value: 1_040_000 },
] as const;

/** The summary of the sample answer (its first sentence is the headline). */
export const SAMPLE_SUMMARY =
  'Daily trading volume, 17–23 Nov 2026: overall $8.2M; highest 2026-11-21 ($1.53M), lowest 2026-11-22 ($870K). 7 rows.';

/** The SQL of the sample answer. */
export const SAMPLE_SQL =
  'SELECT day AS period, sum(volume_usd) AS value FROM trades_daily WHERE day >= $1 AND day < $2 GROUP BY 1 ORDER BY 1';

/** A metric answer with a table of `rows` rows (7 by default, more repeat the pattern) and a chart. */
export function sampleOutcome(options: { rows?: number; durationMs?: number } = {}): AskOutcome {
  const count = options.rows ?? SAMPLE_ROWS.length;
  const rows = Array.from({ length: count }, (_, index) => {
    const base = SAMPLE_ROWS[index % SAMPLE_ROWS.length]!;
    return {
      period: count === SAMPLE_ROWS.length ? base.period : `row-${String(index + 1).padStart(4, '0')}`,
      value: base.value,
    };
  });
  const usd = (value: number): string => `$${value.toLocaleString('en-US')}`;
  return {
    route: {
      tool: 'metric_query',
      args: {
        metric: 'trading_volume_usd',
        time_range: { start: '2026-11-17', end: '2026-11-24' },
        group_by: ['day'],
      },
      confidence: 1,
      source: 'offline',
    },
    result: { kind: 'metric', sql: [] },
    answer: {
      summary: SAMPLE_SUMMARY,
      table: {
        headers: ['period', 'trading_volume_usd'],
        rows: rows.map((row) => [row.period, usd(row.value)]),
        numeric: [false, true],
      },
      chart: {
        kind: 'line',
        title: 'Daily trading volume, 17–23 Nov 2026',
        x: { field: 'period', title: 'day', type: 'temporal' },
        y: { field: 'value', title: 'Trading volume (USD)', format: 'usd' },
        data: SAMPLE_ROWS.map((row) => ({ ...row })),
      },
      rowCount: count,
      truncated: false,
      sql: [{ sql: SAMPLE_SQL, params: ['2026-11-17', '2026-11-24'], rowCount: count, durationMs: 3.25 }],
      definitions: ['trading_volume_usd: Sum of the USD value of executed trades'],
    },
    text: SAMPLE_SUMMARY,
    error: undefined,
    durationMs: options.durationMs ?? 1234,
  };
}

/**
 * Creates the fake. `respond` decides each outcome (default: {@link sampleOutcome}); turns are appended
 * to `conversations` under the request's conversation id, as the real pipeline does.
 */
export function createFakePipeline(options: {
  readonly conversations: ConversationStore;
  readonly respond?: (
    request: AskRequest,
    history: readonly ConversationTurn[],
  ) => AskOutcome | Promise<AskOutcome>;
}): FakePipeline {
  const asks: RecordedAsk[] = [];
  return {
    asks,
    async ask(request) {
      const history = request.conversationId
        ? await options.conversations.history(request.conversationId)
        : [];
      asks.push({ request, history });
      const outcome = await (options.respond ?? (() => sampleOutcome()))(request, history);
      if (request.conversationId) {
        await options.conversations.append(request.conversationId, request.asker.surface, {
          role: 'user',
          content: request.question,
        });
        await options.conversations.append(request.conversationId, request.asker.surface, {
          role: 'assistant',
          content: outcome.text,
          route: outcome.answer ? { tool: outcome.route.tool, args: outcome.route.args } : undefined,
        });
      }
      return outcome;
    },
  };
}
