/**
 * The six AML rule scenarios. Each one is a single statement that does the matching in the warehouse
 * (window functions and joins over the scan window) and returns only the rows of the flagged users that
 * are evidence; Node groups them into hits, words the rule, scores and fingerprints them.
 *
 * The definitions (thresholds in `thresholds.json`):
 * - structuring: ≥ min_deposits completed deposits with band_low ≤ amount_usd < reporting threshold,
 *   inside the window, within max_span_hours of each other.
 * - rapid_movement: a round trip is a completed deposit and a completed withdrawal of the same user at
 *   most max_delay_minutes later of ≥ min_ratio of the deposit; ≥ min_round_trips round trips whose
 *   deposits lie in the window within max_span_days.
 * - dormant_reactivation: the user's first activity (login, trade, deposit, withdrawal; any status) in
 *   the window comes ≥ min_gap_days after the previous one, and within follow_days of it a completed
 *   deposit or withdrawal of ≥ min_ratio × the balance (completed deposits − withdrawals before it).
 * - high_risk_jurisdiction: a login in the window from a listed country other than the KYC country,
 *   and a completed deposit or withdrawal in the window.
 * - sanctioned_exposure: a completed deposit in the window from an address that is, or is reached in
 *   1…max_hops on-chain transfers (same chain) from, an address labelled with one of `labels`; or a
 *   completed withdrawal to an address that is, or reaches one in 1…max_hops transfers. Direction
 *   matters: hot wallets pay every withdrawal, so undirected neighbourhoods would flag everyone.
 * - shared_device: a device used in logins in the window by ≥ min_accounts users; all of them match.
 */
import type { SqlDialect } from '../../warehouse/dialect.js';
import {
  clamp01,
  durationText,
  fingerprintOf,
  round,
  SqlParameters,
  toIso,
  toMs,
  toNumber,
  usdText,
  userFilter,
  windowPlaceholders,
} from './sql.js';
import type { HighRiskList, RiskThresholds } from './thresholds.js';
import type { EvidenceItem, RiskHit, RiskSource, RiskWindow, RuleScenario } from './types.js';

/** Options every rule takes. */
export interface RuleOptions {
  readonly window: RiskWindow;
  readonly thresholds: RiskThresholds;
  readonly highRisk: HighRiskList;
  /** Only these users (user_profile); all users when absent. */
  readonly userIds?: readonly number[];
}

/** A rule: its SQL and how its rows become hits. */
export type RuleRunner = (source: RiskSource, options: RuleOptions) => Promise<RiskHit[]>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The rule in words, with its thresholds (shown with every hit and in the scan result). */
export function ruleText(scenario: RuleScenario, thresholds: RiskThresholds, highRisk: HighRiskList): string {
  switch (scenario) {
    case 'structuring': {
      const rule = thresholds.structuring;
      return `At least ${rule.min_deposits} completed deposits of ${usdText(rule.band_low_usd)} or more but under the ${usdText(rule.reporting_threshold_usd)} reporting threshold within ${rule.max_span_hours} hours.`;
    }
    case 'rapid_movement': {
      const rule = thresholds.rapid_movement;
      return `At least ${rule.min_round_trips} round trips within ${rule.max_span_days} days, a round trip being a completed deposit followed within ${rule.max_delay_minutes} minutes by a completed withdrawal of at least ${round(rule.min_ratio * 100, 1)}% of it.`;
    }
    case 'dormant_reactivation': {
      const rule = thresholds.dormant_reactivation;
      return `First activity after at least ${rule.min_gap_days} days without any, followed within ${rule.follow_days} days by a completed deposit or withdrawal of at least ${round(rule.min_ratio * 100, 1)}% of the balance held before.`;
    }
    case 'high_risk_jurisdiction':
      return `A login from a high-risk jurisdiction other than the KYC country (${highRisk.source}, as of ${highRisk.asOf}: ${highRisk.codes.join(', ')}) and a completed deposit or withdrawal in the same period.`;
    case 'sanctioned_exposure': {
      const rule = thresholds.sanctioned_exposure;
      return `A completed deposit from, or withdrawal to, an address labelled ${rule.labels.join(' or ')}, or one at most ${rule.max_hops} on-chain transfers downstream (deposits) or upstream (withdrawals) of such an address.`;
    }
    case 'shared_device':
      return `A device used to log in by at least ${thresholds.shared_device.min_accounts} different accounts in the period.`;
  }
}

// ---------------------------------------------------------------------------------------------------
// structuring

