/**
 * A local stand-in of the Discord REST API (v10, the routes the bot uses) and helpers that play
 * Discord's side of the interactions endpoint: Ed25519-signed interaction POSTs. Tests point discord.js
 * REST at it with `api: standIn.api`; nothing leaves 127.0.0.1.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** JSON the tests navigate freely (the assertions check the values, not the shapes). */
// biome-ignore lint/suspicious/noExplicitAny: stand-in payloads are arbitrary JSON, read by tests.
export type LooseJson = any;

/** One REST request as the stand-in received it. */
export interface DiscordRequest {
  readonly method: string;
  /** Decoded path after `/api/v10`, e.g. `/webhooks/1/token/messages/@original`. */
  readonly path: string;
  /** The JSON body (from `payload_json` for multipart requests). */
  readonly body: Record<string, unknown> | unknown[] | undefined;
  readonly files: Array<{ field: string; name: string; contentType: string; data: Buffer }>;
  readonly authorization: string | undefined;
  readonly status: number;
}

/** A message in the stand-in. */
export interface DiscordStoredMessage {
  readonly id: string;
  readonly channelId: string;
  /** Set for interaction responses (the token of the interaction). */
  readonly interactionToken: string | undefined;
  content: string;
  embeds: Array<Record<string, LooseJson>>;
  components: Array<Record<string, LooseJson>>;
  attachments: Array<{ filename: string; contentType: string; data: Buffer; description?: string }>;
  flags: number;
  readonly nonce: string | undefined;
  edits: number;
  readonly timestamp: string;
}

