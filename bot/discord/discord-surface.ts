/**
 * The Discord surface, on the HTTP interactions endpoint (no gateway socket): Discord POSTs each slash
 * command, button click and modal submission, signed with Ed25519; the surface verifies the signature,
 * answers within Discord's 3 seconds with a deferred response (type 5, "thinking…"), then runs the
 * pipeline and edits that response through discord.js REST with the answer: an embed with the table,
 * the chart attached as a PNG, and buttons. The interaction token stays valid for 15 minutes, far longer
 * than an answer takes.
 *
 * Threads: `/ask` inside a thread continues the thread's conversation (its id is the conversation id).
 * An answer in a channel becomes a thread's first message when the bot has a token (a thread started
 * from a message has the message's id, so the conversation carries over), and every answer has a
 * "Follow up" button that asks in the same conversation through a modal.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RawFile, REST, Routes } from 'discord.js';
import type { AnswerRecord, AnswerStore } from '../answer-store.js';
import type { AskPipeline } from '../ask.js';
import type { DedupStore } from '../dedup-store.js';
import { BodyTooLargeError, readBody, sendJson } from '../http-server.js';
import type { MetricsRegistry } from '../metrics.js';
import { tableToCsv } from '../render/table.js';
import {
  type ActionHandler,
  ANSWER_ACTION_PREFIX,
  ANSWER_ACTIONS,
  type AskerResolver,
  answerMessage,
  answerRecordFrom,
  askWithChart,
  type ChartRenderer,
  type ChatSurface,
  chunkText,
  createLimiter,
  createWorkTracker,
  cutText,
  explainAnswer,
  fixedRoleResolver,
  MAX_QUESTION_CHARS,
  mayViewAnswer,
  notYourAnswerText,
  type PostedMessage,
  type SurfaceIdentity,
  type SurfaceLogger,
  sqlStatements,
  stderrLogger,
} from '../surface.js';
import { DISCORD_LIMITS, nonceFor, parseCustomId, renderDiscordMessage } from './messages.js';
import { createInteractionVerifier } from './verify.js';

/** Interaction types (Discord API v10). */
export const INTERACTION_TYPE = {
  ping: 1,
  applicationCommand: 2,
  messageComponent: 3,
  modalSubmit: 5,
} as const;

/** Interaction response types (Discord API v10). */
export const RESPONSE_TYPE = {
  pong: 1,
  channelMessage: 4,
  deferredChannelMessage: 5,
  deferredUpdateMessage: 6,
  modal: 9,
} as const;

/** Message flag: only the person who clicked sees it. */
export const EPHEMERAL = 64;

const THREAD_CHANNEL_TYPES = new Set([10, 11, 12]);
const DM_CHANNEL_TYPES = new Set([1, 3]);
const TEXT_CHANNEL_TYPES = new Set([0, 5]);

/** The parts of an interaction the surface reads. */
export interface Interaction {
  readonly id: string;
  readonly application_id: string;
  readonly type: number;
  readonly token: string;
  readonly guild_id?: string;
  readonly channel_id?: string;
  readonly channel?: { readonly id: string; readonly type: number };
  readonly member?: { readonly user: { readonly id: string } };
  readonly user?: { readonly id: string };
  readonly message?: { readonly id: string; readonly channel_id?: string };
  readonly data?: {
    readonly name?: string;
    readonly custom_id?: string;
    readonly options?: readonly { readonly name: string; readonly value?: unknown }[];
    readonly components?: readonly {
      readonly components?: readonly { readonly custom_id: string; readonly value?: string }[];
    }[];
  };
}

/** Options of {@link createDiscordSurface}. */
export interface DiscordSurfaceOptions {
  readonly pipeline: AskPipeline;
  readonly dedup: DedupStore;
  readonly answers: AnswerStore;
  /** `DISCORD_APPLICATION_ID`. */
  readonly applicationId: string;
  /** `DISCORD_PUBLIC_KEY` (64 hex characters): verifies the interactions. */
  readonly publicKey: string;
  /** `DISCORD_TOKEN`: needed to post, update and find messages (alerts) and to start threads. */
  readonly botToken?: string;
  /** REST base URL without version; tests use a stand-in. Default `https://discord.com/api`. */
  readonly api?: string;
  /** HTTP path of the interactions endpoint. Default `/discord/interactions`. */
  readonly endpoint?: string;
  /** Larger bodies get 413. Default 64 KiB (interactions are a few KiB). */
  readonly maxBodyBytes?: number;
  /** The slash command. Default `ask`. */
  readonly commandName?: string;
  /** Start a thread on each answer in a channel (needs `botToken`). Default true. */
  readonly createThreads?: boolean;
  readonly resolveAsker?: AskerResolver;
  readonly clock?: () => Date;
  readonly renderChart?: ChartRenderer;
  /** Questions answered at once. Default 4. */
  readonly concurrency?: number;
  readonly metrics?: MetricsRegistry;
  readonly logger?: SurfaceLogger;
}

