/**
 * What every chat surface (Slack, Discord) implements, and the rendering they share.
 *
 * A surface is a thin adapter (STYLE.md rule 1): it turns platform events into `ask()` calls and the
 * outcomes into platform messages. It never touches the warehouse. The same {@link ChatSurface} lets
 * other parts of the bot (alerts, digests) post, update and find their own messages, and handle the
 * buttons they put on them, without knowing which platform they talk to.
 */
import type { Asker, ExecutedSql, Role } from '../tools/define-tool.js';
import type { AnswerRecord } from './answer-store.js';
import type { AskOutcome } from './ask.js';
import type { AnswerChart } from './render/answer.js';
import { type ChartSpec, type RenderedChart, renderChartPng } from './render/chart.js';
import { renderTextTable, type TextTable } from './render/table.js';

/** The platforms. */
export type SurfaceName = 'slack' | 'discord';

/** A button on a message. */
export interface MessageButton {
  /** Routes the click to a handler (see {@link ChatSurface.onAction}); no `|`. */
  readonly actionId: string;
  readonly label: string;
  /** Data for the handler, e.g. an alert id. Discord allows 100 characters for id and value together. */
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}

/** A file attached to a message. */
export interface MessageFile {
  readonly filename: string;
  readonly data: Buffer;
  readonly title?: string;
}

/** A message in platform-neutral form; each surface renders it (Block Kit, embeds). */
export interface OutgoingMessage {
  /** Slack channel id or Discord channel id. */
  readonly channel: string;
  /** Post into this thread (Slack thread ts, Discord thread channel id). */
  readonly threadId?: string;
  /** The body, plain text (surfaces escape it); also the notification text. */
  readonly text: string;
  /** A bold first line: the headline number, the alert's name. */
  readonly title?: string;
  /** Short facts shown as label/value pairs. */
  readonly fields?: readonly { readonly label: string; readonly value: string }[];
  /** A table; rows beyond a platform's limits are left out (attach a CSV for all). */
  readonly table?: TextTable;
  /** A picture shown with the message (the chart). */
  readonly image?: MessageFile & { readonly altText: string };
  /** Other attachments (CSV). */
  readonly files?: readonly MessageFile[];
  readonly buttons?: readonly MessageButton[];
  /** A small grey line at the end: row counts, who acknowledged an alert and when. */
  readonly footer?: string;
  /**
   * A stable key of this message (an outbox id): carried in the message (Slack `metadata`, Discord
   * `nonce` with `enforce_nonce`) so {@link ChatSurface.findPosted} can tell whether a send whose
   * outcome is unknown did happen, instead of posting twice.
   */
  readonly idempotencyKey?: string;
}

/** Where a message was posted. */
export interface PostedMessage {
  readonly surface: SurfaceName;
  readonly channel: string;
  /** Slack `ts`, Discord message id. */
  readonly messageId: string;
  readonly threadId?: string;
}

/** A click on a button. */
export interface SurfaceAction {
  readonly surface: SurfaceName;
  readonly actionId: string;
  readonly value: string;
  /** Who clicked, with their role. */
  readonly asker: Asker;
  /** The message the button is on. */
  readonly message: PostedMessage;
}

/** What an action handler wants done: a reply to the clicker, and/or the message replaced. */
export interface ActionReply {
  /** Shown to the clicker only, unless `visibleToAll`. */
  readonly reply?: { readonly text: string; readonly visibleToAll?: boolean };
  /** New content for the message the button is on (e.g. "Acknowledged by @ana at 12:03"). */
  readonly update?: Omit<OutgoingMessage, 'channel' | 'threadId' | 'idempotencyKey'>;
}

/** Handles clicks on buttons whose action id starts with a prefix. */
export type ActionHandler = (action: SurfaceAction) => Promise<ActionReply | undefined>;

/** A chat platform the bot talks on. */
export interface ChatSurface {
  readonly name: SurfaceName;
  /** Connects (Socket Mode), checks the token, and starts taking events. */
  start(): Promise<void>;
  /** Stops taking events and waits for the answers in progress. */
  stop(): Promise<void>;
  /** Posts a message (paced per channel, retried after 429s). */
  post(message: OutgoingMessage): Promise<PostedMessage>;
  /** Replaces the content of a posted message. */
  update(posted: PostedMessage, message: Omit<OutgoingMessage, 'channel' | 'threadId'>): Promise<void>;
  /**
   * Finds a message posted with `idempotencyKey` in `channel` (or its thread) since `since`, for
   * reconciliation after a crash; undefined when there is none.
   */
  findPosted(
    channel: string,
    idempotencyKey: string,
    options: { readonly since: Date; readonly threadId?: string },
  ): Promise<PostedMessage | undefined>;
  /** Routes clicks on buttons whose action id starts with `prefix` to `handler`. */
  onAction(prefix: string, handler: ActionHandler): void;
}

