import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlAnswerStore } from '../../bot/answer-store.js';
import { createAskPipeline } from '../../bot/ask.js';
import { createConversationStore } from '../../bot/conversation-store.js';
import { createSqlDedupStore } from '../../bot/dedup-store.js';
import { createDiscordSurface, type DiscordSurface } from '../../bot/discord/index.js';
import { type RunningHttpServer, startHttpServer } from '../../bot/http-server.js';
import { createOfflineRouter } from '../../bot/router/offline-router.js';
import { createSlackSurface, type SlackSurface } from '../../bot/slack/index.js';
import type { SurfaceLogger } from '../../bot/surface.js';
import { TOOLS } from '../../tools/registry.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { announceSkip, HAVE_SHARED, pgliteDemo, TEST_NOW } from '../helpers/demo-fixture.js';
import {
  askInteraction,
  createInteractionSigner,
  type DiscordStandIn,
  sendDiscordInteraction,
  startDiscordStandIn,
} from '../helpers/discord-stand-in.js';
import {
  eventEnvelope,
  type LooseJson,
  mentionEvent,
  messageEvent,
  type SlackStandIn,
  sendSlackEvent,
  startSlackStandIn,
} from '../helpers/slack-stand-in.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const silent: SurfaceLogger = { info() {}, warn() {}, error() {} };

if (!HAVE_SHARED)
  announceSkip(
    'surfaces end to end',
    '../shared/data/banking77/train.csv is absent, the demo generator needs it',
  );

describe.runIf(HAVE_SHARED)('Slack and Discord on the real ask pipeline and the demo warehouse', () => {
  let connection: SqlConnection;
  let slackApi: SlackStandIn;
  let discordApi: DiscordStandIn;
  let slack: SlackSurface;
  let discord: DiscordSurface;
  let server: RunningHttpServer;
  const signer = createInteractionSigner();

  beforeAll(async () => {
    connection = await pgliteDemo();
    const conversations = createConversationStore(connection);
    const pipeline = createAskPipeline({
      warehouse: connection,
      app: connection,
      router: await createOfflineRouter(),
      tools: TOOLS,
      conversations,
      maxRows: 1000,
      statementTimeoutMs: 10_000,
    });
    slackApi = await startSlackStandIn({ botToken: 'xoxb-e2e' });
    discordApi = await startDiscordStandIn({ applicationId: '42', botToken: 'discord-e2e' });
    const shared = {
      pipeline,
      dedup: createSqlDedupStore(connection),
      answers: createSqlAnswerStore(connection),
      clock: () => TEST_NOW,
      logger: silent,
    };
    slack = createSlackSurface({
      ...shared,
      conversations,
      botToken: 'xoxb-e2e',
      mode: 'http',
      signingSecret: 'e2e-secret',
      slackApiUrl: slackApi.url,
      sendQueue: { minIntervalMs: 0 },
    });
    discord = createDiscordSurface({
      ...shared,
      applicationId: '42',
      publicKey: signer.publicKeyHex,
      botToken: 'discord-e2e',
      api: discordApi.api,
    });
    await slack.start();
    await discord.start();
    server = await startHttpServer({
      port: 0,
      routes: [
        { method: 'POST', path: slack.endpoint, handler: slack.requestListener! },
        { method: 'POST', path: discord.endpoint, handler: discord.requestListener },
      ],
    });
  });

  afterAll(async () => {
    await slack?.stop();
    await discord?.stop();
    await server?.close();
    await slackApi?.close();
    await discordApi?.close();
    await connection?.close();
  });

  it('answers a Slack mention with real numbers and a rendered chart, and a follow-up in its thread', async () => {
    const ts = '1764000000.000001';
    const url = `${server.url}${slack.endpoint}`;
    await sendSlackEvent(
      url,
      'e2e-secret',
      eventEnvelope(
        'Ev-e2e-1',
        mentionEvent({ user: 'U1', channel: 'C1', text: '<@UBOT> daily trading volume last week', ts }),
      ),
    );
    await slack.idle();
    const answer = slackApi.messages[0]!;
    expect(answer.threadTs).toBe(ts);
    expect(answer.text.startsWith('Daily trading volume, ')).toBe(true);
    const blocks = answer.blocks as Array<Record<string, LooseJson>>;
    expect(
      blocks.at(-1)!['elements'].map((button: Record<string, LooseJson>) => button['action_id']),
    ).toEqual(['analyst_show_sql', 'analyst_download_csv', 'analyst_explain']);
    const [chart] = slackApi.sharedFiles();
    expect(chart!.filename).toBe('chart.png');
    expect(chart!.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);

    await sendSlackEvent(
      url,
      'e2e-secret',
      eventEnvelope(
        'Ev-e2e-2',
        messageEvent({
          user: 'U1',
          channel: 'C1',
          channelType: 'channel',
          text: 'and the week before?',
          ts: '1764000000.000009',
          threadTs: ts,
        }),
      ),
    );
    await slack.idle();
    expect(slackApi.messages).toHaveLength(2);
    expect(slackApi.messages[1]!.threadTs).toBe(ts);
    const turns = await createConversationStore(connection).history(`slack:T1:C1:${ts}`);
    expect(turns.map((turn) => turn.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('answers Discord /ask with an embed and the chart attached', async () => {
    const interaction = askInteraction({
      applicationId: '42',
      question: 'daily trading volume last week',
      channelId: '1100000000000000001',
    });
    const response = await sendDiscordInteraction(`${server.url}${discord.endpoint}`, signer, interaction);
    expect(response.json).toEqual({ type: 5 });
    await discord.idle();
    const original = discordApi.original(String(interaction['token']))!;
    expect(String(original.embeds[0]!['title']).startsWith('Daily trading volume, ')).toBe(true);
    expect(original.attachments[0]!.filename).toBe('chart.png');
    expect(original.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});
