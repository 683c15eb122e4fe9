/**
 * Where generated addresses come from: random bytes from the seeded generator, encoded per chain, and
 * remembered per user (the exchange's deposit address per user and chain, and the user's own external
 * wallets), so the same wallet shows up again across deposits, withdrawals and on-chain transfers.
 */
import type { Random } from '../../core/random.js';
import {
  bitcoinBase58Address,
  bitcoinBech32Address,
  CHAINS,
  type Chain,
  ethereumAddress,
  solanaAddress,
  transactionHash,
  tronAddress,
} from './addresses.js';

/** How an address is written: EVM checksummed or lower case, bitcoin bech32 or base58 (P2PKH/P2SH). */
export type AddressStyle = 'checksum' | 'lower' | 'bech32' | 'p2pkh' | 'p2sh' | 'default';

/** Random addresses and transaction hashes in valid formats, from a seeded generator. */
export class AddressFactory {
  private readonly random: Random;

  constructor(random: Random) {
    this.random = random;
  }

  /** `count` random bytes. */
  bytes(count: number): Uint8Array {
    const output = new Uint8Array(count);
    for (let index = 0; index < count; index += 4) {
      const word = Math.floor(this.random.next() * 4294967296);
      output[index] = word & 0xff;
      if (index + 1 < count) output[index + 1] = (word >>> 8) & 0xff;
      if (index + 2 < count) output[index + 2] = (word >>> 16) & 0xff;
      if (index + 3 < count) output[index + 3] = (word >>> 24) & 0xff;
    }
    return output;
  }

  /** A new address on `chain`; 'default' picks a realistic style mix for external wallets. */
  address(chain: Chain, style: AddressStyle = 'default'): string {
    switch (chain) {
      case 'ethereum':
      case 'bsc': {
        // Wallet software shows EIP-55 checksums, explorers and many APIs lower case: a third checksummed.
        const checksum = style === 'checksum' || (style === 'default' && this.random.next() < 0.35);
        return ethereumAddress(this.bytes(20), { checksum });
      }
      case 'bitcoin': {
        let kind = style;
        if (kind === 'default') {
          const roll = this.random.next();
          kind = roll < 0.6 ? 'bech32' : roll < 0.85 ? 'p2pkh' : 'p2sh';
        }
        if (kind === 'p2pkh' || kind === 'p2sh') return bitcoinBase58Address(this.bytes(20), kind);
        return bitcoinBech32Address(this.bytes(20));
      }
      case 'tron':
        return tronAddress(this.bytes(20));
      case 'solana':
        return solanaAddress(this.bytes(32));
    }
  }

  /** A new transaction hash in the chain's notation. */
  txHash(chain: Chain): string {
    return transactionHash(chain, this.bytes(chain === 'solana' ? 64 : 32));
  }
}

/** Per-user addresses: the exchange-side deposit address and the user's own wallets, per chain. */
export class UserAddressBook {
  private readonly factory: AddressFactory;
  private readonly random: Random;
  private readonly depositAddresses = new Map<number, string>();
  private readonly wallets = new Map<number, string[]>();
  private readonly walletCounts = new Map<number, number>();

  constructor(factory: AddressFactory, random: Random) {
    this.factory = factory;
    this.random = random;
  }

  /** The exchange's deposit address for this user on this chain (stored lower case / bech32, as its ledger keeps them). */
  depositAddress(user: number, chain: number): string {
    const key = user * 8 + chain;
    let address = this.depositAddresses.get(key);
    if (!address) {
      const name = CHAINS[chain]!;
      address = this.factory.address(name, name === 'bitcoin' ? 'bech32' : 'lower');
      this.depositAddresses.set(key, address);
    }
    return address;
  }

  /** One of the user's own wallets on this chain (each user has one to three per chain). */
  wallet(user: number, chain: number): string {
    const key = user * 8 + chain;
    let list = this.wallets.get(key);
    if (!list) {
      list = [];
      this.wallets.set(key, list);
      const roll = this.random.next();
      this.walletCounts.set(key, roll < 0.08 ? 3 : roll < 0.3 ? 2 : 1);
    }
    const count = this.walletCounts.get(key)!;
    // Mostly the first wallet; a second or third one now and then.
    const slot =
      list.length === 0 ? 0 : this.random.next() < 0.8 ? 0 : Math.floor(this.random.next() * count);
    while (list.length <= slot) list.push(this.factory.address(CHAINS[chain]!));
    return list[slot]!;
  }

  /** A brand-new address (a fresh wallet, another exchange's per-user deposit address). */
  fresh(chain: number): string {
    return this.factory.address(CHAINS[chain]!);
  }

  /** Every address of the users' own wallets (for the on-chain background). */
  allWallets(): IterableIterator<[number, string[]]> {
    return this.wallets.entries();
  }
}
