/**
 * Worker entry of `bench/surfaces.ts`: the Slack and Discord API stand-ins in their own thread, as the
 * real APIs are other machines, so their request parsing does not load the bot's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startDiscordStandIn } from '../tests/helpers/discord-stand-in.js';
import { startSlackStandIn } from '../tests/helpers/slack-stand-in.js';

/** What the bench asks the worker. */
export type ApisRequest =
  | { readonly type: 'stats' }
  | { readonly type: 'reset' }
  | { readonly type: 'close' };

/** Counts the bench reports. */
export interface ApisStats {
  readonly slackAnswers: number;
  readonly slackCharts: number;
  readonly discordAnswers: number;
  readonly discordCharts: number;
}

if (!parentPort) throw new Error('bench/_surfaces-apis.ts runs in a worker thread');
const port = parentPort;
const options = workerData as { slackToken: string; discordApplicationId: string; discordToken: string };
const slack = await startSlackStandIn({ botToken: options.slackToken });
const discord = await startDiscordStandIn({
  applicationId: options.discordApplicationId,
  botToken: options.discordToken,
});
port.postMessage({ type: 'ready', slackUrl: slack.url, discordApi: discord.api });
port.on('message', (request: ApisRequest) => {
  void (async () => {
    if (request.type === 'reset') {
      slack.messages.length = 0;
      slack.files.length = 0;
      discord.messages.length = 0;
      port.postMessage({ type: 'reset' });
    } else if (request.type === 'stats') {
      const stats: ApisStats = {
        slackAnswers: slack.messages.filter((message) => message.updates > 0).length,
        slackCharts: slack.sharedFiles().filter((file) => file.filename === 'chart.png').length,
        discordAnswers: discord.messages.filter((message) => message.edits > 0).length,
        discordCharts: discord.messages.filter((message) =>
          message.attachments.some((file) => file.filename === 'chart.png'),
        ).length,
      };
      port.postMessage({ type: 'stats', stats });
    } else {
      await slack.close();
      await discord.close();
      port.postMessage({ type: 'closed' });
    }
  })();
});
