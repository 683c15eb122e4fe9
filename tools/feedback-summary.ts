import { z } from 'zod';
import { nothingIngestedError } from '../embeddings/index.js';
import {
  type FeedbackSummary,
  resolveFeedbackEmbedder,
  summarizeFeedback,
} from '../models/feedback/index.js';
import { defineTool, type ToolResultBase } from './define-tool.js';
import { parseToolRange } from './feedback-search.js';
import { timeRangeSchema } from './time-range-schema.js';

/** Input of `feedback_summary`. */
export const feedbackSummaryInput = z.object({
  topic: z
    .string()
    .max(200)
    .optional()
    .describe('Restrict to feedback about this topic. Example: withdrawals'),
  time_range: timeRangeSchema,
  filters: z
    .object({
      channel: z
        .enum(['app_review', 'support_chat', 'email', 'social'])
        .optional()
        .describe('Feedback channel. Example: support_chat'),
    })
    .optional(),
});

/** What `feedback_summary` returns. */
export interface FeedbackSummaryResult extends ToolResultBase, FeedbackSummary {
  readonly kind: 'feedback_summary';
}

/** `feedback_summary`: topics, sentiment, trends, spikes and quotes over a period. */
export const feedbackSummaryTool = defineTool({
  name: 'feedback_summary',
  description:
    'Summarise customer feedback over a period: main topics with sizes, keywords, sentiment, week-over-week trends, emerging spikes and representative quotes; optionally about one topic or channel.',
  input: feedbackSummaryInput,
  async run(input, context): Promise<FeedbackSummaryResult> {
    const range = parseToolRange(input.time_range);
    const started = performance.now();
    const { rows } = await context.app.query<{ count: number }>(
      'SELECT count(*) AS count FROM app.feedback_documents',
    );
    if (Number(rows[0]?.count ?? 0) === 0) throw nothingIngestedError();
    const embedder = await resolveFeedbackEmbedder(context.app);
    const summary = await summarizeFeedback(context.app, embedder.id, {
      start: range.start,
      end: range.end,
      embedder,
      ...(input.topic ? { topic: input.topic } : {}),
      ...(input.filters?.channel ? { channel: input.filters.channel } : {}),
    });
    const durationMs = performance.now() - started;
    // The summary reads app.feedback_documents through several statements; the trail names the table
    // and the filters instead of repeating each one.
    const sql =
      'SELECT … FROM app.feedback_documents WHERE created_at >= $1 AND created_at < $2 [AND channel = $3] (topics, trends, quotes)';
    await context.audit.record({
      kind: 'sql',
      tool: 'feedback_summary',
      sql,
      rowCount: summary.current.count,
      durationMs,
    });
    return {
      kind: 'feedback_summary',
      ...summary,
      sql: [
        {
          sql,
          params: [summary.start, summary.end, ...(input.filters?.channel ? [input.filters.channel] : [])],
          rowCount: summary.current.count,
          durationMs,
        },
      ],
    };
  },
});
