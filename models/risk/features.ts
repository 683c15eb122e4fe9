/**
 * Behavioural features per user over a window, computed in the warehouse: one aggregate per source
 * table (trades, deposits, withdrawals, logins, …) grouped by user, joined into one row per user. Node
 * receives feature rows only, never the transactions behind them.
 *
 * Only the groups the requested features need are computed, so the outlier scan (six features from
 * trades, logins and withdrawals) does not pay for the in-to-out latency join, and the dormancy gap
 * (index probes per user) is only available for a given list of users (user_profile).
 */
import { ConfigurationError } from '../../core/errors.js';
import type { SqlDialect } from '../../warehouse/dialect.js';
import { SqlParameters, toNullableNumber, toNumber, userFilter, windowPlaceholders } from './sql.js';
import type { RiskThresholds } from './thresholds.js';
import type { RiskSource, RiskWindow } from './types.js';

/** The source aggregate a feature comes from. */
export type FeatureGroup =
  | 'trades'
  | 'deposits'
  | 'withdrawals'
  | 'logins'
  | 'login_places'
  | 'devices'
  | 'latency'
  | 'exposure'
  | 'dormancy';

/** One behavioural feature. */
export interface BehaviouralFeature {
  readonly name: string;
  /** Short words for explanations ("average trade size"). */
  readonly label: string;
  readonly unit: 'count' | 'usd' | 'ratio' | 'minutes' | 'days' | 'number';
  readonly groups: readonly FeatureGroup[];
  readonly description: string;
  /** The SQL expression over the group columns (aliases g_<group>). */
  readonly expression: (dialect: SqlDialect) => string;
  /** Value used in a model's feature matrix when the feature is undefined (NULL) for a user. */
  readonly missing: number;
}

/**
 * Prior weight of the time-of-day concentration: a user with n events gets
 * sqrt(max(0, |Σ e^{iθ}|² − n)) / (n + 20). |Σ e^{iθ}|² − n is an unbiased estimate of n²R² for
 * uniformly spread times (so noise averages to 0), and the + 20 keeps a handful of events from looking
 * perfectly regular: 2 trades at the same hour score 0.06, 500 trades in a four-hour band about 0.9.
 */
const CONCENTRATION_PRIOR = 20;
/** 2π / 86,400: radians per second of the day. */
const RADIANS_PER_SECOND = (2 * Math.PI) / 86_400;

const sum = (column: string): string => `COALESCE(${column}, 0)`;
const concentration =
  (cosColumn: string, sinColumn: string, countColumn: string) =>
  (dialect: SqlDialect): string =>
    `COALESCE(sqrt(${dialect.greatest(['0', `${cosColumn} * ${cosColumn} + ${sinColumn} * ${sinColumn} - ${countColumn}`])}) / (${countColumn} + ${CONCENTRATION_PRIOR}), 0)`;

