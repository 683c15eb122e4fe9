import type { Config } from '../../core/config.js';
import type { Tool } from '../../tools/index.js';
import type { Router } from '../router/types.js';
import { createLlmRouter, type ToolPermission } from './llm-router.js';

/** Extra options of {@link createRouterFromConfig}, passed through to the LLM router. */
export interface RouterFromConfigOptions {
  readonly tools?: Readonly<Record<string, Tool>>;
  readonly allowedTools?: ToolPermission;
}

/**
 * The router the bot should use: the LLM router (falling back to `offlineRouter`) when
 * `OPENAI_API_KEY` is set, otherwise `offlineRouter` itself.
 *
 * @example
 * const router = createRouterFromConfig(loadConfig(), await createOfflineRouter());
 */
export function createRouterFromConfig(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>,
  offlineRouter: Router,
  options: RouterFromConfigOptions = {},
): Router {
  if (!config.OPENAI_API_KEY) return offlineRouter;
  return createLlmRouter({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    fallback: offlineRouter,
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.allowedTools ? { allowedTools: options.allowedTools } : {}),
  });
}
