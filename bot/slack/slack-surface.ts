/**
 * The Slack surface: a Bolt app in HTTP mode (events, commands and actions POSTed to one endpoint and
 * verified with the signing secret) or Socket Mode (a WebSocket opened with the app-level token).
 *
 * What it answers: @mentions (in a thread under the mention), direct messages, the `/analyst` slash
 * command, and replies in threads the bot already answers in (follow-ups; the conversation id is the
 * thread, so the pipeline sees its history). Each answer starts as a "working on it" message, updated
 * in place with Block Kit (headline, table, buttons) once the pipeline is done; the chart follows as a
 * PNG uploaded with `files.uploadV2`. Bolt acknowledges events before any work starts (Slack's 3-second
 * limit), and every event id, command and click is claimed in the {@link DedupStore} first, so a retry
 * is answered once.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { App, HTTPReceiver, type Logger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ConfigurationError } from '../../core/errors.js';
import type { AnswerRecord, AnswerStore } from '../answer-store.js';
import type { AskPipeline } from '../ask.js';
import type { ConversationStore } from '../conversation-store.js';
import type { DedupStore } from '../dedup-store.js';
import type { MetricsRegistry } from '../metrics.js';
import { tableToCsv } from '../render/table.js';
import { createSendQueue, type SendQueue, type SendQueueOptions } from '../send-queue.js';
import {
  type ActionHandler,
  type ActionReply,
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
  type MessageFile,
  mayViewAnswer,
  notYourAnswerText,
  type PostedMessage,
  type SurfaceIdentity,
  type SurfaceLogger,
  sqlStatements,
  stderrLogger,
  workingText,
} from '../surface.js';
import { escapeMrkdwn, renderSlackMessage, SLACK_LIMITS, type SlackBlock } from './blocks.js';

/** Options of {@link createSlackSurface}. */
export interface SlackSurfaceOptions {
  readonly pipeline: AskPipeline;
  /** Read to recognise threads the bot answers in (follow-ups without a mention). */
  readonly conversations: Pick<ConversationStore, 'history'>;
  readonly dedup: DedupStore;
  readonly answers: AnswerStore;
  /** `SLACK_BOT_TOKEN` (xoxb-…). */
  readonly botToken: string;
  /** `http`: Slack POSTs to {@link SlackSurface.endpoint}; `socket`: a WebSocket with `appToken`. */
  readonly mode: 'http' | 'socket';
  /** `SLACK_SIGNING_SECRET`, required in HTTP mode. */
  readonly signingSecret?: string;
  /** `SLACK_APP_TOKEN` (xapp-…), required in Socket Mode. */
  readonly appToken?: string;
  /** The Web API base URL; tests point it at a local stand-in. Default `https://slack.com/api/`. */
  readonly slackApiUrl?: string;
  /** HTTP path of events, commands and actions. Default `/slack/events`. */
  readonly endpoint?: string;
  /** Larger request bodies are refused with 413. Default 256 KiB (Slack's payloads are a few KiB). */
  readonly maxBodyBytes?: number;
  /** The slash command. Default `/analyst`. */
  readonly slashCommand?: string;
  readonly resolveAsker?: AskerResolver;
  /** The `now` of questions. Default: the wall clock. */
  readonly clock?: () => Date;
  readonly renderChart?: ChartRenderer;
  /** Questions answered at once; the rest wait (their "working on it" message is already up). Default 4. */
  readonly concurrency?: number;
  /** Pacing and retries of sends; `retryAfterMs` is Slack's. */
  readonly sendQueue?: Omit<SendQueueOptions, 'retryAfterMs'>;
  readonly metrics?: MetricsRegistry;
  readonly logger?: SurfaceLogger;
}

/** The Slack surface. */
export interface SlackSurface extends ChatSurface {
  readonly name: 'slack';
  readonly mode: 'http' | 'socket';
  /** Where HTTP mode expects Slack's POSTs. */
  readonly endpoint: string;
  /** HTTP mode: the request handler to mount at {@link endpoint}; undefined in Socket Mode. */
  readonly requestListener: RequestListener | undefined;
  /** The Bolt app (for extra listeners). */
  readonly app: App;
  /** Resolves when every event, command and click received so far has been handled. */
  idle(): Promise<void>;
}