/** Who wrote to the bot, as the platform tells it. */
export interface SurfaceIdentity {
  readonly surface: SurfaceName;
  readonly userId: string;
  readonly channelId: string;
  /** Slack team id, Discord guild id (absent in Discord DMs). */
  readonly workspaceId?: string;
  /** Direct message, a channel, or a thread in a channel. */
  readonly place: 'dm' | 'channel' | 'thread';
}

/**
 * Maps a platform user (and channel) to an {@link Asker} with a role. The security work configures it
 * (roles per user and per private channel); the default gives everyone one role.
 */
export type AskerResolver = (identity: SurfaceIdentity) => Asker | Promise<Asker>;

/** Everyone gets `role` (default `analyst`), the least privileged role that can ask about metrics. */
export function fixedRoleResolver(role: Role = 'analyst'): AskerResolver {
  return (identity) => ({
    id: identity.userId,
    role,
    surface: identity.surface,
    channel: identity.channelId,
  });
}

/**
 * Roles from the access policy (`access.users` in analyst.config.json, keyed `slack:U123`,
 * `discord:4567`); the channel goes along so per-channel rules (private channels) apply.
 */
export function policyAskerResolver(policy: {
  roleOf(surface: string, userId: string): Role;
}): AskerResolver {
  return (identity) => ({
    id: identity.userId,
    role: policy.roleOf(identity.surface, identity.userId),
    surface: identity.surface,
    channel: identity.channelId,
  });
}

/** Where surfaces write what goes wrong (never secrets: tokens are not in these messages). */
export interface SurfaceLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes warnings and errors to stderr. */
export const stderrLogger: SurfaceLogger = {
  info() {},
  warn(message) {
    process.stderr.write(`warn: ${message}\n`);
  },
  error(message) {
    process.stderr.write(`error: ${message}\n`);
  },
};

/** Action ids of the answer buttons. */
export const ANSWER_ACTIONS = {
  showSql: 'analyst_show_sql',
  downloadCsv: 'analyst_download_csv',
  explain: 'analyst_explain',
  followUp: 'analyst_follow_up',
} as const;

/** The prefix every built-in answer action starts with. */
export const ANSWER_ACTION_PREFIX = 'analyst_';

/** The longest question a surface accepts (longer ones are cut, and the asker is told). */
export const MAX_QUESTION_CHARS = 2000;

/** "Working on it…" while the pipeline runs. */
export function workingText(question: string): string {
  return `:hourglass_flowing_sand: Working on “${cutText(question, 200)}”…`;
}

/** Splits a summary into its first sentence (the headline, with the number) and the rest. */
export function splitHeadline(summary: string): { headline: string; rest: string } {
  const match = /^(.+?[.!?])\s+(?=\S)/s.exec(summary);
  if (!match) return { headline: summary.trim(), rest: '' };
  return { headline: match[1]!.trim(), rest: summary.slice(match[0].length).trim() };
}

/** Cuts text to at most `max` characters, ending with an ellipsis when cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * Splits text into pieces of at most `max` characters, at line breaks where possible, so a long SQL
 * statement or summary fits Slack's 3,000-character sections and Discord's 2,000-character messages.
 */
