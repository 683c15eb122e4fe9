import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertHit,
  type AlertRule,
  applyAlertAction,
  applyRuleEvaluation,
  listAlertLabels,
  parseAlertRules,
} from '../../../bot/alerts/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';

const rule: AlertRule = parseAlertRules({
  rules: [
    {
      id: 'aml',
      kind: 'aml_scan',
      scenario: 'all',
      schedule: '0 * * * *',
      channels: ['slack:C1', 'console:ops'],
      renotify_minutes: 60,
    },
  ],
})[0]!;
const hit = (key: string, group = 'structuring'): AlertHit => ({
  key,
  title: `hit ${key}`,
  details: ['evidence'],
  severity: 'warning',
  group,
});
const at = (time: string): Date => new Date(`2026-11-24T${time}:00Z`);

let stores: Stores;
beforeEach(async () => {
  stores = await openStores({ inMemory: true });
});
afterEach(async () => {
  await stores.close();
});

async function outbox(): Promise<{ channel: string; kind: string; fingerprints: string[]; text: string }[]> {
  const { rows } = await stores.app.query<{
    channel: string;
    kind: string;
    fingerprints: string[];
    text: string;
  }>(`SELECT channel, kind, fingerprints, payload->>'text' AS text FROM app.outbox ORDER BY outbox_id`);
  return rows;
}

