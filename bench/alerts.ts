/**
 * `npm run bench -- alerts [N]`: N (default 1000) alerts through the outbox to a local Slack stand-in,
 * with three senders killed between the API call and mark-sent; prints loss and duplicates.
 */
import { createOutboxSender, createSlackDeliverer, enqueueOutbox } from '../bot/alerts/index.js';
import { startSlackStandIn } from '../tests/helpers/slack-stand-in.js';
import { openStores } from '../warehouse/stores.js';

/** Runs the benchmark. */
export default async function (args: string[]): Promise<void> {
  const total = Number(args[0] ?? 1000);
  const stores = await openStores({ inMemory: true });
  const slack = await startSlackStandIn({ botToken: 'xoxb-bench' });
  const started = performance.now();
  try {
    const t0 = new Date('2026-11-24T12:00:00Z');
    await stores.app.transaction(async (transaction) => {
      for (let index = 0; index < total; index++) {
        await enqueueOutbox(
          transaction,
          { deliverer: 'slack', channel: `C${index % 5}`, kind: 'post', payload: { text: `alert ${index}` } },
          t0,
        );
      }
    });
    const deliverers = {
      slack: createSlackDeliverer({ botToken: 'xoxb-bench', apiUrl: slack.url, reconcileLimit: 1000 }),
    };
    const crashAt = [137, 498, 861];
    let delivered = 0;
    let crashes = 0;
    let clockMs = t0.getTime();
    // Bounded: at most one sender per crash plus one that finishes.
    for (let round = 0; round <= crashAt.length; round++) {
      const sender = createOutboxSender({
        app: stores.app,
        deliverers,
        owner: `sender-${round}`,
        leaseMs: 1000,
        batchSize: 50,
        clock: () => new Date(clockMs),
        afterApiCall: () => {
          delivered += 1;
          if (crashes < crashAt.length && delivered === crashAt[crashes]) {
            crashes += 1;
            throw new Error('crash');
          }
        },
      });
      try {
        await sender.drain({ maxRounds: total });
        break;
      } catch {
        clockMs += 2000; // the dead sender's lease lapses
      }
    }
    const texts = slack.messages.map((message) => message.text);
    const unique = new Set(texts);
    const { rows } = await stores.app.query<{ sent: number }>(
      `SELECT COUNT(*)::int AS sent FROM app.outbox WHERE status = 'sent'`,
    );
    process.stdout.write(
      `alerts ${total}, crashes ${crashes}, posted ${texts.length}, unique ${unique.size}, lost ${total - unique.size}, duplicates ${texts.length - unique.size}, outbox sent ${rows[0]?.sent}, seconds ${((performance.now() - started) / 1000).toFixed(1)}\n`,
    );
  } finally {
    await slack.close();
    await stores.close();
  }
}
