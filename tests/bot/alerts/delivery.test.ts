import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLeaderElector,
  createOutboxSender,
  createSlackDeliverer,
  enqueueOutbox,
  outboxCounts,
} from '../../../bot/alerts/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';
import { type SlackStandIn, startSlackStandIn } from '../../helpers/slack-stand-in.js';

class SimulatedCrash extends Error {}

let stores: Stores;
let slack: SlackStandIn;
beforeEach(async () => {
  stores = await openStores({ inMemory: true });
  slack = await startSlackStandIn({ botToken: 'xoxb-test' });
});
afterEach(async () => {
  await slack.close();
  await stores.close();
});

const t0 = new Date('2026-11-24T12:00:00Z');

describe('outbox sender', () => {
  it('delivers every alert exactly once when killed between the API call and mark-sent', async () => {
    for (let index = 0; index < 5; index++) {
      await enqueueOutbox(
        stores.app,
        { deliverer: 'slack', channel: 'C1', kind: 'post', payload: { text: `alert ${index}` } },
        t0,
      );
    }
    const deliverers = { slack: createSlackDeliverer({ botToken: 'xoxb-test', apiUrl: slack.url }) };
    let calls = 0;
    const first = createOutboxSender({
      app: stores.app,
      deliverers,
      owner: 'a',
      leaseMs: 1000,
      clock: () => t0,
      afterApiCall: () => {
        calls += 1;
        if (calls === 3) throw new SimulatedCrash('killed');
      },
    });
    await expect(first.runOnce()).rejects.toThrow('killed');
    // A new sender after the dead one's lease lapsed.
    const second = createOutboxSender({
      app: stores.app,
      deliverers,
      owner: 'b',
      clock: () => new Date(t0.getTime() + 2000),
    });
    const report = await second.drain({ maxRounds: 5 });
    expect(report).toMatchObject({ sent: 3, reconciled: 1 });
    expect(slack.callsOf('chat.postMessage')).toHaveLength(5);
    expect(slack.messages.map((message) => message.text).sort()).toEqual([
      'alert 0',
      'alert 1',
      'alert 2',
      'alert 3',
      'alert 4',
    ]);
    expect(await outboxCounts(stores.app)).toEqual({ sent: 5 });
  });

  it('honours a 429 Retry-After before posting again', async () => {
    await enqueueOutbox(
      stores.app,
      { deliverer: 'slack', channel: 'C1', kind: 'post', payload: { text: 'late' } },
      t0,
    );
    slack.rateLimit('chat.postMessage', 30);
    let now = t0;
    const sender = createOutboxSender({
      app: stores.app,
      deliverers: { slack: createSlackDeliverer({ botToken: 'xoxb-test', apiUrl: slack.url }) },
      clock: () => now,
    });
    expect(await sender.runOnce()).toMatchObject({ rateLimited: 1, sent: 0 });
    now = new Date(t0.getTime() + 29_000);
    expect(await sender.runOnce()).toMatchObject({ claimed: 0 });
    now = new Date(t0.getTime() + 30_000);
    expect(await sender.runOnce()).toMatchObject({ sent: 1 });
    expect(
      slack.calls.filter((call) => call.method === 'chat.postMessage').map((call) => call.status),
    ).toEqual([429, 200]);
    expect(slack.messages.map((message) => message.text)).toEqual(['late']);
  });
});

describe('leader election', () => {
  it('elects one leader of two, and fails over when its lease lapses', async () => {
    let now = t0;
    const clock = (): Date => now;
    const one = createLeaderElector({ app: stores.app, holder: 'one', leaseMs: 10_000, clock });
    const two = createLeaderElector({ app: stores.app, holder: 'two', leaseMs: 10_000, clock });
    expect(await one.tryAcquire()).toBe(1);
    expect(await two.tryAcquire()).toBeUndefined();
    expect([await one.isLeader(), await two.isLeader()]).toEqual([true, false]);
    now = new Date(t0.getTime() + 5000);
    expect(await one.tryAcquire()).toBe(1); // heartbeat renews, same epoch
    now = new Date(t0.getTime() + 16_000); // one died: no heartbeat, lease lapsed
    expect(await two.tryAcquire()).toBe(2);
    expect([await one.isLeader(), await two.isLeader()]).toEqual([false, true]);
    expect(await one.tryAcquire()).toBeUndefined();
  });
});