const structuring: RuleRunner = async (source, options) => {
  const { dialect } = source;
  const rule = options.thresholds.structuring;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const low = parameters.add(rule.band_low_usd, 'float');
  const threshold = parameters.add(rule.reporting_threshold_usd, 'float');
  const users = userFilter(dialect, parameters, 'd.user_id', options.userIds);
  const span = parameters.add(rule.max_span_hours * 3600, 'float');
  const sql = `WITH ${dialect.materialized(
    'band',
    `SELECT d.deposit_id, d.user_id, d.amount_usd, d.created_at, d.asset, d.chain, d.from_address
  FROM deposits d
  WHERE d.status = 'completed' AND d.amount_usd >= ${low} AND d.amount_usd < ${threshold}
    AND d.created_at >= ${start} AND d.created_at < ${end}${users}`,
  )},
spans AS (
  SELECT user_id, created_at,
    ${dialect.nextInPartition('created_at', rule.min_deposits - 1, 'user_id', 'created_at, deposit_id')} AS span_end
  FROM band
),
flagged AS (
  SELECT user_id FROM spans WHERE span_end <= ${dialect.addSeconds('created_at', span)} GROUP BY user_id
)
SELECT b.user_id, b.deposit_id, b.amount_usd, b.created_at, b.asset, b.chain, b.from_address
FROM band b JOIN flagged f ON f.user_id = b.user_id
ORDER BY b.user_id, b.created_at, b.deposit_id`;
  const rows = await source.query<{
    user_id: number;
    deposit_id: number;
    amount_usd: number;
    created_at: string;
    asset: string;
    chain: string;
    from_address: string | null;
  }>(sql, parameters.values);
  const text = ruleText('structuring', options.thresholds, options.highRisk);
  return groupBy(rows, (row) => toNumber(row.user_id)).map(([userId, deposits]) => {
    const times = deposits.map((row) => toMs(row.created_at));
    const spanMs = rule.max_span_hours * HOUR_MS;
    // The densest qualifying cluster is the evidence; the earliest qualifying one anchors the alert.
    let best = { from: 0, to: 0 };
    let anchor = -1;
    for (let from = 0, to = 0; from < times.length; from++) {
      while (to + 1 < times.length && times[to + 1]! - times[from]! <= spanMs) to++;
      if (to - from + 1 >= rule.min_deposits && anchor < 0) anchor = from;
      if (to - from > best.to - best.from) best = { from, to };
    }
    const cluster = deposits.slice(best.from, best.to + 1);
    const total = cluster.reduce((sum, row) => sum + toNumber(row.amount_usd), 0);
    const clusterSpanMs = times[best.to]! - times[best.from]!;
    const mean = total / cluster.length;
    const sources = new Set(cluster.map((row) => row.from_address ?? '')).size;
    const score = clamp01(
      0.5 +
        0.1 * Math.min(4, cluster.length - rule.min_deposits) +
        0.2 * (1 - clusterSpanMs / spanMs) +
        0.1 * clamp01((mean - rule.band_low_usd) / (rule.reporting_threshold_usd - rule.band_low_usd)),
    );
    const evidence: EvidenceItem[] = cluster.map((row) => ({
      kind: 'deposit',
      id: toNumber(row.deposit_id),
      at: toIso(row.created_at),
      amountUsd: toNumber(row.amount_usd),
      asset: row.asset,
      chain: row.chain,
      ...(row.from_address ? { address: row.from_address } : {}),
      note: `${usdText(round(rule.reporting_threshold_usd - toNumber(row.amount_usd), 2))} under the reporting threshold`,
    }));
    return {
      scenario: 'structuring',
      userId,
      score: round(score),
      rule: text,
      reason: `${cluster.length} deposits between ${usdText(rule.band_low_usd)} and ${usdText(rule.reporting_threshold_usd)} within ${durationText(clusterSpanMs)}, ${usdText(round(total, 2))} in total, from ${sources} source address${sources === 1 ? '' : 'es'}.`,
      facts: {
        deposits: cluster.length,
        totalUsd: round(total, 2),
        meanUsd: round(mean, 2),
        spanHours: round(clusterSpanMs / HOUR_MS, 1),
        sourceAddresses: sources,
        bandDepositsInWindow: deposits.length,
        bandLowUsd: rule.band_low_usd,
        thresholdUsd: rule.reporting_threshold_usd,
      },
      evidence,
      firstAt: evidence[0]!.at,
      lastAt: evidence.at(-1)!.at,
      fingerprint: fingerprintOf(
        'structuring',
        `user:${userId}`,
        `deposit:${toNumber(deposits[anchor]!.deposit_id)}`,
      ),
    } satisfies RiskHit;
  });
};

// ---------------------------------------------------------------------------------------------------
// rapid_movement

