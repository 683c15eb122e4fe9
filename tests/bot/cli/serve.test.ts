import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discordEnabled,
  type RunningServe,
  registerServeCommand,
  type ServeConfig,
  type ServeExtension,
  slackModeFrom,
  startServe,
} from '../../../bot/cli/commands/serve.js';
import { createConversationStore } from '../../../bot/conversation-store.js';
import type { SurfaceLogger } from '../../../bot/surface.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import {
  createInteractionSigner,
  type DiscordStandIn,
  sendDiscordInteraction,
  startDiscordStandIn,
} from '../../helpers/discord-stand-in.js';
import { createFakePipeline } from '../../helpers/fake-pipeline.js';
import {
  eventEnvelope,
  mentionEvent,
  type SlackStandIn,
  sendSlackEvent,
  startSlackStandIn,
} from '../../helpers/slack-stand-in.js';

const silent: SurfaceLogger = { info() {}, warn() {}, error() {} };

describe('analyst serve', () => {
  let stores: Stores;
  let slackApi: SlackStandIn;
  let discordApi: DiscordStandIn;
  let running: RunningServe;
  const signer = createInteractionSigner();
  const extensionLog: string[] = [];

  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
    slackApi = await startSlackStandIn({ botToken: 'xoxb-serve' });
    discordApi = await startDiscordStandIn({ applicationId: '77', botToken: 'discord-serve' });
    const config: ServeConfig = {
      SLACK_BOT_TOKEN: 'xoxb-serve',
      SLACK_SIGNING_SECRET: 'serve-secret',
      SLACK_APP_TOKEN: undefined,
      DISCORD_TOKEN: 'discord-serve',
      DISCORD_PUBLIC_KEY: signer.publicKeyHex,
      DISCORD_APPLICATION_ID: '77',
      PORT: 3000,
    };
    const extension: ServeExtension = {
      name: 'recorder',
      async start(context) {
        extensionLog.push(`start ${context.chatSurfaces.map((surface) => surface.name).join(',')}`);
        return { stop: async () => void extensionLog.push('stop') };
      },
    };
    running = await startServe({
      config,
      pipeline: createFakePipeline({ conversations: createConversationStore(stores.app) }),
      app: stores.app,
      port: 0,
      slackApiUrl: slackApi.url,
      discordApi: discordApi.api,
      slackMinIntervalMs: 0,
      renderChart: async () => ({ png: Buffer.from('not really a png') }),
      extensions: [extension],
      logger: silent,
    });
  });

  afterAll(async () => {
    await running?.close();
    await slackApi?.close();
    await discordApi?.close();
    await stores?.close();
  });

  it('serves /healthz with the surfaces it runs', async () => {
    const response = await fetch(`${running.url}/healthz`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body['status']).toBe('ok');
    expect(body['surfaces']).toEqual({ slack: 'http', discord: 'http' });
    expect(extensionLog).toEqual(['start slack,discord']);
  });

  it('routes Slack events and Discord interactions on one port, and counts them in /metrics', async () => {
    const slack = await sendSlackEvent(
      `${running.url}/slack/events`,
      'serve-secret',
      eventEnvelope(
        'Ev-serve-1',
        mentionEvent({ user: 'U1', channel: 'C1', text: '<@UBOT> volume', ts: '1764000000.000001' }),
      ),
    );
    expect(slack.status).toBe(200);
    const ping = await sendDiscordInteraction(`${running.url}/discord/interactions`, signer, {
      id: '1',
      application_id: '77',
      type: 1,
      token: 't',
      version: 1,
    });
    expect(ping.json).toEqual({ type: 1 });
    await running.surfaces.slack!.idle();
    expect(slackApi.messages).toHaveLength(1);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('analyst_surface_events_total{kind="mention",surface="slack"} 1');
    expect(metrics).toContain('analyst_surface_answers_total{outcome="answered",surface="slack"} 1');
    expect(metrics).toContain('analyst_http_requests_total{route="/discord/interactions",status="200"} 1');
  });

  it('limits the size of request bodies on both endpoints', async () => {
    const big = 'x'.repeat(70 * 1024);
    const discord = await fetch(`${running.url}/discord/interactions`, { method: 'POST', body: big });
    expect(discord.status).toBe(413);
    const slack = await fetch(`${running.url}/slack/events`, {
      method: 'POST',
      body: 'x'.repeat(300 * 1024),
    });
    expect(slack.status).toBe(413);
    expect((await fetch(`${running.url}/slack/install`)).status).toBe(404);
  });

  it('picks surfaces from the environment and names what is missing', () => {
    const none: ServeConfig = {
      SLACK_BOT_TOKEN: undefined,
      SLACK_APP_TOKEN: undefined,
      SLACK_SIGNING_SECRET: undefined,
      DISCORD_TOKEN: undefined,
      DISCORD_PUBLIC_KEY: undefined,
      DISCORD_APPLICATION_ID: undefined,
      PORT: 3000,
    };
    expect(slackModeFrom(none)).toBeUndefined();
    expect(discordEnabled(none)).toBe(false);
    expect(
      slackModeFrom({
        ...none,
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        SLACK_SIGNING_SECRET: 's',
      }),
    ).toBe('socket');
    expect(
      slackModeFrom(
        { ...none, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 's' },
        'http',
      ),
    ).toBe('http');
    expect(slackModeFrom({ ...none, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toBe('http');
    expect(() => slackModeFrom({ ...none, SLACK_SIGNING_SECRET: 's' })).toThrow(
      'SLACK_BOT_TOKEN: is required with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET',
    );
    expect(() => slackModeFrom({ ...none, SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      'SLACK_SIGNING_SECRET: is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
    );
    expect(() => discordEnabled({ ...none, DISCORD_TOKEN: 't' })).toThrow(
      'DISCORD_PUBLIC_KEY: is required for Discord (General Information → Public Key)',
    );
  });

  it('registers the serve command with its options', () => {
    const program = new Command();
    registerServeCommand(program);
    const serve = program.commands.find((command) => command.name() === 'serve')!;
    expect(serve.options.map((option) => option.long)).toEqual(['--port', '--host', '--slack-mode']);
  });
});