/** A running stand-in. */
export interface DiscordStandIn {
  /** For discord.js `rest: { api }`, e.g. http://127.0.0.1:41234/api */
  readonly api: string;
  readonly requests: DiscordRequest[];
  readonly messages: DiscordStoredMessage[];
  readonly threads: Array<{ id: string; parentId: string; name: string }>;
  readonly commands: Array<{ scope: string; body: unknown[] }>;
  /** The original response of an interaction (created when the bot first reads or edits it). */
  original(token: string): DiscordStoredMessage | undefined;
  /** Follow-up messages of an interaction. */
  followUps(token: string): DiscordStoredMessage[];
  /** The next `times` requests whose `METHOD path` matches get 429 with `retry_after`. */
  rateLimit(pattern: RegExp, retryAfterSeconds: number, times?: number): void;
  close(): Promise<void>;
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the stand-in on 127.0.0.1 (random port). Bot routes require `Authorization: Bot <botToken>`. */
export async function startDiscordStandIn(options: {
  applicationId: string;
  botToken: string;
}): Promise<DiscordStandIn> {
  const requests: DiscordRequest[] = [];
  const messages: DiscordStoredMessage[] = [];
  const threads: DiscordStandIn['threads'] = [];
  const commands: DiscordStandIn['commands'] = [];
  const limits: Array<{ pattern: RegExp; retryAfter: number; times: number }> = [];
  let snowflake = 1_300_000_000_000_000_000n;
  const nextId = (): string => {
    snowflake += 1n;
    return String(snowflake);
  };

  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? '' : JSON.stringify(body));
  };

  const toJson = (message: DiscordStoredMessage): Record<string, unknown> => ({
    id: message.id,
    channel_id: message.channelId,
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    attachments: message.attachments.map((file, index) => ({
      id: String(index),
      filename: file.filename,
      size: file.data.length,
    })),
    flags: message.flags,
    timestamp: message.timestamp,
    ...(message.nonce ? { nonce: message.nonce } : {}),
  });

  const create = (
    channelId: string,
    token: string | undefined,
    body: Record<string, LooseJson>,
    files: DiscordRequest['files'],
  ): DiscordStoredMessage => {
    const message: DiscordStoredMessage = {
      id: nextId(),
      channelId,
      interactionToken: token,
      content: String(body['content'] ?? ''),
      embeds: (body['embeds'] as Array<Record<string, LooseJson>>) ?? [],
      components: (body['components'] as Array<Record<string, LooseJson>>) ?? [],
      attachments: [],
      flags: Number(body['flags'] ?? 0),
      nonce: body['nonce'] === undefined ? undefined : String(body['nonce']),
      edits: 0,
      timestamp: new Date().toISOString(),
    };
    applyFiles(message, body, files);
    messages.push(message);
    return message;
  };

  const applyFiles = (
    message: DiscordStoredMessage,
    body: Record<string, LooseJson>,
    files: DiscordRequest['files'],
  ): void => {
    if (files.length === 0 && body['attachments'] === undefined) return;
    const described = (body['attachments'] as Array<{ id: number; description?: string }> | undefined) ?? [];
    message.attachments = files.map((file, index) => {
      const description = described.find((entry) => Number(entry.id) === index)?.description;
      return {
        filename: file.name,
        contentType: file.contentType,
        data: file.data,
        ...(description ? { description } : {}),
      };
    });
  };

  const originals = new Map<string, string>();
  /** Discord creates the "thinking…" message when an interaction is deferred; the stand-in creates it on first use. */
  const originalFor = (token: string): DiscordStoredMessage => {
    const id = originals.get(token);
    const existing = id === undefined ? undefined : messages.find((message) => message.id === id);
    if (existing) return existing;
    const message = create('interaction', token, { content: '' }, []);
    originals.set(token, message.id);
    return message;
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const prefix = '/api/v10';
      if (!url.pathname.startsWith(prefix)) {
        send(response, 404, { message: '404: Not Found', code: 0 });
        return;
      }
      const path = decodeURIComponent(url.pathname.slice(prefix.length));
      const method = request.method ?? 'GET';
      const raw = await readAll(request);
      const type = String(request.headers['content-type'] ?? '');
      let body: Record<string, LooseJson> | unknown[] | undefined;
      const files: DiscordRequest['files'] = [];
      if (type.includes('multipart/form-data')) {
        const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
        for (const [field, value] of form.entries()) {
          if (typeof value === 'string') {
            if (field === 'payload_json') body = JSON.parse(value) as Record<string, LooseJson>;
          } else {
            files.push({
              field,
              name: value.name,
              contentType: value.type,
              data: Buffer.from(await value.arrayBuffer()),
            });
          }
        }
      } else if (raw.length > 0) {
        body = JSON.parse(raw.toString('utf8')) as Record<string, LooseJson>;
      }
      const authorization = request.headers['authorization'];
      const limit = limits.find((entry) => entry.times > 0 && entry.pattern.test(`${method} ${path}`));
      if (limit) {
        limit.times -= 1;
        requests.push({ method, path, body, files, authorization, status: 429 });
        send(
          response,
          429,
          { message: 'You are being rate limited.', retry_after: limit.retryAfter, global: false },
          { 'retry-after': String(Math.ceil(limit.retryAfter)), 'x-ratelimit-scope': 'user' },
        );
        return;
      }
      const record = (status: number): void => {
        requests.push({ method, path, body, files, authorization, status });
      };
      const object = (body ?? {}) as Record<string, LooseJson>;
      const isBot = authorization === `Bot ${options.botToken}`;
      let match: RegExpExecArray | null;
      match = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
      if (match) {
        const token = match[2]!;
        if (match[1] !== options.applicationId) {
          record(404);
          send(response, 404, { message: 'Unknown Webhook', code: 10015 });
          return;
        }
        const original = originalFor(token);
        if (method === 'PATCH') {
          if ('content' in object) original.content = String(object['content']);
          if ('embeds' in object) original.embeds = object['embeds'] as Array<Record<string, LooseJson>>;
          if ('components' in object)
            original.components = object['components'] as Array<Record<string, LooseJson>>;
          applyFiles(original, object, files);
          original.edits += 1;
        }
        record(200);
        send(response, 200, toJson(original));
        return;
      }
      match = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
      if (match && method === 'POST') {
        const message = create('interaction', match[2]!, object, files);
        record(200);
        send(response, 200, toJson(message));
        return;
      }
      // Everything below needs the bot token.
      if (!isBot) {
        record(401);
        send(response, 401, { message: '401: Unauthorized', code: 0 });
        return;
      }
      if (path === '/applications/@me' && method === 'GET') {
        record(200);
        send(response, 200, { id: options.applicationId, name: 'Exchange analyst' });
        return;
      }
      match = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path);
      if (match && method === 'PUT') {
        const list = (body as unknown[]) ?? [];
        commands.push({ scope: match[2] ? `guild:${match[2]}` : 'global', body: list });
        record(200);
        send(
          response,
          200,
          list.map((command) => ({
            id: nextId(),
            application_id: options.applicationId,
            version: '1',
            ...(command as object),
          })),
        );
        return;
      }
      match = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
      if (match && method === 'POST') {
        threads.push({ id: match[2]!, parentId: match[1]!, name: String(object['name'] ?? '') });
        record(201);
        send(response, 201, { id: match[2], parent_id: match[1], type: 11, name: object['name'] });
        return;
      }
      match = /^\/channels\/(\d+)\/messages$/.exec(path);
      if (match) {
        const channelId = match[1]!;
        if (method === 'GET') {
          const limitParameter = Number(url.searchParams.get('limit') ?? 50);
          record(200);
          send(
            response,
            200,
            messages
              .filter((message) => message.channelId === channelId)
              .reverse()
              .slice(0, limitParameter)
              .map(toJson),
          );
          return;
        }
        if (method === 'POST') {
          const nonce = object['nonce'] === undefined ? undefined : String(object['nonce']);
          const existing =
            object['enforce_nonce'] && nonce
              ? messages.find((message) => message.channelId === channelId && message.nonce === nonce)
              : undefined;
          const message = existing ?? create(channelId, undefined, object, files);
          record(200);
          send(response, 200, toJson(message));
          return;
        }
      }
      match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
      if (match && method === 'PATCH') {
        const message = messages.find((entry) => entry.channelId === match![1] && entry.id === match![2]);
        if (!message) {
          record(404);
          send(response, 404, { message: 'Unknown Message', code: 10008 });
          return;
        }
        if ('content' in object) message.content = String(object['content']);
        if ('embeds' in object) message.embeds = object['embeds'] as Array<Record<string, LooseJson>>;
        if ('components' in object)
          message.components = object['components'] as Array<Record<string, LooseJson>>;
        applyFiles(message, object, files);
        message.edits += 1;
        record(200);
        send(response, 200, toJson(message));
        return;
      }
      record(404);
      send(response, 404, { message: `404: no stand-in route for ${method} ${path}`, code: 0 });
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { message: (error as Error).message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    api: `${base}/api`,
    requests,
    messages,
    threads,
    commands,
    original: (token) => {
      const id = originals.get(token);
      return messages.find((message) => message.id === id);
    },
    followUps: (token) =>
      messages.filter((message) => message.interactionToken === token && message.id !== originals.get(token)),
    rateLimit(pattern, retryAfterSeconds, times = 1) {
      limits.push({ pattern, retryAfter: retryAfterSeconds, times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Signs interactions as Discord does, with a fresh Ed25519 key pair. */
export interface InteractionSigner {
  /** The application's public key, as DISCORD_PUBLIC_KEY (64 hex characters). */
  readonly publicKeyHex: string;
  /** Headers for `body` at `timestamp` (Unix seconds, default now). */
  headers(body: string, timestamp?: number): Record<string, string>;
}

/** Creates a signer with a new key pair. */
export function createInteractionSigner(): InteractionSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = (publicKey as KeyObject).export({ format: 'der', type: 'spki' });
  return {
    publicKeyHex: der.subarray(der.length - 32).toString('hex'),
    headers(body, timestamp = Math.floor(Date.now() / 1000)) {
      const signature = sign(null, Buffer.from(`${timestamp}${body}`), privateKey);
      return { 'x-signature-ed25519': signature.toString('hex'), 'x-signature-timestamp': String(timestamp) };
    },
  };
}

/** POSTs a signed interaction to the bot's endpoint; returns the status and the parsed JSON response. */
export async function sendDiscordInteraction(
  url: string,
  signer: InteractionSigner,
  interaction: Record<string, unknown>,
  options: { signer?: InteractionSigner; timestamp?: number; tamper?: boolean } = {},
): Promise<{ status: number; json: Record<string, LooseJson> | undefined }> {
  const body = JSON.stringify(interaction);
  const headers = (options.signer ?? signer).headers(body, options.timestamp);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: options.tamper ? body.replace('"', ' "') : body,
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, LooseJson>) : undefined,
  };
}

let interactionCounter = 0;

/** A `/ask` application-command interaction. */
export function askInteraction(options: {
  applicationId: string;
  question: string;
  channelId: string;
  /** 0 text channel, 11 public thread, 1 DM. */
  channelType?: number;
  guildId?: string;
  userId?: string;
}): Record<string, unknown> {
  interactionCounter += 1;
  const guild = options.channelType === 1 ? undefined : (options.guildId ?? '900000000000000001');
  return {
    id: `1400000000000000${String(interactionCounter).padStart(3, '0')}`,
    application_id: options.applicationId,
    type: 2,
    token: `interaction-token-${interactionCounter}`,
    version: 1,
    data: {
      id: '1350000000000000001',
      name: 'ask',
      type: 1,
      options: [{ name: 'question', type: 3, value: options.question }],
    },
    channel_id: options.channelId,
    channel: { id: options.channelId, type: options.channelType ?? 0 },
    ...(guild
      ? {
          guild_id: guild,
          member: { user: { id: options.userId ?? '800000000000000001', username: 'ana' }, roles: [] },
        }
      : { user: { id: options.userId ?? '800000000000000001', username: 'ana' } }),
    app_permissions: '0',
  };
}

/** A button click on a message. */
export function componentInteraction(options: {
  applicationId: string;
  customId: string;
  channelId: string;
  messageId: string;
  userId?: string;
}): Record<string, unknown> {
  interactionCounter += 1;
  return {
    id: `1410000000000000${String(interactionCounter).padStart(3, '0')}`,
    application_id: options.applicationId,
    type: 3,
    token: `component-token-${interactionCounter}`,
    version: 1,
    data: { custom_id: options.customId, component_type: 2 },
    channel_id: options.channelId,
    channel: { id: options.channelId, type: 0 },
    guild_id: '900000000000000001',
    member: { user: { id: options.userId ?? '800000000000000001', username: 'ana' }, roles: [] },
    message: { id: options.messageId, channel_id: options.channelId },
  };
}

/** A modal submission (the "Follow up" modal). */
export function modalSubmitInteraction(options: {
  applicationId: string;
  customId: string;
  channelId: string;
  question: string;
  userId?: string;
}): Record<string, unknown> {
  interactionCounter += 1;
  return {
    id: `1420000000000000${String(interactionCounter).padStart(3, '0')}`,
    application_id: options.applicationId,
    type: 5,
    token: `modal-token-${interactionCounter}`,
    version: 1,
    data: {
      custom_id: options.customId,
      components: [{ type: 1, components: [{ type: 4, custom_id: 'question', value: options.question }] }],
    },
    channel_id: options.channelId,
    channel: { id: options.channelId, type: 0 },
    guild_id: '900000000000000001',
    member: { user: { id: options.userId ?? '800000000000000001', username: 'ana' }, roles: [] },
  };
}
