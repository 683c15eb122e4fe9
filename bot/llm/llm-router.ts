import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import { ConfigurationError, messageOf } from '../../core/errors.js';
import { buildRouterSystemPrompt } from '../../prompts/system-prompt.js';
import type { Asker, Tool } from '../../tools/index.js';
import { TOOLS } from '../../tools/index.js';
import { DIMENSION_NAMES, METRIC_NAMES, TIME_GRAINS } from '../../warehouse/semantic/index.js';
import type { ConversationTurn } from '../conversation-store.js';
import {
  ROUTABLE_TOOLS,
  type RoutableTool,
  type Route,
  type RouteOptions,
  type Router,
} from '../router/types.js';
import { toolParametersSchema } from './json-schema.js';
import { quoteData } from './quote-data.js';

/** Decides whether the asker may use a tool; tools it refuses are neither offered nor accepted. */
export type ToolPermission = (toolName: string, asker: Asker | undefined) => boolean;

/** Options of {@link createLlmRouter}. */
export interface LlmRouterOptions {
  /** OPENAI_API_KEY. Local servers that ignore it still need a non-empty value. */
  readonly apiKey: string;
  /** OPENAI_BASE_URL, e.g. http://127.0.0.1:11434/v1 for Ollama; OpenAI's when omitted. */
  readonly baseURL?: string | undefined;
  /** OPENAI_MODEL, e.g. gpt-4o-mini. */
  readonly model: string;
  /** OPENAI_TIMEOUT_MS: the budget for the whole LLM exchange (both rounds), then the fallback answers. */
  readonly timeoutMs: number;
  /** Answers whenever the LLM cannot: timeout, API error, invalid or forbidden calls, text answers. */
  readonly fallback: Router;
  /** Tools offered to the model; default {@link TOOLS}. Names must be in the routing catalogue. */
  readonly tools?: Readonly<Record<string, Tool>>;
  /** Permission per tool; default: every tool. Receives the asker when the caller passes one. */
  readonly allowedTools?: ToolPermission;
  /** Turns of history sent to the model (most recent kept); default 10. */
  readonly maxHistoryTurns?: number;
  /** `required` forces a function call (OpenAI, vLLM); `auto` for servers that reject it. Default `required`. */
  readonly toolChoice?: 'required' | 'auto';
  /** Sampling temperature; default 0 for repeatable routes. `null` leaves it out (models that reject it). */
  readonly temperature?: number | null;
}

/** Route options with the asker, so the permission check can depend on who asks. */
export interface LlmRouteOptions extends RouteOptions {
  readonly asker?: Asker;
}

/** Confidence given to a route the model chose (it reports none); lower after a repair round. */
export const LLM_CONFIDENCE = 0.9;
export const LLM_REPAIRED_CONFIDENCE = 0.8;

/** Name of the pseudo-tool for a clarifying question. */
export const CLARIFY_TOOL = 'clarify';
/** Name of the pseudo-tool for questions outside the catalogue. */
export const OUT_OF_SCOPE_TOOL = 'out_of_scope';

const clarifyInput = z.object({
  question: z
    .string()
    .min(1)
    .max(500)
    .describe('One short, specific question back to the asker. Example: Which asset do you mean?'),
});
const outOfScopeInput = z.object({
  message: z
    .string()
    .min(1)
    .max(1000)
    .describe('A short reply saying the question is outside what the bot does, and what it can do instead'),
});

const PSEUDO_TOOLS: readonly ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: CLARIFY_TOOL,
      description:
        'Ask the asker one clarifying question when a required detail is missing or ambiguous (which metric, user, address, asset or period).',
      parameters: toolParametersSchema(clarifyInput, CLARIFY_TOOL),
    },
  },
  {
    type: 'function',
    function: {
      name: OUT_OF_SCOPE_TOOL,
      description:
        'Decline a question that none of the other functions can answer, saying what the bot can do instead.',
      parameters: toolParametersSchema(outOfScopeInput, OUT_OF_SCOPE_TOOL),
    },
  },
];

/** Why the LLM could not route; the note tells the asker, the kind is for tests and logs. */
interface RoutingFailure {
  readonly kind:
    | 'timeout'
    | 'api_error'
    | 'network'
    | 'invalid_arguments'
    | 'unknown_tool'
    | 'forbidden_tool'
    | 'no_tool_call';
  readonly note: string;
}

type CallOutcome =
  | { readonly ok: true; readonly route: Route }
  | {
      readonly ok: false;
      readonly repairable: boolean;
      readonly failure: RoutingFailure;
      readonly problems?: readonly string[];
    };

const FALLBACK_SUFFIX = 'answered with the offline router.';