/** The Discord surface. */
export interface DiscordSurface extends ChatSurface {
  readonly name: 'discord';
  readonly endpoint: string;
  /** Handles POSTs to {@link endpoint}: mount it on the server. */
  readonly requestListener: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** The discord.js REST client (rate limits and retries are its own). */
  readonly rest: REST;
  /** Resolves when every interaction received so far has been handled. */
  idle(): Promise<void>;
}

/**
 * Creates the Discord surface. Checks its configuration first (the public key's format, the ids).
 *
 * @example
 * const discord = createDiscordSurface({ pipeline, dedup, answers, applicationId, publicKey, botToken });
 * server routes POST discord.endpoint to discord.requestListener
 */
export function createDiscordSurface(options: DiscordSurfaceOptions): DiscordSurface {
  const verifier = createInteractionVerifier(options.publicKey);
  if (!/^\d+$/.test(options.applicationId)) {
    throw new RangeError(
      `DISCORD_APPLICATION_ID should be the numeric application id, got '${options.applicationId}'`,
    );
  }
  const logger = options.logger ?? stderrLogger;
  const endpoint = options.endpoint ?? '/discord/interactions';
  const commandName = options.commandName ?? 'ask';
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const clock = options.clock ?? (() => new Date());
  const resolveAsker = options.resolveAsker ?? fixedRoleResolver();
  const createThreads = (options.createThreads ?? true) && options.botToken !== undefined;
  const limiter = createLimiter(options.concurrency ?? 4);
  const tracker = createWorkTracker();
  const metrics = options.metrics;
  const events = metrics?.counter('analyst_surface_events_total', 'Events, commands and clicks received');
  const duplicates = metrics?.counter('analyst_surface_duplicates_total', 'Deliveries dropped as duplicates');
  const answersPosted = metrics?.counter('analyst_surface_answers_total', 'Answers posted, by outcome');
  const failures = metrics?.counter('analyst_surface_errors_total', 'Failures while answering, by stage');
  const rateLimited = metrics?.counter('analyst_surface_rate_limited_total', 'Waits after a 429 Retry-After');
  const rejected = metrics?.counter('analyst_surface_rejected_total', 'Requests refused (signature, size)');
  const askSeconds = metrics?.histogram('analyst_ask_duration_seconds', 'Time to answer a question');
  const rest = new REST({
    version: '10',
    ...(options.api ? { api: options.api } : {}),
    retries: 2,
    timeout: 15_000,
  });
  if (options.botToken) rest.setToken(options.botToken);
  rest.on('rateLimited', (info) => {
    rateLimited?.inc({ surface: 'discord' });
    logger.info(`discord: rate limited on ${info.route}, waiting ${info.retryAfter} ms`);
  });
  const actionHandlers: Array<{ prefix: string; handler: ActionHandler }> = [];

  const identityOf = (interaction: Interaction): SurfaceIdentity => {
    const channelType = interaction.channel?.type ?? (interaction.guild_id ? 0 : 1);
    return {
      surface: 'discord',
      userId: interaction.member?.user.id ?? interaction.user?.id ?? 'unknown',
      channelId: interaction.channel_id ?? interaction.channel?.id ?? '',
      ...(interaction.guild_id ? { workspaceId: interaction.guild_id } : {}),
      place: THREAD_CHANNEL_TYPES.has(channelType)
        ? 'thread'
        : DM_CHANNEL_TYPES.has(channelType)
          ? 'dm'
          : 'channel',
    };
  };

  // Interaction webhooks authenticate with the token in the URL, not the bot token.
  const editOriginal = (interaction: Interaction, body: unknown, files: RawFile[] = []): Promise<unknown> =>
    rest.patch(Routes.webhookMessage(options.applicationId, interaction.token, '@original'), {
      body,
      files,
      auth: false,
    });

  const followUp = (
    interaction: Interaction,
    body: Record<string, unknown>,
    files: RawFile[] = [],
  ): Promise<unknown> =>
    rest.post(Routes.webhook(options.applicationId, interaction.token), { body, files, auth: false });

  const ephemeral = (interaction: Interaction, content: string, files: RawFile[] = []): Promise<unknown> =>
    followUp(
      interaction,
      { content: cutText(content, DISCORD_LIMITS.maxContentChars), flags: EPHEMERAL },
      files,
    );

  /** Runs a question and edits the deferred response into the answer. */
  const answerInteraction = async (
    interaction: Interaction,
    question: string,
    conversationIdHint: string | undefined,
  ): Promise<void> => {
    const identity = identityOf(interaction);
    const asker = await resolveAsker(identity);
    const trimmed = cutText(question, MAX_QUESTION_CHARS);
    let conversationId = conversationIdHint;
    let originalId: string | undefined;
    if (!conversationId) {
      if (identity.place !== 'channel') conversationId = `discord:${identity.channelId}`;
      else {
        // The deferred response is a message already; its id will be the id of the thread started from it.
        const original = (await rest.get(
          Routes.webhookMessage(options.applicationId, interaction.token, '@original'),
          {
            auth: false,
          },
        )) as { id: string };
        originalId = original.id;
        conversationId = `discord:${original.id}`;
      }
    }
    const started = performance.now();
    let computed: Awaited<ReturnType<typeof askWithChart>>;
    try {
      computed = await askWithChart(
        limiter,
        () => options.pipeline.ask({ question: trimmed, asker, now: clock(), conversationId }),
        options.renderChart,
        logger,
      );
    } catch (error) {
      failures?.inc({ surface: 'discord', stage: 'ask' });
      logger.error(`discord: the pipeline failed: ${(error as Error).message}`);
      await editOriginal(interaction, { content: 'Sorry, that failed; please try again.' });
      answersPosted?.inc({ surface: 'discord', outcome: 'error' });
      return;
    }
    askSeconds?.observe((performance.now() - started) / 1000, { surface: 'discord' });
    const { outcome, chart } = computed;
    const answerId = randomUUID();
    if (outcome.answer) {
      await options.answers.save(
        answerRecordFrom({
          answerId,
          surface: 'discord',
          conversationId,
          asker,
          question: trimmed,
          outcome,
          now: clock(),
        }),
      );
    }
    const message = answerMessage({
      outcome,
      answerId,
      channel: identity.channelId,
      preface: `<@${identity.userId}> asked: ${cutText(trimmed, 300)}`,
      followUp: true,
    });
    const rendered = renderDiscordMessage({ ...message, ...(chart ? { image: chart } : {}) });
    await editOriginal(interaction, rendered.body, rendered.files);
    answersPosted?.inc({
      surface: 'discord',
      outcome: outcome.error ? 'error' : outcome.answer ? 'answered' : outcome.route.tool,
    });
    const channelType = interaction.channel?.type ?? 0;
    if (createThreads && originalId && TEXT_CHANNEL_TYPES.has(channelType) && interaction.guild_id) {
      try {
        await rest.post(Routes.threads(identity.channelId, originalId), {
          body: { name: cutText(trimmed, 100), auto_archive_duration: 1440 },
        });
      } catch (error) {
        // Missing permission to create threads: the Follow up button still continues the conversation.
        logger.warn(`discord: no thread on the answer: ${(error as Error).message}`);
      }
    }
  };

  /** The built-in answer buttons, after a deferred update. */
  const answerAction = async (
    interaction: Interaction,
    actionId: string,
    record: AnswerRecord,
  ): Promise<void> => {
    if (actionId === ANSWER_ACTIONS.showSql) {
      const statements = sqlStatements(record.sql);
      if (statements.length === 0) {
        await ephemeral(interaction, 'No SQL ran for this answer.');
        return;
      }
      const text = statements.join('\n\n');
      if (text.length <= DISCORD_LIMITS.maxContentChars - 12) {
        await ephemeral(interaction, `\`\`\`sql\n${text}\n\`\`\``);
      } else {
        await ephemeral(interaction, `The SQL behind “${cutText(record.question, 100)}” is attached.`, [
          { name: `answer-${record.answerId.slice(0, 8)}.sql`, data: Buffer.from(statements.join(';\n\n')) },
        ]);
      }
      return;
    }
    if (actionId === ANSWER_ACTIONS.explain) {
      const [first] = chunkText(explainAnswer(record), DISCORD_LIMITS.maxContentChars);
      await ephemeral(interaction, first ?? '');
      return;
    }
    if (actionId === ANSWER_ACTIONS.downloadCsv) {
      if (!record.table || record.table.rows.length === 0) {
        await ephemeral(interaction, 'This answer has no table to download.');
        return;
      }
      await ephemeral(interaction, `${record.table.rows.length} rows.`, [
        {
          name: `answer-${record.answerId.slice(0, 8)}.csv`,
          data: Buffer.from(tableToCsv(record.table)),
          contentType: 'text/csv',
        },
      ]);
    }
  };

  const handleComponent = async (interaction: Interaction): Promise<void> => {
    const { actionId, value } = parseCustomId(interaction.data?.custom_id ?? '');
    const asker = await resolveAsker(identityOf(interaction));
    if (actionId.startsWith(ANSWER_ACTION_PREFIX)) {
      const record = await options.answers.load(value);
      if (!record) await ephemeral(interaction, 'This answer has expired; please ask again.');
      else if (!mayViewAnswer(asker, record))
        await ephemeral(interaction, notYourAnswerText(record, `<@${record.askerId}>`));
      else await answerAction(interaction, actionId, record);
      return;
    }
    const registered = actionHandlers.find((entry) => actionId.startsWith(entry.prefix));
    if (!registered) return;
    const channel = interaction.message?.channel_id ?? interaction.channel_id ?? '';
    const reply = await registered.handler({
      surface: 'discord',
      actionId,
      value,
      asker,
      message: { surface: 'discord', channel, messageId: interaction.message?.id ?? '' },
    });
    if (reply?.update) {
      const rendered = renderDiscordMessage(reply.update);
      await editOriginal(interaction, rendered.body, rendered.files);
    }
    if (reply?.reply) {
      if (reply.reply.visibleToAll)
        await followUp(interaction, { content: cutText(reply.reply.text, DISCORD_LIMITS.maxContentChars) });
      else await ephemeral(interaction, reply.reply.text);
    }
  };

  /** Claims the interaction, runs `work` in the background, reports failures on the interaction. */
  const background = (interaction: Interaction, stage: string, work: () => Promise<void>): void => {
    tracker.track(
      (async () => {
        const key = `discord:interaction:${interaction.id}`;
        if (!(await options.dedup.claim(key))) {
          duplicates?.inc({ surface: 'discord' });
          return;
        }
        try {
          await work();
        } catch (error) {
          failures?.inc({ surface: 'discord', stage });
          logger.error(`discord: ${stage} failed: ${(error as Error).message}`);
          await editOriginal(interaction, { content: 'Sorry, that failed; please try again.' }).catch(
            () => undefined,
          );
        } finally {
          await options.dedup.complete(key);
        }
      })(),
    );
  };

  const requestListener = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        rejected?.inc({ surface: 'discord', reason: 'size' });
        response.setHeader('connection', 'close');
        sendJson(response, 413, { error: 'body_too_large' });
        return;
      }
      throw error;
    }
    const signature = String(request.headers['x-signature-ed25519'] ?? '');
    const timestamp = String(request.headers['x-signature-timestamp'] ?? '');
    // The wall clock, not `clock`: questions may be asked at a fixed --now, signatures are checked now.
    if (!verifier.verify(signature, timestamp, body, Date.now())) {
      rejected?.inc({ surface: 'discord', reason: 'signature' });
      sendJson(response, 401, { error: 'invalid request signature' });
      return;
    }
    let interaction: Interaction;
    try {
      interaction = JSON.parse(body.toString('utf8')) as Interaction;
    } catch {
      sendJson(response, 400, { error: 'invalid JSON' });
      return;
    }
    switch (interaction.type) {
      case INTERACTION_TYPE.ping:
        sendJson(response, 200, { type: RESPONSE_TYPE.pong });
        return;
      case INTERACTION_TYPE.applicationCommand: {
        events?.inc({ surface: 'discord', kind: 'command' });
        if (interaction.data?.name !== commandName) {
          sendJson(response, 200, {
            type: RESPONSE_TYPE.channelMessage,
            data: { content: `Unknown command. Use /${commandName} QUESTION.`, flags: EPHEMERAL },
          });
          return;
        }
        const question = String(
          interaction.data.options?.find((option) => option.name === 'question')?.value ?? '',
        ).trim();
        if (!question) {
          sendJson(response, 200, {
            type: RESPONSE_TYPE.channelMessage,
            data: {
              content: `Usage: /${commandName} QUESTION, e.g. “trading volume by country last week”.`,
              flags: EPHEMERAL,
            },
          });
          return;
        }
        // Acknowledge first (3-second limit); the answer replaces this "thinking…" response.
        sendJson(response, 200, { type: RESPONSE_TYPE.deferredChannelMessage });
        background(interaction, 'command', () => answerInteraction(interaction, question, undefined));
        return;
      }
      case INTERACTION_TYPE.messageComponent: {
        events?.inc({ surface: 'discord', kind: 'action' });
        const { actionId, value } = parseCustomId(interaction.data?.custom_id ?? '');
        if (actionId === ANSWER_ACTIONS.followUp) {
          sendJson(response, 200, {
            type: RESPONSE_TYPE.modal,
            data: {
              custom_id: `${ANSWER_ACTIONS.followUp}|${value}`,
              title: 'Follow up',
              components: [
                {
                  type: 1,
                  components: [
                    {
                      type: 4,
                      custom_id: 'question',
                      style: 2,
                      label: 'Your follow-up question',
                      min_length: 1,
                      max_length: 1000,
                      required: true,
                    },
                  ],
                },
              ],
            },
          });
          return;
        }
        sendJson(response, 200, { type: RESPONSE_TYPE.deferredUpdateMessage });
        background(interaction, 'action', () => handleComponent(interaction));
        return;
      }
      case INTERACTION_TYPE.modalSubmit: {
        events?.inc({ surface: 'discord', kind: 'follow_up' });
        const { actionId, value } = parseCustomId(interaction.data?.custom_id ?? '');
        const question = String(
          interaction.data?.components
            ?.flatMap((row) => row.components ?? [])
            .find((input) => input.custom_id === 'question')?.value ?? '',
        ).trim();
        if (actionId !== ANSWER_ACTIONS.followUp || !question) {
          sendJson(response, 200, {
            type: RESPONSE_TYPE.channelMessage,
            data: { content: 'Nothing to ask.', flags: EPHEMERAL },
          });
          return;
        }
        sendJson(response, 200, { type: RESPONSE_TYPE.deferredChannelMessage });
        background(interaction, 'follow_up', async () => {
          const record = await options.answers.load(value);
          await answerInteraction(
            interaction,
            question,
            record?.conversationId ?? `discord:${identityOf(interaction).channelId}`,
          );
        });
        return;
      }
      default:
        sendJson(response, 400, { error: `unsupported interaction type ${interaction.type}` });
    }
  };

  const requireToken = (what: string): void => {
    if (!options.botToken) {
      throw new RangeError(`discord: ${what} needs DISCORD_TOKEN (the bot token)`);
    }
  };

  return {
    name: 'discord',
    endpoint,
    requestListener,
    rest,
    async start() {
      if (options.botToken) {
        // Fail fast on a bad token: the current application is readable with any valid bot token.
        await rest.get(Routes.currentApplication());
      }
    },
    async stop() {
      await tracker.idle();
    },
    async idle() {
      await tracker.idle();
    },
    async post(message) {
      requireToken('posting');
      const rendered = renderDiscordMessage(message);
      const channel = message.threadId ?? message.channel;
      const created = (await rest.post(Routes.channelMessages(channel), {
        body: {
          ...rendered.body,
          ...(message.idempotencyKey ? { nonce: nonceFor(message.idempotencyKey), enforce_nonce: true } : {}),
        },
        files: rendered.files,
      })) as { id: string };
      return {
        surface: 'discord',
        channel: message.channel,
        messageId: created.id,
        ...(message.threadId ? { threadId: message.threadId } : {}),
      };
    },
    async update(posted, message) {
      requireToken('updating');
      const rendered = renderDiscordMessage(message);
      await rest.patch(Routes.channelMessage(posted.threadId ?? posted.channel, posted.messageId), {
        body: rendered.body,
        files: rendered.files,
      });
    },
    async findPosted(channel, idempotencyKey, findOptions) {
      requireToken('finding messages');
      const nonce = nonceFor(idempotencyKey);
      const messages = (await rest.get(Routes.channelMessages(findOptions.threadId ?? channel), {
        query: new URLSearchParams({ limit: '100' }),
      })) as Array<{ id: string; nonce?: string | number; timestamp?: string }>;
      const found = messages.find(
        (entry) =>
          String(entry.nonce ?? '') === nonce &&
          (!entry.timestamp || new Date(entry.timestamp).getTime() >= findOptions.since.getTime()),
      );
      if (!found) return undefined;
      return {
        surface: 'discord',
        channel,
        messageId: found.id,
        ...(findOptions.threadId ? { threadId: findOptions.threadId } : {}),
      } satisfies PostedMessage;
    },
    onAction(prefix, handler) {
      if (!prefix || prefix.startsWith(ANSWER_ACTION_PREFIX)) {
        throw new RangeError(`onAction: the prefix '${prefix}' is empty or reserved for answer buttons`);
      }
      actionHandlers.push({ prefix, handler });
    },
  };
}
