/**
 * The on-chain graph around the exchange (`chain_transfers`): the chain legs of the last 90 days of
 * deposits and withdrawals, the planted exposure paths, the illicit ecosystems (mixers and sanctioned
 * entities with their own address pools, darknet markets cashing out through them, scams cashing out
 * through other exchanges), and ordinary wallet traffic (DeFi, other exchanges, gambling, peer-to-peer,
 * with cycles). Illicit pools never touch ordinary wallets directly, so exposure is only where planted.
 */
import type { Random } from '../../core/random.js';
import type { SimulationContext } from './activity.js';
import { CHAINS } from './addresses.js';
import type { PlantedEdge } from './aml-scenarios.js';
import type { ChainTransferBuffer } from './buffers.js';
import { ASSETS } from './reference-data.js';
import { logNormal, pickIndex, roundTo, uniform } from './sampling.js';
import { DAY_MS } from './time-model.js';

const MINUTE_MS = 60_000;

/** Assets moved on each chain (symbol, share). */
const ASSETS_BY_CHAIN: Readonly<Record<(typeof CHAINS)[number], readonly (readonly [string, number])[]>> = {
  ethereum: [
    ['ETH', 0.45],
    ['USDT', 0.35],
    ['USDC', 0.2],
  ],
  bsc: [
    ['BNB', 0.4],
    ['USDT', 0.6],
  ],
  tron: [
    ['USDT', 0.8],
    ['TRX', 0.2],
  ],
  bitcoin: [['BTC', 1]],
  solana: [
    ['SOL', 0.5],
    ['USDC', 0.3],
    ['USDT', 0.2],
  ],
};
const CHAIN_ASSETS = CHAINS.map((chain) => ASSETS_BY_CHAIN[chain]);
const ASSET_INDEX = new Map(ASSETS.map((item, index) => [item.symbol, index]));

