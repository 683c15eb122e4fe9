import type { Asker } from '../../tools/define-tool.js';
import type { ConversationTurn } from '../conversation-store.js';

/** Tool names of the DESIGN.md catalogue, plus the two non-tool outcomes. */
export const ROUTABLE_TOOLS = [
  'metric_query',
  'sql_query',
  'anomaly_scan',
  'user_profile',
  'address_profile',
  'recommend_for_user',
  'similar_items',
  'feedback_search',
  'feedback_summary',
  'alerts_list',
  'describe_data',
  'metric_forecast',
] as const;
export type RoutableTool = (typeof ROUTABLE_TOOLS)[number];

/** Where a route came from. */
export type RouteSource = 'offline' | 'llm' | 'offline_fallback';

/** The decision for one question: a tool with arguments, a clarifying question, or out of scope. */
export type Route =
  | {
      readonly tool: RoutableTool;
      readonly args: Record<string, unknown>;
      readonly confidence: number;
      readonly source: RouteSource;
      readonly note?: string;
    }
  | {
      readonly tool: 'clarify';
      readonly args: Record<string, never>;
      readonly question: string;
      readonly confidence: number;
      readonly source: RouteSource;
      readonly note?: string;
    }
  | {
      readonly tool: 'none';
      readonly args: Record<string, never>;
      readonly message: string;
      readonly confidence: number;
      readonly source: RouteSource;
      readonly note?: string;
    };

/** Options for routing one question. */
export interface RouteOptions {
  readonly now: Date;
  readonly history: readonly ConversationTurn[];
  /** Who asks: an LLM router offers only the tools this asker may use. */
  readonly asker?: Asker;
}

/** Anything that turns a question into a route. */
export interface Router {
  route(question: string, options: RouteOptions): Promise<Route>;
}
