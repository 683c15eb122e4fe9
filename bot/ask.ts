import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { AnalystError, asAnalystError, InvalidArgumentsError } from '../core/errors.js';
import { createRandom } from '../core/random.js';
import type { Asker, Tool, ToolContext } from '../tools/define-tool.js';
import type { SqlConnection } from '../warehouse/connection.js';
import { createAuditLog } from './audit-log.js';
import type { ConversationStore } from './conversation-store.js';
import { type ConcurrencyLimiter, createConcurrencyLimiter, type RateLimiter } from './limits.js';
import type { AccessPolicy } from './permissions.js';
import { type Answer, type RenderableResult, renderAnswer } from './render/answer.js';
import type { Route, Router } from './router/types.js';

/** What the pipeline needs: stores, a router, the tools and the conversation store. */
export interface AskPipelineOptions {
  readonly warehouse: SqlConnection;
  readonly app: SqlConnection;
  readonly router: Router;
  readonly tools: Readonly<Record<string, Tool>>;
  readonly conversations: ConversationStore;
  readonly maxRows: number;
  readonly statementTimeoutMs: number;
  /** Who may use which tool; omitted = everyone may use everything (tests of other parts). */
  readonly access?: AccessPolicy;
  /** Per-user and per-channel request limits; omitted = unlimited (terminal, tests). */
  readonly rateLimiter?: RateLimiter;
  /** Queries running at once across all askers (default 4). */
  readonly maxConcurrentQueries?: number;
}

/** One question. */
export interface AskRequest {
  readonly question: string;
  readonly asker: Asker;
  readonly now: Date;
  /** Thread or session; history is read from and written to it. */
  readonly conversationId?: string;
  /** Seed for any randomness a tool uses (fixed: answers are reproducible). */
  readonly seed?: number;
}

/** The outcome: the route, the raw tool result, the rendered answer, and the text to show. */
export interface AskOutcome {
  readonly route: Route;
  readonly result: RenderableResult | undefined;
  readonly answer: Answer | undefined;
  /** The message for people: the summary, a clarifying question, or an honest error. */
  readonly text: string;
  readonly error:
    | { readonly code: string; readonly message: string; readonly userError: boolean }
    | undefined;
  readonly durationMs: number;
}

/** The ask pipeline. */
export interface AskPipeline {
  ask(request: AskRequest): Promise<AskOutcome>;
}

/**
 * Creates the ask pipeline: audit the question, route it (with the conversation's history), validate
 * the arguments against the tool's schema, run the tool, render a grounded answer, remember the turn.
 * Errors become honest messages; nothing retries without bound.
 */