export function chunkText(text: string, max: number): string[] {
  if (max < 1) throw new RangeError(`chunkText: max must be ≥ 1, got ${max}`);
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current !== '') chunks.push(current);
    let rest = line;
    while (rest.length > max) {
      chunks.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
    current = rest;
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** A table split into code-block-sized pieces, and how many of its rows they hold. */
export interface TableChunks {
  /** Each piece: the header, the rule and some rows, as monospace text (no fences). */
  readonly chunks: readonly string[];
  readonly rowsShown: number;
  readonly rowsTotal: number;
}

/**
 * Splits a table into pieces of at most `maxChunkChars` characters (each repeating the header) within
 * a total budget of `budgetChars` and at most `maxRows` rows. What does not fit is left out, and
 * `rowsShown < rowsTotal` tells the caller to attach the CSV.
 */
export function chunkTable(
  table: TextTable,
  options: {
    maxChunkChars: number;
    budgetChars: number;
    maxRows: number;
    maxChunks: number;
    /** The length of a piece as sent (Slack escapes `&<>`, which lengthens it). Default: its length. */
    measure?: (text: string) => number;
  },
): TableChunks {
  const measure = options.measure ?? ((text: string) => text.length);
  const rows = table.rows.slice(0, Math.max(0, options.maxRows));
  const lines = renderTextTable({ ...table, rows }, { maxRows: rows.length }).split('\n');
  const head = `${lines[0] ?? ''}\n${lines[1] ?? ''}`;
  const rowLines = lines.slice(2, 2 + rows.length);
  const chunks: string[] = [];
  let used = 0;
  let shown = 0;
  let current = '';
  for (const line of rowLines) {
    const base = current === '' ? head : current;
    const candidate = `${base}\n${line}`;
    if (measure(candidate) > options.maxChunkChars) {
      if (current === '' || chunks.length + 1 >= options.maxChunks) break;
      chunks.push(current);
      used += measure(current);
      current = '';
      const fresh = `${head}\n${line}`;
      if (measure(fresh) > options.maxChunkChars || used + measure(fresh) > options.budgetChars) break;
      current = fresh;
      shown += 1;
      continue;
    }
    if (used + measure(candidate) > options.budgetChars) break;
    current = candidate;
    shown += 1;
  }
  if (current !== '') chunks.push(current);
  if (chunks.length === 0 && table.rows.length === 0) chunks.push(head);
  return { chunks, rowsShown: shown, rowsTotal: table.rows.length };
}

/** Builds the record the answer buttons need. */
export function answerRecordFrom(input: {
  readonly answerId: string;
  readonly surface: SurfaceName;
  readonly conversationId: string | undefined;
  readonly asker: Asker;
  readonly question: string;
  readonly outcome: AskOutcome;
  readonly now: Date;
}): AnswerRecord {
  const { outcome } = input;
  return {
    answerId: input.answerId,
    surface: input.surface,
    conversationId: input.conversationId,
    askerId: input.asker.id,
    askerRole: input.asker.role,
    question: input.question,
    route: { tool: outcome.route.tool, args: outcome.route.args },
    text: outcome.text,
    table: outcome.answer?.table,
    sql: outcome.answer?.sql ?? [],
    definitions: outcome.answer?.definitions ?? [],
    rowCount: outcome.answer?.rowCount ?? 0,
    truncated: outcome.answer?.truncated ?? false,
    durationMs: outcome.durationMs,
    createdAt: input.now.toISOString(),
  };
}

/**
 * The platform-neutral message for an outcome: the headline, the rest of the summary, the table, a
 * footer with row count, tool and time, and the buttons (Show SQL when SQL ran, Download CSV when
 * there is a table, Explain for answers).
 */
export function answerMessage(input: {
  readonly outcome: AskOutcome;
  readonly answerId: string;
  readonly channel: string;
  readonly threadId?: string;
  /** A line before the answer, e.g. "<@U1> asked: …" for slash commands. */
  readonly preface?: string;
  /** Offer a "Follow up" button (Discord, where replies in a thread do not reach the bot). */
  readonly followUp?: boolean;
}): OutgoingMessage {
  const { outcome, answerId } = input;
  const answer = outcome.answer;
  const { headline, rest } = answer ? splitHeadline(outcome.text) : { headline: '', rest: outcome.text };
  const buttons: MessageButton[] = [];
  if (answer) {
    if (answer.sql.length > 0)
      buttons.push({ actionId: ANSWER_ACTIONS.showSql, label: 'Show SQL', value: answerId });
    if (answer.table && answer.table.rows.length > 0) {
      buttons.push({ actionId: ANSWER_ACTIONS.downloadCsv, label: 'Download CSV', value: answerId });
    }
    buttons.push({ actionId: ANSWER_ACTIONS.explain, label: 'Explain', value: answerId });
  }
  if (input.followUp)
    buttons.push({ actionId: ANSWER_ACTIONS.followUp, label: 'Follow up', value: answerId });
  const footer = answer
    ? [
        `${answer.rowCount} ${answer.rowCount === 1 ? 'row' : 'rows'}${answer.truncated ? ' (cut at the limit)' : ''}`,
        outcome.route.tool,
        `${(outcome.durationMs / 1000).toFixed(1)} s`,
      ].join(' · ')
    : undefined;
  const text = [input.preface, rest].filter((part) => part !== undefined && part !== '').join('\n');
  return {
    channel: input.channel,
    ...(input.threadId === undefined ? {} : { threadId: input.threadId }),
    ...(headline ? { title: headline } : {}),
    text,
    ...(answer?.table && answer.table.rows.length > 0 ? { table: answer.table } : {}),
    ...(buttons.length > 0 ? { buttons } : {}),
    ...(footer ? { footer } : {}),
  };
}

/** The notification text of a message: its title and body (Slack's `text` fallback, Discord's content). */
export function plainText(message: Pick<OutgoingMessage, 'title' | 'text'>): string {
  return [message.title, message.text].filter((part) => part !== undefined && part !== '').join('\n');
}

/** "How did you get this?": the route, the definitions, rows, and the statements that ran. */
export function explainAnswer(record: AnswerRecord): string {
  const lines = [
    `How I answered “${cutText(record.question, 300)}”:`,
    `• Tool: ${record.route.tool}${Object.keys(record.route.args).length ? ` with ${JSON.stringify(record.route.args)}` : ''}`,
    ...record.definitions.map((definition) => `• Definition: ${definition}`),
    `• Result: ${record.rowCount} ${record.rowCount === 1 ? 'row' : 'rows'}${record.truncated ? ', cut at the row limit' : ''}.`,
  ];
  if (record.sql.length > 0) {
    const total = record.sql.reduce((sum, statement) => sum + statement.durationMs, 0);
    lines.push(
      `• ${record.sql.length} SQL ${record.sql.length === 1 ? 'statement' : 'statements'} ran in ${total.toFixed(1)} ms (Show SQL displays ${record.sql.length === 1 ? 'it' : 'them'}).`,
    );
  }
  return lines.join('\n');
}

/** The SQL of an answer, one commented statement each. */
export function sqlStatements(sql: readonly ExecutedSql[]): string[] {
  return sql.map(
    (statement, index) =>
      `-- statement ${index + 1}: ${statement.rowCount} rows in ${statement.durationMs.toFixed(1)} ms\n${statement.sql.trim()}${
        statement.params.length ? `\n-- parameters: ${JSON.stringify(statement.params)}` : ''
      }`,
  );
}

/** May `viewer` see the details (SQL, CSV) of an answer computed for someone else's role? */
export function mayViewAnswer(viewer: Asker, record: AnswerRecord): boolean {
  return viewer.id === record.askerId || viewer.role === record.askerRole || viewer.role === 'admin';
}

/** The refusal for {@link mayViewAnswer}. */
export function notYourAnswerText(record: AnswerRecord, mention: string): string {
  return `This answer was prepared for ${mention} with the ${record.askerRole} role; ask the question yourself to see its details.`;
}

/** Renders charts; swappable so tests and benchmarks can count or skip rendering. */
export type ChartRenderer = (spec: ChartSpec) => Promise<Pick<RenderedChart, 'png'>>;

/** The chart of an answer as a PNG file, or undefined when the chart cannot be drawn (logged). */
export async function renderAnswerChart(
  chart: AnswerChart,
  render: ChartRenderer = renderChartPng,
  logger: SurfaceLogger = stderrLogger,
): Promise<(MessageFile & { altText: string }) | undefined> {
  try {
    const { png } = await render({
      kind: chart.kind,
      title: chart.title,
      x: chart.x,
      y: chart.y,
      ...(chart.compare ? { compare: chart.compare } : {}),
      data: chart.data,
    });
    return { filename: 'chart.png', data: png, title: chart.title, altText: `Chart: ${chart.title}` };
  } catch (error) {
    logger.warn(`chart not drawn: ${(error as Error).message}`);
    return undefined;
  }
}

/** Resolves after pending I/O callbacks ran: requests waiting to be acknowledged go before heavy work. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs the pipeline and draws the chart of its answer under `limiter`. Both hold the main thread
 * (PGlite runs queries on it, Vega builds the SVG on it), so only a few run at once, and each starts
 * after pending I/O: acknowledgements of new events are never queued behind a burst of answers.
 */
export async function askWithChart(
  limiter: Limiter,
  ask: () => Promise<AskOutcome>,
  render: ChartRenderer | undefined,
  logger: SurfaceLogger,
): Promise<{ outcome: AskOutcome; chart: (MessageFile & { altText: string }) | undefined }> {
  return limiter.run(async () => {
    await yieldToIo();
    const outcome = await ask();
    if (!outcome.answer?.chart) return { outcome, chart: undefined };
    await yieldToIo();
    return { outcome, chart: await renderAnswerChart(outcome.answer.chart, render, logger) };
  });
}

/** Runs at most `concurrency` tasks at once; the rest wait in arrival order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Creates a {@link Limiter}; surfaces use one so a burst of questions does not swamp the warehouse. */
export function createLimiter(concurrency: number): Limiter {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`createLimiter: concurrency must be a positive integer, got ${concurrency}`);
  }
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async run(task) {
      // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
      if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      else running += 1;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      }
    },
  };
}

/** Keeps the promises of background work, so `stop()` and tests can wait for it. */
export interface WorkTracker {
  track(work: Promise<unknown>): void;
  idle(): Promise<void>;
  readonly size: number;
}

/** Creates a {@link WorkTracker}. */
export function createWorkTracker(): WorkTracker {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    get size() {
      return pending.size;
    },
  };
}
