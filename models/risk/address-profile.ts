/**
 * Profile of one on-chain address: labels, on-chain totals in and out, first and last seen, the
 * exchange users who deposited from or withdrew to it, and its exposure to illicit addresses within N
 * hops, each with the path as evidence. The exposure is a bounded walk in the warehouse (a recursive
 * query with a hop limit, a cap on the transfers followed per address, no address visited twice on a
 * path, and no walking through labelled addresses: a label is the answer, and walking through an
 * exchange's hot wallet would reach everyone).
 *
 * Incoming exposure follows money back to where it came from (transfers into the address, their
 * senders, …); outgoing exposure follows it forward.
 */
import {
  type AddressChain,
  chainsForAddress,
  checkAddress,
  storedForms,
  validateAddress,
} from './address-format.js';
import { round, SqlParameters, toIso, toNumber } from './sql.js';
import type { RiskThresholds } from './thresholds.js';
import type { EvidenceItem, RiskSource } from './types.js';

/** Totals of one direction of on-chain transfers. */
export interface FlowTotals {
  readonly transfers: number;
  readonly usd: number;
  readonly counterparties: number;
  readonly first: string | null;
  readonly last: string | null;
}

/** One path from the address to an illicit one (or from one to the address), in the direction money moved. */
export interface ExposurePath {
  readonly direction: 'incoming' | 'outgoing';
  readonly label: string;
  readonly name: string | null;
  /** The illicit address at the far end. */
  readonly illicitAddress: string;
  readonly hops: number;
  /** Addresses in the order money moved, both ends included. */
  readonly path: readonly string[];
  /** The transfers along the path, in the order money moved. */
  readonly transfers: readonly EvidenceItem[];
}

/** Exposure per label and direction: the nearest hop count and how many illicit addresses were reached. */
export interface ExposureSummary {
  readonly direction: 'incoming' | 'outgoing';
  readonly label: string;
  readonly nearestHops: number;
  readonly addresses: number;
}

/** An exchange user who deposited from or withdrew to the address. */
export interface AddressUser {
  readonly userId: number;
  readonly deposits: number;
  readonly depositUsd: number;
  readonly withdrawals: number;
  readonly withdrawalUsd: number;
  readonly first: string;
  readonly last: string;
}

/** Everything known about an address. */
export interface AddressProfile {
  readonly address: string;
  readonly chain: AddressChain;
  readonly format: string;
  /** Other chains the same address text is valid on (EVM addresses: ethereum and bsc). */
  readonly otherChains: readonly AddressChain[];
  /** Whether the address appears anywhere in the warehouse on this chain. */
  readonly seen: boolean;
  readonly labels: readonly { label: string; name: string | null; source: string }[];
  readonly onChain: {
    readonly incoming: FlowTotals;
    readonly outgoing: FlowTotals;
    readonly firstSeen: string | null;
    readonly lastSeen: string | null;
  };
  readonly exchange: {
    readonly users: number;
    readonly deposits: number;
    readonly depositUsd: number;
    readonly withdrawals: number;
    readonly withdrawalUsd: number;
    readonly topUsers: readonly AddressUser[];
  };
  readonly exposure: {
    readonly maxHops: number;
    readonly fanOut: number;
    readonly illicitLabels: readonly string[];
    readonly summary: readonly ExposureSummary[];
    readonly paths: readonly ExposurePath[];
    /** Path prefixes the walk explored (both directions). */
    readonly explored: number;
    /** Some address had more transfers than the fan-out cap; the walk followed the largest ones. */
    readonly capped: boolean;
  };
  /** A verdict in one word and why. */
  readonly risk: { readonly level: 'high' | 'medium' | 'low' | 'none'; readonly reason: string };
}

/** Options of {@link profileAddress}. */
export interface AddressProfileOptions {
  readonly address: string;
  readonly chain?: AddressChain;
  readonly thresholds: RiskThresholds;
  /** Override the hop limit of the thresholds (1–4). */
  readonly maxHops?: number;
  readonly fanOut?: number;
}

const EMPTY_TOTALS: FlowTotals = { transfers: 0, usd: 0, counterparties: 0, first: null, last: null };

/**
 * Profiles an address; the chain is inferred from the format when not given (an EVM address goes to
 * the chain where the warehouse has it).
 *
 * @throws InvalidInputError `address_invalid` naming the chain and what is wrong with the address.
 */
