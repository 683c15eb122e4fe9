import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAskPipeline } from '../../bot/ask.js';
import { createConversationStore } from '../../bot/conversation-store.js';
import { createAccessPolicy } from '../../bot/permissions.js';
import { TOOLS } from '../../tools/registry.js';
import { openStores, type Stores } from '../../warehouse/stores.js';
import { createScriptedRouter } from '../helpers/scripted-router.js';

describe('access policy', () => {
  const policy = createAccessPolicy({
    users: { 'slack:U1': 'compliance', 'slack:U2': 'support' },
    privateChannels: ['slack:CPRIVATE'],
  });

  it('maps surface users to roles with a default', () => {
    expect(policy.roleOf('slack', 'U1')).toBe('compliance');
    expect(policy.roleOf('slack', 'U9')).toBe('analyst');
  });

  it('names the missing role, and the channel rule for private tools', () => {
    expect(
      policy.check('user_profile', { id: 'U9', role: 'analyst', surface: 'slack', channel: 'CPRIVATE' }),
    ).toEqual({
      allowed: false,
      reason:
        'Not allowed: user_profile needs the compliance role, and you have the analyst role. Ask an admin to grant it.',
    });
    expect(
      policy.check('user_profile', { id: 'U1', role: 'compliance', surface: 'slack', channel: 'CGENERAL' }),
    ).toEqual({
      allowed: false,
      reason:
        'Not allowed here: user_profile shows customer-level data and runs only in the configured private channels or in a direct message.',
    });
    expect(
      policy.check('user_profile', { id: 'U1', role: 'compliance', surface: 'slack', channel: 'CPRIVATE' }),
    ).toEqual({ allowed: true });
    expect(policy.check('sql_query', { id: 'U2', role: 'support', surface: 'slack' }).allowed).toBe(false);
    expect(policy.allowedTools({ id: 'U2', role: 'support', surface: 'slack' })).not.toContain(
      'anomaly_scan',
    );
  });
});

describe('the pipeline refuses before touching data', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await openStores({ inMemory: true });
  });
  afterAll(async () => {
    await stores?.close();
  });

  it('answers "not allowed" and runs no SQL', async () => {
    const pipeline = createAskPipeline({
      warehouse: stores.warehouse,
      app: stores.app,
      router: createScriptedRouter([{ tool: 'user_profile', args: { user_id: 1 } }]),
      tools: TOOLS,
      conversations: createConversationStore(stores.app),
      maxRows: 100,
      statementTimeoutMs: 1000,
      access: createAccessPolicy(),
    });
    const outcome = await pipeline.ask({
      question: 'pull up user 1',
      asker: { id: 'ana', role: 'analyst', surface: 'cli' },
      now: new Date(),
    });
    expect(outcome.text).toBe(
      'Not allowed: user_profile needs the compliance role, and you have the analyst role. Ask an admin to grant it (in the terminal: --role or ANALYST_ROLE).',
    );
    expect(outcome.result).toBeUndefined();
    const { rows } = await stores.app.query<{ kind: string; allowed: boolean }>(
      "SELECT kind, allowed FROM app.audit_log WHERE actor = 'ana' ORDER BY audit_id",
    );
    expect(rows).toEqual([
      { kind: 'question', allowed: true },
      { kind: 'route', allowed: true },
      { kind: 'denied', allowed: false },
    ]);
  });
});
