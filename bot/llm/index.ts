// The LLM side of the bot: tool-calling router, LangChain adapters, prompt quoting.
export type { JsonSchemaObject } from './json-schema.js';
export { toolParametersSchema } from './json-schema.js';
export type { LangChainToolsOptions, ToolContextFactory } from './langchain-tools.js';
export { toLangChainTools } from './langchain-tools.js';
export type { LlmRouteOptions, LlmRouterOptions, ToolPermission } from './llm-router.js';
export {
  CLARIFY_TOOL,
  createLlmRouter,
  formatSeconds,
  LLM_CONFIDENCE,
  LLM_REPAIRED_CONFIDENCE,
  OUT_OF_SCOPE_TOOL,
} from './llm-router.js';
export { quoteData, toJsonText } from './quote-data.js';
export type { RouterFromConfigOptions } from './router-from-config.js';
export { createRouterFromConfig } from './router-from-config.js';
