import { z } from 'zod';
import { type AddressProfile, defaultRiskConfig, profileAddress } from '../models/risk/index.js';
import { defineTool, type ExecutedSql } from './define-tool.js';
import { auditedSource } from './risk-source.js';

/** Chains the on-chain tools know. */
export const CHAINS = ['ethereum', 'bitcoin', 'bsc', 'tron', 'solana'] as const;

/** Input of `address_profile`. */
export const addressProfileInput = z.object({
  address: z
    .string()
    .min(20)
    .max(100)
    .describe('On-chain address. Example: 0x00e03d2cf3c95789ace1a9542c5d6baed2eac902'),
  chain: z
    .enum(CHAINS)
    .optional()
    .describe('Chain of the address; inferred from its format when omitted. Example: ethereum'),
});

/** Result of `address_profile`. */
export type AddressProfileResult = AddressProfile & {
  readonly kind: 'address_profile';
  readonly sql: ExecutedSql[];
};

/** `address_profile`: labels, exposure paths, flows and exchange users of an on-chain address. */
export const addressProfileTool = defineTool({
  name: 'address_profile',
  description:
    'Profile an on-chain address: labels, direct and multi-hop exposure to sanctioned, mixer, scam and darknet addresses (with the path), flows to and from the exchange, first and last seen, and which exchange users touched it.',
  input: addressProfileInput,
  async run(input, context): Promise<AddressProfileResult> {
    const sql: ExecutedSql[] = [];
    const profile = await profileAddress(auditedSource(context, 'address_profile', sql), {
      address: input.address,
      ...(input.chain ? { chain: input.chain } : {}),
      thresholds: defaultRiskConfig().thresholds,
    });
    return { kind: 'address_profile', ...profile, sql };
  },
});
