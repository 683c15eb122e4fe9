/**
 * Where alert messages go. A deliverer posts one message with an idempotency key carried inside it
 * (Slack message `metadata`), and can look a message up by that key, so the outbox sender can tell
 * "sent, but the crash came before we recorded it" from "never sent" without posting twice.
 */
import { AnalystError } from '../../core/errors.js';

/** A rendered alert message for one channel. */
export interface AlertMessage {
  /** Channel id on the deliverer (Slack channel id, or a console label). */
  readonly channel: string;
  /** Plain-text fallback; always sent (notifications, screen readers, clients without blocks). */
  readonly text: string;
  /** Block Kit blocks (Slack), ignored by deliverers that cannot show them. */
  readonly blocks?: readonly unknown[];
  /** Post as a reply in the thread of this message id. */
  readonly threadOf?: string;
}

/** The outcome of a send. */
export interface DeliveredMessage {
  readonly messageId: string;
}

/** A delivery target (Slack, console, …). */
export interface AlertDeliverer {
  /** Name used in rule routing, `slack:C123` → deliverer `slack`, channel `C123`. */
  readonly name: string;
  /** Posts a message carrying `idempotencyKey`; throws {@link RateLimitedError} on 429. */
  send(message: AlertMessage, idempotencyKey: string): Promise<DeliveredMessage>;
  /** The id of a message already posted with this key, if any (reconciliation after a crash). */
  findByIdempotencyKey(
    channel: string,
    idempotencyKey: string,
    threadOf?: string,
  ): Promise<string | undefined>;
  /** Replaces a posted message (state changes shown on the alert). */
  update(channel: string, messageId: string, message: AlertMessage): Promise<void>;
}

/** The target refused for now; retry after `retryAfterMs` (HTTP 429 Retry-After). */
export class RateLimitedError extends AnalystError {
  readonly retryAfterMs: number;
  readonly target: string;

  constructor(target: string, retryAfterMs: number) {
    super(
      'delivery_rate_limited',
      `${target} is rate limited; retry after ${Math.round(retryAfterMs / 1000)} s.`,
    );
    this.retryAfterMs = retryAfterMs;
    this.target = target;
  }
}

/** A delivery failed in a way that retrying will not fix (bad channel, bad token). */
export class DeliveryRejectedError extends AnalystError {
  readonly target: string;
  readonly reason: string;

  constructor(target: string, reason: string) {
    super('delivery_rejected', `${target} rejected the message: ${reason}.`);
    this.target = target;
    this.reason = reason;
  }
}

/** Slack errors that will not go away on retry. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'is_archived',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
]);

/** The Slack message metadata event type that carries the outbox id. */
export const ALERT_METADATA_EVENT = 'analyst_alert';

/** Options of {@link createSlackDeliverer}. */
export interface SlackDelivererOptions {
  /** Bot token (xoxb-…). */
  readonly botToken: string;
  /** Web API base URL, ending in `/api/` (default https://slack.com/api/; tests use a local stand-in). */
  readonly apiUrl?: string;
  /** How many history messages to scan when reconciling (default 200). */
  readonly reconcileLimit?: number;
}

/**
 * Slack Web API deliverer over `fetch`: `chat.postMessage` with `metadata` carrying the key,
 * `conversations.history` / `conversations.replies` (with `include_all_metadata`) to reconcile,
 * `chat.update` for state changes.
 */
export function createSlackDeliverer(options: SlackDelivererOptions): AlertDeliverer {
  if (!options.botToken)
    throw new AnalystError(
      'configuration_invalid',
      'The Slack alert deliverer needs a bot token: set SLACK_BOT_TOKEN.',
    );
  const base = options.apiUrl ?? 'https://slack.com/api/';
  if (!base.endsWith('/'))
    throw new AnalystError('configuration_invalid', `Slack API URL must end in '/': got '${base}'.`);
  const limit = options.reconcileLimit ?? 200;

  const call = async (method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${options.botToken}`,
      },
      body: JSON.stringify(args),
    });
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after') ?? '1');
      await response.body?.cancel();
      throw new RateLimitedError(`Slack ${method}`, (Number.isFinite(seconds) ? seconds : 1) * 1000);
    }
    if (!response.ok)
      throw new AnalystError('delivery_failed', `Slack ${method} answered HTTP ${response.status}.`);
    const body = (await response.json()) as Record<string, unknown>;
    if (body['ok'] !== true) {
      const error = String(body['error'] ?? 'unknown_error');
      if (error === 'ratelimited') throw new RateLimitedError(`Slack ${method}`, 1000);
      if (PERMANENT_SLACK_ERRORS.has(error)) throw new DeliveryRejectedError(`Slack ${method}`, error);
      throw new AnalystError('delivery_failed', `Slack ${method} failed: ${error}.`);
    }
    return body;
  };

  return {
    name: 'slack',
    async send(message, idempotencyKey) {
      const body = await call('chat.postMessage', {
        channel: message.channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(message.threadOf ? { thread_ts: message.threadOf } : {}),
        metadata: { event_type: ALERT_METADATA_EVENT, event_payload: { idempotency_key: idempotencyKey } },
        unfurl_links: false,
      });
      return { messageId: String(body['ts']) };
    },
    async findByIdempotencyKey(channel, idempotencyKey, threadOf) {
      const body = threadOf
        ? await call('conversations.replies', { channel, ts: threadOf, include_all_metadata: true, limit })
        : await call('conversations.history', { channel, include_all_metadata: true, limit });
      const messages = (body['messages'] as Array<Record<string, unknown>> | undefined) ?? [];
      for (const entry of messages) {
        const metadata = entry['metadata'] as
          | { event_type?: string; event_payload?: Record<string, unknown> }
          | undefined;
        if (
          metadata?.event_type === ALERT_METADATA_EVENT &&
          metadata.event_payload?.['idempotency_key'] === idempotencyKey
        ) {
          return String(entry['ts']);
        }
      }
      return undefined;
    },
    async update(channel, messageId, message) {
      await call('chat.update', {
        channel,
        ts: messageId,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      });
    },
  };
}

/** A console deliverer: prints messages (for `analyst alerts run-once` without Slack) and remembers keys. */
export function createConsoleDeliverer(options: { write?: (text: string) => void } = {}): AlertDeliverer & {
  readonly sent: Array<{ channel: string; key: string; text: string; messageId: string }>;
} {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const sent: Array<{ channel: string; key: string; text: string; messageId: string }> = [];
  return {
    name: 'console',
    sent,
    async send(message, idempotencyKey) {
      const messageId = `console-${sent.length + 1}`;
      sent.push({ channel: message.channel, key: idempotencyKey, text: message.text, messageId });
      const thread = message.threadOf ? ` (reply to ${message.threadOf})` : '';
      write(`[alert → ${message.channel}${thread}] ${message.text}\n`);
      return { messageId };
    },
    async findByIdempotencyKey(channel, idempotencyKey) {
      return sent.find((entry) => entry.channel === channel && entry.key === idempotencyKey)?.messageId;
    },
    async update(channel, messageId, message) {
      write(`[alert update → ${channel} ${messageId}] ${message.text}\n`);
    },
  };
}
