import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { defineTool, type ToolResultBase } from './define-tool.js';
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

/** `feedback_search`: semantic + full-text search over customer feedback (built with the feedback work). */
export const feedbackSearchTool = defineTool({
  name: 'feedback_search',
  description:
    'Search customer feedback (app reviews, support chats, emails, social posts) by meaning and keywords, optionally within a time range, channel or sentiment; returns matching messages with scores.',
  input: feedbackSearchInput,
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('Feedback search');
  },
});