export async function profileAddress(
  source: RiskSource,
  options: AddressProfileOptions,
): Promise<AddressProfile> {
  const address = options.address.trim();
  const candidates = validateAddress(address, options.chain);
  const { dialect } = source;
  let chain = candidates[0]!;
  if (candidates.length > 1) {
    // The format cannot tell ethereum from bsc: take the chain where the warehouse has the address.
    const parameters = new SqlParameters(dialect);
    const forms = parameters.add(storedForms('ethereum', address), 'text[]');
    const chains = parameters.add(candidates, 'text[]');
    const rows = await source.query<{ chain: string; count: number }>(
      `SELECT chain, COUNT(*) AS count FROM (
  SELECT chain FROM chain_transfers WHERE ${dialect.inArray('from_address', forms)} AND ${dialect.inArray('chain', chains)}
  UNION ALL SELECT chain FROM chain_transfers WHERE ${dialect.inArray('to_address', forms)} AND ${dialect.inArray('chain', chains)}
  UNION ALL SELECT chain FROM address_labels WHERE ${dialect.inArray('address', forms)} AND ${dialect.inArray('chain', chains)}
) found GROUP BY chain ORDER BY count DESC, chain`,
      parameters.values,
    );
    if (rows[0]) chain = rows[0].chain as AddressChain;
  }
  const check = checkAddress(chain, address);
  const format = check.valid ? check.format : 'unknown';
  const forms = storedForms(chain, address);
  const thresholds = options.thresholds.address_profile;
  const maxHops = Math.min(4, Math.max(1, options.maxHops ?? thresholds.max_hops));
  const fanOut = options.fanOut ?? thresholds.fan_out;

  // Labels, on-chain totals (with the form the address is stored in) and exchange users.
  const labelParameters = new SqlParameters(dialect);
  const labelRows = await source.query<{ label: string; name: string | null; source: string }>(
    `SELECT label, name, source FROM address_labels WHERE chain = ${labelParameters.add(chain, 'text')} AND ${dialect.inArray('address', labelParameters.add(forms, 'text[]'))} ORDER BY label`,
    labelParameters.values,
  );
  const flowParameters = new SqlParameters(dialect);
  const flowChain = flowParameters.add(chain, 'text');
  const flowForms = flowParameters.add(forms, 'text[]');
  const flowRows = await source.query<{
    direction: 'in' | 'out';
    address: string;
    transfers: number;
    usd: number | null;
    counterparties: number;
    first: string | null;
    last: string | null;
  }>(
    `SELECT direction, address, COUNT(*) AS transfers, SUM(amount_usd) AS usd, COUNT(DISTINCT counterparty) AS counterparties,
  MIN(block_time) AS first, MAX(block_time) AS last
FROM (
  SELECT 'in' AS direction, to_address AS address, from_address AS counterparty, amount_usd, block_time
  FROM chain_transfers WHERE chain = ${flowChain} AND ${dialect.inArray('to_address', flowForms)}
  UNION ALL
  SELECT 'out', from_address, to_address, amount_usd, block_time
  FROM chain_transfers WHERE chain = ${flowChain} AND ${dialect.inArray('from_address', flowForms)}
) flows GROUP BY direction, address ORDER BY direction, transfers DESC`,
    flowParameters.values,
  );
  const totals = (direction: 'in' | 'out'): FlowTotals => {
    const rows = flowRows.filter((row) => row.direction === direction);
    if (rows.length === 0) return EMPTY_TOTALS;
    const firsts = rows
      .map((row) => row.first)
      .filter((value): value is string => value !== null)
      .map(toIso)
      .sort();
    const lasts = rows
      .map((row) => row.last)
      .filter((value): value is string => value !== null)
      .map(toIso)
      .sort();
    return {
      transfers: rows.reduce((sum, row) => sum + toNumber(row.transfers), 0),
      usd: round(
        rows.reduce((sum, row) => sum + toNumber(row.usd), 0),
        2,
      ),
      counterparties: rows.reduce((sum, row) => sum + toNumber(row.counterparties), 0),
      first: firsts[0] ?? null,
      last: lasts.at(-1) ?? null,
    };
  };
  const incoming = totals('in');
  const outgoing = totals('out');
  const stored = flowRows[0]?.address ?? forms[0]!;

  const userParameters = new SqlParameters(dialect);
  const userChain = userParameters.add(chain, 'text');
  const userForms = userParameters.add(forms, 'text[]');
  const userRows = await source.query<{
    user_id: number;
    deposits: number;
    deposit_usd: number;
    withdrawals: number;
    withdrawal_usd: number;
    first: string;
    last: string;
  }>(
    `SELECT user_id, ${dialect.countIf("kind = 'deposit'")} AS deposits,
  SUM(CASE WHEN kind = 'deposit' THEN amount_usd ELSE 0 END) AS deposit_usd,
  ${dialect.countIf("kind = 'withdrawal'")} AS withdrawals,
  SUM(CASE WHEN kind = 'withdrawal' THEN amount_usd ELSE 0 END) AS withdrawal_usd,
  MIN(created_at) AS first, MAX(created_at) AS last
FROM (
  SELECT 'deposit' AS kind, user_id, amount_usd, created_at FROM deposits
  WHERE status = 'completed' AND chain = ${userChain} AND ${dialect.inArray('from_address', userForms)}
  UNION ALL
  SELECT 'withdrawal', user_id, amount_usd, created_at FROM withdrawals
  WHERE status = 'completed' AND chain = ${userChain} AND ${dialect.inArray('to_address', userForms)}
) touched GROUP BY user_id ORDER BY SUM(amount_usd) DESC, user_id`,
    userParameters.values,
  );
  const users = userRows.map(
    (row): AddressUser => ({
      userId: toNumber(row.user_id),
      deposits: toNumber(row.deposits),
      depositUsd: round(toNumber(row.deposit_usd), 2),
      withdrawals: toNumber(row.withdrawals),
      withdrawalUsd: round(toNumber(row.withdrawal_usd), 2),
      first: toIso(row.first),
      last: toIso(row.last),
    }),
  );

  // Exposure: one bounded walk per direction.
  const walks = await Promise.all(
    (['incoming', 'outgoing'] as const).map((direction) =>
      exposureWalk(source, {
        chain,
        start: stored,
        direction,
        maxHops,
        fanOut,
        thresholds: options.thresholds,
      }),
    ),
  );
  const paths = walks.flatMap((walk) => walk.paths);
  const summary: ExposureSummary[] = [];
  for (const path of paths) {
    const existing = summary.find((item) => item.direction === path.direction && item.label === path.label);
    if (!existing) {
      summary.push({ direction: path.direction, label: path.label, nearestHops: path.hops, addresses: 1 });
    } else {
      const addresses = new Set(
        paths
          .filter((item) => item.direction === path.direction && item.label === path.label)
          .map((item) => item.illicitAddress),
      ).size;
      summary.splice(summary.indexOf(existing), 1, {
        ...existing,
        nearestHops: Math.min(existing.nearestHops, path.hops),
        addresses,
      });
    }
  }
  const illicit = new Set(thresholds.illicit_labels);
  const ownIllicit = labelRows.filter((row) => illicit.has(row.label));
  const nearest = paths.reduce<ExposurePath | undefined>(
    (best, path) => (!best || path.hops < best.hops ? path : best),
    undefined,
  );
  const risk: AddressProfile['risk'] = ownIllicit.length
    ? {
        level: 'high',
        reason: `the address itself is labelled ${ownIllicit.map((row) => row.label).join(' and ')}`,
      }
    : nearest && nearest.hops === 1
      ? { level: 'high', reason: `a direct ${nearest.direction} transfer with a ${nearest.label} address` }
      : nearest
        ? {
            level: 'medium',
            reason: `${nearest.direction} exposure to a ${nearest.label} address ${nearest.hops} hops away`,
          }
        : incoming.transfers + outgoing.transfers + users.length + labelRows.length > 0
          ? {
              level: 'low',
              reason: `no ${thresholds.illicit_labels.join('/')} address within ${maxHops} hops`,
            }
          : {
              level: 'none',
              reason: 'the warehouse has no transfers, labels or exchange users for this address',
            };
  return {
    address: stored,
    chain,
    format,
    otherChains: chainsForAddressSafe(address).filter((item) => item !== chain),
    seen: incoming.transfers + outgoing.transfers + users.length + labelRows.length > 0,
    labels: labelRows.map((row) => ({ label: row.label, name: row.name, source: row.source })),
    onChain: {
      incoming,
      outgoing,
      firstSeen:
        [incoming.first, outgoing.first].filter((value): value is string => value !== null).sort()[0] ?? null,
      lastSeen:
        [incoming.last, outgoing.last]
          .filter((value): value is string => value !== null)
          .sort()
          .at(-1) ?? null,
    },
    exchange: {
      users: users.length,
      deposits: users.reduce((sum, user) => sum + user.deposits, 0),
      depositUsd: round(
        users.reduce((sum, user) => sum + user.depositUsd, 0),
        2,
      ),
      withdrawals: users.reduce((sum, user) => sum + user.withdrawals, 0),
      withdrawalUsd: round(
        users.reduce((sum, user) => sum + user.withdrawalUsd, 0),
        2,
      ),
      topUsers: users.slice(0, 20),
    },
    exposure: {
      maxHops,
      fanOut,
      illicitLabels: thresholds.illicit_labels,
      summary,
      paths,
      explored: walks.reduce((sum, walk) => sum + walk.explored, 0),
      capped: walks.some((walk) => walk.capped),
    },
    risk,
  };
}