const rapidMovement: RuleRunner = async (source, options) => {
  const { dialect } = source;
  const rule = options.thresholds.rapid_movement;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const delay = parameters.add(rule.max_delay_minutes * 60, 'float');
  const ratio = parameters.add(rule.min_ratio, 'float');
  const users = userFilter(dialect, parameters, 'd.user_id', options.userIds);
  const span = parameters.add(rule.max_span_days * 86_400, 'float');
  const sql = `WITH ${dialect.materialized(
    'trips',
    `SELECT * FROM (
    SELECT d.user_id, d.deposit_id, d.created_at AS deposit_at, d.amount_usd AS deposit_usd, d.asset AS deposit_asset,
      d.chain AS deposit_chain, d.from_address, w.withdrawal_id, w.created_at AS withdrawal_at,
      w.amount_usd AS withdrawal_usd, w.asset AS withdrawal_asset, w.chain AS withdrawal_chain, w.to_address,
      ${dialect.rowNumber('d.deposit_id', 'w.created_at, w.withdrawal_id')} AS pick
    FROM deposits d
    JOIN withdrawals w ON w.user_id = d.user_id
      AND w.created_at > d.created_at AND w.created_at <= ${dialect.addSeconds('d.created_at', delay)}
      AND w.amount_usd >= ${ratio} * d.amount_usd
    WHERE d.status = 'completed' AND w.status = 'completed'
      AND d.created_at >= ${start} AND d.created_at < ${end}
      AND w.created_at > ${start} AND w.created_at < ${end}${users}
  ) pairs WHERE pick = 1`,
  )},
spans AS (
  SELECT user_id, deposit_at,
    ${dialect.nextInPartition('deposit_at', rule.min_round_trips - 1, 'user_id', 'deposit_at, deposit_id')} AS span_end
  FROM trips
),
flagged AS (
  SELECT user_id FROM spans WHERE span_end <= ${dialect.addSeconds('deposit_at', span)} GROUP BY user_id
)
SELECT t.* FROM trips t JOIN flagged f ON f.user_id = t.user_id ORDER BY t.user_id, t.deposit_at, t.deposit_id`;
  const rows = await source.query<{
    user_id: number;
    deposit_id: number;
    deposit_at: string;
    deposit_usd: number;
    deposit_asset: string;
    deposit_chain: string;
    from_address: string | null;
    withdrawal_id: number;
    withdrawal_at: string;
    withdrawal_usd: number;
    withdrawal_asset: string;
    withdrawal_chain: string;
    to_address: string | null;
  }>(sql, parameters.values);
  const text = ruleText('rapid_movement', options.thresholds, options.highRisk);
  const spanMs = rule.max_span_days * DAY_MS;
  return groupBy(rows, (row) => toNumber(row.user_id)).map(([userId, trips]) => {
    const times = trips.map((row) => toMs(row.deposit_at));
    let best = { from: 0, to: 0 };
    let anchor = -1;
    for (let from = 0, to = 0; from < times.length; from++) {
      while (to + 1 < times.length && times[to + 1]! - times[from]! <= spanMs) to++;
      if (to - from + 1 >= rule.min_round_trips && anchor < 0) anchor = from;
      if (to - from > best.to - best.from) best = { from, to };
    }
    const cluster = trips.slice(best.from, best.to + 1);
    const delays = cluster.map((row) => toMs(row.withdrawal_at) - toMs(row.deposit_at)).sort((a, b) => a - b);
    const medianDelay = delays[Math.floor((delays.length - 1) / 2)]!;
    const ratios = cluster.map((row) => toNumber(row.withdrawal_usd) / toNumber(row.deposit_usd));
    const meanRatio = ratios.reduce((sum, value) => sum + value, 0) / ratios.length;
    const deposited = cluster.reduce((sum, row) => sum + toNumber(row.deposit_usd), 0);
    const withdrawn = cluster.reduce((sum, row) => sum + toNumber(row.withdrawal_usd), 0);
    const clusterSpanMs = times[best.to]! - times[best.from]!;
    const score = clamp01(
      0.5 +
        0.1 * Math.min(3, cluster.length - rule.min_round_trips) +
        0.2 * (1 - medianDelay / (rule.max_delay_minutes * 60_000)) +
        0.2 * clamp01((meanRatio - rule.min_ratio) / (1 - rule.min_ratio || 1)),
    );
    const evidence: EvidenceItem[] = cluster.flatMap((row) => {
      const delayMs = toMs(row.withdrawal_at) - toMs(row.deposit_at);
      return [
        {
          kind: 'deposit',
          id: toNumber(row.deposit_id),
          at: toIso(row.deposit_at),
          amountUsd: toNumber(row.deposit_usd),
          asset: row.deposit_asset,
          chain: row.deposit_chain,
          ...(row.from_address ? { address: row.from_address } : {}),
        },
        {
          kind: 'withdrawal',
          id: toNumber(row.withdrawal_id),
          at: toIso(row.withdrawal_at),
          amountUsd: toNumber(row.withdrawal_usd),
          asset: row.withdrawal_asset,
          chain: row.withdrawal_chain,
          ...(row.to_address ? { address: row.to_address } : {}),
          note: `${round((toNumber(row.withdrawal_usd) / toNumber(row.deposit_usd)) * 100, 1)}% of deposit ${toNumber(row.deposit_id)}, ${durationText(delayMs)} later`,
        },
      ] satisfies EvidenceItem[];
    });
    return {
      scenario: 'rapid_movement',
      userId,
      score: round(score),
      rule: text,
      reason: `${cluster.length} round trips within ${durationText(clusterSpanMs)}: ${usdText(round(deposited, 2))} deposited and ${usdText(round(withdrawn, 2))} withdrawn again, a median of ${durationText(medianDelay)} after each deposit.`,
      facts: {
        roundTrips: cluster.length,
        depositedUsd: round(deposited, 2),
        withdrawnUsd: round(withdrawn, 2),
        medianDelayMinutes: round(medianDelay / 60_000, 1),
        meanRatio: round(meanRatio, 3),
        spanDays: round(clusterSpanMs / DAY_MS, 1),
        roundTripsInWindow: trips.length,
      },
      evidence,
      firstAt: evidence[0]!.at,
      lastAt: evidence.at(-1)!.at,
      fingerprint: fingerprintOf(
        'rapid_movement',
        `user:${userId}`,
        `deposit:${toNumber(trips[anchor]!.deposit_id)}`,
      ),
    } satisfies RiskHit;
  });
};

// ---------------------------------------------------------------------------------------------------
// dormant_reactivation

