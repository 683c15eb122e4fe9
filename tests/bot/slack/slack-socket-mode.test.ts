import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlAnswerStore } from '../../../bot/answer-store.js';
import { createConversationStore } from '../../../bot/conversation-store.js';
import { createSqlDedupStore } from '../../../bot/dedup-store.js';
import { createSlackSurface, type SlackSurface } from '../../../bot/slack/index.js';
import type { SurfaceLogger } from '../../../bot/surface.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { createFakePipeline, type FakePipeline } from '../../helpers/fake-pipeline.js';
import {
  eventEnvelope,
  mentionEvent,
  type SlackStandIn,
  startSlackStandIn,
} from '../../helpers/slack-stand-in.js';

const silent: SurfaceLogger = { info() {}, warn() {}, error() {} };

describe('Slack surface in Socket Mode (real Bolt and @slack/socket-mode against a local WebSocket stand-in)', () => {
  let stores: Stores;
  let slack: SlackStandIn;
  let pipeline: FakePipeline;
  let surface: SlackSurface;

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
    slack = await startSlackStandIn({ botToken: 'xoxb-socket', appToken: 'xapp-socket' });
    const conversations = createConversationStore(stores.app);
    pipeline = createFakePipeline({ conversations });
    surface = createSlackSurface({
      pipeline,
      conversations,
      dedup: createSqlDedupStore(stores.app),
      answers: createSqlAnswerStore(stores.app),
      botToken: 'xoxb-socket',
      appToken: 'xapp-socket',
      mode: 'socket',
      slackApiUrl: slack.url,
      sendQueue: { minIntervalMs: 0 },
      renderChart: async () => ({ png: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }),
      logger: silent,
    });
    await surface.start();
  });

  afterAll(async () => {
    await surface?.stop();
    await slack?.close();
    await stores?.close();
  });

  it('connects with the app-level token and has no HTTP endpoint', () => {
    expect(slack.callsOf('apps.connections.open').map((call) => call.token)).toEqual(['xapp-socket']);
    expect(slack.socketCount()).toBe(1);
    expect(surface.requestListener).toBeUndefined();
  });

  it('acknowledges a mention envelope, answers it in the thread, and answers a retried envelope once', async () => {
    const envelope = eventEnvelope(
      'Ev-socket-1',
      mentionEvent({
        user: 'U1',
        channel: 'C1',
        text: '<@UBOT> daily trading volume',
        ts: '1764000000.000001',
      }),
    );
    const first = await slack.sendEnvelope('events_api', envelope);
    expect(first.ack['envelope_id']).toBe('envelope-1');
    const retry = await slack.sendEnvelope('events_api', envelope, { retryAttempt: 1 });
    expect(retry.ack['envelope_id']).toBe('envelope-2');
    await surface.idle();
    expect(pipeline.asks.map((ask) => ask.request.conversationId)).toEqual(['slack:T1:C1:1764000000.000001']);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.threadTs).toBe('1764000000.000001');
    expect(slack.messages[0]!.updates).toBe(1);
  });

  it('answers a slash command envelope', async () => {
    const { ack } = await slack.sendEnvelope('slash_commands', {
      team_id: 'T1',
      channel_id: 'C5',
      channel_name: 'risk',
      user_id: 'U5',
      command: '/analyst',
      text: 'daily trading volume',
      trigger_id: 'trigger-socket-1',
      response_url: slack.responseUrl('socket-1'),
    });
    expect(ack['envelope_id']).toBeDefined();
    await surface.idle();
    expect(slack.messages.at(-1)!.channel).toBe('C5');
    expect(pipeline.asks.at(-1)!.request.asker).toEqual({
      id: 'U5',
      role: 'analyst',
      surface: 'slack',
      channel: 'C5',
    });
  });
});
