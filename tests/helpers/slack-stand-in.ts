/**
 * A local stand-in of the Slack Web API (the methods the bot calls) and helpers that play Slack's side
 * of the Events API: signed event, slash-command and block-action requests. Tests run the real Bolt app
 * against it with `clientOptions.slackApiUrl`; nothing leaves 127.0.0.1.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** JSON the tests navigate freely (the assertions check the values, not the shapes). */
// biome-ignore lint/suspicious/noExplicitAny: Block Kit payloads are arbitrary JSON, read by tests.
export type LooseJson = any;

/** One Web API call as the stand-in received it. */
export interface SlackCall {
  readonly method: string;
  /** Form fields, with JSON fields (blocks, metadata, files) parsed. */
  readonly args: Record<string, unknown>;
  /** The bearer token sent, if any. */
  readonly token: string | undefined;
  /** The HTTP status the stand-in answered with. */
  readonly status: number;
}

/** A message in the stand-in's channels (updated in place by chat.update). */
export interface SlackStoredMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  /** How many times chat.update changed it. */
  updates: number;
}

/** A file uploaded with files.uploadV2 (getUploadURLExternal → upload → completeUploadExternal). */
export interface SlackUploadedFile {
  readonly id: string;
  readonly filename: string;
  bytes: Buffer;
  title: string | undefined;
  altText: string | undefined;
  /** Set when the upload was completed and shared. */
  channel: string | undefined;
  threadTs: string | undefined;
  initialComment: string | undefined;
}

/** A running stand-in. */
export interface SlackStandIn {
  /** For `clientOptions.slackApiUrl`, e.g. http://127.0.0.1:41234/api/ */
  readonly url: string;
  readonly calls: SlackCall[];
  readonly messages: SlackStoredMessage[];
  readonly ephemerals: Array<{
    channel: string;
    user: string;
    text: string;
    blocks: unknown[] | undefined;
    threadTs: string | undefined;
  }>;
  readonly files: SlackUploadedFile[];
  /** Bodies POSTed to response URLs (slash-command replies). */
  readonly responses: Array<{ id: string; body: Record<string, unknown> }>;
  /** A response_url served by the stand-in. */
  responseUrl(id: string): string;
  /** The next `times` calls of `method` get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, retryAfterSeconds: number, times?: number): void;
  /** The next call of `method` answers `{ok: false, error}`. */
  failNext(method: string, error: string): void;
  /** Calls of one method. */
  callsOf(method: string): SlackCall[];
  /** Completed (shared) files. */
  sharedFiles(): SlackUploadedFile[];
  /**
   * Socket Mode: sends an envelope (`events_api`, `slash_commands`, `interactive`) over the open
   * WebSocket and resolves with the bot's acknowledgement and how long it took.
   */
  sendEnvelope(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    options?: { retryAttempt?: number },
  ): Promise<{ ack: Record<string, unknown>; milliseconds: number }>;
  /** Open Socket Mode connections. */
  socketCount(): number;
  close(): Promise<void>;
}

/** Options of {@link startSlackStandIn}. */
export interface SlackStandInOptions {
  /** Calls with another token get `invalid_auth`. */
  readonly botToken: string;
  /** Enables Socket Mode: `apps.connections.open` with this token returns the stand-in's WebSocket URL. */
  readonly appToken?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  readonly teamId?: string;
}

