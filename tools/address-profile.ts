import { z } from 'zod';
import { NotAvailableError } from '../core/errors.js';
import { defineTool, type ToolResultBase } from './define-tool.js';

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

/** `address_profile`: labels, exposure and flows of an on-chain address (built with the risk work). */
export const addressProfileTool = defineTool({
  name: 'address_profile',
  description:
    'Profile an on-chain address: labels, direct and multi-hop exposure to sanctioned, mixer, scam and darknet addresses (with the path), flows to and from the exchange, first and last seen, and which exchange users touched it.',
  input: addressProfileInput,
  async run(): Promise<ToolResultBase> {
    throw new NotAvailableError('On-chain address profiles');
  },
});