export function createAskPipeline(options: AskPipelineOptions): AskPipeline {
  const queries: ConcurrencyLimiter = createConcurrencyLimiter(options.maxConcurrentQueries ?? 4);
  return {
    async ask(request) {
      const started = performance.now();
      const audit = createAuditLog(options.app, request.asker, randomUUID());
      await audit.record({ kind: 'question', question: request.question });
      const waitSeconds = Math.max(
        options.rateLimiter?.take(`user:${request.asker.surface}:${request.asker.id}`) ?? 0,
        request.asker.channel
          ? (options.rateLimiter?.take(`channel:${request.asker.surface}:${request.asker.channel}`) ?? 0)
          : 0,
      );
      if (waitSeconds > 0) {
        const text = `Too many questions in a short time; please wait ${waitSeconds} s and ask again.`;
        await audit.record({ kind: 'denied', question: request.question, allowed: false, error: text });
        return {
          route: { tool: 'none', args: {}, message: text, confidence: 0, source: 'offline' },
          result: undefined,
          answer: undefined,
          text,
          error: { code: 'rate_limited', message: text, userError: true },
          durationMs: performance.now() - started,
        };
      }
      const history = request.conversationId
        ? await options.conversations.history(request.conversationId)
        : [];
      let route: Route;
      try {
        route = await options.router.route(request.question, {
          now: request.now,
          history,
          asker: request.asker,
        });
      } catch (error) {
        const failure = asAnalystError(error);
        await audit.record({ kind: 'route', question: request.question, error: failure.message });
        return finish(request, options, started, {
          route: { tool: 'none', args: {}, message: failure.message, confidence: 0, source: 'offline' },
          result: undefined,
          answer: undefined,
          text: failure.message,
          error: { code: failure.code, message: failure.message, userError: failure.isUserError },
        });
      }
      await audit.record({ kind: 'route', question: request.question, tool: route.tool, args: route.args });
      if (route.tool === 'clarify' || route.tool === 'none') {
        const text = route.tool === 'clarify' ? route.question : route.message;
        return finish(request, options, started, {
          route,
          result: undefined,
          answer: undefined,
          text,
          error: undefined,
        });
      }
      const permission = options.access?.check(route.tool, request.asker);
      if (permission && !permission.allowed) {
        // Refuse before any data is read: no partial answer can leak.
        await audit.record({
          kind: 'denied',
          tool: route.tool,
          args: route.args,
          allowed: false,
          error: permission.reason,
        });
        return finish(request, options, started, {
          route,
          result: undefined,
          answer: undefined,
          text: permission.reason,
          error: { code: 'permission_denied', message: permission.reason, userError: true },
        });
      }
      const tool = options.tools[route.tool];
      if (!tool) {
        const text = `The ${route.tool} tool is not available yet.`;
        return finish(request, options, started, {
          route,
          result: undefined,
          answer: undefined,
          text,
          error: { code: 'not_available', message: text, userError: false },
        });
      }
      const context: ToolContext = {
        warehouse: options.warehouse,
        app: options.app,
        now: request.now,
        random: createRandom(request.seed ?? 42),
        asker: request.asker,
        audit,
        maxRows: options.maxRows,
        statementTimeoutMs: options.statementTimeoutMs,
      };
      try {
        const input = parseArguments(tool, route.args);
        await audit.record({ kind: 'tool_call', tool: tool.name, args: input });
        const result = (await queries.run(() => tool.run(input, context))) as unknown as RenderableResult;
        const answer = renderAnswer(result);
        const masked = maskedFlag(result);
        await audit.record({
          kind: 'answer',
          tool: tool.name,
          rowCount: answer.rowCount,
          durationMs: performance.now() - started,
          ...(masked === undefined ? {} : { masked }),
        });
        return finish(request, options, started, {
          route,
          result,
          answer,
          text: answer.summary,
          error: undefined,
        });
      } catch (error) {
        const failure = asAnalystError(error);
        await audit.record({ kind: 'tool_call', tool: tool.name, args: route.args, error: failure.message });
        const text =
          failure instanceof AnalystError && failure.code !== 'internal_error'
            ? failure.message
            : `Sorry, that failed: ${failure.message}`;
        return finish(request, options, started, {
          route,
          result: undefined,
          answer: undefined,
          text,
          error: { code: failure.code, message: failure.message, userError: failure.isUserError },
        });
      }
    },
  };
}

/** Validates routed arguments with the tool's zod schema; problems name the argument paths. */
export function parseArguments<Input extends z.ZodType>(tool: Tool<Input>, args: unknown): z.infer<Input> {
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) {
    throw new InvalidArgumentsError(
      tool.name,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

async function finish(
  request: AskRequest,
  options: AskPipelineOptions,
  started: number,
  outcome: Omit<AskOutcome, 'durationMs'>,
): Promise<AskOutcome> {
  if (request.conversationId) {
    const surface = request.asker.surface;
    await options.conversations.append(request.conversationId, surface, {
      role: 'user',
      content: request.question,
    });
    const route =
      outcome.route.tool === 'clarify' || outcome.route.tool === 'none'
        ? undefined
        : { tool: outcome.route.tool, args: outcome.route.args };
    await options.conversations.append(request.conversationId, surface, {
      role: 'assistant',
      content: outcome.text,
      route,
    });
  }
  return { ...outcome, durationMs: performance.now() - started };
}

/** Whether a result's PII was masked, when the tool reports it (for the audit log). */
function maskedFlag(result: RenderableResult): boolean | undefined {
  const direct = result['masked'];
  if (typeof direct === 'boolean') return direct;
  const user = result['user'];
  if (user && typeof user === 'object' && typeof (user as Record<string, unknown>)['masked'] === 'boolean') {
    return (user as Record<string, unknown>)['masked'] as boolean;
  }
  return undefined;
}
