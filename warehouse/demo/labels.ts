/**
 * Labelled on-chain addresses (`address_labels`): the exchange's own hot wallets, other exchanges, DeFi
 * contracts, gambling sites, and the illicit side (mixers, sanctioned entities, darknet markets, scams).
 * Names say "(demo)": the addresses are random, only the kinds of entity are real.
 */
import type { Random } from '../../core/random.js';
import type { AddressFactory } from './address-book.js';
import { CHAINS, type Chain } from './addresses.js';

/** The label kinds of `address_labels.label`. */
export const ADDRESS_LABEL_KINDS = [
  'exchange',
  'mixer',
  'sanctioned',
  'darknet',
  'scam',
  'defi',
  'gambling',
] as const;
/** One label kind. */
export type AddressLabelKind = (typeof ADDRESS_LABEL_KINDS)[number];

/** Labels whose proximity makes a user "sanctioned-exposed" (see aml-scenarios.ts). */
export const TAINTED_LABELS: readonly AddressLabelKind[] = ['sanctioned', 'mixer'];

/** A row of `address_labels`. */
export interface LabelledAddress {
  readonly address: string;
  /** Index in CHAINS. */
  readonly chain: number;
  readonly label: AddressLabelKind;
  readonly name: string;
  readonly source: string;
}

/** The labelled addresses, grouped the way the generator needs them. */
export interface LabelCatalogue {
  readonly all: readonly LabelledAddress[];
  /** Addresses by label and chain index. */
  byLabel(label: AddressLabelKind, chain: number): readonly string[];
  /** The exchange's own hot wallets per chain index (withdrawals are paid from them). */
  readonly ourHotWallets: readonly (readonly string[])[];
  /** Every tainted address keyed `chain:address`. */
  readonly tainted: ReadonlySet<string>;
}

const PER_CHAIN: Readonly<Record<Exclude<AddressLabelKind, 'exchange'>, Readonly<Record<Chain, number>>>> = {
  mixer: { ethereum: 4, bsc: 2, tron: 2, bitcoin: 2, solana: 1 },
  sanctioned: { ethereum: 5, bsc: 2, tron: 6, bitcoin: 4, solana: 1 },
  darknet: { ethereum: 2, bsc: 0, tron: 2, bitcoin: 5, solana: 0 },
  scam: { ethereum: 8, bsc: 4, tron: 6, bitcoin: 2, solana: 4 },
  defi: { ethereum: 12, bsc: 6, tron: 2, bitcoin: 0, solana: 6 },
  gambling: { ethereum: 4, bsc: 3, tron: 4, bitcoin: 2, solana: 2 },
};

const NAMES: Readonly<Record<Exclude<AddressLabelKind, 'exchange'>, readonly string[]>> = {
  mixer: [
    'Mixer pool 0.1 (demo)',
    'Mixer pool 1 (demo)',
    'Mixer pool 10 (demo)',
    'CoinJoin coordinator (demo)',
    'Mixing service (demo)',
  ],
  sanctioned: [
    'Sanctioned OTC desk (demo)',
    'Sanctioned ransomware wallet (demo)',
    'Sanctioned exchange (demo)',
    'Sanctioned state-linked hacker wallet (demo)',
    'Sanctioned darknet administrator (demo)',
  ],
  darknet: ['Darknet market escrow (demo)', 'Darknet vendor wallet (demo)'],
  scam: [
    'Phishing drainer (demo)',
    'Investment scam wallet (demo)',
    'Fake airdrop contract (demo)',
    'Giveaway impersonation (demo)',
  ],
  defi: [
    'DEX router (demo)',
    'Lending pool (demo)',
    'Cross-chain bridge (demo)',
    'Liquid staking contract (demo)',
    'DEX aggregator (demo)',
  ],
  gambling: [
    'Online casino deposit wallet (demo)',
    'Sportsbook hot wallet (demo)',
    'Dice game contract (demo)',
  ],
};

const SOURCES: Readonly<Record<AddressLabelKind, string>> = {
  exchange: 'public explorer tag (demo)',
  mixer: 'internal investigation (demo)',
  sanctioned: 'OFAC SDN list (synthetic demo entry)',
  darknet: 'law-enforcement disclosure (demo)',
  scam: 'community scam report (demo)',
  defi: 'public explorer tag (demo)',
  gambling: 'public explorer tag (demo)',
};

const OTHER_EXCHANGES = ['Exchange A', 'Exchange B', 'Exchange C', 'Exchange D', 'Exchange E', 'Exchange F'];

/** Creates the labelled addresses for every chain. */
export function createLabelCatalogue(factory: AddressFactory, random: Random): LabelCatalogue {
  const all: LabelledAddress[] = [];
  const groups = new Map<string, string[]>();
  const add = (chain: number, label: AddressLabelKind, name: string, source: string): string => {
    const chainName = CHAINS[chain]!;
    // Contracts and services show checksummed addresses on explorers; bitcoin services use bech32.
    const address = factory.address(
      chainName,
      chainName === 'bitcoin' ? (random.next() < 0.5 ? 'bech32' : 'p2sh') : 'checksum',
    );
    all.push({ address, chain, label, name, source });
    const key = `${label}:${chain}`;
    const list = groups.get(key) ?? [];
    list.push(address);
    groups.set(key, list);
    return address;
  };
  const ourHotWallets: string[][] = CHAINS.map(() => []);
  CHAINS.forEach((_chain, chain) => {
    for (let index = 1; index <= 2; index++) {
      ourHotWallets[chain]!.push(add(chain, 'exchange', `Exchange hot wallet ${index} (ours)`, 'internal'));
    }
    for (const name of OTHER_EXCHANGES) add(chain, 'exchange', `${name} hot wallet (demo)`, SOURCES.exchange);
    for (const label of Object.keys(PER_CHAIN) as Exclude<AddressLabelKind, 'exchange'>[]) {
      const count = PER_CHAIN[label][CHAINS[chain]!];
      for (let index = 0; index < count; index++) {
        const name = NAMES[label][index % NAMES[label].length]!;
        add(
          chain,
          label,
          count > NAMES[label].length ? `${name.replace(' (demo)', '')} ${index + 1} (demo)` : name,
          SOURCES[label],
        );
      }
    }
  });
  // "Other exchange" hot wallets are the ones that are not ours.
  const ours = new Set(ourHotWallets.flat());
  CHAINS.forEach((_chain, chain) => {
    groups.set(
      `exchange:${chain}`,
      (groups.get(`exchange:${chain}`) ?? []).filter((address) => !ours.has(address)),
    );
  });
  const tainted = new Set(
    all.filter((item) => TAINTED_LABELS.includes(item.label)).map((item) => `${item.chain}:${item.address}`),
  );
  return {
    all,
    byLabel: (label, chain) => groups.get(`${label}:${chain}`) ?? [],
    ourHotWallets,
    tainted,
  };
}