const dormantReactivation: RuleRunner = async (source, options) => {
  const { dialect } = source;
  const rule = options.thresholds.dormant_reactivation;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const gap = parameters.add(rule.min_gap_days * 86_400, 'float');
  const follow = parameters.add(rule.follow_days * 86_400, 'float');
  const ratio = parameters.add(rule.min_ratio, 'float');
  const users = (column: string): string => userFilter(dialect, parameters, column, options.userIds);
  const minus = (expression: string, seconds: string): string =>
    dialect.addSeconds(expression, `-(${seconds})`);
  // A gap of at least a year that ends inside the window can only end at the user's first activity in
  // it, and starts at the last activity before the window. Transfers alone give a necessary condition
  // (the gap between transfers is at least the gap between all activity), which leaves few users for
  // the index probes into logins and trades.
  const sql = `WITH window_transfers AS (
  SELECT user_id, MIN(created_at) AS first_at, ${dialect.boolOr("status = 'completed'")} AS completed FROM (
    SELECT user_id, created_at, status FROM deposits WHERE created_at >= ${start} AND created_at < ${end}${users('user_id')}
    UNION ALL
    SELECT user_id, created_at, status FROM withdrawals WHERE created_at >= ${start} AND created_at < ${end}${users('user_id')}
  ) moves GROUP BY user_id
),
${dialect.materialized(
  'transfer_gaps',
  `SELECT w.user_id, w.first_at, ${dialect.greatest([
    `(SELECT MAX(x.created_at) FROM deposits x WHERE x.user_id = w.user_id AND x.created_at < ${start})`,
    `(SELECT MAX(x.created_at) FROM withdrawals x WHERE x.user_id = w.user_id AND x.created_at < ${start})`,
  ])} AS previous_transfer_at
  FROM window_transfers w WHERE w.completed`,
)},
${dialect.materialized(
  'gaps',
  `SELECT g.user_id, ${dialect.least([
    'g.first_at',
    `(SELECT MIN(x.created_at) FROM logins x WHERE x.user_id = g.user_id AND x.created_at >= ${start} AND x.created_at < ${end})`,
    `(SELECT MIN(x.executed_at) FROM trades x WHERE x.user_id = g.user_id AND x.executed_at >= ${start} AND x.executed_at < ${end})`,
  ])} AS reactivated_at,
    ${dialect.greatest([
      'g.previous_transfer_at',
      `(SELECT MAX(x.created_at) FROM logins x WHERE x.user_id = g.user_id AND x.created_at < ${start})`,
      `(SELECT MAX(x.executed_at) FROM trades x WHERE x.user_id = g.user_id AND x.executed_at < ${start})`,
    ])} AS previous_at
  FROM transfer_gaps g WHERE g.previous_transfer_at <= ${minus('g.first_at', gap)}`,
)},
${dialect.materialized(
  'dormant',
  `SELECT g.user_id, g.reactivated_at, g.previous_at,
    COALESCE((SELECT SUM(x.amount_usd) FROM deposits x WHERE x.user_id = g.user_id AND x.status = 'completed' AND x.created_at < g.reactivated_at), 0)
    - COALESCE((SELECT SUM(x.amount_usd) FROM withdrawals x WHERE x.user_id = g.user_id AND x.status = 'completed' AND x.created_at < g.reactivated_at), 0) AS balance_usd
  FROM gaps g WHERE g.previous_at <= ${minus('g.reactivated_at', gap)}`,
)},
moves AS (
  SELECT d.user_id, 'deposit' AS kind, x.deposit_id AS id, x.amount_usd, x.created_at, x.asset, x.chain,
    x.from_address AS address, d.reactivated_at, d.previous_at, d.balance_usd
  FROM dormant d JOIN deposits x ON x.user_id = d.user_id AND x.status = 'completed'
    AND x.created_at >= d.reactivated_at AND x.created_at < ${dialect.addSeconds('d.reactivated_at', follow)} AND x.created_at < ${end}
  UNION ALL
  SELECT d.user_id, 'withdrawal', x.withdrawal_id, x.amount_usd, x.created_at, x.asset, x.chain,
    x.to_address, d.reactivated_at, d.previous_at, d.balance_usd
  FROM dormant d JOIN withdrawals x ON x.user_id = d.user_id AND x.status = 'completed'
    AND x.created_at >= d.reactivated_at AND x.created_at < ${dialect.addSeconds('d.reactivated_at', follow)} AND x.created_at < ${end}
)
SELECT * FROM moves WHERE balance_usd > 0 AND amount_usd >= ${ratio} * balance_usd ORDER BY user_id, created_at, id`;
  const rows = await source.query<{
    user_id: number;
    kind: 'deposit' | 'withdrawal';
    id: number;
    amount_usd: number;
    created_at: string;
    asset: string;
    chain: string;
    address: string | null;
    reactivated_at: string;
    previous_at: string;
    balance_usd: number;
  }>(sql, parameters.values);
  const text = ruleText('dormant_reactivation', options.thresholds, options.highRisk);
  return groupBy(rows, (row) => toNumber(row.user_id)).map(([userId, moves]) => {
    const first = moves[0]!;
    const balance = toNumber(first.balance_usd);
    const gapMs = toMs(first.reactivated_at) - toMs(first.previous_at);
    const gapDays = gapMs / DAY_MS;
    const moved = toNumber(first.amount_usd);
    const share = moved / balance;
    const score = clamp01(
      0.6 +
        0.2 * clamp01((gapDays - rule.min_gap_days) / 365) +
        0.2 * clamp01((Math.min(share, 1) - rule.min_ratio) / (1 - rule.min_ratio || 1)),
    );
    const evidence: EvidenceItem[] = [
      { kind: 'activity', at: toIso(first.previous_at), note: 'last activity before the gap' },
      { kind: 'activity', at: toIso(first.reactivated_at), note: 'first activity after the gap' },
      ...moves.map(
        (row): EvidenceItem => ({
          kind: row.kind,
          id: toNumber(row.id),
          at: toIso(row.created_at),
          amountUsd: toNumber(row.amount_usd),
          asset: row.asset,
          chain: row.chain,
          ...(row.address ? { address: row.address } : {}),
          note: `${round((toNumber(row.amount_usd) / balance) * 100, 1)}% of the ${usdText(round(balance, 2))} balance, ${durationText(toMs(row.created_at) - toMs(row.reactivated_at))} after reactivation`,
        }),
      ),
    ];
    return {
      scenario: 'dormant_reactivation',
      userId,
      score: round(score),
      rule: text,
      reason: `Inactive for ${Math.floor(gapDays)} days, then a ${first.kind} of ${usdText(round(moved, 2))} (${round(share * 100, 1)}% of the ${usdText(round(balance, 2))} balance) ${durationText(toMs(first.created_at) - toMs(first.reactivated_at))} after coming back.`,
      facts: {
        gapDays: Math.floor(gapDays),
        balanceUsd: round(balance, 2),
        movedUsd: round(moved, 2),
        movedShare: round(share, 3),
        hoursToMove: round((toMs(first.created_at) - toMs(first.reactivated_at)) / HOUR_MS, 1),
      },
      evidence,
      firstAt: evidence[1]!.at,
      lastAt: evidence.at(-1)!.at,
      fingerprint: fingerprintOf(
        'dormant_reactivation',
        `user:${userId}`,
        `${first.kind}:${toNumber(first.id)}`,
      ),
    } satisfies RiskHit;
  });
};

