import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RenderableResult, renderAnswer } from '../../bot/render/answer.js';
import { ungroundedFigures } from '../../bot/render/grounding.js';
import { InvalidInputError } from '../../core/errors.js';
import { createRandom } from '../../core/random.js';
import { addressProfileTool } from '../../tools/address-profile.js';
import type { AuditEntry, ToolContext } from '../../tools/define-tool.js';
import type { Stores } from '../../warehouse/stores.js';
import { ADDRESS, NOW, openRiskFixture } from '../models/risk/risk-fixture.js';

let stores: Stores;
const audit: AuditEntry[] = [];

const context = (): ToolContext => ({
  warehouse: stores.warehouse,
  app: stores.app,
  now: NOW,
  random: createRandom(1),
  asker: { id: 'tester', role: 'compliance', surface: 'test' },
  audit: {
    async record(entry) {
      audit.push(entry);
    },
  },
  maxRows: 1000,
  statementTimeoutMs: 10_000,
});

const run = (input: Record<string, unknown>) =>
  addressProfileTool.run(addressProfileTool.input.parse(input), context());

beforeAll(async () => {
  ({ stores } = await openRiskFixture());
});
afterAll(async () => {
  await stores?.close();
});

describe('address_profile tool', () => {
  it('profiles an address and answers with a grounded summary and the paths', async () => {
    audit.length = 0;
    const result = await run({ address: ADDRESS.payer });
    expect(result).toMatchObject({
      kind: 'address_profile',
      chain: 'ethereum',
      risk: { level: 'high', reason: 'a direct outgoing transfer with a mixer address' },
      exchange: { users: 1, withdrawals: 1, withdrawalUsd: 7_000 },
    });
    expect(audit.filter((entry) => entry.kind === 'sql' && entry.tool === 'address_profile')).toHaveLength(
      result.sql.length,
    );
    const answer = renderAnswer(result as unknown as RenderableResult);
    expect(answer.summary).toBe(
      'The ethereum address (hex without checksum): risk high, a direct outgoing transfer with a mixer address. On-chain: 1 incoming transfer of $7,000.00 and 1 outgoing of $8,000.00, first seen 2026-10-30 12:00, last seen 2026-11-09 12:00. 1 exchange user touched it: 0 deposits of $0.00 from it and 1 withdrawal of $7,000.00 to it (top: user 503). Exposure within 3 hops: outgoing mixer at 1 hop.',
    );
    expect(ungroundedFigures(answer.summary, result)).toEqual([]);
    expect(answer.table!.rows).toEqual([
      ['outgoing', 'mixer (Mixer (test))', '1', `${ADDRESS.payer} → ${ADDRESS.mixer}`, '$8,000.00'],
    ]);
    expect(answer.definitions[0]).toBe(`address: ${ADDRESS.payer} on ethereum (also valid on bsc)`);
  });

  it('takes the chain from the question when given', async () => {
    const result = await run({ address: ADDRESS.sanctioned, chain: 'bsc' });
    expect(result.chain).toBe('bsc');
    // The label and the on-chain transfers are on ethereum; on bsc only user 507's deposit knows it.
    expect(result.labels).toEqual([]);
    expect(result.exchange.topUsers.map((user) => user.userId)).toEqual([507]);
    expect(result.risk).toEqual({
      level: 'low',
      reason: 'no sanctioned/mixer/scam/darknet address within 3 hops',
    });
  });

  it('rejects an invalid address with the chain and the problem, before any SQL', async () => {
    audit.length = 0;
    const failure = run({ address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u' });
    await expect(failure).rejects.toBeInstanceOf(InvalidInputError);
    await expect(failure).rejects.toThrow(
      "'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u' is not a valid tron address (the chain its format suggests): the base58check checksum does not match (a mistyped character?).",
    );
    await expect(run({ address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', chain: 'solana' })).rejects.toThrow(
      "'1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' is not a valid solana address: it decodes to 25 bytes, a public key has 32.",
    );
    expect(audit).toEqual([]);
  });
});
