import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqlAnswerStore } from '../../../bot/answer-store.js';
import { createConversationStore } from '../../../bot/conversation-store.js';
import { createSqlDedupStore } from '../../../bot/dedup-store.js';
import { type RunningHttpServer, startHttpServer } from '../../../bot/http-server.js';
import { createMetricsRegistry, type MetricsRegistry } from '../../../bot/metrics.js';
import { tableToCsv } from '../../../bot/render/table.js';
import { createSlackSurface, type SlackSurface } from '../../../bot/slack/index.js';
import { fixedRoleResolver, type SurfaceLogger } from '../../../bot/surface.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import {
  createFakePipeline,
  type FakePipeline,
  SAMPLE_SQL,
  sampleOutcome,
} from '../../helpers/fake-pipeline.js';
import {
  blockAction,
  eventEnvelope,
  type LooseJson,
  mentionEvent,
  messageEvent,
  type SlackStandIn,
  sendInteraction,
  sendSlackEvent,
  sendSlashCommand,
  startSlackStandIn,
} from '../../helpers/slack-stand-in.js';

const SECRET = 'test-signing-secret';
const TOKEN = 'xoxb-test-token';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const NOW = new Date('2026-11-24T12:00:00Z');

const silent: SurfaceLogger & { lines: string[] } = {
  lines: [],
  info() {},
  warn(message) {
    silent.lines.push(`warn: ${message}`);
  },
  error(message) {
    silent.lines.push(`error: ${message}`);
  },
};