/** Message fields the handlers read, whatever the subtype. */
interface IncomingMessage {
  readonly type: string;
  readonly subtype?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts: string;
  readonly thread_ts?: string;
  readonly channel: string;
  readonly channel_type?: string;
}

/** Where and how a question gets its answer. */
interface QuestionPlace {
  readonly channel: string;
  /** Thread to answer in; undefined answers at the top level (DMs, slash commands). */
  readonly threadTs: string | undefined;
  /** The conversation id, given the ts of the "working" message (slash commands start a thread there). */
  readonly conversationId: (workingTs: string) => string;
  readonly identity: SurfaceIdentity;
  /** A line above the answer (slash commands: who asked what). */
  readonly preface?: string;
}

const HELP_TEXT =
  'Ask me about trading, KYC/AML, on-chain addresses, recommendations or customer feedback, e.g. “trading volume by country last week” or “pull up user 12”.';

/** Slack's rate-limit error carries `retryAfter` in seconds. */
export function slackRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const coded = error as { code?: unknown; retryAfter?: unknown };
  if (coded.code !== 'slack_webapi_rate_limited_error' || typeof coded.retryAfter !== 'number')
    return undefined;
  return coded.retryAfter * 1000;
}

/** The platform error code of a failed Web API call (`not_in_channel`, …), if any. */
function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

function boltLogger(logger: SurfaceLogger): Logger {
  let level = LogLevel.WARN;
  const text = (messages: unknown[]): string =>
    `slack: ${messages.map((message) => (message instanceof Error ? message.message : String(message))).join(' ')}`;
  return {
    debug() {},
    info() {},
    warn: (...messages: unknown[]) => logger.warn(text(messages)),
    error: (...messages: unknown[]) => logger.error(text(messages)),
    setLevel(next) {
      level = next;
    },
    getLevel: () => level,
    setName() {},
  };
}

/**
 * Creates the Slack surface. Configuration is checked here (fail fast): HTTP mode needs the signing
 * secret, Socket Mode the app-level token.
 *
 * @example
 * const slack = createSlackSurface({ pipeline, conversations, dedup, answers, mode: 'http',
 *   botToken: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET });
 * await slack.start(); // checks the token with auth.test
 * server.route('POST', slack.endpoint, slack.requestListener);
 */