const PNG_OR_ANY = 'application/octet-stream';

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseField(value: string): unknown {
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

async function parseArgs(request: IncomingMessage, body: Buffer): Promise<Record<string, unknown>> {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json'))
    return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
  if (type.includes('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    const args: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      args[key] = typeof value === 'string' ? parseField(value) : Buffer.from(await value.arrayBuffer());
    }
    return args;
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) args[key] = parseField(value);
  return args;
}

/**
 * Starts the stand-in on 127.0.0.1 (random port).
 *
 * @example
 * const slack = await startSlackStandIn({ botToken: 'xoxb-test' });
 * createSlackSurface({ …, botToken: 'xoxb-test', slackApiUrl: slack.url });
 */
export async function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  const botUserId = options.botUserId ?? 'UBOT';
  const botId = options.botId ?? 'BBOT';
  const teamId = options.teamId ?? 'T1';
  const calls: SlackCall[] = [];
  const messages: SlackStoredMessage[] = [];
  const ephemerals: SlackStandIn['ephemerals'] = [];
  const files: SlackUploadedFile[] = [];
  const responses: SlackStandIn['responses'] = [];
  const limits = new Map<string, { retryAfter: number; times: number }>();
  const failures = new Map<string, string>();
  let clock = 1_764_000_000;
  let fileCounter = 0;
  let base = '';
  const nextTs = (): string => {
    clock += 1;
    return `${clock}.000100`;
  };

  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(text);
  };

  const methods: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://test.slack.com/',
      team: 'Test',
      user: 'analyst',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
    }),
    'chat.postMessage': (args) => {
      const channel = String(args['channel'] ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const ts = nextTs();
      const message: SlackStoredMessage = {
        channel,
        ts,
        threadTs: args['thread_ts'] === undefined ? undefined : String(args['thread_ts']),
        text: String(args['text'] ?? ''),
        blocks: args['blocks'] as unknown[] | undefined,
        metadata: args['metadata'] as SlackStoredMessage['metadata'],
        updates: 0,
      };
      messages.push(message);
      return { ok: true, channel, ts, message: { type: 'message', text: message.text, ts, bot_id: botId } };
    },
    'chat.update': (args) => {
      const message = messages.find((entry) => entry.channel === args['channel'] && entry.ts === args['ts']);
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = String(args['text'] ?? message.text);
      message.blocks = (args['blocks'] as unknown[] | undefined) ?? message.blocks;
      message.updates += 1;
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    },
    'chat.postEphemeral': (args) => {
      ephemerals.push({
        channel: String(args['channel']),
        user: String(args['user']),
        text: String(args['text'] ?? ''),
        blocks: args['blocks'] as unknown[] | undefined,
        threadTs: args['thread_ts'] === undefined ? undefined : String(args['thread_ts']),
      });
      return { ok: true, message_ts: nextTs() };
    },
    'files.getUploadURLExternal': (args) => {
      fileCounter += 1;
      const id = `F${String(fileCounter).padStart(4, '0')}`;
      files.push({
        id,
        filename: String(args['filename'] ?? ''),
        bytes: Buffer.alloc(0),
        title: undefined,
        altText: args['alt_text'] === undefined ? undefined : String(args['alt_text']),
        channel: undefined,
        threadTs: undefined,
        initialComment: undefined,
      });
      return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (args) => {
      const list = (args['files'] as Array<{ id: string; title?: string }> | undefined) ?? [];
      const completed = [];
      for (const entry of list) {
        const file = files.find((candidate) => candidate.id === entry.id);
        if (!file) return { ok: false, error: 'file_not_found' };
        file.title = entry.title;
        file.channel = args['channel_id'] === undefined ? undefined : String(args['channel_id']);
        file.threadTs = args['thread_ts'] === undefined ? undefined : String(args['thread_ts']);
        file.initialComment =
          args['initial_comment'] === undefined ? undefined : String(args['initial_comment']);
        completed.push({ id: file.id, title: file.title ?? file.filename });
      }
      return { ok: true, files: completed };
    },
    'conversations.history': (args) => ({
      ok: true,
      messages: messages
        .filter((entry) => entry.channel === args['channel'] && entry.threadTs === undefined)
        .filter((entry) => args['oldest'] === undefined || Number(entry.ts) >= Number(args['oldest']))
        .reverse()
        .map((entry) => ({
          type: 'message',
          ts: entry.ts,
          text: entry.text,
          bot_id: botId,
          ...(args['include_all_metadata'] && entry.metadata ? { metadata: entry.metadata } : {}),
        })),
      has_more: false,
      response_metadata: { next_cursor: '' },
    }),
    'conversations.replies': (args) => ({
      ok: true,
      messages: messages
        .filter(
          (entry) =>
            entry.channel === args['channel'] && (entry.ts === args['ts'] || entry.threadTs === args['ts']),
        )
        .map((entry) => ({
          type: 'message',
          ts: entry.ts,
          text: entry.text,
          bot_id: botId,
          ...(args['include_all_metadata'] && entry.metadata ? { metadata: entry.metadata } : {}),
        })),
      has_more: false,
      response_metadata: { next_cursor: '' },
    }),
  };

  const server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const body = await readAll(request);
      if (path.startsWith('/upload/')) {
        const file = files.find((candidate) => candidate.id === path.slice('/upload/'.length));
        if (!file) {
          response.writeHead(404).end();
          return;
        }
        const args = await parseArgs(request, body);
        const content = Object.values(args).find((value) => Buffer.isBuffer(value));
        file.bytes = Buffer.isBuffer(content) ? content : body;
        response.writeHead(200, { 'content-type': PNG_OR_ANY }).end('OK');
        return;
      }
      if (path.startsWith('/response/')) {
        responses.push({
          id: path.slice('/response/'.length),
          body: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>,
        });
        send(response, 200, { ok: true });
        return;
      }
      if (!path.startsWith('/api/')) {
        send(response, 404, { ok: false, error: 'unknown_path' });
        return;
      }
      const method = path.slice('/api/'.length);
      const args = await parseArgs(request, body);
      const authorization = String(request.headers['authorization'] ?? '');
      const token = authorization.startsWith('Bearer ')
        ? authorization.slice(7)
        : (args['token'] as string | undefined);
      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times -= 1;
        calls.push({ method, args, token, status: 429 });
        send(response, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
        return;
      }
      calls.push({ method, args, token, status: 200 });
      if (method === 'apps.connections.open') {
        send(
          response,
          200,
          options.appToken && token === options.appToken
            ? { ok: true, url: `${base.replace('http://', 'ws://')}/socket-mode` }
            : { ok: false, error: 'invalid_auth' },
        );
        return;
      }
      if (token !== options.botToken) {
        send(response, 200, { ok: false, error: 'invalid_auth' });
        return;
      }
      const failure = failures.get(method);
      if (failure) {
        failures.delete(method);
        send(response, 200, { ok: false, error: failure });
        return;
      }
      const handler = methods[method];
      send(response, 200, handler ? handler(args) : { ok: false, error: 'unknown_method' });
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { ok: false, error: (error as Error).message });
    });
  });
  const sockets = new Set<Socket>();
  const pendingAcks = new Map<string, { resolve: (ack: Record<string, unknown>) => void }>();
  let envelopeCounter = 0;
  server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    const key = String(request.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = readFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x1) {
          const message = JSON.parse(frame.payload.toString('utf8')) as {
            envelope_id?: string;
            payload?: Record<string, unknown>;
          };
          const pending = message.envelope_id ? pendingAcks.get(message.envelope_id) : undefined;
          if (pending && message.envelope_id) {
            pendingAcks.delete(message.envelope_id);
            pending.resolve(message as Record<string, unknown>);
          }
        } else if (frame.opcode === 0x9) {
          socket.write(writeFrame(0xa, frame.payload));
        } else if (frame.opcode === 0x8) {
          socket.end(writeFrame(0x8, frame.payload.subarray(0, 2)));
        }
      }
    });
    socket.write(
      writeFrame(
        0x1,
        Buffer.from(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            debug_info: { host: 'stand-in' },
            connection_info: { app_id: 'A1' },
          }),
        ),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/api/`,
    calls,
    messages,
    ephemerals,
    files,
    responses,
    responseUrl: (id) => `${base}/response/${id}`,
    rateLimit(method, retryAfterSeconds, times = 1) {
      limits.set(method, { retryAfter: retryAfterSeconds, times });
    },
    failNext(method, error) {
      failures.set(method, error);
    },
    callsOf: (method) => calls.filter((call) => call.method === method),
    sharedFiles: () => files.filter((file) => file.channel !== undefined),
    sendEnvelope(type, payload, envelopeOptions = {}) {
      const [socket] = sockets;
      if (!socket) return Promise.reject(new Error('no Socket Mode connection is open'));
      envelopeCounter += 1;
      const envelopeId = `envelope-${envelopeCounter}`;
      const started = performance.now();
      const acknowledged = new Promise<Record<string, unknown>>((resolve) =>
        pendingAcks.set(envelopeId, { resolve }),
      );
      socket.write(
        writeFrame(
          0x1,
          Buffer.from(
            JSON.stringify({
              envelope_id: envelopeId,
              payload,
              type,
              accepts_response_payload: type !== 'events_api',
              retry_attempt: envelopeOptions.retryAttempt ?? 0,
              retry_reason: envelopeOptions.retryAttempt ? 'timeout' : '',
            }),
          ),
        ),
      );
      return acknowledged.then((ack) => ({ ack, milliseconds: performance.now() - started }));
    },
    socketCount: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A WebSocket frame from the server (never masked). */
function writeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65_536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([
            Buffer.from([0x80 | opcode, 127]),
            (() => {
              const size = Buffer.alloc(8);
              size.writeBigUInt64BE(BigInt(length));
              return size;
            })(),
          ]);
  return Buffer.concat([header, payload]);
}

/** Reads one (masked, unfragmented) client frame from the start of `data`, or undefined if incomplete. */
function readFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + length));
  if (masked)
    for (let index = 0; index < payload.length; index += 1)
      payload[index]! ^= data[maskOffset + (index % 4)]!;
  return { opcode, payload, length: offset + length };
}

/** Slack's request signature: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(timestamp) };
}

/** How a test request to the bot's endpoint went. */
export interface EndpointResponse {
  readonly status: number;
  readonly text: string;
}

/** Options of the senders below. */
export interface SendOptions {
  /** Slack's retry headers (`x-slack-retry-num`, `x-slack-retry-reason`). */
  readonly retryNum?: number;
  /** Sign with this secret instead (a wrong one tests 401). */
  readonly signWith?: string;
  /** Sign with this Unix timestamp (old ones test replay protection). */
  readonly timestamp?: number;
}

async function post(
  url: string,
  body: string,
  contentType: string,
  signingSecret: string,
  options: SendOptions,
): Promise<EndpointResponse> {
  const headers: Record<string, string> = {
    'content-type': contentType,
    ...signSlackRequest(options.signWith ?? signingSecret, body, options.timestamp),
    ...(options.retryNum === undefined
      ? {}
      : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }),
  };
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

/** POSTs an Events API envelope as Slack does (JSON, signed). */
export function sendSlackEvent(
  url: string,
  signingSecret: string,
  envelope: Record<string, unknown>,
  options: SendOptions = {},
): Promise<EndpointResponse> {
  return post(url, JSON.stringify(envelope), 'application/json', signingSecret, options);
}

/** POSTs a slash command as Slack does (form-encoded, signed). */
export function sendSlashCommand(
  url: string,
  signingSecret: string,
  fields: Record<string, string>,
  options: SendOptions = {},
): Promise<EndpointResponse> {
  return post(
    url,
    new URLSearchParams(fields).toString(),
    'application/x-www-form-urlencoded',
    signingSecret,
    options,
  );
}

/** POSTs an interactive payload (button click) as Slack does (`payload=` JSON, form-encoded, signed). */
export function sendInteraction(
  url: string,
  signingSecret: string,
  payload: Record<string, unknown>,
  options: SendOptions = {},
): Promise<EndpointResponse> {
  return post(
    url,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
    signingSecret,
    options,
  );
}

/** An `event_callback` envelope around `event`. */
export function eventEnvelope(
  eventId: string,
  event: Record<string, unknown>,
  teamId = 'T1',
): Record<string, unknown> {
  return {
    token: 'verification-token-unused',
    team_id: teamId,
    api_app_id: 'A1',
    event: { event_ts: event['ts'], ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_764_000_000,
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  };
}

/** An `app_mention` event. */
export function mentionEvent(options: {
  user: string;
  channel: string;
  text: string;
  ts: string;
  threadTs?: string;
}): Record<string, unknown> {
  return {
    type: 'app_mention',
    user: options.user,
    text: options.text,
    ts: options.ts,
    channel: options.channel,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
}

/** A `message` event (a DM with `channelType: 'im'`, or a reply in a channel thread). */
export function messageEvent(options: {
  user?: string;
  botId?: string;
  channel: string;
  channelType: 'im' | 'channel' | 'group';
  text: string;
  ts: string;
  threadTs?: string;
}): Record<string, unknown> {
  return {
    type: 'message',
    channel: options.channel,
    channel_type: options.channelType,
    text: options.text,
    ts: options.ts,
    ...(options.user ? { user: options.user } : {}),
    ...(options.botId ? { bot_id: options.botId } : {}),
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
}

/** A `block_actions` payload: a click on a button of a bot message. */
export function blockAction(options: {
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value: string;
  actionTs: string;
  teamId?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: options.teamId ?? 'T1', domain: 'test' },
    user: { id: options.user, username: options.user, team_id: options.teamId ?? 'T1' },
    api_app_id: 'A1',
    token: 'verification-token-unused',
    trigger_id: `trigger-${options.actionTs}`,
    container: {
      type: 'message',
      message_ts: options.messageTs,
      channel_id: options.channel,
      is_ephemeral: false,
    },
    channel: { id: options.channel, name: 'analytics' },
    message: {
      type: 'message',
      ts: options.messageTs,
      text: '',
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    },
    response_url: 'http://127.0.0.1:9/unused',
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: 'actions',
        text: { type: 'plain_text', text: 'button' },
        value: options.value,
        action_ts: options.actionTs,
      },
    ],
  };
}