/** Every feature, in a stable order (the order of feature rows and explanations). */
export const BEHAVIOURAL_FEATURES: readonly BehaviouralFeature[] = [
  {
    name: 'trade_count',
    label: 'trades',
    unit: 'count',
    groups: ['trades'],
    description: 'trades executed in the window',
    expression: () => sum('g_trades.trade_count'),
    missing: 0,
  },
  {
    name: 'trade_usd',
    label: 'trading volume',
    unit: 'usd',
    groups: ['trades'],
    description: 'notional USD traded in the window',
    expression: () => sum('g_trades.trade_usd'),
    missing: 0,
  },
  {
    name: 'avg_trade_usd',
    label: 'average trade size',
    unit: 'usd',
    groups: ['trades'],
    description: 'notional USD per trade',
    expression: (dialect) =>
      `COALESCE(${dialect.safeDivide('g_trades.trade_usd', 'g_trades.trade_count')}, 0)`,
    missing: 0,
  },
  {
    name: 'max_trade_usd',
    label: 'largest trade',
    unit: 'usd',
    groups: ['trades'],
    description: 'largest notional USD of one trade',
    expression: () => sum('g_trades.max_trade_usd'),
    missing: 0,
  },
  {
    name: 'trade_assets',
    label: 'distinct assets traded',
    unit: 'count',
    groups: ['trades'],
    description: 'distinct base assets traded',
    expression: () => sum('g_trades.trade_assets'),
    missing: 0,
  },
  {
    name: 'trade_hour_concentration',
    label: 'trade time-of-day concentration',
    unit: 'ratio',
    groups: ['trades'],
    description:
      'how tightly trades cluster at one time of day (0 = spread over the day, 1 = always the same time), shrunk towards 0 for few trades',
    expression: concentration('g_trades.trade_cos', 'g_trades.trade_sin', 'g_trades.trade_count'),
    missing: 0,
  },
  {
    name: 'deposit_count',
    label: 'deposits',
    unit: 'count',
    groups: ['deposits'],
    description: 'completed deposits in the window',
    expression: () => sum('g_deposits.deposit_count'),
    missing: 0,
  },
  {
    name: 'deposit_usd',
    label: 'deposited USD',
    unit: 'usd',
    groups: ['deposits'],
    description: 'USD of completed deposits',
    expression: () => sum('g_deposits.deposit_usd'),
    missing: 0,
  },
  {
    name: 'near_threshold_share',
    label: 'share of deposits just under the reporting threshold',
    unit: 'ratio',
    groups: ['deposits'],
    description: 'share of completed deposits in the structuring band (just under the reporting threshold)',
    expression: (dialect) =>
      `COALESCE(${dialect.safeDivide('g_deposits.band_deposits', 'g_deposits.deposit_count')}, 0)`,
    missing: 0,
  },
  {
    name: 'deposit_addresses',
    label: 'distinct deposit source addresses',
    unit: 'count',
    groups: ['deposits'],
    description: 'distinct on-chain addresses deposits came from (counterparties)',
    expression: () => sum('g_deposits.deposit_addresses'),
    missing: 0,
  },
  {
    name: 'withdrawal_count',
    label: 'withdrawals',
    unit: 'count',
    groups: ['withdrawals'],
    description: 'completed withdrawals in the window',
    expression: () => sum('g_withdrawals.withdrawal_count'),
    missing: 0,
  },
  {
    name: 'withdrawal_usd',
    label: 'withdrawn USD',
    unit: 'usd',
    groups: ['withdrawals'],
    description: 'USD of completed withdrawals',
    expression: () => sum('g_withdrawals.withdrawal_usd'),
    missing: 0,
  },
  {
    name: 'withdrawal_addresses',
    label: 'distinct withdrawal addresses',
    unit: 'count',
    groups: ['withdrawals'],
    description: 'distinct on-chain addresses withdrawn to (counterparties)',
    expression: () => sum('g_withdrawals.withdrawal_addresses'),
    missing: 0,
  },
  {
    name: 'withdrawal_chains',
    label: 'chains withdrawn to',
    unit: 'count',
    groups: ['withdrawals'],
    description: 'distinct chains withdrawn to',
    expression: () => sum('g_withdrawals.withdrawal_chains'),
    missing: 0,
  },
  {
    name: 'turnover_ratio',
    label: 'withdrawn / deposited',
    unit: 'ratio',
    groups: ['deposits', 'withdrawals'],
    description: 'USD withdrawn per USD deposited (NULL without deposits)',
    expression: (dialect) => dialect.safeDivide('g_withdrawals.withdrawal_usd', 'g_deposits.deposit_usd'),
    missing: 0,
  },
  {
    name: 'fastest_in_out_minutes',
    label: 'fastest deposit-to-withdrawal',
    unit: 'minutes',
    groups: ['latency'],
    description:
      'minutes from a completed deposit to the next completed withdrawal, the fastest one within 7 days (NULL when none)',
    expression: () => 'g_latency.fastest_in_out_minutes',
    missing: 7 * 24 * 60,
  },
  {
    name: 'login_count',
    label: 'logins',
    unit: 'count',
    groups: ['logins'],
    description: 'logins in the window',
    expression: () => sum('g_logins.login_count'),
    missing: 0,
  },
  {
    name: 'login_ips',
    label: 'distinct login IPs',
    unit: 'count',
    groups: ['login_places'],
    description: 'distinct IP addresses logged in from',
    expression: () => sum('g_login_places.login_ips'),
    missing: 0,
  },
  {
    name: 'login_countries',
    label: 'distinct login countries',
    unit: 'count',
    groups: ['login_places'],
    description: 'distinct IP countries logged in from',
    expression: () => sum('g_login_places.login_countries'),
    missing: 0,
  },
  {
    name: 'foreign_login_share',
    label: 'share of logins from abroad',
    unit: 'ratio',
    groups: ['login_places'],
    description: 'share of logins whose IP country differs from the KYC country',
    expression: (dialect) =>
      `COALESCE(${dialect.safeDivide('g_login_places.foreign_logins', 'g_login_places.login_count')}, 0)`,
    missing: 0,
  },
  {
    name: 'login_hour_concentration',
    label: 'login time-of-day concentration',
    unit: 'ratio',
    groups: ['logins'],
    description: 'how tightly logins cluster at one time of day, shrunk towards 0 for few logins',
    expression: concentration('g_logins.login_cos', 'g_logins.login_sin', 'g_logins.login_count'),
    missing: 0,
  },
  {
    name: 'shared_devices',
    label: 'devices shared with other accounts',
    unit: 'count',
    groups: ['devices'],
    description: 'devices the user logged in from that other accounts also used in the window',
    expression: () => sum('g_devices.shared_devices'),
    missing: 0,
  },
  {
    name: 'labelled_exposure_transfers',
    label: 'transfers with illicit-labelled addresses',
    unit: 'count',
    groups: ['exposure'],
    description:
      'completed deposits from, or withdrawals to, addresses labelled sanctioned, mixer, scam or darknet (direct exposure)',
    expression: () => sum('g_exposure.exposure_transfers'),
    missing: 0,
  },
  {
    name: 'labelled_exposure_usd',
    label: 'USD with illicit-labelled addresses',
    unit: 'usd',
    groups: ['exposure'],
    description: 'USD of those transfers',
    expression: () => sum('g_exposure.exposure_usd'),
    missing: 0,
  },
  {
    name: 'dormancy_days',
    label: 'days dormant before the window',
    unit: 'days',
    groups: ['dormancy'],
    description:
      'days between the first activity in the window and the activity before it (per-user scans only; NULL when there is none)',
    expression: () => 'g_dormancy.dormancy_days',
    missing: 0,
  },
];

