import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { defineTool, type ToolResultBase } from './define-tool.js';
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

/** `feedback_summary`: topics, sentiment, trends and quotes (built with the feedback work). */
export const feedbackSummaryTool = defineTool({
  name: 'feedback_summary',
  description:
    'Summarise customer feedback over a period: main topics with sizes, keywords, sentiment, week-over-week trends, emerging spikes and representative quotes; optionally about one topic or channel.',
  input: feedbackSummaryInput,
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('Feedback summaries');
  },
});