// ---------------------------------------------------------------------------------------------------
// high_risk_jurisdiction

const highRiskJurisdiction: RuleRunner = async (source, options) => {
  const { dialect } = source;
  const rule = options.thresholds.high_risk_jurisdiction;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const codes = parameters.add([...options.highRisk.codes], 'text[]');
  const users = userFilter(dialect, parameters, 'l.user_id', options.userIds);
  const limit = parameters.add(rule.max_evidence_transfers, 'integer');
  const sql = `WITH ${dialect.materialized(
    'listed_logins',
    `SELECT l.login_id, l.user_id, l.created_at, l.country, l.ip, l.device_id, u.country AS home_country
  FROM logins l JOIN users u ON u.user_id = l.user_id
  WHERE l.created_at >= ${start} AND l.created_at < ${end}${users}
    AND ${dialect.inArray('l.country', codes)} AND l.country <> u.country`,
  )},
travellers AS (SELECT DISTINCT user_id FROM listed_logins),
transfers AS (
  SELECT 'deposit' AS kind, x.deposit_id AS id, x.user_id, x.amount_usd, x.created_at, x.asset, x.chain, x.from_address AS address
  FROM deposits x JOIN travellers t ON t.user_id = x.user_id
  WHERE x.status = 'completed' AND x.created_at >= ${start} AND x.created_at < ${end}
  UNION ALL
  SELECT 'withdrawal', x.withdrawal_id, x.user_id, x.amount_usd, x.created_at, x.asset, x.chain, x.to_address
  FROM withdrawals x JOIN travellers t ON t.user_id = x.user_id
  WHERE x.status = 'completed' AND x.created_at >= ${start} AND x.created_at < ${end}
),
ranked AS (
  SELECT x.*, COUNT(*) OVER (PARTITION BY x.user_id) AS transfer_count, SUM(x.amount_usd) OVER (PARTITION BY x.user_id) AS transfer_usd,
    ${dialect.rowNumber('x.user_id', 'x.distance_seconds, x.created_at')} AS nearest
  FROM (
    SELECT t.*, (SELECT MIN(ABS(${dialect.epochSeconds('t.created_at')} - ${dialect.epochSeconds('l.created_at')}))
      FROM listed_logins l WHERE l.user_id = t.user_id) AS distance_seconds
    FROM transfers t
  ) x
)
SELECT 'login' AS kind, l.login_id AS id, l.user_id, NULL AS amount_usd, l.created_at, NULL AS asset, NULL AS chain,
  NULL AS address, l.country, l.home_country, l.ip, l.device_id, NULL AS distance_seconds, NULL AS transfer_count, NULL AS transfer_usd
FROM listed_logins l WHERE l.user_id IN (SELECT user_id FROM transfers)
UNION ALL
SELECT r.kind, r.id, r.user_id, r.amount_usd, r.created_at, r.asset, r.chain, r.address, NULL, NULL, NULL, NULL,
  r.distance_seconds, r.transfer_count, r.transfer_usd
FROM ranked r WHERE r.nearest <= ${limit}
ORDER BY 3, 5, 2`;
  const rows = await source.query<{
    kind: 'login' | 'deposit' | 'withdrawal';
    id: number;
    user_id: number;
    amount_usd: number | null;
    created_at: string;
    asset: string | null;
    chain: string | null;
    address: string | null;
    country: string | null;
    home_country: string | null;
    ip: string | null;
    device_id: string | null;
    distance_seconds: number | null;
    transfer_count: number | null;
    transfer_usd: number | null;
  }>(sql, parameters.values);
  const text = ruleText('high_risk_jurisdiction', options.thresholds, options.highRisk);
  const byCode = new Map(options.highRisk.jurisdictions.map((item) => [item.code, item]));
  return groupBy(rows, (row) => toNumber(row.user_id)).map(([userId, items]) => {
    const logins = items.filter((row) => row.kind === 'login');
    const transfers = items.filter((row) => row.kind !== 'login');
    const countries = [...new Set(logins.map((row) => row.country!))];
    const home = logins[0]?.home_country ?? '';
    const blackListed = countries.some((code) => byCode.get(code)?.list === 'call_for_action');
    const nearestSeconds = Math.min(...transfers.map((row) => toNumber(row.distance_seconds)));
    const transferCount = toNumber(transfers[0]?.transfer_count);
    const transferUsd = toNumber(transfers[0]?.transfer_usd);
    const score = clamp01(
      0.6 +
        (blackListed ? 0.2 : 0) +
        (nearestSeconds <= 86_400 ? 0.1 : 0) +
        0.1 * Math.min(1, logins.length / 6),
    );
    const evidence: EvidenceItem[] = items.map((row) =>
      row.kind === 'login'
        ? {
            kind: 'login',
            id: toNumber(row.id),
            at: toIso(row.created_at),
            country: row.country!,
            ...(row.ip ? { ip: row.ip } : {}),
            ...(row.device_id ? { device: row.device_id } : {}),
            note: `from ${byCode.get(row.country!)?.name ?? row.country} (${byCode.get(row.country!)?.list ?? 'listed'}), KYC country ${row.home_country}`,
          }
        : {
            kind: row.kind,
            id: toNumber(row.id),
            at: toIso(row.created_at),
            amountUsd: toNumber(row.amount_usd),
            ...(row.asset ? { asset: row.asset } : {}),
            ...(row.chain ? { chain: row.chain } : {}),
            ...(row.address ? { address: row.address } : {}),
            note: `${durationText(toNumber(row.distance_seconds) * 1000)} from the nearest listed login`,
          },
    );
    const names = countries.map((code) => `${byCode.get(code)?.name ?? code} (${code})`).join(', ');
    return {
      scenario: 'high_risk_jurisdiction',
      userId,
      score: round(score),
      rule: text,
      reason: `${logins.length} login${logins.length === 1 ? '' : 's'} from ${names} while the KYC country is ${home}, and ${transferCount} completed transfer${transferCount === 1 ? '' : 's'} of ${usdText(round(transferUsd, 2))} in the period, the nearest ${durationText(nearestSeconds * 1000)} from such a login.`,
      facts: {
        listedLogins: logins.length,
        listedCountries: countries.length,
        transfers: transferCount,
        transferUsd: round(transferUsd, 2),
        hoursToNearestTransfer: round(nearestSeconds / 3600, 1),
      },
      evidence,
      firstAt: evidence[0]!.at,
      lastAt: evidence.at(-1)!.at,
      fingerprint: fingerprintOf(
        'high_risk_jurisdiction',
        `user:${userId}`,
        `login:${toNumber(logins[0]!.id)}`,
      ),
    } satisfies RiskHit;
  });
};