const FEATURES_BY_NAME = new Map(BEHAVIOURAL_FEATURES.map((feature) => [feature.name, feature]));

/** The feature of a name, or undefined. */
export function behaviouralFeature(name: string): BehaviouralFeature | undefined {
  return FEATURES_BY_NAME.get(name);
}

/** Feature values of one user (NULL where undefined). */
export interface FeatureRow {
  readonly userId: number;
  readonly values: Readonly<Record<string, number | null>>;
}

/** Options of {@link computeBehaviouralFeatures}. */
export interface FeatureOptions {
  readonly window: RiskWindow;
  readonly thresholds: RiskThresholds;
  /** Feature names; all when absent (dormancy only with `userIds`). */
  readonly features?: readonly string[];
  /** Only these users; every user active in the window when absent. */
  readonly userIds?: readonly number[];
}

/** The SQL and parameters of a feature query (exported for tests and the bench). */
export function buildFeatureQuery(
  dialect: SqlDialect,
  options: FeatureOptions,
): { sql: string; params: unknown[]; features: BehaviouralFeature[] } {
  const names =
    options.features ??
    BEHAVIOURAL_FEATURES.filter((feature) => options.userIds || feature.name !== 'dormancy_days').map(
      (feature) => feature.name,
    );
  const features = names.map((name) => {
    const feature = FEATURES_BY_NAME.get(name);
    if (!feature) {
      throw new ConfigurationError(
        'risk features',
        `unknown behavioural feature '${name}'; features: ${BEHAVIOURAL_FEATURES.map((item) => item.name).join(', ')}`,
      );
    }
    if (feature.name === 'dormancy_days' && !options.userIds) {
      throw new ConfigurationError(
        'risk features',
        'dormancy_days needs a list of users (it costs index probes per user and table)',
      );
    }
    return feature;
  });
  const groups = [...new Set(features.flatMap((feature) => feature.groups))];
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, options.window);
  const users = (column: string): string => userFilter(dialect, parameters, column, options.userIds);
  const inWindow = (column: string): string => `${column} >= ${start} AND ${column} < ${end}`;
  const angle = (column: string): string => `${dialect.epochSeconds(column)} * ${RADIANS_PER_SECOND}`;
  const ctes: string[] = [];
  for (const group of groups) {
    switch (group) {
      case 'trades':
        ctes.push(`g_trades AS (
  SELECT user_id, COUNT(*) AS trade_count, SUM(notional_usd) AS trade_usd, MAX(notional_usd) AS max_trade_usd,
    COUNT(DISTINCT asset) AS trade_assets, SUM(cos(${angle('executed_at')})) AS trade_cos, SUM(sin(${angle('executed_at')})) AS trade_sin
  FROM trades WHERE ${inWindow('executed_at')}${users('user_id')} GROUP BY user_id
)`);
        break;
      case 'deposits': {
        const low = parameters.add(options.thresholds.structuring.band_low_usd, 'float');
        const high = parameters.add(options.thresholds.structuring.reporting_threshold_usd, 'float');
        ctes.push(`g_deposits AS (
  SELECT user_id, COUNT(*) AS deposit_count, SUM(amount_usd) AS deposit_usd,
    ${dialect.countIf(`amount_usd >= ${low} AND amount_usd < ${high}`)} AS band_deposits,
    COUNT(DISTINCT from_address) AS deposit_addresses
  FROM deposits WHERE status = 'completed' AND ${inWindow('created_at')}${users('user_id')} GROUP BY user_id
)`);
        break;
      }
      case 'withdrawals':
        ctes.push(`g_withdrawals AS (
  SELECT user_id, COUNT(*) AS withdrawal_count, SUM(amount_usd) AS withdrawal_usd,
    COUNT(DISTINCT to_address) AS withdrawal_addresses, COUNT(DISTINCT chain) AS withdrawal_chains
  FROM withdrawals WHERE status = 'completed' AND ${inWindow('created_at')}${users('user_id')} GROUP BY user_id
)`);
        break;
      case 'logins':
        ctes.push(`g_logins AS (
  SELECT user_id, COUNT(*) AS login_count,
    SUM(cos(${angle('created_at')})) AS login_cos, SUM(sin(${angle('created_at')})) AS login_sin
  FROM logins WHERE ${inWindow('created_at')}${users('user_id')} GROUP BY user_id
)`);
        break;
      case 'login_places':
        // Apart from 'logins': distinct counts sort, and the join to users costs, which the outlier
        // features do not need.
        ctes.push(`g_login_places AS (
  SELECT l.user_id, COUNT(*) AS login_count, COUNT(DISTINCT l.ip) AS login_ips, COUNT(DISTINCT l.country) AS login_countries,
    ${dialect.countIf('l.country <> u.country')} AS foreign_logins
  FROM logins l JOIN users u ON u.user_id = l.user_id
  WHERE ${inWindow('l.created_at')}${users('l.user_id')} GROUP BY l.user_id
)`);
        break;
      case 'devices': {
        // With a user list, only the devices those users touched need their account counts.
        const ownDevices = options.userIds
          ? ` AND device_id IN (SELECT device_id FROM logins WHERE ${inWindow('created_at')}${users('user_id')})`
          : '';
        ctes.push(`g_devices AS (
  SELECT l.user_id, COUNT(DISTINCT l.device_id) AS shared_devices
  FROM logins l JOIN (
    SELECT device_id FROM logins WHERE ${inWindow('created_at')}${ownDevices}
    GROUP BY device_id HAVING COUNT(DISTINCT user_id) > 1
  ) shared ON shared.device_id = l.device_id
  WHERE ${inWindow('l.created_at')}${users('l.user_id')} GROUP BY l.user_id
)`);
        break;
      }
      case 'latency': {
        const follow = parameters.add(7 * 86_400, 'float');
        ctes.push(`g_latency AS (
  SELECT d.user_id, MIN(${dialect.epochSeconds('w.created_at')} - ${dialect.epochSeconds('d.created_at')}) / 60 AS fastest_in_out_minutes
  FROM deposits d JOIN withdrawals w ON w.user_id = d.user_id
    AND w.created_at > d.created_at AND w.created_at <= ${dialect.addSeconds('d.created_at', follow)}
  WHERE d.status = 'completed' AND w.status = 'completed' AND ${inWindow('d.created_at')}
    AND w.created_at > ${start} AND w.created_at < ${end}${users('d.user_id')}
  GROUP BY d.user_id
)`);
        break;
      }
      case 'exposure': {
        const labels = parameters.add([...options.thresholds.address_profile.illicit_labels], 'text[]');
        ctes.push(`g_exposure AS (
  SELECT user_id, COUNT(*) AS exposure_transfers, SUM(amount_usd) AS exposure_usd FROM (
    SELECT x.user_id, x.amount_usd FROM deposits x JOIN address_labels a ON a.chain = x.chain AND a.address = x.from_address
    WHERE x.status = 'completed' AND ${inWindow('x.created_at')} AND ${dialect.inArray('a.label', labels)}${users('x.user_id')}
    UNION ALL
    SELECT x.user_id, x.amount_usd FROM withdrawals x JOIN address_labels a ON a.chain = x.chain AND a.address = x.to_address
    WHERE x.status = 'completed' AND ${inWindow('x.created_at')} AND ${dialect.inArray('a.label', labels)}${users('x.user_id')}
  ) exposed GROUP BY user_id
)`);
        break;
      }
      case 'dormancy': {
        const first = (table: string, column: string): string =>
          `(SELECT MIN(x.${column}) FROM ${table} x WHERE x.user_id = u.user_id AND ${inWindow(`x.${column}`)})`;
        const previous = (table: string, column: string, before: string): string =>
          `(SELECT MAX(x.${column}) FROM ${table} x WHERE x.user_id = f.user_id AND x.${column} < ${before})`;
        ctes.push(`g_dormancy AS (
  SELECT f.user_id, (${dialect.epochSeconds('f.first_at')} - ${dialect.epochSeconds(
    dialect.greatest([
      previous('logins', 'created_at', 'f.first_at'),
      previous('trades', 'executed_at', 'f.first_at'),
      previous('deposits', 'created_at', 'f.first_at'),
      previous('withdrawals', 'created_at', 'f.first_at'),
    ]),
  )}) / 86400 AS dormancy_days
  FROM (
    SELECT u.user_id, ${dialect.least([
      first('logins', 'created_at'),
      first('trades', 'executed_at'),
      first('deposits', 'created_at'),
      first('withdrawals', 'created_at'),
    ])} AS first_at
    FROM users u WHERE true${users('u.user_id')}
  ) f
)`);
        break;
      }
    }
  }
  const aliases = groups.map((group) => `g_${group}`);
  const ids = options.userIds
    ? `ids AS (SELECT user_id FROM users WHERE true${users('user_id')})`
    : `ids AS (${aliases.map((alias) => `SELECT user_id FROM ${alias}`).join(' UNION ')})`;
  const joins = aliases.map((alias) => `LEFT JOIN ${alias} ON ${alias}.user_id = ids.user_id`).join(' ');
  const sql = `WITH ${[...ctes, ids].join(',\n')}
SELECT ids.user_id, ${features.map((feature) => `${feature.expression(dialect)} AS ${feature.name}`).join(',\n  ')}
FROM ids ${joins}
ORDER BY ids.user_id`;
  return { sql, params: parameters.values, features };
}

/**
 * Computes feature rows in the warehouse, one per user active in the window (or per listed user).
 *
 * @example
 * const { rows } = await computeBehaviouralFeatures(source, { window, thresholds, features: ['trade_count'] });
 */
export async function computeBehaviouralFeatures(
  source: RiskSource,
  options: FeatureOptions,
): Promise<{ features: BehaviouralFeature[]; rows: FeatureRow[] }> {
  const { sql, params, features } = buildFeatureQuery(source.dialect, options);
  const raw = await source.query<Record<string, unknown>>(sql, params);
  return {
    features,
    rows: raw.map((row) => ({
      userId: toNumber(row['user_id']),
      values: Object.fromEntries(
        features.map((feature) => [feature.name, toNullableNumber(row[feature.name])]),
      ),
    })),
  };
}