function chainsForAddressSafe(address: string): AddressChain[] {
  try {
    return chainsForAddress(address);
  } catch {
    return [];
  }
}

/** Options of {@link exposureWalk}. */
export interface ExposureWalkOptions {
  readonly chain: string;
  /** The address exactly as stored. */
  readonly start: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly maxHops: number;
  readonly fanOut: number;
  readonly thresholds: RiskThresholds;
}

/**
 * The shortest paths (at most `address_profile.max_paths`) from `start` to illicit-labelled addresses
 * in one direction, found by the dialect's bounded walk, with the transfers along each path.
 */
export async function exposureWalk(
  source: RiskSource,
  options: ExposureWalkOptions,
): Promise<{ paths: ExposurePath[]; explored: number; capped: boolean }> {
  const { dialect } = source;
  const config = options.thresholds.address_profile;
  const parameters = new SqlParameters(dialect);
  const start = parameters.add(options.start, 'text');
  const chain = parameters.add(options.chain, 'text');
  const maxHops = parameters.add(options.maxHops, 'integer');
  const fanOut = parameters.add(options.fanOut, 'integer');
  const labels = parameters.add([...config.illicit_labels], 'text[]');
  const limit = parameters.add(config.max_paths, 'integer');
  const [matchColumn, nextColumn] =
    options.direction === 'incoming' ? ['to_address', 'from_address'] : ['from_address', 'to_address'];
  const walk = dialect.walk({
    name: 'walk',
    start,
    table: 'chain_transfers',
    idColumn: 'transfer_id',
    matchColumn,
    nextColumn,
    edgeFilter: `edge.chain = ${chain}`,
    edgeOrder: 'edge.amount_usd DESC, edge.transfer_id',
    stopWhen: `EXISTS (SELECT 1 FROM address_labels stop_label WHERE stop_label.chain = edge.chain AND stop_label.address = edge.${nextColumn})`,
    maxHops,
    fanOut,
  });
  const rows = await source.query<{
    explored: number;
    capped: number;
    hops: number | null;
    path: string[] | null;
    edges: (number | string)[] | null;
    label: string | null;
    name: string | null;
  }>(
    `${dialect.withRecursive} ${walk},
stats AS (SELECT COUNT(*) AS explored, ${dialect.countIf('capped')} AS capped FROM walk),
exposed AS (
  SELECT w.hops, w.path, w.edges, a.label, a.name,
    ${dialect.rowNumber('w.node', 'w.hops, w.edges')} AS pick
  FROM walk w JOIN address_labels a ON a.chain = ${chain} AND a.address = w.node
  WHERE w.hops >= 1 AND ${dialect.inArray('a.label', labels)}
)
SELECT stats.explored, stats.capped, e.hops, e.path, e.edges, e.label, e.name
FROM stats LEFT JOIN (SELECT * FROM exposed WHERE pick = 1 ORDER BY hops, label LIMIT ${limit}) e ON true
ORDER BY e.hops, e.label`,
    parameters.values,
  );
  const explored = toNumber(rows[0]?.explored);
  const capped = toNumber(rows[0]?.capped) > 0;
  const found = rows.filter((row) => row.hops !== null && row.path && row.edges);
  const edgeIds = [...new Set(found.flatMap((row) => row.edges!.map(Number)))];
  const legs = new Map<number, EvidenceItem>();
  if (edgeIds.length > 0) {
    const legParameters = new SqlParameters(dialect);
    const ids = legParameters.add(edgeIds, 'bigint[]');
    const legRows = await source.query<{
      transfer_id: number;
      chain: string;
      from_address: string;
      to_address: string;
      asset: string;
      amount_usd: number;
      block_time: string;
    }>(
      `SELECT transfer_id, chain, from_address, to_address, asset, amount_usd, block_time FROM chain_transfers WHERE ${dialect.inArray('transfer_id', ids)}`,
      legParameters.values,
    );
    for (const leg of legRows) {
      legs.set(toNumber(leg.transfer_id), {
        kind: 'chain_transfer',
        id: toNumber(leg.transfer_id),
        at: toIso(leg.block_time),
        amountUsd: round(toNumber(leg.amount_usd), 2),
        asset: leg.asset,
        chain: leg.chain,
        address: leg.from_address,
        toAddress: leg.to_address,
      });
    }
  }
  const paths = found.map((row): ExposurePath => {
    const nodes = [...row.path!];
    const transfers = row
      .edges!.map(Number)
      .map((id) => legs.get(id))
      .filter((leg): leg is EvidenceItem => leg !== undefined);
    // The walk runs from the address outwards; incoming money ran the other way.
    const inFlowOrder = options.direction === 'incoming';
    return {
      direction: options.direction,
      label: row.label!,
      name: row.name,
      illicitAddress: nodes.at(-1)!,
      hops: toNumber(row.hops),
      path: inFlowOrder ? nodes.reverse() : nodes,
      transfers: inFlowOrder ? transfers.reverse() : transfers,
    };
  });
  return { paths, explored, capped };
}
