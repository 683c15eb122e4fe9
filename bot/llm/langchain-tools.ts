import { type DynamicStructuredTool, tool as langChainTool } from '@langchain/core/tools';
import type { z } from 'zod';
import { AnalystError } from '../../core/errors.js';
import type { Tool, ToolContext } from '../../tools/index.js';
import { toJsonText } from './quote-data.js';

/** Builds the context a tool runs with (stores, clock, asker, audit); called once per invocation. */
export type ToolContextFactory = (toolName: string) => ToolContext | Promise<ToolContext>;

/** Options of {@link toLangChainTools}. */
export interface LangChainToolsOptions {
  /** Tools the agent's user may use; the others are not exposed at all. Default: every tool. */
  readonly allowedTools?: (toolName: string) => boolean;
}

/**
 * Exposes our tools as LangChain tools (`tool()` from `@langchain/core/tools`) so they drop into any
 * LangChain agent. LangChain validates the input with the tool's own zod schema (a bad input throws
 * `ToolInputParsingException`); the invocation runs `tool.run(input, context)` and returns the result
 * as JSON text. Errors the caller can fix (unknown metric, invalid arguments) come back as
 * `{"error": {"code", "message"}}` so an agent can correct itself; system failures are thrown.
 *
 * @example
 * const tools = toLangChainTools(TOOLS, () => ({ warehouse, app, now: new Date(), random, asker, audit, maxRows: 1000, statementTimeoutMs: 15_000 }));
 * const text = await tools[0].invoke({ subject: 'trade_count' });
 */
export function toLangChainTools(
  tools: Readonly<Record<string, Tool>> | readonly Tool[],
  contextFactory: ToolContextFactory,
  options: LangChainToolsOptions = {},
): DynamicStructuredTool[] {
  const list: readonly Tool[] = Array.isArray(tools) ? tools : Object.values(tools);
  const allowed = options.allowedTools ?? (() => true);
  return list
    .filter((definition) => allowed(definition.name))
    .map(
      (definition) =>
        langChainTool(
          async (input: unknown) => {
            const context = await contextFactory(definition.name);
            try {
              return toJsonText(await definition.run(input, context));
            } catch (error) {
              if (error instanceof AnalystError && error.isUserError) {
                return toJsonText({ error: { code: error.code, message: error.message } });
              }
              throw error;
            }
          },
          {
            name: definition.name,
            description: definition.description,
            // Every tool input is a zod object (the registry's schemas); LangChain parses with it.
            schema: definition.input as z.ZodObject,
          },
        ) as DynamicStructuredTool,
    );
}
