import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqlAnswerStore } from '../../../bot/answer-store.js';
import { createConversationStore } from '../../../bot/conversation-store.js';
import { createSqlDedupStore } from '../../../bot/dedup-store.js';
import {
  createDiscordSurface,
  type DiscordSurface,
  discordCommands,
  nonceFor,
  registerDiscordCommands,
} from '../../../bot/discord/index.js';
import { type RunningHttpServer, startHttpServer } from '../../../bot/http-server.js';
import { tableToCsv } from '../../../bot/render/table.js';
import type { SurfaceLogger } from '../../../bot/surface.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import {
  askInteraction,
  componentInteraction,
  createInteractionSigner,
  type DiscordStandIn,
  type InteractionSigner,
  type LooseJson,
  modalSubmitInteraction,
  sendDiscordInteraction,
  startDiscordStandIn,
} from '../../helpers/discord-stand-in.js';
import {
  createFakePipeline,
  type FakePipeline,
  SAMPLE_SQL,
  sampleOutcome,
} from '../../helpers/fake-pipeline.js';

const APPLICATION_ID = '1234567890123456789';
const BOT_TOKEN = 'discord-bot-token';
const CHANNEL = '1100000000000000001';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const silent: SurfaceLogger = { info() {}, warn() {}, error() {} };