export function createSlackSurface(options: SlackSurfaceOptions): SlackSurface {
  if (!options.botToken) {
    throw new ConfigurationError('SLACK_BOT_TOKEN', 'is required for Slack (Bot User OAuth Token, xoxb-…)');
  }
  if (options.mode === 'http' && !options.signingSecret) {
    throw new ConfigurationError(
      'SLACK_SIGNING_SECRET',
      'is required for Slack in HTTP mode (Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  if (options.mode === 'socket' && !options.appToken) {
    throw new ConfigurationError(
      'SLACK_APP_TOKEN',
      'is required for Slack Socket Mode (Basic Information → App-Level Tokens, scope connections:write)',
    );
  }
  const logger = options.logger ?? stderrLogger;
  const endpoint = options.endpoint ?? '/slack/events';
  const slashCommand = options.slashCommand ?? '/analyst';
  const clock = options.clock ?? (() => new Date());
  const resolveAsker = options.resolveAsker ?? fixedRoleResolver();
  const limiter = createLimiter(options.concurrency ?? 4);
  const tracker = createWorkTracker();
  const metrics = options.metrics;
  const events = metrics?.counter('analyst_surface_events_total', 'Events, commands and clicks received');
  const duplicates = metrics?.counter('analyst_surface_duplicates_total', 'Deliveries dropped as duplicates');
  const answersPosted = metrics?.counter('analyst_surface_answers_total', 'Answers posted, by outcome');
  const failures = metrics?.counter('analyst_surface_errors_total', 'Failures while answering, by stage');
  const rateLimited = metrics?.counter('analyst_surface_rate_limited_total', 'Waits after a 429 Retry-After');
  const askSeconds = metrics?.histogram('analyst_ask_duration_seconds', 'Time to answer a question');
  const queue: SendQueue = createSendQueue({
    ...options.sendQueue,
    retryAfterMs: slackRetryAfterMs,
    onRateLimited: (channel, waitMs) => {
      rateLimited?.inc({ surface: 'slack' });
      logger.warn(`slack: rate limited in ${channel}, waiting ${waitMs} ms`);
      options.sendQueue?.onRateLimited?.(channel, waitMs);
    },
  });
  const clientOptions = {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    // 429s go to the send queue, which pauses the one channel; other failures retry briefly only.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  };
  const receiver =
    options.mode === 'http'
      ? new HTTPReceiver({
          signingSecret: options.signingSecret!,
          endpoints: [endpoint],
          bodyLimit: options.maxBodyBytes ?? 256 * 1024,
          logger: boltLogger(logger),
          processBeforeResponse: false,
        })
      : new SocketModeReceiver({
          appToken: options.appToken!,
          logger: boltLogger(logger),
          installerOptions: { clientOptions },
        });
  const app = new App({
    token: options.botToken,
    receiver,
    clientOptions,
    logger: boltLogger(logger),
    convoStore: false,
    deferInitialization: true,
    ignoreSelf: true,
  });
  const client: WebClient = app.client;
  let botUserId = '';
  const actionHandlers: Array<{ prefix: string; handler: ActionHandler }> = [];

  app.error(async (error) => {
    failures?.inc({ surface: 'slack', stage: 'bolt' });
    logger.error(`slack: ${error.message}`);
  });

  /** Claims a delivery; false (and counted) for a duplicate. */
  const claim = async (key: string): Promise<boolean> => {
    const fresh = await options.dedup.claim(key);
    if (!fresh) duplicates?.inc({ surface: 'slack' });
    return fresh;
  };

  const stripMention = (text: string): string =>
    text
      .replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ')
      .replace(/\s+/g, ' ')
      .trim();

  const postMessage = async (channel: string, args: Record<string, unknown>): Promise<string> => {
    const result = await queue.run(
      channel,
      () => client.chat.postMessage({ channel, ...args } as Parameters<WebClient['chat']['postMessage']>[0]),
      { paced: true },
    );
    return String(result.ts);
  };

  const updateMessage = async (
    channel: string,
    ts: string,
    text: string,
    blocks: SlackBlock[],
  ): Promise<void> => {
    await queue.run(channel, () => client.chat.update({ channel, ts, text, blocks }));
  };

  const upload = async (
    channel: string,
    threadTs: string | undefined,
    files: readonly (MessageFile & { altText?: string })[],
    comment?: string,
  ): Promise<void> => {
    if (files.length === 0) return;
    await queue.run(channel, () =>
      client.files.uploadV2({
        channel_id: channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(comment ? { initial_comment: comment } : {}),
        file_uploads: files.map((file) => ({
          file: file.data,
          filename: file.filename,
          ...(file.title ? { title: file.title } : {}),
          ...(file.altText ? { alt_text: file.altText } : {}),
        })),
      }),
    );
  };

  const ephemeral = async (
    channel: string,
    user: string,
    threadTs: string | undefined,
    text: string,
    blocks?: SlackBlock[],
  ): Promise<void> => {
    await queue.run(channel, () =>
      client.chat.postEphemeral({
        channel,
        user,
        text: escapeMrkdwn(cutText(text, SLACK_LIMITS.maxFallbackChars)),
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
  };

  /** Runs the pipeline and renders its outcome into the "working" message, then uploads the chart. */
  const answer = async (question: string, place: QuestionPlace, workingTs: string): Promise<void> => {
    const asker = await resolveAsker(place.identity);
    const conversationId = place.conversationId(workingTs);
    const trimmed = cutText(question, MAX_QUESTION_CHARS);
    let computed: Awaited<ReturnType<typeof askWithChart>>;
    const started = performance.now();
    try {
      computed = await askWithChart(
        limiter,
        () => options.pipeline.ask({ question: trimmed, asker, now: clock(), conversationId }),
        options.renderChart,
        logger,
      );
    } catch (error) {
      failures?.inc({ surface: 'slack', stage: 'ask' });
      logger.error(`slack: the pipeline failed: ${(error as Error).message}`);
      await updateMessage(place.channel, workingTs, 'Sorry, that failed; please try again.', [
        { type: 'section', text: { type: 'mrkdwn', text: 'Sorry, that failed; please try again.' } },
      ]);
      answersPosted?.inc({ surface: 'slack', outcome: 'error' });
      return;
    }
    askSeconds?.observe((performance.now() - started) / 1000, { surface: 'slack' });
    const { outcome, chart } = computed;
    const answerId = randomUUID();
    if (outcome.answer) {
      await options.answers.save(
        answerRecordFrom({
          answerId,
          surface: 'slack',
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
      channel: place.channel,
      ...(place.threadTs ? { threadId: place.threadTs } : {}),
      ...(place.preface ? { preface: place.preface } : {}),
    });
    const rendered = renderSlackMessage(message);
    await updateMessage(place.channel, workingTs, rendered.text, rendered.blocks);
    answersPosted?.inc({
      surface: 'slack',
      outcome: outcome.error ? 'error' : outcome.answer ? 'answered' : outcome.route.tool,
    });
    const files: Array<MessageFile & { altText?: string }> = chart ? [chart] : [];
    if (outcome.answer?.table && rendered.rowsShown < rendered.rowsTotal) {
      files.push({
        filename: `answer-${answerId.slice(0, 8)}.csv`,
        data: Buffer.from(tableToCsv(outcome.answer.table)),
      });
    }
    // Top-level answers (slash commands, DMs) keep the chart in the answer's thread, not the channel.
    const fileThread = place.threadTs ?? (place.identity.place === 'dm' ? undefined : workingTs);
    try {
      await upload(place.channel, fileThread, files);
    } catch (error) {
      failures?.inc({ surface: 'slack', stage: 'upload' });
      logger.warn(`slack: upload failed in ${place.channel}: ${(error as Error).message}`);
    }
  };

  /** Posts "working on it", then answers; a failure before anything was posted gives the claim back. */
  const handleQuestion = async (key: string, question: string, place: QuestionPlace): Promise<void> => {
    if (!(await claim(key))) return;
    let workingTs: string | undefined;
    try {
      if (!question) {
        await postMessage(place.channel, {
          text: HELP_TEXT,
          ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
        });
        await options.dedup.complete(key);
        return;
      }
      workingTs = await postMessage(place.channel, {
        text: [place.preface, workingText(question)].filter(Boolean).join('\n'),
        ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
      });
      await answer(question, place, workingTs);
      await options.dedup.complete(key);
    } catch (error) {
      failures?.inc({ surface: 'slack', stage: 'post' });
      logger.error(`slack: answering in ${place.channel} failed: ${(error as Error).message}`);
      // Nothing visible yet: let Slack's retry try again. Something posted: a retry would post twice.
      if (workingTs === undefined) await options.dedup.release(key);
      else await options.dedup.complete(key);
    }
  };

  const run = (work: Promise<void>): Promise<void> => {
    tracker.track(work);
    return work;
  };

  app.event('app_mention', async ({ event, body, context }) => {
    events?.inc({ surface: 'slack', kind: 'mention' });
    botUserId ||= context.botUserId ?? '';
    const mention = event as unknown as IncomingMessage;
    if (!mention.user) return;
    const teamId = body.team_id;
    const threadTs = mention.thread_ts ?? mention.ts;
    await run(
      handleQuestion(`slack:event:${body.event_id}`, stripMention(mention.text ?? ''), {
        channel: mention.channel,
        threadTs,
        conversationId: () => `slack:${teamId}:${mention.channel}:${threadTs}`,
        identity: {
          surface: 'slack',
          userId: mention.user,
          channelId: mention.channel,
          workspaceId: teamId,
          place: mention.thread_ts ? 'thread' : 'channel',
        },
      }),
    );
  });

  app.message(async ({ message, body, context }) => {
    const incoming = message as unknown as IncomingMessage;
    botUserId ||= context.botUserId ?? '';
    // Edits, joins, bot posts (our own included) and file shares without text are not questions.
    if (incoming.subtype !== undefined || incoming.bot_id || !incoming.user || !incoming.text) return;
    const teamId = (body as { team_id?: string }).team_id ?? '';
    const eventId = (body as { event_id?: string }).event_id ?? `${incoming.channel}:${incoming.ts}`;
    const identity = (place: SurfaceIdentity['place']): SurfaceIdentity => ({
      surface: 'slack',
      userId: incoming.user!,
      channelId: incoming.channel,
      workspaceId: teamId,
      place,
    });
    if (incoming.channel_type === 'im') {
      events?.inc({ surface: 'slack', kind: 'dm' });
      const threadTs = incoming.thread_ts;
      await run(
        handleQuestion(`slack:event:${eventId}`, stripMention(incoming.text), {
          channel: incoming.channel,
          threadTs,
          conversationId: () => `slack:${teamId}:${incoming.channel}${threadTs ? `:${threadTs}` : ''}`,
          identity: identity('dm'),
        }),
      );
      return;
    }
    // In channels only replies in the bot's own threads are follow-ups; a mention is app_mention's.
    if (!incoming.thread_ts || (botUserId && incoming.text.includes(`<@${botUserId}`))) return;
    const conversationId = `slack:${teamId}:${incoming.channel}:${incoming.thread_ts}`;
    if ((await options.conversations.history(conversationId, 1)).length === 0) return;
    events?.inc({ surface: 'slack', kind: 'thread' });
    await run(
      handleQuestion(`slack:event:${eventId}`, incoming.text.trim(), {
        channel: incoming.channel,
        threadTs: incoming.thread_ts,
        conversationId: () => conversationId,
        identity: identity('thread'),
      }),
    );
  });

  app.command(slashCommand, async ({ command, ack, respond }) => {
    await ack();
    events?.inc({ surface: 'slack', kind: 'command' });
    const question = command.text.trim();
    if (!question) {
      await respond({ response_type: 'ephemeral', text: `${HELP_TEXT} Usage: ${slashCommand} QUESTION` });
      return;
    }
    const isDm = command.channel_id.startsWith('D') || command.channel_name === 'directmessage';
    const place: QuestionPlace = {
      channel: command.channel_id,
      threadTs: undefined,
      conversationId: (workingTs) => `slack:${command.team_id}:${command.channel_id}:${workingTs}`,
      identity: {
        surface: 'slack',
        userId: command.user_id,
        channelId: command.channel_id,
        workspaceId: command.team_id,
        place: isDm ? 'dm' : 'channel',
      },
      preface: `<@${command.user_id}> asked: ${cutText(question, 300)}`,
    };
    await run(
      (async () => {
        const key = `slack:command:${command.trigger_id}`;
        if (!(await claim(key))) return;
        try {
          const workingTs = await postMessage(command.channel_id, {
            text: `${place.preface}\n${workingText(question)}`,
          });
          await answer(question, place, workingTs);
        } catch (error) {
          const code = slackErrorCode(error);
          if (code !== 'not_in_channel' && code !== 'channel_not_found') throw error;
          // The bot is not in this channel: answer the asker privately through the command's response_url.
          const asker = await resolveAsker(place.identity);
          const outcome = await limiter.run(() =>
            options.pipeline.ask({ question: cutText(question, MAX_QUESTION_CHARS), asker, now: clock() }),
          );
          const rendered = renderSlackMessage(
            answerMessage({ outcome, answerId: randomUUID(), channel: command.channel_id }),
          );
          await respond({
            response_type: 'ephemeral',
            text: rendered.text,
            blocks: rendered.blocks.filter((block) => block.type !== 'actions'),
          });
        } finally {
          await options.dedup.complete(key);
        }
      })().catch((error: unknown) => {
        failures?.inc({ surface: 'slack', stage: 'command' });
        logger.error(`slack: ${slashCommand} failed: ${(error as Error).message}`);
      }),
    );
  });

  /** The built-in answer buttons. */
  const answerAction = async (
    actionId: string,
    record: AnswerRecord,
    context: { channel: string; user: string; threadTs: string | undefined },
  ): Promise<void> => {
    const { channel, user, threadTs } = context;
    if (actionId === ANSWER_ACTIONS.showSql) {
      const statements = sqlStatements(record.sql);
      if (statements.length === 0) {
        await ephemeral(channel, user, threadTs, 'No SQL ran for this answer.');
        return;
      }
      const blocks: SlackBlock[] = [];
      for (const statement of statements) {
        for (const piece of chunkText(statement, SLACK_LIMITS.maxSectionChars - 8)) {
          blocks.push({
            type: 'section',
            text: { type: 'mrkdwn', text: `\`\`\`\n${escapeMrkdwn(piece)}\n\`\`\`` },
          });
        }
      }
      const text = `SQL behind “${cutText(record.question, 100)}”`;
      if (blocks.length > SLACK_LIMITS.maxBlocks - 1) {
        await upload(channel, threadTs, [
          {
            filename: `answer-${record.answerId.slice(0, 8)}.sql`,
            data: Buffer.from(statements.join(';\n\n')),
          },
        ]);
        return;
      }
      await ephemeral(channel, user, threadTs, text, [
        { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(text)}*` } },
        ...blocks,
      ]);
      return;
    }
    if (actionId === ANSWER_ACTIONS.explain) {
      await ephemeral(channel, user, threadTs, explainAnswer(record));
      return;
    }
    if (actionId === ANSWER_ACTIONS.downloadCsv) {
      if (!record.table || record.table.rows.length === 0) {
        await ephemeral(channel, user, threadTs, 'This answer has no table to download.');
        return;
      }
      await upload(
        channel,
        threadTs,
        [
          {
            filename: `answer-${record.answerId.slice(0, 8)}.csv`,
            data: Buffer.from(tableToCsv(record.table)),
          },
        ],
        `CSV for <@${user}>: ${record.table.rows.length} rows`,
      );
    }
  };

  app.action(/.+/, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    events?.inc({ surface: 'slack', kind: 'action' });
    const button = action as { action_id: string; value?: string; action_ts?: string };
    const container = body.container as { channel_id?: string; message_ts?: string } | undefined;
    const channel = body.channel?.id ?? container?.channel_id;
    const messageTs = body.message?.ts ?? container?.message_ts;
    if (!channel || !messageTs) return;
    const messageThreadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
    const threadTs = messageThreadTs ?? messageTs;
    const user = body.user.id;
    const key = `slack:action:${messageTs}:${button.action_id}:${button.action_ts ?? body.trigger_id}`;
    await run(
      (async () => {
        if (!(await claim(key))) return;
        try {
          const asker = await resolveAsker({
            surface: 'slack',
            userId: user,
            channelId: channel,
            ...(body.team?.id ? { workspaceId: body.team.id } : {}),
            place: channel.startsWith('D') ? 'dm' : 'thread',
          });
          if (button.action_id.startsWith(ANSWER_ACTION_PREFIX)) {
            const record = await options.answers.load(button.value ?? '');
            if (!record) {
              await ephemeral(channel, user, threadTs, 'This answer has expired; please ask again.');
            } else if (!mayViewAnswer(asker, record)) {
              await ephemeral(channel, user, threadTs, notYourAnswerText(record, `<@${record.askerId}>`));
            } else {
              await answerAction(button.action_id, record, { channel, user, threadTs });
            }
            return;
          }
          const registered = actionHandlers.find((entry) => button.action_id.startsWith(entry.prefix));
          if (!registered) return;
          const message: PostedMessage = {
            surface: 'slack',
            channel,
            messageId: messageTs,
            ...(messageThreadTs ? { threadId: messageThreadTs } : {}),
          };
          const reply: ActionReply | undefined = await registered.handler({
            surface: 'slack',
            actionId: button.action_id,
            value: button.value ?? '',
            asker,
            message,
          });
          if (reply?.update) {
            const rendered = renderSlackMessage(reply.update);
            await updateMessage(channel, messageTs, rendered.text, rendered.blocks);
          }
          if (reply?.reply) {
            if (reply.reply.visibleToAll)
              await postMessage(channel, { text: escapeMrkdwn(reply.reply.text), thread_ts: threadTs });
            else await ephemeral(channel, user, threadTs, reply.reply.text);
          }
        } finally {
          await options.dedup.complete(key);
        }
      })().catch((error: unknown) => {
        failures?.inc({ surface: 'slack', stage: 'action' });
        logger.error(`slack: action ${button.action_id} failed: ${(error as Error).message}`);
      }),
    );
  });

  let started = false;
  const surface: SlackSurface = {
    name: 'slack',
    mode: options.mode,
    endpoint,
    requestListener: receiver instanceof HTTPReceiver ? receiver.requestListener : undefined,
    app,
    async start() {
      if (started) return;
      await app.init();
      const identity = await client.auth.test();
      botUserId = String(identity.user_id ?? '');
      if (options.mode === 'socket') await app.start();
      started = true;
    },
    async stop() {
      if (options.mode === 'socket' && started) await app.stop();
      started = false;
      await tracker.idle();
      await queue.idle();
    },
    async idle() {
      await tracker.idle();
      await queue.idle();
    },
    async post(message) {
      const rendered = renderSlackMessage(message);
      const ts = await postMessage(message.channel, {
        text: rendered.text,
        blocks: rendered.blocks,
        ...(message.threadId ? { thread_ts: message.threadId } : {}),
        ...(message.idempotencyKey
          ? { metadata: { event_type: 'analyst_message', event_payload: { key: message.idempotencyKey } } }
          : {}),
      });
      const files: Array<MessageFile & { altText?: string }> = [
        ...(message.image ? [message.image] : []),
        ...(message.files ?? []),
      ];
      if (message.table && rendered.rowsShown < rendered.rowsTotal) {
        files.push({ filename: 'table.csv', data: Buffer.from(tableToCsv(message.table)) });
      }
      await upload(message.channel, message.threadId ?? ts, files);
      return {
        surface: 'slack',
        channel: message.channel,
        messageId: ts,
        ...(message.threadId ? { threadId: message.threadId } : {}),
      };
    },
    async update(posted, message) {
      const rendered = renderSlackMessage(message);
      await updateMessage(posted.channel, posted.messageId, rendered.text, rendered.blocks);
    },
    async findPosted(channel, idempotencyKey, findOptions) {
      const oldest = (findOptions.since.getTime() / 1000).toFixed(6);
      let cursor: string | undefined;
      // A bounded walk: reconciliation looks at recent history only.
      for (let page = 0; page < 10; page += 1) {
        const result = await queue.run(channel, () =>
          findOptions.threadId
            ? client.conversations.replies({
                channel,
                ts: findOptions.threadId,
                oldest,
                include_all_metadata: true,
                limit: 200,
                ...(cursor ? { cursor } : {}),
              })
            : client.conversations.history({
                channel,
                oldest,
                include_all_metadata: true,
                limit: 200,
                ...(cursor ? { cursor } : {}),
              }),
        );
        const messages = (result.messages ?? []) as Array<{
          ts?: string;
          metadata?: { event_type?: string; event_payload?: { key?: unknown } };
        }>;
        const found = messages.find(
          (entry) =>
            entry.metadata?.event_type === 'analyst_message' &&
            entry.metadata.event_payload?.key === idempotencyKey,
        );
        if (found?.ts) {
          return {
            surface: 'slack',
            channel,
            messageId: found.ts,
            ...(findOptions.threadId ? { threadId: findOptions.threadId } : {}),
          };
        }
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return undefined;
    },
    onAction(prefix, handler) {
      if (!prefix || prefix.startsWith(ANSWER_ACTION_PREFIX)) {
        throw new RangeError(`onAction: the prefix '${prefix}' is empty or reserved for answer buttons`);
      }
      actionHandlers.push({ prefix, handler });
    },
  };
  return surface;
}