describe('alert engine', () => {
  it('groups related hits into one message per channel and deduplicates by fingerprint', async () => {
    const first = await applyRuleEvaluation(
      stores.app,
      rule,
      { hits: [hit('1'), hit('2'), hit('2'), hit('3', 'shared_device')], resolves: true },
      at('10:00'),
    );
    expect(first).toEqual({
      ruleId: 'aml',
      newHits: 3,
      renotified: 0,
      suppressed: 0,
      resolved: 0,
      messages: 4,
    });
    const rows = await outbox();
    expect(rows.map((row) => [row.channel, row.fingerprints])).toEqual([
      ['C1', ['aml:1', 'aml:2']],
      ['ops', ['aml:1', 'aml:2']],
      ['C1', ['aml:3']],
      ['ops', ['aml:3']],
    ]);
    expect(rows[0]!.text).toBe('⚠️ aml: 2 alerts\n• hit 1 — evidence\n• hit 2 — evidence');
    // Same hits 10 minutes later: within the re-notify interval, nothing is posted.
    const again = await applyRuleEvaluation(
      stores.app,
      rule,
      { hits: [hit('1'), hit('2'), hit('3', 'shared_device')], resolves: true },
      at('10:10'),
    );
    expect(again).toMatchObject({ newHits: 0, renotified: 0, suppressed: 3, messages: 0 });
    // After the interval they are posted again, marked as still firing.
    const later = await applyRuleEvaluation(
      stores.app,
      rule,
      { hits: [hit('1')], resolves: false },
      at('11:00'),
    );
    expect(later).toMatchObject({ newHits: 0, renotified: 1, messages: 2 });
    expect((await outbox()).at(-1)!.text).toBe('⚠️ aml: 1 alert\n• (still firing) hit 1 — evidence');
  });

  it('stays silent while snoozed, and notifies again when the snooze ends', async () => {
    await applyRuleEvaluation(stores.app, rule, { hits: [hit('1')], resolves: true }, at('10:00'));
    const state = await applyAlertAction(stores.app, {
      fingerprint: 'aml:1',
      actor: 'U42',
      now: at('10:05'),
      action: { action: 'snooze', duration: '1h' },
    });
    expect(state).toMatchObject({ status: 'snoozed', snoozedUntil: '2026-11-24T11:05:00.000Z' });
    expect(
      await applyRuleEvaluation(stores.app, rule, { hits: [hit('1')], resolves: true }, at('11:00')),
    ).toMatchObject({ suppressed: 1, messages: 0 });
    expect(
      await applyRuleEvaluation(stores.app, rule, { hits: [hit('1')], resolves: true }, at('11:10')),
    ).toMatchObject({ renotified: 1, messages: 2 });
    // The snooze was shown on the original messages (one update per channel).
    const updates = (await outbox()).filter((row) => row.kind === 'update');
    expect(updates.map((row) => row.text.split('\n').at(-1))).toEqual([
      '_Snoozed 1h by U42 at 2026-11-24T10:05:00.000Z (until 2026-11-24T11:05:00.000Z)_',
      '_Snoozed 1h by U42 at 2026-11-24T10:05:00.000Z (until 2026-11-24T11:05:00.000Z)_',
    ]);
  });

  it('posts a resolved follow-up in the thread when the condition clears, and a new alert if it returns', async () => {
    await applyRuleEvaluation(stores.app, rule, { hits: [hit('1'), hit('2')], resolves: true }, at('10:00'));
    const cleared = await applyRuleEvaluation(
      stores.app,
      rule,
      { hits: [hit('2')], resolves: true },
      at('10:30'),
    );
    expect(cleared).toMatchObject({ resolved: 1, messages: 2 });
    const { rows } = await stores.app.query<{ text: string; parent: string }>(
      `SELECT payload->>'text' AS text, payload->>'threadOfOutboxId' AS parent FROM app.outbox WHERE payload ? 'threadOfOutboxId' ORDER BY outbox_id`,
    );
    expect(rows).toEqual([
      { text: '✅ Resolved: hit 1 (condition cleared at 2026-11-24T10:30:00.000Z)', parent: '2' },
      { text: '✅ Resolved: hit 1 (condition cleared at 2026-11-24T10:30:00.000Z)', parent: '1' },
    ]);
    const back = await applyRuleEvaluation(
      stores.app,
      rule,
      { hits: [hit('1'), hit('2')], resolves: true },
      at('10:40'),
    );
    expect(back).toMatchObject({ newHits: 1, suppressed: 1 });
    const { rows: events } = await stores.app.query<{ kind: string }>(
      `SELECT kind FROM app.alert_events WHERE fingerprint = 'aml:1' ORDER BY event_id`,
    );
    expect(events.map((event) => event.kind)).toEqual([
      'alert-triggered',
      'alert-resolved',
      'alert-retriggered',
    ]);
  });

  it('requires an outcome to close and keeps it as a label with who and when', async () => {
    await applyRuleEvaluation(stores.app, rule, { hits: [hit('7')], resolves: true }, at('10:00'));
    await expect(
      applyAlertAction(stores.app, {
        fingerprint: 'aml:7',
        actor: 'U1',
        now: at('10:01'),
        action: { action: 'close' },
      }),
    ).rejects.toThrow(
      'Invalid alert action: closing an alert needs an outcome: false_positive, valuable or confirmed.',
    );
    await applyAlertAction(stores.app, {
      fingerprint: 'aml:7',
      actor: 'U1',
      now: at('10:02'),
      action: { action: 'ack' },
    });
    await applyAlertAction(stores.app, {
      fingerprint: 'aml:7',
      actor: 'U1',
      now: at('10:03'),
      action: { action: 'assign', assignee: 'U2' },
    });
    await applyAlertAction(stores.app, {
      fingerprint: 'aml:7',
      actor: 'U2',
      now: at('10:04'),
      action: { action: 'close', outcome: 'false_positive', comment: 'known payroll pattern' },
    });
    expect(await listAlertLabels(stores.app)).toEqual([
      {
        fingerprint: 'aml:7',
        ruleId: 'aml',
        outcome: 'false_positive',
        comment: 'known payroll pattern',
        closedAt: '2026-11-24T10:04:00.000Z',
      },
    ]);
    const { rows } = await stores.app.query<{ kind: string; actor: string; at: string }>(
      `SELECT kind, actor, at FROM app.alert_events WHERE fingerprint = 'aml:7' ORDER BY event_id`,
    );
    expect(rows).toEqual([
      { kind: 'alert-triggered', actor: 'system', at: '2026-11-24T10:00:00.000Z' },
      { kind: 'alert-ack', actor: 'U1', at: '2026-11-24T10:02:00.000Z' },
      { kind: 'alert-assign', actor: 'U1', at: '2026-11-24T10:03:00.000Z' },
      { kind: 'alert-close', actor: 'U2', at: '2026-11-24T10:04:00.000Z' },
    ]);
    // Closed alerts stay quiet while the condition keeps firing.
    expect(
      await applyRuleEvaluation(stores.app, rule, { hits: [hit('7')], resolves: true }, at('12:00')),
    ).toMatchObject({ suppressed: 1, messages: 0 });
  });

  it('rejects invalid rules files with every problem named', () => {
    expect(() =>
      parseAlertRules({ rules: [{ id: 'x', kind: 'kyc_backlog', schedule: '*/5 * * * *', channels: [] }] }),
    ).toThrow(
      'Alert rules in rules are invalid: rules.0.channels: Too small: expected array to have >=1 items; rules.0.threshold: Invalid input: expected number, received undefined.',
    );
  });
});
