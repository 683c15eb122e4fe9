import { z } from 'zod';

/** A half-open UTC range; shared by every tool that takes a period. */
export const timeRangeSchema = z
  .object({
    start: z
      .string()
      .describe(
        'Inclusive start, UTC: a date YYYY-MM-DD or an ISO timestamp for hour ranges. Example: 2026-11-17',
      ),
    end: z
      .string()
      .describe(
        'Exclusive end, UTC: a date YYYY-MM-DD or an ISO timestamp. Example: 2026-11-24 (so the range ends on 2026-11-23)',
      ),
  })
  .describe('Half-open time range [start, end) in UTC; weeks start Monday');
