import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { ExecutedSql, ToolContext } from '../../tools/define-tool.js';
import {
  type RecommendForUserResult,
  type recommendForUserInput,
  recommendForUserTool,
} from '../../tools/recommend-for-user.js';
import {
  type SimilarItemsResult,
  type similarItemsInput,
  similarItemsTool,
} from '../../tools/similar-items.js';

describe('recommendation tool types', () => {
  it('infers run inputs from the zod schemas, with k defaulted', () => {
    expectTypeOf<z.infer<typeof recommendForUserInput>>().toEqualTypeOf<{ user_id: number; k: number }>();
    expectTypeOf<z.infer<typeof similarItemsInput>>().toEqualTypeOf<{ item: string; k: number }>();
    expectTypeOf(recommendForUserTool.run).parameters.toEqualTypeOf<
      [{ user_id: number; k: number }, ToolContext]
    >();
  });

  it('declares results that carry the SQL behind them', () => {
    expectTypeOf(recommendForUserTool.run).returns.resolves.toEqualTypeOf<RecommendForUserResult>();
    expectTypeOf(similarItemsTool.run).returns.resolves.toEqualTypeOf<SimilarItemsResult>();
    expectTypeOf<RecommendForUserResult['sql']>().toEqualTypeOf<ExecutedSql[]>();
    expectTypeOf<RecommendForUserResult['source']>().toEqualTypeOf<
      'precomputed' | 'on_the_fly' | 'cold_start'
    >();
  });
});
