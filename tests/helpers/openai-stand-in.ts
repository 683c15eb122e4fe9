import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted tool call: `arguments` is sent as JSON text, or as-is when it is already a string (to send broken JSON). */
export interface ScriptedToolCall {
  readonly name: string;
  readonly arguments: unknown;
}

/**
 * What the stand-in answers to one request:
 * - `{ toolCalls }`: a chat completion whose assistant message calls these functions;
 * - `{ text }`: a plain text answer (no tool call);
 * - `{ status, body }`: any HTTP status and JSON body (errors, or a hand-written completion);
 * - `'timeout'`: never answer; the connection stays open until the client gives up or `close()`.
 */
export type StandInReply =
  | { readonly toolCalls: readonly ScriptedToolCall[] }
  | { readonly text: string }
  | { readonly status: number; readonly body: unknown }
  | 'timeout';

/** One recorded request to POST /v1/chat/completions. */
export interface StandInRequest {
  /** 0 for the first request the server received, 1 for the second, … */
  readonly index: number;
  /** The parsed JSON body, as the SDK sent it. */
  readonly body: ChatRequestBody;
  readonly headers: IncomingMessage['headers'];
}

/** The parts of a chat-completions request body tests look at (the rest stays in the object). */
export interface ChatRequestBody {
  readonly model: string;
  readonly messages: Array<{
    role: string;
    content?: string | null;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  readonly tools?: Array<{
    type: string;
    function: { name: string; description?: string; parameters: Record<string, unknown> };
  }>;
  readonly tool_choice?: unknown;
  readonly [key: string]: unknown;
}

/** Options of {@link startOpenAiStandIn}. */
export interface OpenAiStandInOptions {
  /** Decides the reply to each request. */
  readonly script: (request: StandInRequest) => StandInReply | Promise<StandInReply>;
}

/** A running stand-in. */
export interface OpenAiStandIn {
  /** Base URL for the SDK's `baseURL`, e.g. http://127.0.0.1:41234/v1. */
  readonly url: string;
  /** Every request body received, in order. */
  readonly requests: ChatRequestBody[];
  close(): Promise<void>;
}

/** A chat completion in OpenAI's response shape with the given assistant message. */
export function chatCompletion(
  model: string,
  index: number,
  message: { content: string | null; tool_calls?: unknown[] },
  finishReason: 'stop' | 'tool_calls',
): Record<string, unknown> {
  return {
    id: `chatcmpl-standin-${index + 1}`,
    object: 'chat.completion',
    created: 1_764_000_000 + index,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', refusal: null, ...message },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  };
}

/** An OpenAI-style error body: `{ error: { message, type, param, code } }`. */
export function openAiError(
  message: string,
  type = 'server_error',
  code: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

/**
 * Starts a local OpenAI-compatible server on 127.0.0.1 (random port) implementing non-streaming
 * POST /v1/chat/completions from a script, recording every request body. Tests use it with the real
 * `openai` SDK over HTTP; nothing leaves the machine.
 *
 * @example
 * const standIn = await startOpenAiStandIn({ script: () => ({ toolCalls: [{ name: 'describe_data', arguments: {} }] }) });
 * // new OpenAI({ baseURL: standIn.url, apiKey: 'test' }) …
 * await standIn.close();
 */
export async function startOpenAiStandIn(options: OpenAiStandInOptions): Promise<OpenAiStandIn> {
  const requests: ChatRequestBody[] = [];
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, openAiError(`stand-in failure: ${(error as Error).message}`));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      send(
        response,
        404,
        openAiError(`Unknown route ${request.method} ${path}`, 'invalid_request_error', 'unknown_url'),
      );
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: ChatRequestBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
    } catch {
      send(response, 400, openAiError('Request body is not JSON', 'invalid_request_error'));
      return;
    }
    const index = requests.length;
    requests.push(body);
    const reply = await options.script({ index, body, headers: request.headers });
    if (reply === 'timeout') return; // Hold the connection; the client's abort or close() ends it.
    if ('status' in reply) {
      send(response, reply.status, reply.body);
      return;
    }
    if ('text' in reply) {
      send(response, 200, chatCompletion(body.model, index, { content: reply.text }, 'stop'));
      return;
    }
    const toolCalls = reply.toolCalls.map((call, position) => ({
      id: `call_${index + 1}_${position + 1}`,
      type: 'function',
      function: {
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      },
    }));
    send(
      response,
      200,
      chatCompletion(body.model, index, { content: null, tool_calls: toolCalls }, 'tool_calls'),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Held ('timeout') connections would keep close() waiting forever.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