describe('Discord surface (HTTP interactions, real discord.js REST against a local Discord API stand-in)', () => {
  let stores: Stores;
  let discord: DiscordStandIn;
  let signer: InteractionSigner;
  let pipeline: FakePipeline;
  let surface: DiscordSurface;
  let server: RunningHttpServer;
  let endpoint: string;

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
    discord = await startDiscordStandIn({ applicationId: APPLICATION_ID, botToken: BOT_TOKEN });
    signer = createInteractionSigner();
    const conversations = createConversationStore(stores.app);
    pipeline = createFakePipeline({ conversations });
    surface = createDiscordSurface({
      pipeline,
      dedup: createSqlDedupStore(stores.app),
      answers: createSqlAnswerStore(stores.app),
      applicationId: APPLICATION_ID,
      publicKey: signer.publicKeyHex,
      botToken: BOT_TOKEN,
      api: discord.api,
      logger: silent,
    });
    await surface.start();
    server = await startHttpServer({
      port: 0,
      routes: [
        { method: 'POST', path: surface.endpoint, handler: surface.requestListener, maxBodyBytes: 64 * 1024 },
      ],
    });
    endpoint = `${server.url}${surface.endpoint}`;
  });

  afterAll(async () => {
    await surface?.stop();
    await server?.close();
    await discord?.close();
    await stores?.close();
  });

  beforeEach(() => {
    discord.requests.length = 0;
    pipeline.asks.length = 0;
  });

  it('refuses a bad signature, a tampered body and a stale timestamp with 401, and calls nothing', async () => {
    const ping = { id: '1', application_id: APPLICATION_ID, type: 1, token: 't', version: 1 };
    const otherKey = createInteractionSigner();
    expect((await sendDiscordInteraction(endpoint, signer, ping, { signer: otherKey })).status).toBe(401);
    expect((await sendDiscordInteraction(endpoint, signer, ping, { tamper: true })).status).toBe(401);
    const stale = await sendDiscordInteraction(endpoint, signer, ping, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale).toEqual({ status: 401, json: { error: 'invalid request signature' } });
    const ask = askInteraction({
      applicationId: APPLICATION_ID,
      question: 'daily trading volume',
      channelId: CHANNEL,
    });
    expect((await sendDiscordInteraction(endpoint, signer, ask, { signer: otherKey })).status).toBe(401);
    await surface.idle();
    expect(discord.requests).toHaveLength(0);
    expect(pipeline.asks).toHaveLength(0);
  });

  it('answers PING with PONG', async () => {
    const response = await sendDiscordInteraction(endpoint, signer, {
      id: '1',
      application_id: APPLICATION_ID,
      type: 1,
      token: 't',
      version: 1,
    });
    expect(response).toEqual({ status: 200, json: { type: 1 } });
  });

  it('defers /ask (type 5), then edits the response into an embed with the chart attached, buttons and a thread', async () => {
    const interaction = askInteraction({
      applicationId: APPLICATION_ID,
      question: 'daily trading volume last week',
      channelId: CHANNEL,
    });
    const response = await sendDiscordInteraction(endpoint, signer, interaction);
    expect(response).toEqual({ status: 200, json: { type: 5 } });
    await surface.idle();

    const original = discord.original(String(interaction['token']))!;
    expect(original.edits).toBe(1);
    expect(pipeline.asks).toHaveLength(1);
    expect(pipeline.asks[0]!.request.conversationId).toBe(`discord:${original.id}`);
    expect(pipeline.asks[0]!.request.asker).toEqual({
      id: '800000000000000001',
      role: 'analyst',
      surface: 'discord',
      channel: CHANNEL,
    });

    const [embed] = original.embeds;
    expect(embed!['title']).toBe(
      'Daily trading volume, 17–23 Nov 2026: overall $8.2M; highest 2026-11-21 ($1.53M), lowest 2026-11-22 ($870K).',
    );
    expect(embed!['description']).toBe(
      [
        '<@800000000000000001> asked: daily trading volume last week',
        '7 rows.',
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
    expect(embed!['image']).toEqual({ url: 'attachment://chart.png' });
    expect(embed!['footer']).toEqual({ text: '7 rows · metric_query · 1.2 s' });
    expect(original.attachments.map((file) => [file.filename, file.contentType, file.description])).toEqual([
      ['chart.png', 'image/png', 'Chart: Daily trading volume, 17–23 Nov 2026'],
    ]);
    expect(original.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const buttons = original.components[0]!['components'] as Array<Record<string, LooseJson>>;
    const answerId = String(buttons[0]!['custom_id']).split('|')[1]!;
    expect(buttons.map((button) => [button['label'], button['custom_id']])).toEqual([
      ['Show SQL', `analyst_show_sql|${answerId}`],
      ['Download CSV', `analyst_download_csv|${answerId}`],
      ['Explain', `analyst_explain|${answerId}`],
      ['Follow up', `analyst_follow_up|${answerId}`],
    ]);
    expect(discord.threads).toEqual([
      { id: original.id, parentId: CHANNEL, name: 'daily trading volume last week' },
    ]);
    // The interaction webhook is called without the bot token.
    const edit = discord.requests.find((request) => request.method === 'PATCH')!;
    expect(edit.authorization).toBeUndefined();
  });

  it('continues the conversation for /ask inside the answer’s thread and through the Follow up modal', async () => {
    const first = askInteraction({
      applicationId: APPLICATION_ID,
      question: 'daily trading volume last week',
      channelId: CHANNEL,
    });
    await sendDiscordInteraction(endpoint, signer, first);
    await surface.idle();
    const original = discord.original(String(first['token']))!;

    const inThread = askInteraction({
      applicationId: APPLICATION_ID,
      question: 'and the week before?',
      channelId: original.id,
      channelType: 11,
    });
    expect((await sendDiscordInteraction(endpoint, signer, inThread)).json).toEqual({ type: 5 });
    await surface.idle();
    expect(pipeline.asks[1]!.request.conversationId).toBe(`discord:${original.id}`);
    expect(pipeline.asks[1]!.history.map((turn) => [turn.role, turn.content])).toEqual([
      ['user', 'daily trading volume last week'],
      ['assistant', sampleOutcome().text],
    ]);
    // No thread inside a thread.
    expect(discord.threads.filter((thread) => thread.parentId === original.id)).toHaveLength(0);

    const answerId = String(
      (original.components[0]!['components'] as Array<Record<string, LooseJson>>)[0]!['custom_id'],
    ).split('|')[1]!;
    const click = componentInteraction({
      applicationId: APPLICATION_ID,
      customId: `analyst_follow_up|${answerId}`,
      channelId: CHANNEL,
      messageId: original.id,
    });
    const modal = await sendDiscordInteraction(endpoint, signer, click);
    expect(modal.json!['type']).toBe(9);
    expect(modal.json!['data']['custom_id']).toBe(`analyst_follow_up|${answerId}`);
    const submit = modalSubmitInteraction({
      applicationId: APPLICATION_ID,
      customId: `analyst_follow_up|${answerId}`,
      channelId: CHANNEL,
      question: 'by country?',
    });
    expect((await sendDiscordInteraction(endpoint, signer, submit)).json).toEqual({ type: 5 });
    await surface.idle();
    expect(pipeline.asks[2]!.request.question).toBe('by country?');
    expect(pipeline.asks[2]!.request.conversationId).toBe(`discord:${original.id}`);
    expect(pipeline.asks[2]!.history).toHaveLength(4);
  });

  it('answers Show SQL, Explain and Download CSV with ephemeral follow-ups after a deferred update (type 6)', async () => {
    const ask = askInteraction({
      applicationId: APPLICATION_ID,
      question: 'daily trading volume last week',
      channelId: CHANNEL,
    });
    await sendDiscordInteraction(endpoint, signer, ask);
    await surface.idle();
    const original = discord.original(String(ask['token']))!;
    const answerId = String(
      (original.components[0]!['components'] as Array<Record<string, LooseJson>>)[0]!['custom_id'],
    ).split('|')[1]!;
    const click = async (actionId: string): Promise<string> => {
      const interaction = componentInteraction({
        applicationId: APPLICATION_ID,
        customId: `${actionId}|${answerId}`,
        channelId: CHANNEL,
        messageId: original.id,
      });
      expect((await sendDiscordInteraction(endpoint, signer, interaction)).json).toEqual({ type: 6 });
      await surface.idle();
      return String(interaction['token']);
    };

    const sql = discord.followUps(await click('analyst_show_sql'));
    expect(sql.map((message) => [message.flags, message.content])).toEqual([
      [
        64,
        `\`\`\`sql\n-- statement 1: 7 rows in 3.3 ms\n${SAMPLE_SQL}\n-- parameters: ["2026-11-17","2026-11-24"]\n\`\`\``,
      ],
    ]);
    const explain = discord.followUps(await click('analyst_explain'));
    expect(explain[0]!.content.split('\n')[0]).toBe('How I answered “daily trading volume last week”:');
    const csv = discord.followUps(await click('analyst_download_csv'));
    expect(csv[0]!.flags).toBe(64);
    expect(csv[0]!.attachments.map((file) => file.filename)).toEqual([`answer-${answerId.slice(0, 8)}.csv`]);
    expect(csv[0]!.attachments[0]!.data.toString('utf8')).toBe(tableToCsv(sampleOutcome().answer!.table!));
  });

  it('posts with a nonce (enforce_nonce) so a re-send does not duplicate, finds and updates the message, routes clicks', async () => {
    const message = {
      channel: CHANNEL,
      title: 'KYC backlog above 500',
      text: '612 pending reviews.',
      idempotencyKey: 'outbox-7',
      buttons: [{ actionId: 'alert_ack', label: 'Ack', value: '7' }],
    };
    const first = await surface.post(message);
    const again = await surface.post(message);
    expect(again).toEqual(first);
    const stored = discord.messages.filter((entry) => entry.id === first.messageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.nonce).toBe(nonceFor('outbox-7'));
    expect(nonceFor('outbox-7')).toHaveLength(25);
    expect(
      await surface.findPosted(CHANNEL, 'outbox-7', { since: new Date('2025-01-01T00:00:00Z') }),
    ).toEqual(first);
    expect(
      await surface.findPosted(CHANNEL, 'outbox-8', { since: new Date('2025-01-01T00:00:00Z') }),
    ).toBeUndefined();

    await surface.update(first, { title: 'KYC backlog above 500', text: 'Acknowledged.' });
    expect(stored[0]!.edits).toBe(1);
    expect(stored[0]!.embeds[0]!['description']).toBe('Acknowledged.');

    const seen: string[] = [];
    surface.onAction('alert_', async (action) => {
      seen.push(`${action.actionId}:${action.value}:${action.asker.id}:${action.message.messageId}`);
      return { update: { title: 'KYC backlog above 500', text: 'Acknowledged by <@800000000000000002>.' } };
    });
    const click = componentInteraction({
      applicationId: APPLICATION_ID,
      customId: 'alert_ack|7',
      channelId: CHANNEL,
      messageId: first.messageId,
      userId: '800000000000000002',
    });
    expect((await sendDiscordInteraction(endpoint, signer, click)).json).toEqual({ type: 6 });
    await surface.idle();
    expect(seen).toEqual([`alert_ack:7:800000000000000002:${first.messageId}`]);
    expect(discord.original(String(click['token']))!.embeds[0]!['description']).toBe(
      'Acknowledged by <@800000000000000002>.',
    );
  });

  it('waits out a 429 from the REST API (discord.js honours retry_after) and edits once', async () => {
    discord.rateLimit(/^PATCH \/webhooks\//, 0.2, 1);
    const ask = askInteraction({
      applicationId: APPLICATION_ID,
      question: 'daily trading volume last week',
      channelId: CHANNEL,
    });
    await sendDiscordInteraction(endpoint, signer, ask);
    await surface.idle();
    const patches = discord.requests.filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => request.status)).toEqual([429, 200]);
    expect(discord.original(String(ask['token']))!.edits).toBe(1);
  });

  it('registers /ask with one bulk overwrite, globally or in a guild', async () => {
    const global = await registerDiscordCommands({
      applicationId: APPLICATION_ID,
      token: BOT_TOKEN,
      api: discord.api,
    });
    const guild = await registerDiscordCommands({
      applicationId: APPLICATION_ID,
      token: BOT_TOKEN,
      api: discord.api,
      guildId: '900000000000000001',
    });
    expect([global, guild]).toEqual([['ask'], ['ask']]);
    expect(discord.commands.map((entry) => entry.scope)).toEqual(['global', 'guild:900000000000000001']);
    expect(discord.commands[0]!.body).toEqual(discordCommands());
  });

  it('fails fast on a malformed public key', () => {
    expect(() =>
      createDiscordSurface({
        pipeline,
        dedup: createSqlDedupStore(stores.app),
        answers: createSqlAnswerStore(stores.app),
        applicationId: APPLICATION_ID,
        publicKey: 'not-hex',
      }),
    ).toThrow(
      'DISCORD_PUBLIC_KEY: should be the 64-hex-character public key of the Discord application (General Information → Public Key)',
    );
  });
});