// ---------------------------------------------------------------------------------------------------
// sanctioned_exposure

/**
 * The set of addresses within `maxHops` directed transfers of a tainted address, each with its fewest
 * hops, the tainted source and the transfer ids of one shortest path (comma-separated, source first).
 * `downstream` follows money out of tainted addresses (who received from them); upstream follows it
 * back (who paid into them).
 */
function exposureLevels(
  dialect: SqlDialect,
  direction: 'downstream' | 'upstream',
  maxHops: number,
  labels: string,
): string {
  const [from, to] =
    direction === 'downstream' ? ['from_address', 'to_address'] : ['to_address', 'from_address'];
  const prefix = direction === 'downstream' ? 'down' : 'up';
  const levels = [
    dialect.materialized(
      `${prefix}0`,
      `SELECT chain, address, address AS source, '' AS transfers FROM address_labels WHERE ${dialect.inArray('label', labels)}`,
    ),
  ];
  for (let hop = 1; hop <= maxHops; hop++) {
    levels.push(
      dialect.materialized(
        `${prefix}${hop}`,
        `SELECT chain, address, source, transfers FROM (
    SELECT c.chain, c.${to} AS address, p.source,
      ${dialect.concat(['p.transfers', `CASE WHEN p.transfers = '' THEN '' ELSE ',' END`, dialect.toText('c.transfer_id')])} AS transfers,
      ${dialect.rowNumber(`c.chain, c.${to}`, 'c.block_time, c.transfer_id')} AS pick
    FROM chain_transfers c JOIN ${prefix}${hop - 1} p ON p.chain = c.chain AND p.address = c.${from}
  ) step WHERE pick = 1`,
      ),
    );
  }
  const union = Array.from(
    { length: maxHops + 1 },
    (_, hop) => `SELECT chain, address, source, transfers, ${hop} AS hops FROM ${prefix}${hop}`,
  ).join('\n    UNION ALL ');
  levels.push(
    dialect.materialized(
      `${prefix}stream`,
      `SELECT chain, address, source, transfers, hops FROM (
    SELECT u.*, ${dialect.rowNumber('u.chain, u.address', 'u.hops')} AS pick FROM (
    ${union}
    ) u
  ) nearest WHERE pick = 1`,
    ),
  );
  return levels.join(',\n');
}