/**
 * A {@link Router} that asks an OpenAI-compatible model to call one tool (chat-completions tool
 * calling, JSON schemas generated from the tools' zod schemas), validates the arguments with zod,
 * allows one repair round for invalid arguments, and otherwise falls back to `fallback` with a
 * `note` that says why. At most two requests per question; the SDK does not retry.
 *
 * @example
 * const router = createLlmRouter({ apiKey, model: 'gpt-4o-mini', timeoutMs: 20_000, fallback: offlineRouter });
 * const route = await router.route('trading volume yesterday', { now: new Date(), history: [] });
 */
export function createLlmRouter(options: LlmRouterOptions): Router {
  if (!options.apiKey) throw new ConfigurationError('OPENAI_API_KEY', 'should be a non-empty API key');
  if (!options.model) throw new ConfigurationError('OPENAI_MODEL', 'should name a model, e.g. gpt-4o-mini');
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ConfigurationError('OPENAI_TIMEOUT_MS', 'should be a positive whole number of milliseconds');
  }
  if (typeof options.fallback?.route !== 'function') {
    throw new ConfigurationError(
      'fallback',
      'should be a Router (the offline router) used when the LLM fails',
    );
  }
  const tools = options.tools ?? TOOLS;
  const routable = new Set<string>(ROUTABLE_TOOLS);
  for (const name of Object.keys(tools)) {
    if (!routable.has(name)) {
      throw new ConfigurationError(
        `tools.${name}`,
        `is not in the routing catalogue (${ROUTABLE_TOOLS.join(', ')})`,
      );
    }
  }
  // Schemas are generated once: they only change when the code does.
  const specs = new Map<string, ChatCompletionFunctionTool>(
    Object.values(tools).map((tool) => [
      tool.name,
      {
        type: 'function',
        function: {
          name: tool.name,
          description: tool.description,
          parameters: toolParametersSchema(tool.input, tool.name),
        },
      },
    ]),
  );
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs,
    // Retries would multiply the wait past the timeout; the offline router is the retry.
    maxRetries: 0,
  });
  const allowed: ToolPermission = options.allowedTools ?? (() => true);
  const maxHistoryTurns = options.maxHistoryTurns ?? 10;
  const temperature = options.temperature === undefined ? 0 : options.temperature;

  async function fallBack(
    question: string,
    routeOptions: RouteOptions,
    failure: RoutingFailure,
  ): Promise<Route> {
    const route = await options.fallback.route(question, routeOptions);
    const note = route.note ? `${failure.note} ${route.note}` : failure.note;
    return { ...route, source: 'offline_fallback', note };
  }

  function interpret(
    call: ChatCompletionMessageFunctionToolCall,
    offered: ReadonlySet<string>,
    asker: Asker | undefined,
    confidence: number,
  ): CallOutcome {
    const name = call.function.name;
    const isPseudo = name === CLARIFY_TOOL || name === OUT_OF_SCOPE_TOOL;
    const tool = tools[name];
    if (!isPseudo && !tool) {
      return {
        ok: false,
        repairable: false,
        failure: {
          kind: 'unknown_tool',
          note: `The language model asked for an unknown tool '${clip(name, 60)}'; ${FALLBACK_SUFFIX}`,
        },
      };
    }
    // Checked again here, not only when offering: a model can name a tool it was not given.
    if (!isPseudo && (!offered.has(name) || !allowed(name, asker))) {
      return {
        ok: false,
        repairable: false,
        failure: {
          kind: 'forbidden_tool',
          note: `The language model asked for ${name}, which you may not use; ${FALLBACK_SUFFIX}`,
        },
      };
    }
    let args: unknown;
    try {
      args = JSON.parse(call.function.arguments || '{}');
    } catch {
      const problems = ['(arguments): not valid JSON'];
      return { ok: false, repairable: true, problems, failure: invalidArguments(name, problems) };
    }
    const schema =
      name === CLARIFY_TOOL ? clarifyInput : name === OUT_OF_SCOPE_TOOL ? outOfScopeInput : tool!.input;
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`,
      );
      return { ok: false, repairable: true, problems, failure: invalidArguments(name, problems) };
    }
    const data = parsed.data as Record<string, unknown>;
    if (name === CLARIFY_TOOL) {
      return {
        ok: true,
        route: { tool: 'clarify', args: {}, question: data['question'] as string, confidence, source: 'llm' },
      };
    }
    if (name === OUT_OF_SCOPE_TOOL) {
      return {
        ok: true,
        route: { tool: 'none', args: {}, message: data['message'] as string, confidence, source: 'llm' },
      };
    }
    // The parsed arguments (defaults applied, unknown keys dropped) are exactly what the tool receives.
    return { ok: true, route: { tool: name as RoutableTool, args: data, confidence, source: 'llm' } };
  }

  return {
    async route(question, routeOptions) {
      const asker = (routeOptions as LlmRouteOptions).asker;
      const offeredSpecs = [...specs.values()].filter((spec) => allowed(spec.function.name, asker));
      const offered = new Set(offeredSpecs.map((spec) => spec.function.name));
      const messages: ChatCompletionMessageParam[] = [
        {
          role: 'system',
          content: buildRouterSystemPrompt({
            now: routeOptions.now,
            catalogue: { metrics: METRIC_NAMES, dimensions: DIMENSION_NAMES, timeGrains: TIME_GRAINS },
            toolNames: [...offered],
          }),
        },
        ...historyMessages(routeOptions.history, maxHistoryTurns),
        { role: 'user', content: question },
      ];
      const controller = new AbortController();
      let timedOut = false;
      // One deadline for the whole exchange, so a repair round cannot double the wait.
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs);
      try {
        // Two rounds at most: the question, then one repair of invalid arguments. Never more.
        for (let round = 0; round < 2; round++) {
          const completion = await client.chat.completions.create(
            {
              model: options.model,
              messages,
              tools: [...offeredSpecs, ...PSEUDO_TOOLS],
              tool_choice: options.toolChoice ?? 'required',
              parallel_tool_calls: false,
              ...(temperature === null ? {} : { temperature }),
            },
            { signal: controller.signal, timeout: options.timeoutMs, maxRetries: 0 },
          );
          const message = completion.choices[0]?.message;
          const call = message?.tool_calls?.find((candidate) => candidate.type === 'function');
          if (!call) {
            return await fallBack(question, routeOptions, {
              kind: 'no_tool_call',
              note: `The language model answered without choosing a tool; ${FALLBACK_SUFFIX}`,
            });
          }
          const outcome = interpret(
            call,
            offered,
            asker,
            round === 0 ? LLM_CONFIDENCE : LLM_REPAIRED_CONFIDENCE,
          );
          if (outcome.ok) return outcome.route;
          if (!outcome.repairable || round === 1)
            return await fallBack(question, routeOptions, outcome.failure);
          // Repair: answer the call with the validation errors and ask once more.
          messages.push(
            { role: 'assistant', content: message?.content ?? null, tool_calls: [call] },
            {
              role: 'tool',
              tool_call_id: call.id,
              content: repairRequest(call.function.name, outcome.problems ?? []),
            },
          );
        }
        // Unreachable: round 1 always returns above. Kept so the loop's bound is explicit.
        throw new Error('LLM routing exceeded its two rounds');
      } catch (error) {
        return await fallBack(question, routeOptions, describeFailure(error, timedOut, options.timeoutMs));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** History as prior messages; assistant turns carry their route and quote their answer as data. */
function historyMessages(
  history: readonly ConversationTurn[],
  maxTurns: number,
): ChatCompletionMessageParam[] {
  return history.slice(Math.max(0, history.length - maxTurns)).map((turn): ChatCompletionMessageParam => {
    if (turn.role === 'user') return { role: 'user', content: turn.content };
    const route = turn.route ? `Earlier route: ${turn.route.tool} ${JSON.stringify(turn.route.args)}\n` : '';
    return {
      role: 'assistant',
      content: `${route}Earlier answer (quoted data):\n${quoteData('earlier answer', turn.content)}`,
    };
  });
}

function repairRequest(name: string, problems: readonly string[]): string {
  return `Error: the arguments for ${name} are invalid: ${problems.join('; ')}. Call ${name} again with arguments that follow its JSON schema exactly, or call ${CLARIFY_TOOL} if the question does not say enough.`;
}

function invalidArguments(name: string, problems: readonly string[]): RoutingFailure {
  return {
    kind: 'invalid_arguments',
    note: `The language model gave invalid arguments for ${name} (${clip(problems.join('; '), 200)}); ${FALLBACK_SUFFIX}`,
  };
}

/** Turns an SDK or network error into the asker-facing note. */
function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): RoutingFailure {
  if (timedOut || error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return {
      kind: 'timeout',
      note: `The language model timed out after ${formatSeconds(timeoutMs)}; ${FALLBACK_SUFFIX}`,
    };
  }
  if (error instanceof APIConnectionError) {
    return {
      kind: 'network',
      note: `The language model could not be reached (${clip(messageOf(error), 120)}); ${FALLBACK_SUFFIX}`,
    };
  }
  if (error instanceof APIError && error.status !== undefined) {
    return {
      kind: 'api_error',
      note: `The language model failed with HTTP ${error.status}; ${FALLBACK_SUFFIX}`,
    };
  }
  return {
    kind: 'api_error',
    note: `The language model call failed (${clip(messageOf(error), 120)}); ${FALLBACK_SUFFIX}`,
  };
}

/** 20000 → "20 s", 300 → "0.3 s", 1250 → "1.25 s". */
export function formatSeconds(milliseconds: number): string {
  return `${Math.round(milliseconds / 10) / 100} s`;
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