describe('Slack surface (real Bolt, HTTP mode, against a local Slack API stand-in)', () => {
  let stores: Stores;
  let slack: SlackStandIn;
  let pipeline: FakePipeline;
  let surface: SlackSurface;
  let server: RunningHttpServer;
  let endpoint: string;
  let metrics: MetricsRegistry;
  const sleeps: number[] = [];
  let fakeClock = 0;
  let tsCounter = 0;
  const nextTs = (): string => `1764100000.${String(++tsCounter).padStart(6, '0')}`;

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
    slack = await startSlackStandIn({ botToken: TOKEN });
    const conversations = createConversationStore(stores.app);
    pipeline = createFakePipeline({
      conversations,
      respond: (request) => sampleOutcome(request.question.includes('every row') ? { rows: 500 } : {}),
    });
    metrics = createMetricsRegistry();
    surface = createSlackSurface({
      pipeline,
      conversations,
      dedup: createSqlDedupStore(stores.app),
      answers: createSqlAnswerStore(stores.app),
      botToken: TOKEN,
      mode: 'http',
      signingSecret: SECRET,
      slackApiUrl: slack.url,
      clock: () => NOW,
      // Record the waits instead of sleeping: the test checks the Retry-After value, not the clock.
      sendQueue: {
        minIntervalMs: 0,
        clock: () => fakeClock,
        sleep: async (milliseconds) => {
          sleeps.push(milliseconds);
          fakeClock += milliseconds;
        },
      },
      metrics,
      logger: silent,
    });
    await surface.start();
    server = await startHttpServer({
      port: 0,
      routes: [
        {
          method: 'POST',
          path: surface.endpoint,
          handler: surface.requestListener!,
          maxBodyBytes: 256 * 1024,
        },
      ],
    });
    endpoint = `${server.url}${surface.endpoint}`;
  });

  afterAll(async () => {
    await surface?.stop();
    await server?.close();
    await slack?.close();
    await stores?.close();
  });

  beforeEach(() => {
    slack.calls.length = 0;
    slack.messages.length = 0;
    slack.ephemerals.length = 0;
    slack.files.length = 0;
    pipeline.asks.length = 0;
    sleeps.length = 0;
    silent.lines.length = 0;
  });

  /** Mentions the bot in C1 and waits for the answer. */
  async function mention(text: string, eventId: string, threadTs?: string): Promise<string> {
    const ts = nextTs();
    const response = await sendSlackEvent(
      endpoint,
      SECRET,
      eventEnvelope(
        eventId,
        mentionEvent({ user: 'U1', channel: 'C1', text, ts, ...(threadTs ? { threadTs } : {}) }),
      ),
    );
    expect(response.status).toBe(200);
    await surface.idle();
    return ts;
  }

  it('answers a mention in its thread: working message updated in place with blocks, and the chart as a PNG', async () => {
    const ts = await mention('<@UBOT> daily trading volume last week', 'Ev-mention-1');

    expect(pipeline.asks).toHaveLength(1);
    const request = pipeline.asks[0]!.request;
    expect(request.question).toBe('daily trading volume last week');
    expect(request.conversationId).toBe(`slack:T1:C1:${ts}`);
    expect(request.asker).toEqual({ id: 'U1', role: 'analyst', surface: 'slack', channel: 'C1' });
    expect(request.now).toEqual(NOW);

    expect(slack.messages).toHaveLength(1);
    const answer = slack.messages[0]!;
    expect(answer.channel).toBe('C1');
    expect(answer.threadTs).toBe(ts);
    expect(answer.updates).toBe(1);
    expect(slack.callsOf('chat.postMessage')[0]!.args['text']).toBe(
      ':hourglass_flowing_sand: Working on “daily trading volume last week”…',
    );
    expect(answer.text).toBe(
      'Daily trading volume, 17–23 Nov 2026: overall $8.2M; highest 2026-11-21 ($1.53M), lowest 2026-11-22 ($870K).\n7 rows.',
    );
    const blocks = answer.blocks as Array<Record<string, LooseJson>>;
    expect(blocks.map((block) => block['type'])).toEqual([
      'section',
      'section',
      'section',
      'context',
      'actions',
    ]);
    expect(blocks[0]!['text'].text).toBe(
      '*Daily trading volume, 17–23 Nov 2026: overall $8.2M; highest 2026-11-21 ($1.53M), lowest 2026-11-22 ($870K).*',
    );
    expect(blocks[1]!['text'].text).toBe('7 rows.');
    expect(blocks[2]!['text'].text).toBe(
      [
        '```',
        'period      trading_volume_usd',
        '----------  ------------------',
        '2026-11-17          $1,250,000',
        '2026-11-18          $1,410,000',
        '2026-11-19            $980,000',
        '2026-11-20          $1,120,000',
        '2026-11-21          $1,530,000',
        '2026-11-22            $870,000',
        '2026-11-23          $1,040,000',
        '```',
      ].join('\n'),
    );
    expect(blocks[3]!['elements'][0].text).toBe('7 rows · metric_query · 1.2 s');
    expect(
      blocks[4]!['elements'].map((button: Record<string, LooseJson>) => [
        button['action_id'],
        button['text'].text,
      ]),
    ).toEqual([
      ['analyst_show_sql', 'Show SQL'],
      ['analyst_download_csv', 'Download CSV'],
      ['analyst_explain', 'Explain'],
    ]);

    const files = slack.sharedFiles();
    expect(files).toHaveLength(1);
    expect(files[0]!.filename).toBe('chart.png');
    expect(files[0]!.channel).toBe('C1');
    expect(files[0]!.threadTs).toBe(ts);
    expect(files[0]!.altText).toBe('Chart: Daily trading volume, 17–23 Nov 2026');
    expect(files[0]!.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(files[0]!.bytes.length).toBeGreaterThan(5000);
    expect(slack.callsOf('files.upload')).toHaveLength(0);
    expect(
      metrics.counter('analyst_surface_answers_total', '').value({ surface: 'slack', outcome: 'answered' }),
    ).toBeGreaterThan(0);
  });

  it('keeps a 500-row answer within Block Kit limits and attaches the whole table as CSV', async () => {
    const ts = await mention('<@UBOT> every row of daily volume', 'Ev-large-1');
    const blocks = slack.messages[0]!.blocks as Array<Record<string, LooseJson>>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThan(13_000);
    const note = blocks.find(
      (block) => block['type'] === 'context' && String(block['elements'][0].text).startsWith('Showing'),
    );
    expect(note!['elements'][0].text).toMatch(
      /^Showing \d+ of 500 rows; the full table is attached as CSV\.$/,
    );
    // Both files go up in one files.uploadV2 call, whose uploads run in parallel: compare sorted.
    const files = slack.sharedFiles().sort((a, b) => a.filename.localeCompare(b.filename));
    expect(
      files.map((file) => [file.filename.endsWith('.csv') ? 'csv' : file.filename, file.threadTs]),
    ).toEqual([
      ['csv', ts],
      ['chart.png', ts],
    ]);
    expect(files[0]!.bytes.toString('utf8').split('\n')).toHaveLength(502);
  });

  it('answers a follow-up in the thread with the thread as the conversation, so the pipeline sees its history', async () => {
    const root = await mention('<@UBOT> daily trading volume last week', 'Ev-thread-1');
    const reply = nextTs();
    const response = await sendSlackEvent(
      endpoint,
      SECRET,
      eventEnvelope(
        'Ev-thread-2',
        messageEvent({
          user: 'U1',
          channel: 'C1',
          channelType: 'channel',
          text: 'and the week before?',
          ts: reply,
          threadTs: root,
        }),
      ),
    );
    expect(response.status).toBe(200);
    await surface.idle();

    expect(pipeline.asks).toHaveLength(2);
    const followUp = pipeline.asks[1]!;
    expect(followUp.request.question).toBe('and the week before?');
    expect(followUp.request.conversationId).toBe(`slack:T1:C1:${root}`);
    expect(followUp.history.map((turn) => [turn.role, turn.content])).toEqual([
      ['user', 'daily trading volume last week'],
      ['assistant', sampleOutcome().text],
    ]);
    expect(followUp.history[1]!.route?.tool).toBe('metric_query');
    expect(slack.messages.map((message) => message.threadTs)).toEqual([root, root]);
  });

  it('ignores thread replies in threads it is not part of, mentions in messages (app_mention has them) and bot posts', async () => {
    const unrelated = nextTs();
    await sendSlackEvent(
      endpoint,
      SECRET,
      eventEnvelope(
        'Ev-other-1',
        messageEvent({
          user: 'U9',
          channel: 'C1',
          channelType: 'channel',
          text: 'lunch?',
          ts: nextTs(),
          threadTs: unrelated,
        }),
      ),
    );
    await sendSlackEvent(
      endpoint,
      SECRET,
      eventEnvelope(
        'Ev-other-2',
        messageEvent({
          user: 'U9',
          channel: 'C1',
          channelType: 'channel',
          text: 'no thread here',
          ts: nextTs(),
        }),
      ),
    );
    await sendSlackEvent(
      endpoint,
      SECRET,
      eventEnvelope(
        'Ev-other-3',
        messageEvent({ botId: 'B2', channel: 'D1', channelType: 'im', text: 'I am a bot', ts: nextTs() }),
      ),
    );
    await surface.idle();
    expect(pipeline.asks).toHaveLength(0);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('answers a direct message at the top level of the DM, with the DM as the conversation', async () => {
    const ts = nextTs();
    await sendSlackEvent(
      endpoint,
      SECRET,
      eventEnvelope(
        'Ev-dm-1',
        messageEvent({
          user: 'U3',
          channel: 'D3',
          channelType: 'im',
          text: 'daily trading volume last week',
          ts,
        }),
      ),
    );
    await surface.idle();
    expect(pipeline.asks.map((ask) => ask.request.conversationId)).toEqual(['slack:T1:D3']);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.threadTs).toBeUndefined();
    expect(slack.sharedFiles()[0]!.threadTs).toBeUndefined();
  });

  it('answers the /analyst slash command in the channel, the chart in the answer’s thread', async () => {
    const response = await sendSlashCommand(endpoint, SECRET, {
      token: 'unused',
      team_id: 'T1',
      team_domain: 'test',
      channel_id: 'C2',
      channel_name: 'analytics',
      user_id: 'U2',
      user_name: 'ana',
      command: '/analyst',
      text: 'daily trading volume last week',
      api_app_id: 'A1',
      response_url: slack.responseUrl('cmd-1'),
      trigger_id: 'trigger-cmd-1',
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    await surface.idle();
    expect(slack.messages).toHaveLength(1);
    const answer = slack.messages[0]!;
    expect(answer.channel).toBe('C2');
    expect(answer.threadTs).toBeUndefined();
    expect(slack.callsOf('chat.postMessage')[0]!.args['text']).toBe(
      '<@U2> asked: daily trading volume last week\n:hourglass_flowing_sand: Working on “daily trading volume last week”…',
    );
    expect((answer.blocks as Array<Record<string, LooseJson>>)[1]!['text'].text).toBe(
      '&lt;@U2&gt; asked: daily trading volume last week\n7 rows.',
    );
    expect(pipeline.asks[0]!.request.conversationId).toBe(`slack:T1:C2:${answer.ts}`);
    expect(slack.sharedFiles().map((file) => [file.filename, file.channel, file.threadTs])).toEqual([
      ['chart.png', 'C2', answer.ts],
    ]);
  });

  it('answers a Slack retry (X-Slack-Retry-Num) of an event once', async () => {
    const envelope = eventEnvelope(
      'Ev-retry-1',
      mentionEvent({
        user: 'U1',
        channel: 'C1',
        text: '<@UBOT> daily trading volume last week',
        ts: nextTs(),
      }),
    );
    const first = await sendSlackEvent(endpoint, SECRET, envelope);
    const retry = await sendSlackEvent(endpoint, SECRET, envelope, { retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await surface.idle();
    const late = await sendSlackEvent(endpoint, SECRET, envelope, { retryNum: 2 });
    expect(late.status).toBe(200);
    await surface.idle();
    expect(pipeline.asks).toHaveLength(1);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(
      metrics.counter('analyst_surface_duplicates_total', '').value({ surface: 'slack' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('answers the same event_id delivered twice at once (no retry header) once', async () => {
    const envelope = eventEnvelope(
      'Ev-twice-1',
      mentionEvent({
        user: 'U1',
        channel: 'C1',
        text: '<@UBOT> daily trading volume last week',
        ts: nextTs(),
      }),
    );
    const responses = await Promise.all([
      sendSlackEvent(endpoint, SECRET, envelope),
      sendSlackEvent(endpoint, SECRET, envelope),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    await surface.idle();
    expect(pipeline.asks).toHaveLength(1);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('refuses a bad signature, a stale timestamp and an oversized body, and posts nothing', async () => {
    const envelope = eventEnvelope(
      'Ev-bad-1',
      mentionEvent({ user: 'U1', channel: 'C1', text: '<@UBOT> hello', ts: nextTs() }),
    );
    const forged = await sendSlackEvent(endpoint, SECRET, envelope, { signWith: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await sendSlackEvent(endpoint, SECRET, envelope, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.status).toBe(401);
    const huge = eventEnvelope(
      'Ev-bad-2',
      mentionEvent({ user: 'U1', channel: 'C1', text: `<@UBOT> ${'x'.repeat(300_000)}`, ts: nextTs() }),
    );
    const tooLarge = await sendSlackEvent(endpoint, SECRET, huge);
    expect(tooLarge.status).toBe(413);
    await surface.idle();
    expect(pipeline.asks).toHaveLength(0);
    expect(slack.calls).toHaveLength(0);
  });

  it('waits exactly the Retry-After of a 429 before posting again, and answers once', async () => {
    slack.rateLimit('chat.postMessage', 2, 1);
    await mention('<@UBOT> daily trading volume last week', 'Ev-429-1');
    expect(slack.callsOf('chat.postMessage').map((call) => call.status)).toEqual([429, 200]);
    expect(sleeps).toEqual([2000]);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.updates).toBe(1);
    expect(metrics.counter('analyst_surface_rate_limited_total', '').value({ surface: 'slack' })).toBe(1);
  });

  it('handles Show SQL, Explain and Download CSV, each click once', async () => {
    const root = await mention('<@UBOT> daily trading volume last week', 'Ev-buttons-1');
    const answer = slack.messages[0]!;
    const answerId = (answer.blocks as Array<Record<string, LooseJson>>).at(-1)!['elements'][0]
      .value as string;
    const click = (actionId: string, actionTs: string, user = 'U1') =>
      sendInteraction(
        endpoint,
        SECRET,
        blockAction({
          user,
          channel: 'C1',
          messageTs: answer.ts,
          threadTs: root,
          actionId,
          value: answerId,
          actionTs,
        }),
      );

    expect((await click('analyst_show_sql', '1764100100.000001')).status).toBe(200);
    expect((await click('analyst_show_sql', '1764100100.000001')).status).toBe(200);
    await surface.idle();
    expect(slack.ephemerals).toHaveLength(1);
    const sql = slack.ephemerals[0]!;
    expect([sql.channel, sql.user, sql.threadTs]).toEqual(['C1', 'U1', root]);
    expect((sql.blocks as Array<Record<string, LooseJson>>)[1]!['text'].text).toBe(
      `\`\`\`\n-- statement 1: 7 rows in 3.3 ms\n${SAMPLE_SQL.replaceAll('>', '&gt;').replaceAll('<', '&lt;')}\n-- parameters: ["2026-11-17","2026-11-24"]\n\`\`\``,
    );

    await click('analyst_explain', '1764100100.000002');
    await surface.idle();
    expect(slack.ephemerals[1]!.text).toBe(
      [
        'How I answered “daily trading volume last week”:',
        // The arguments come back from jsonb, which orders keys by length.
        '• Tool: metric_query with {"metric":"trading_volume_usd","group_by":["day"],"time_range":{"end":"2026-11-24","start":"2026-11-17"}}',
        '• Definition: trading_volume_usd: Sum of the USD value of executed trades',
        '• Result: 7 rows.',
        '• 1 SQL statement ran in 3.3 ms (Show SQL displays it).',
      ].join('\n'),
    );

    await click('analyst_download_csv', '1764100100.000003');
    await surface.idle();
    const csv = slack.sharedFiles().find((file) => file.filename.endsWith('.csv'))!;
    expect(csv.filename).toBe(`answer-${answerId.slice(0, 8)}.csv`);
    expect([csv.channel, csv.threadTs, csv.initialComment]).toEqual(['C1', root, 'CSV for <@U1>: 7 rows']);
    expect(csv.bytes.toString('utf8')).toBe(tableToCsv(sampleOutcome().answer!.table!));
  });

  it('posts, finds (by idempotency key in message metadata) and updates messages for other parts of the bot', async () => {
    const posted = await surface.post({
      channel: 'C7',
      title: 'Withdrawals above forecast',
      text: 'BTC withdrawals 3.1× the upper bound.',
      idempotencyKey: 'outbox-42',
      buttons: [{ actionId: 'alert_ack', label: 'Ack', value: '42' }],
    });
    expect(posted).toEqual({ surface: 'slack', channel: 'C7', messageId: slack.messages[0]!.ts });
    expect(slack.messages[0]!.metadata).toEqual({
      event_type: 'analyst_message',
      event_payload: { key: 'outbox-42' },
    });
    const found = await surface.findPosted('C7', 'outbox-42', { since: new Date('2025-01-01T00:00:00Z') });
    expect(found).toEqual(posted);
    expect(
      await surface.findPosted('C7', 'outbox-43', { since: new Date('2025-01-01T00:00:00Z') }),
    ).toBeUndefined();

    const clicks: string[] = [];
    surface.onAction('alert_', async (action) => {
      clicks.push(`${action.actionId}:${action.value}:${action.asker.id}:${action.message.messageId}`);
      return {
        update: { title: 'Withdrawals above forecast', text: 'Acknowledged by <@U5>.' },
        reply: { text: 'Done.' },
      };
    });
    await sendInteraction(
      endpoint,
      SECRET,
      blockAction({
        user: 'U5',
        channel: 'C7',
        messageTs: posted.messageId,
        actionId: 'alert_ack',
        value: '42',
        actionTs: '1764100200.000001',
      }),
    );
    await surface.idle();
    expect(clicks).toEqual([`alert_ack:42:U5:${posted.messageId}`]);
    expect(slack.messages[0]!.updates).toBe(1);
    expect((slack.messages[0]!.blocks as Array<Record<string, LooseJson>>)[1]!['text'].text).toBe(
      'Acknowledged by &lt;@U5&gt;.',
    );
    expect(slack.ephemerals.map((entry) => [entry.user, entry.text])).toEqual([['U5', 'Done.']]);
    expect(() => surface.onAction('analyst_x', async () => undefined)).toThrow(/reserved/);
  });

  it('refuses the details of an answer to someone with another role', async () => {
    const conversations = createConversationStore(stores.app);
    const answers = createSqlAnswerStore(stores.app);
    const strict = createSlackSurface({
      pipeline: createFakePipeline({ conversations }),
      conversations,
      dedup: createSqlDedupStore(stores.app),
      answers,
      botToken: TOKEN,
      mode: 'http',
      signingSecret: SECRET,
      slackApiUrl: slack.url,
      resolveAsker: (identity) =>
        fixedRoleResolver(identity.userId === 'U1' ? 'compliance' : 'support')(identity),
      sendQueue: { minIntervalMs: 0 },
      logger: silent,
    });
    await strict.start();
    const strictServer = await startHttpServer({
      port: 0,
      routes: [{ method: 'POST', path: strict.endpoint, handler: strict.requestListener! }],
    });
    try {
      const url = `${strictServer.url}${strict.endpoint}`;
      const ts = nextTs();
      await sendSlackEvent(
        url,
        SECRET,
        eventEnvelope(
          'Ev-role-1',
          mentionEvent({ user: 'U1', channel: 'C9', text: '<@UBOT> daily trading volume', ts }),
        ),
      );
      await strict.idle();
      const answer = slack.messages[0]!;
      const answerId = (answer.blocks as Array<Record<string, LooseJson>>).at(-1)!['elements'][0]
        .value as string;
      await sendInteraction(
        url,
        SECRET,
        blockAction({
          user: 'U4',
          channel: 'C9',
          messageTs: answer.ts,
          threadTs: ts,
          actionId: 'analyst_show_sql',
          value: answerId,
          actionTs: '1764100300.000001',
        }),
      );
      await strict.idle();
      expect(slack.ephemerals.map((entry) => entry.text)).toEqual([
        'This answer was prepared for &lt;@U1&gt; with the compliance role; ask the question yourself to see its details.',
      ]);
    } finally {
      await strict.stop();
      await strictServer.close();
    }
  });

  it('fails fast on missing configuration', () => {
    const base = {
      pipeline,
      conversations: createConversationStore(stores.app),
      dedup: createSqlDedupStore(stores.app),
      answers: createSqlAnswerStore(stores.app),
      botToken: TOKEN,
    };
    expect(() => createSlackSurface({ ...base, mode: 'http' })).toThrow(
      'SLACK_SIGNING_SECRET: is required for Slack in HTTP mode (Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode',
    );
    expect(() => createSlackSurface({ ...base, mode: 'socket' })).toThrow(
      'SLACK_APP_TOKEN: is required for Slack Socket Mode (Basic Information → App-Level Tokens, scope connections:write)',
    );
  });
});