const sanctionedExposure: RuleRunner = async (source, options) => {
  const { dialect } = source;
  const rule = options.thresholds.sanctioned_exposure;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const labels = parameters.add([...rule.labels], 'text[]');
  const depositUsers = userFilter(dialect, parameters, 'x.user_id', options.userIds);
  const withdrawalUsers = userFilter(dialect, parameters, 'x.user_id', options.userIds);
  // Deposits come from addresses downstream of tainted ones; withdrawals go to addresses upstream of them.
  const sql = `WITH ${exposureLevels(dialect, 'downstream', rule.max_hops, labels)},
${exposureLevels(dialect, 'upstream', rule.max_hops, labels)},
exposed AS (
  SELECT 'deposit' AS kind, x.deposit_id AS id, x.user_id, x.amount_usd, x.created_at, x.asset, x.chain,
    x.from_address AS address, e.hops, e.source, e.transfers
  FROM deposits x JOIN downstream e ON e.chain = x.chain AND e.address = x.from_address
  WHERE x.status = 'completed' AND x.created_at >= ${start} AND x.created_at < ${end}${depositUsers}
  UNION ALL
  SELECT 'withdrawal', x.withdrawal_id, x.user_id, x.amount_usd, x.created_at, x.asset, x.chain,
    x.to_address, e.hops, e.source, e.transfers
  FROM withdrawals x JOIN upstream e ON e.chain = x.chain AND e.address = x.to_address
  WHERE x.status = 'completed' AND x.created_at >= ${start} AND x.created_at < ${end}${withdrawalUsers}
)
SELECT e.*, l.label AS source_label, l.name AS source_name
FROM exposed e JOIN address_labels l ON l.chain = e.chain AND l.address = e.source
ORDER BY e.user_id, e.created_at, e.id`;
  const rows = await source.query<{
    kind: 'deposit' | 'withdrawal';
    id: number;
    user_id: number;
    amount_usd: number;
    created_at: string;
    asset: string;
    chain: string;
    address: string;
    hops: number;
    source: string;
    transfers: string;
    source_label: string;
    source_name: string | null;
  }>(sql, parameters.values);
  // The on-chain legs of every path, in one follow-up lookup (a handful of rows per hit).
  const transferIds = [
    ...new Set(rows.flatMap((row) => (row.transfers ? row.transfers.split(',').map(Number) : []))),
  ];
  const legs = new Map<number, EvidenceItem>();
  if (transferIds.length > 0) {
    const legParameters = new SqlParameters(dialect);
    const ids = legParameters.add(transferIds, 'bigint[]');
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
        amountUsd: toNumber(leg.amount_usd),
        asset: leg.asset,
        chain: leg.chain,
        address: leg.from_address,
        toAddress: leg.to_address,
      });
    }
  }
  const text = ruleText('sanctioned_exposure', options.thresholds, options.highRisk);
  const labelWeight = (label: string): number =>
    label === 'sanctioned' ? 0.95 : label === 'mixer' ? 0.85 : 0.75;
  return groupBy(rows, (row) => toNumber(row.user_id)).map(([userId, exposures]) => {
    const nearest = [...exposures].sort(
      (a, b) =>
        toNumber(a.hops) - toNumber(b.hops) || labelWeight(b.source_label) - labelWeight(a.source_label),
    )[0]!;
    const exposedUsd = exposures.reduce((sum, row) => sum + toNumber(row.amount_usd), 0);
    const minHops = toNumber(nearest.hops);
    const score = clamp01(
      labelWeight(nearest.source_label) - 0.1 * minHops + (exposedUsd >= 10_000 ? 0.05 : 0),
    );
    const evidence: EvidenceItem[] = exposures.flatMap((row) => {
      const hops = toNumber(row.hops);
      const path = row.transfers
        ? row.transfers
            .split(',')
            .map((id) => legs.get(Number(id)))
            .filter((leg): leg is EvidenceItem => leg !== undefined)
            .map((leg, index) => ({
              ...leg,
              note: `hop ${index + 1} of ${hops} on the path from the ${row.source_label} address`,
            }))
        : [];
      const transfer: EvidenceItem = {
        kind: row.kind,
        id: toNumber(row.id),
        at: toIso(row.created_at),
        amountUsd: toNumber(row.amount_usd),
        asset: row.asset,
        chain: row.chain,
        address: row.address,
        note:
          hops === 0
            ? `${row.kind === 'deposit' ? 'from' : 'to'} ${row.source_label} address ${row.source}${row.source_name ? ` (${row.source_name})` : ''}`
            : `${row.kind === 'deposit' ? 'from an address' : 'to an address'} ${hops} hop${hops === 1 ? '' : 's'} ${row.kind === 'deposit' ? 'downstream' : 'upstream'} of ${row.source_label} address ${row.source}${row.source_name ? ` (${row.source_name})` : ''}`,
      };
      // Deposits: the path runs source → … → the user's counterparty, then the deposit; withdrawals the
      // other way round, so the evidence reads in the direction the money moved.
      return row.kind === 'deposit' ? [...path, transfer] : [transfer, ...path.reverse()];
    });
    const labelsSeen = [...new Set(exposures.map((row) => row.source_label))];
    return {
      scenario: 'sanctioned_exposure',
      userId,
      score: round(score),
      rule: text,
      reason: `${exposures.length} transfer${exposures.length === 1 ? '' : 's'} of ${usdText(round(exposedUsd, 2))} exposed to ${labelsSeen.join(' and ')} addresses, the nearest ${minHops === 0 ? 'directly' : `${minHops} hop${minHops === 1 ? '' : 's'} away`} (${nearest.kind} ${toNumber(nearest.id)}, ${nearest.source_label} ${nearest.source}${nearest.source_name ? `, ${nearest.source_name}` : ''}).`,
      facts: {
        exposedTransfers: exposures.length,
        exposedUsd: round(exposedUsd, 2),
        minHops,
        sanctionedSources: new Set(
          exposures.filter((row) => row.source_label === 'sanctioned').map((row) => row.source),
        ).size,
        mixerSources: new Set(
          exposures.filter((row) => row.source_label === 'mixer').map((row) => row.source),
        ).size,
      },
      evidence,
      firstAt: toIso(exposures[0]!.created_at),
      lastAt: toIso(exposures.at(-1)!.created_at),
      fingerprint: fingerprintOf(
        'sanctioned_exposure',
        `user:${userId}`,
        `${exposures[0]!.kind}:${toNumber(exposures[0]!.id)}`,
      ),
    } satisfies RiskHit;
  });
};

// ---------------------------------------------------------------------------------------------------
// shared_device