/** Fills `output` with the graph; `target` is the approximate total number of transfers. */
export function buildChainGraph(
  context: SimulationContext,
  planted: readonly PlantedEdge[],
  output: ChainTransferBuffer,
  random: Random,
  windowStart: number,
  target: number,
): void {
  const { time, factory, labels } = context;
  const nowMs = time.nowMs;
  const push = (
    chain: number,
    from: string,
    to: string,
    asset: number,
    amountUsd: number,
    when: number,
    hash?: string,
  ): number => {
    const price = time.priceAt(asset, when);
    const decimals = Math.max(2, ASSETS[asset]!.decimals);
    const amount = Math.max(10 ** -decimals, roundTo(amountUsd / price, decimals));
    output.chain.push(chain);
    output.asset.push(asset);
    output.amount.push(amount);
    output.amountUsd.push(
      ASSETS[asset]!.cluster === 'stable' ? roundTo(amount, 2) : roundTo(amount * price, 2),
    );
    output.time.push(Math.min(nowMs - 1000, when));
    output.from.push(from);
    output.to.push(to);
    output.txHash.push(hash ?? factory.txHash(CHAINS[chain]!));
    return output.length - 1;
  };
  const chainAsset = (chain: number): number => {
    const options = CHAIN_ASSETS[chain]!;
    return ASSET_INDEX.get(
      options[
        pickIndex(
          random,
          options.map(([, share]) => share),
        )
      ]![0],
    )!;
  };
  const amount = (): number => Math.min(2_000_000, logNormal(random, Math.log(900), 1.5));
  const when = (from = time.startMs): number => time.sampleWithGrowth(random, from, nowMs, 0);

  // 1. The chain legs of recent deposits and withdrawals (same tx hash as the exchange's row).
  const { deposits, withdrawals } = context;
  for (let index = 0; index < deposits.length; index++) {
    if (deposits.status.get(index) !== 0 || deposits.time.get(index) < windowStart) continue;
    push(
      deposits.chain.get(index),
      deposits.from[index]!,
      deposits.to[index]!,
      deposits.asset.get(index),
      deposits.amountUsd.get(index),
      deposits.time.get(index) - uniform(random, 1, 15) * MINUTE_MS,
      deposits.txHash[index],
    );
  }
  for (let index = 0; index < withdrawals.length; index++) {
    if (withdrawals.status.get(index) !== 0 || withdrawals.time.get(index) < windowStart) continue;
    const chain = withdrawals.chain.get(index);
    const hot = labels.ourHotWallets[chain]!;
    push(
      chain,
      hot[random.int(0, hot.length - 1)]!,
      withdrawals.to[index]!,
      withdrawals.asset.get(index),
      withdrawals.amountUsd.get(index),
      withdrawals.time.get(index) + uniform(random, 1, 20) * MINUTE_MS,
      withdrawals.txHash[index],
    );
  }

  // 2. Planted exposure paths.
  for (const edge of planted) {
    edge.index = push(edge.chain, edge.from, edge.to, edge.asset, edge.amountUsd, edge.time);
  }

  // 3. Illicit ecosystems, per chain. Mixer pools only trade with mixers, sanctioned entities, darknet
  //    markets and each other; scams cash out through their own pools into other exchanges.
  const scale = Math.max(0.05, target / 100_000);
  CHAINS.forEach((_name, chain) => {
    const tainted = [...labels.byLabel('mixer', chain), ...labels.byLabel('sanctioned', chain)];
    const darknet = labels.byLabel('darknet', chain);
    const scams = labels.byLabel('scam', chain);
    const exchanges = labels.byLabel('exchange', chain);
    if (tainted.length > 0) {
      const pool = Array.from({ length: Math.max(6, Math.round(160 * scale)) }, () =>
        factory.address(CHAINS[chain]!),
      );
      const edges = Math.round(900 * scale);
      for (let index = 0; index < edges; index++) {
        const mixer = tainted[random.int(0, tainted.length - 1)]!;
        const member = pool[random.int(0, pool.length - 1)]!;
        const roll = random.next();
        if (roll < 0.4) push(chain, member, mixer, chainAsset(chain), amount(), when());
        else if (roll < 0.8) push(chain, mixer, member, chainAsset(chain), amount(), when());
        else push(chain, member, pool[random.int(0, pool.length - 1)]!, chainAsset(chain), amount(), when());
      }
      // Layering loops: mixer → a → b → mixer.
      for (let index = 0; index < Math.max(2, Math.round(25 * scale)); index++) {
        const mixer = tainted[random.int(0, tainted.length - 1)]!;
        const a = pool[random.int(0, pool.length - 1)]!;
        const b = pool[random.int(0, pool.length - 1)]!;
        const start = when();
        const value = amount();
        push(chain, mixer, a, chainAsset(chain), value, start);
        push(chain, a, b, chainAsset(chain), value * 0.98, start + uniform(random, 10, 600) * MINUTE_MS);
        push(
          chain,
          b,
          mixer,
          chainAsset(chain),
          value * 0.96,
          start + uniform(random, 600, 2000) * MINUTE_MS,
        );
      }
      // Darknet markets: buyers pay in from their own pool, the market cashes out into mixer pools.
      if (darknet.length > 0) {
        const buyers = Array.from({ length: Math.max(6, Math.round(120 * scale)) }, () =>
          factory.address(CHAINS[chain]!),
        );
        for (let index = 0; index < Math.round(500 * scale); index++) {
          const market = darknet[random.int(0, darknet.length - 1)]!;
          if (random.next() < 0.7)
            push(
              chain,
              buyers[random.int(0, buyers.length - 1)]!,
              market,
              chainAsset(chain),
              amount() / 4,
              when(),
            );
          else
            push(
              chain,
              market,
              pool[random.int(0, pool.length - 1)]!,
              chainAsset(chain),
              amount() * 3,
              when(),
            );
        }
      }
    }
    if (scams.length > 0 && exchanges.length > 0) {
      const cashOut = Array.from({ length: Math.max(4, Math.round(60 * scale)) }, () =>
        factory.address(CHAINS[chain]!),
      );
      for (let index = 0; index < Math.round(300 * scale); index++) {
        const scam = scams[random.int(0, scams.length - 1)]!;
        const mule = cashOut[random.int(0, cashOut.length - 1)]!;
        if (random.next() < 0.5) push(chain, scam, mule, chainAsset(chain), amount(), when());
        else
          push(
            chain,
            mule,
            exchanges[random.int(0, exchanges.length - 1)]!,
            chainAsset(chain),
            amount(),
            when(),
          );
      }
    }
  });

  // 4. Ordinary wallet traffic until the target size: swaps with DeFi, moves to and from other
  //    exchanges, gambling, peer-to-peer payments between users' wallets (and scam victims paying in).
  const wallets: { chain: number; address: string }[] = [];
  for (const [key, list] of context.addresses.allWallets()) {
    for (const address of list) wallets.push({ chain: key % 8, address });
  }
  wallets.sort((a, b) => a.chain - b.chain || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const byChain = CHAINS.map((_name, chain) =>
    wallets.filter((item) => item.chain === chain).map((item) => item.address),
  );
  let remaining = Math.max(0, target - output.length);
  let guard = 0;
  while (remaining > 0 && wallets.length > 1 && guard++ < target * 4) {
    const { chain, address } = wallets[random.int(0, wallets.length - 1)]!;
    const peers = byChain[chain]!;
    const roll = random.next();
    const asset = chainAsset(chain);
    if (roll < 0.3) {
      const defi = labels.byLabel('defi', chain);
      if (defi.length === 0) continue;
      const contract = defi[random.int(0, defi.length - 1)]!;
      const start = when();
      push(chain, address, contract, asset, amount(), start);
      push(chain, contract, address, chainAsset(chain), amount(), start + uniform(random, 1, 30) * MINUTE_MS);
      remaining -= 2;
    } else if (roll < 0.55) {
      const exchanges = labels
        .byLabel('exchange', chain)
        .filter((item) => !labels.ourHotWallets[chain]!.includes(item));
      const other = exchanges[random.int(0, exchanges.length - 1)]!;
      if (random.next() < 0.5) push(chain, address, other, asset, amount(), when());
      else push(chain, other, address, asset, amount(), when());
      remaining -= 1;
    } else if (roll < 0.62) {
      const casinos = labels.byLabel('gambling', chain);
      if (casinos.length === 0) continue;
      push(chain, address, casinos[random.int(0, casinos.length - 1)]!, asset, amount() / 5, when());
      remaining -= 1;
    } else if (roll < 0.63) {
      const scams = labels.byLabel('scam', chain);
      if (scams.length === 0) continue;
      push(chain, address, scams[random.int(0, scams.length - 1)]!, asset, amount() / 2, when());
      remaining -= 1;
    } else if (roll < 0.97 || peers.length < 3) {
      if (peers.length < 2) continue;
      push(chain, address, peers[random.int(0, peers.length - 1)]!, asset, amount() / 3, when());
      remaining -= 1;
    } else {
      // A payment cycle a → b → c → a.
      const b = peers[random.int(0, peers.length - 1)]!;
      const c = peers[random.int(0, peers.length - 1)]!;
      const start = when(nowMs - 180 * DAY_MS);
      push(chain, address, b, asset, 500, start);
      push(chain, b, c, asset, 480, start + uniform(random, 5, 300) * MINUTE_MS);
      push(chain, c, address, asset, 460, start + uniform(random, 300, 900) * MINUTE_MS);
      remaining -= 3;
    }
  }
}

/**
 * Users exposed to tainted addresses by the definition of aml-scenarios.ts (directed, ≤ 2 hops), split
 * into exposures inside the window and before it. The generator uses it to prove the ground truth.
 */
export function exposedUsers(
  context: SimulationContext,
  transfers: ChainTransferBuffer,
  windowStart: number,
): { inWindow: Set<number>; beforeWindow: Set<number> } {
  const forward = new Map<string, Set<string>>();
  const backward = new Map<string, Set<string>>();
  const link = (map: Map<string, Set<string>>, from: string, to: string): void => {
    let set = map.get(from);
    if (!set) {
      set = new Set();
      map.set(from, set);
    }
    set.add(to);
  };
  for (let index = 0; index < transfers.length; index++) {
    const chain = transfers.chain.get(index);
    const from = `${chain}:${transfers.from[index]}`;
    const to = `${chain}:${transfers.to[index]}`;
    link(forward, from, to);
    link(backward, to, from);
  }
  const within = (map: Map<string, Set<string>>): Set<string> => {
    const reached = new Set<string>(context.labels.tainted);
    let frontier = [...context.labels.tainted];
    for (let hop = 0; hop < 2; hop++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const neighbour of map.get(node) ?? []) {
          if (!reached.has(neighbour)) {
            reached.add(neighbour);
            next.push(neighbour);
          }
        }
      }
      frontier = next;
    }
    return reached;
  };
  // Funds flowing out of tainted addresses reach these within two hops (deposit sources) …
  const downstream = within(forward);
  // … and these reach tainted addresses within two hops (withdrawal destinations).
  const upstream = within(backward);
  const inWindow = new Set<number>();
  const beforeWindow = new Set<number>();
  const mark = (user: number, time: number): void => {
    (time >= windowStart ? inWindow : beforeWindow).add(user);
  };
  const { deposits, withdrawals } = context;
  for (let index = 0; index < deposits.length; index++) {
    if (deposits.status.get(index) !== 0) continue;
    if (downstream.has(`${deposits.chain.get(index)}:${deposits.from[index]}`)) {
      mark(deposits.user.get(index), deposits.time.get(index));
    }
  }
  for (let index = 0; index < withdrawals.length; index++) {
    if (withdrawals.status.get(index) !== 0) continue;
    if (upstream.has(`${withdrawals.chain.get(index)}:${withdrawals.to[index]}`)) {
      mark(withdrawals.user.get(index), withdrawals.time.get(index));
    }
  }
  return { inWindow, beforeWindow };
}
