import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import {
  createFeedbackSearcher,
  type FeedbackFilters,
  type FeedbackHit,
  type FeedbackSearcher,
  nothingIngestedError,
} from '../embeddings/index.js';
import { resolveFeedbackEmbedder } from '../models/feedback/index.js';
import type { SqlConnection } from '../warehouse/connection.js';
import { defineTool, type ExecutedSql, type ToolContext, type ToolResultBase } from './define-tool.js';
import { timeRangeSchema } from './time-range-schema.js';

/** Input of `feedback_search`. */
export const feedbackSearchInput = z.object({
  query: z.string().min(1).max(500).describe('What to look for, in plain words. Example: card not arriving'),
  time_range: timeRangeSchema.optional(),
  filters: z
    .object({
      channel: z
        .enum(['app_review', 'support_chat', 'email', 'social'])
        .optional()
        .describe('Feedback channel. Example: app_review'),
      sentiment: z
        .enum(['positive', 'neutral', 'negative'])
        .optional()
        .describe('Sentiment label. Example: negative'),
    })
    .optional(),
  k: z.number().int().min(1).max(100).default(10).describe('Number of messages to return. Example: 10'),
});

/** What `feedback_search` returns: the best messages with their ids and scores. */
export interface FeedbackSearchResult extends ToolResultBase {
  readonly kind: 'feedback_search';
  readonly query: string;
  readonly time_range: { readonly start: string; readonly end: string } | null;
  readonly filters: { readonly channel?: string; readonly sentiment?: string };
  readonly hits: readonly FeedbackHit[];
}

const searchers = new WeakMap<SqlConnection, Map<string, Promise<FeedbackSearcher>>>();

/** The searcher of the app database (cached: it holds the embedder and the re-ranking model). */
export async function feedbackSearcherFor(app: SqlConnection): Promise<FeedbackSearcher> {
  const { rows } = await app.query<{ count: number }>('SELECT count(*) AS count FROM app.feedback_documents');
  const count = Number(rows[0]?.count ?? 0);
  if (count === 0) throw nothingIngestedError();
  const embedder = await resolveFeedbackEmbedder(app);
  const { rows: lexical } = await app.query<{ model_id: string }>(
    "SELECT model_id FROM app.embedding_models WHERE name = 'feedback-lexical'",
  );
  // A refitted re-ranking model (after a large ingestion) gets a fresh searcher.
  const key = `${embedder.id}|${lexical[0]?.model_id ?? ''}`;
  let cache = searchers.get(app);
  if (!cache) {
    cache = new Map();
    searchers.set(app, cache);
  }
  let searcher = cache.get(key);
  if (!searcher) {
    searcher = createFeedbackSearcher(app, { embedder });
    cache.set(key, searcher);
  }
  return searcher;
}

/** Turns a tool time range (dates or ISO timestamps, UTC) into Date bounds. */
export function parseToolRange(range: { start: string; end: string }): { start: Date; end: Date } {
  const parse = (value: string, field: string): Date => {
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(date.getTime())) {
      throw new InvalidInputError(
        'time_range_invalid',
        `time_range.${field} '${value}' is not a date (use YYYY-MM-DD or an ISO timestamp).`,
      );
    }
    return date;
  };
  const start = parse(range.start, 'start');
  const end = parse(range.end, 'end');
  if (end.getTime() <= start.getTime()) {
    throw new InvalidInputError(
      'time_range_invalid',
      `time_range ends (${range.end}) before it starts (${range.start}).`,
    );
  }
  return { start, end };
}

/** Copies the searcher's statements into the audit log and the result's SQL trail. */
export async function auditStatements(
  context: ToolContext,
  tool: string,
  statements: readonly { sql: string; params: readonly unknown[]; rowCount: number; durationMs: number }[],
): Promise<ExecutedSql[]> {
  const executed: ExecutedSql[] = [];
  for (const statement of statements) {
    // Query vectors are long and say nothing to a reader; the log keeps their length only.
    const params = statement.params.map((param) =>
      typeof param === 'string' && param.startsWith('[') && param.length > 200
        ? `<vector ${param.split(',').length}-d>`
        : param,
    );
    await context.audit.record({
      kind: 'sql',
      tool,
      sql: statement.sql,
      rowCount: statement.rowCount,
      durationMs: statement.durationMs,
    });
    executed.push({
      sql: statement.sql,
      params,
      rowCount: statement.rowCount,
      durationMs: statement.durationMs,
    });
  }
  return executed;
}

/** `feedback_search`: hybrid (vector + full-text, fused, re-ranked, with pseudo-relevance feedback) search over customer feedback. */
export const feedbackSearchTool = defineTool({
  name: 'feedback_search',
  description:
    'Search customer feedback (app reviews, support chats, emails, social posts) by meaning and keywords, optionally within a time range, channel or sentiment; returns matching messages with scores.',
  input: feedbackSearchInput,
  async run(input, context): Promise<FeedbackSearchResult> {
    const range = input.time_range ? parseToolRange(input.time_range) : undefined;
    const filters: FeedbackFilters = {
      ...(range ? { start: range.start, end: range.end } : {}),
      ...(input.filters?.channel ? { channel: input.filters.channel } : {}),
      ...(input.filters?.sentiment ? { sentiment: input.filters.sentiment } : {}),
    };
    const searcher = await feedbackSearcherFor(context.app);
    const { hits, statements } = await searcher.search(input.query, { k: input.k, filters });
    return {
      kind: 'feedback_search',
      query: input.query,
      time_range: input.time_range ?? null,
      filters: {
        ...(input.filters?.channel ? { channel: input.filters.channel } : {}),
        ...(input.filters?.sentiment ? { sentiment: input.filters.sentiment } : {}),
      },
      hits,
      sql: await auditStatements(context, 'feedback_search', statements),
    };
  },
});