const sharedDevice: RuleRunner = async (source, options) => {
  const { dialect } = source;
  const rule = options.thresholds.shared_device;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const minimum = parameters.add(rule.min_accounts, 'integer');
  // With a user filter the devices are still counted over everyone's logins (that is what "shared"
  // means), but only the devices those users logged in from need counting.
  const ownDevices = options.userIds
    ? ` AND device_id IN (SELECT device_id FROM logins WHERE created_at >= ${start} AND created_at < ${end}${userFilter(dialect, parameters, 'user_id', options.userIds)})`
    : '';
  const users = userFilter(dialect, parameters, 'l.user_id', options.userIds);
  const sql = `WITH ${dialect.materialized(
    'window_logins',
    `SELECT login_id, user_id, device_id, ip, country, created_at FROM logins
  WHERE created_at >= ${start} AND created_at < ${end}${ownDevices}`,
  )},
devices AS (
  SELECT device_id, COUNT(DISTINCT user_id) AS accounts FROM window_logins GROUP BY device_id HAVING COUNT(DISTINCT user_id) >= ${minimum}
)
SELECT l.login_id, l.user_id, l.device_id, l.ip, l.country, l.created_at, d.accounts, u.created_at AS account_created_at
FROM window_logins l JOIN devices d ON d.device_id = l.device_id JOIN users u ON u.user_id = l.user_id
WHERE true${users}
ORDER BY l.user_id, l.created_at, l.login_id`;
  const rows = await source.query<{
    login_id: number;
    user_id: number;
    device_id: string;
    ip: string;
    country: string;
    created_at: string;
    accounts: number;
    account_created_at: string;
  }>(sql, parameters.values);
  // The other accounts of each device (all logins of the device's users, when filtered: a second look-up).
  const members = new Map<string, Set<number>>();
  const addMember = (device: string, user: number): void => {
    let set = members.get(device);
    if (!set) {
      set = new Set();
      members.set(device, set);
    }
    set.add(user);
  };
  for (const row of rows) addMember(row.device_id, toNumber(row.user_id));
  if (options.userIds && rows.length > 0) {
    const memberParameters = new SqlParameters(dialect);
    const { start: memberStart, end: memberEnd } = windowPlaceholders(memberParameters, options.window);
    const devices = memberParameters.add([...members.keys()], 'text[]');
    const memberRows = await source.query<{ device_id: string; user_id: number }>(
      `SELECT DISTINCT device_id, user_id FROM logins WHERE ${dialect.inArray('device_id', devices)} AND created_at >= ${memberStart} AND created_at < ${memberEnd}`,
      memberParameters.values,
    );
    for (const row of memberRows) addMember(row.device_id, toNumber(row.user_id));
  }
  const text = ruleText('shared_device', options.thresholds, options.highRisk);
  return groupBy(rows, (row) => toNumber(row.user_id)).map(([userId, logins]) => {
    const devices = [...new Set(logins.map((row) => row.device_id))].sort();
    const others = [
      ...new Set(
        devices.flatMap((device) => [...(members.get(device) ?? [])].filter((user) => user !== userId)),
      ),
    ].sort((a, b) => a - b);
    const accounts = Math.max(...logins.map((row) => toNumber(row.accounts)));
    const ageDays = (options.window.end.getTime() - toMs(logins[0]!.account_created_at)) / DAY_MS;
    const ips = new Set(logins.map((row) => row.ip)).size;
    const score = clamp01(
      0.5 + 0.1 * Math.min(4, accounts - rule.min_accounts + 1) + (ageDays <= 180 ? 0.1 : 0),
    );
    const evidence: EvidenceItem[] = logins.map((row) => ({
      kind: 'login',
      id: toNumber(row.login_id),
      at: toIso(row.created_at),
      device: row.device_id,
      ip: row.ip,
      country: row.country,
      note: `device shared by ${toNumber(row.accounts)} accounts`,
    }));
    return {
      scenario: 'shared_device',
      userId,
      score: round(score),
      rule: text,
      reason: `Logged in ${logins.length} time${logins.length === 1 ? '' : 's'} from ${devices.length === 1 ? `device ${devices[0]}` : `${devices.length} devices`} also used by ${others.length} other account${others.length === 1 ? '' : 's'} (${others.join(', ')}); account opened ${Math.floor(ageDays)} days ago.`,
      facts: {
        sharedDevices: devices.length,
        accountsOnDevice: accounts,
        otherAccounts: others.length,
        loginsOnSharedDevices: logins.length,
        distinctIps: ips,
        accountAgeDays: Math.floor(ageDays),
      },
      evidence,
      firstAt: evidence[0]!.at,
      lastAt: evidence.at(-1)!.at,
      fingerprint: fingerprintOf('shared_device', `user:${userId}`, `device:${devices.join(',')}`),
    } satisfies RiskHit;
  });
};

/** The rule runners by scenario. */
export const RULES: Readonly<Record<RuleScenario, RuleRunner>> = {
  structuring,
  rapid_movement: rapidMovement,
  dormant_reactivation: dormantReactivation,
  high_risk_jurisdiction: highRiskJurisdiction,
  sanctioned_exposure: sanctionedExposure,
  shared_device: sharedDevice,
};

/** Rows grouped by a key, in first-seen order (rows arrive sorted by user). */
function groupBy<Row, Key>(rows: readonly Row[], key: (row: Row) => Key): [Key, Row[]][] {
  const groups = new Map<Key, Row[]>();
  for (const row of rows) {
    const value = key(row);
    let group = groups.get(value);
    if (!group) {
      group = [];
      groups.set(value, group);
    }
    group.push(row);
  }
  return [...groups];
}
