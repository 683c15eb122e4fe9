/**
 * The semantic layer's catalogue: every metric and dimension of DESIGN.md, declared once. SQL is
 * generated from these declarations (see `compile.ts`); nothing else in the bot writes metric SQL.
 *
 * Expressions are written against fixed table aliases: the source's own alias and `u` for `users`
 * (joined only when a user dimension is needed).
 */

/** Dimension names, as in DESIGN.md. */
export const DIMENSION_NAMES = [
  'asset',
  'market',
  'product',
  'side',
  'country',
  'kyc_level',
  'vip_tier',
  'platform',
  'chain',
  'channel',
  'sentiment',
] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];

/** Time grains a metric can be grouped by. */
export const TIME_GRAINS = ['hour', 'day', 'week', 'month'] as const;
export type TimeGrain = (typeof TIME_GRAINS)[number];

/** A dimension: what it means and which values exist (static lists; assets, markets, countries come from the data). */
export interface DimensionDefinition {
  readonly name: DimensionName;
  readonly description: string;
  readonly valueType: 'text' | 'integer';
  /** Closed list of values, when the catalogue knows it. */
  readonly values?: readonly string[];
  /** SQL returning the distinct values, for dimensions whose values live in the data. */
  readonly valuesSql?: string;
  readonly example: string;
}

export const DIMENSIONS: Readonly<Record<DimensionName, DimensionDefinition>> = {
  asset: {
    name: 'asset',
    description: 'Base asset symbol of a trade or transfer',
    valueType: 'text',
    valuesSql: 'SELECT symbol AS value FROM assets ORDER BY 1',
    example: 'BTC',
  },
  market: {
    name: 'market',
    description: 'Trading pair (base + quote)',
    valueType: 'text',
    valuesSql: 'SELECT DISTINCT market AS value FROM rollup_trades_daily__market ORDER BY 1',
    example: 'BTCUSDT',
  },
  product: {
    name: 'product',
    description: 'Product line',
    valueType: 'text',
    values: ['spot', 'futures', 'margin', 'earn'],
    example: 'futures',
  },
  side: {
    name: 'side',
    description: 'Trade side',
    valueType: 'text',
    values: ['buy', 'sell'],
    example: 'buy',
  },
  country: {
    name: 'country',
    description: 'Country of the user (ISO-3166 alpha-2, from KYC)',
    valueType: 'text',
    valuesSql: 'SELECT DISTINCT country AS value FROM users ORDER BY 1',
    example: 'TR',
  },
  kyc_level: {
    name: 'kyc_level',
    description: 'KYC verification level of the user (0 = none, 3 = enhanced)',
    valueType: 'integer',
    values: ['0', '1', '2', '3'],
    example: '2',
  },
  vip_tier: {
    name: 'vip_tier',
    description: 'VIP fee tier of the user (0 = regular, 9 = top)',
    valueType: 'integer',
    values: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    example: '3',
  },
  platform: {
    name: 'platform',
    description: 'Where the action was taken',
    valueType: 'text',
    values: ['web', 'ios', 'android', 'api'],
    example: 'android',
  },
  chain: {
    name: 'chain',
    description: 'Blockchain of a deposit or withdrawal',
    valueType: 'text',
    values: ['ethereum', 'bitcoin', 'bsc', 'tron', 'solana'],
    example: 'tron',
  },
  channel: {
    name: 'channel',
    description: 'Where customer feedback came from',
    valueType: 'text',
    values: ['app_review', 'support_chat', 'email', 'social'],
    example: 'app_review',
  },
  sentiment: {
    name: 'sentiment',
    description: 'Sentiment of a feedback message',
    valueType: 'text',
    values: ['positive', 'neutral', 'negative'],
    example: 'negative',
  },
};

/** Metric names, as in DESIGN.md. */
export const METRIC_NAMES = [
  'trading_volume_usd',
  'trade_count',
  'active_traders',
  'avg_trade_size_usd',
  'fees_usd',
  'new_users',
  'kyc_approval_rate',
  'kyc_pending',
  'deposit_volume_usd',
  'withdrawal_volume_usd',
  'net_inflow_usd',
  'feedback_count',
  'avg_rating',
  'aml_alert_count',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** How values combine, which decides whether a rollup can answer and how totals are computed. */
export type Aggregation =
  | { readonly kind: 'sum'; readonly expression: string; readonly rollupColumn?: string }
  | { readonly kind: 'count'; readonly rollupColumn?: string }
  | { readonly kind: 'count_distinct'; readonly expression: string }
  | {
      readonly kind: 'ratio';
      readonly numerator: string;
      readonly denominator: string;
      readonly rollupColumns?: readonly [string, string];
    }
  | { readonly kind: 'average'; readonly expression: string }
  /** Open items at the end of each period (a backlog), not a sum over the period. */
  | { readonly kind: 'snapshot'; readonly openedAt: string; readonly closedAt: string };

/** A base relation: a table (or a derived table) with its alias, time column and dimension expressions. */
export interface SourceDefinition {
  readonly name: string;
  /** Table name or parenthesised derived table. */
  readonly relation: string;
  readonly alias: string;
  readonly timeColumn: string;
  /** Expression per dimension; `u.` expressions need the users join. */
  readonly dimensions: Partial<Record<DimensionName, string>>;
  /** Always-applied condition (e.g. only completed deposits). */
  readonly where?: string;
  /** Column of the source holding the user id, for the users join. */
  readonly userIdColumn?: string;
  /** Daily rollups of this source: which dimension sets exist. */
  readonly rollups?: readonly (readonly DimensionName[])[];
}

const USER_DIMENSIONS = { country: 'u.country', kyc_level: 'u.kyc_level', vip_tier: 'u.vip_tier' } as const;

/** Rollup dimension sets: one per single dimension plus the pairs staff combine most. */
const TRADE_ROLLUPS: readonly (readonly DimensionName[])[] = [
  [],
  ['asset'],
  ['market'],
  ['product'],
  ['side'],
  ['platform'],
  ['country'],
  ['kyc_level'],
  ['vip_tier'],
  ['product', 'platform'],
  ['product', 'asset'],
  ['country', 'product'],
];

const FLOW_ROLLUPS: readonly (readonly DimensionName[])[] = [
  [],
  ['asset'],
  ['chain'],
  ['platform'],
  ['country'],
  ['kyc_level'],
  ['vip_tier'],
  ['asset', 'chain'],
];

export const SOURCES = {
  trades: {
    name: 'trades',
    relation: 'trades',
    alias: 't',
    timeColumn: 't.executed_at',
    userIdColumn: 't.user_id',
    dimensions: {
      asset: 't.asset',
      market: 't.market',
      product: 't.product',
      side: 't.side',
      platform: 't.platform',
      ...USER_DIMENSIONS,
    },
    rollups: TRADE_ROLLUPS,
  },
  deposits: {
    name: 'deposits',
    relation: 'deposits',
    alias: 'd',
    timeColumn: 'd.created_at',
    userIdColumn: 'd.user_id',
    where: "d.status = 'completed'",
    dimensions: { asset: 'd.asset', chain: 'd.chain', platform: 'd.platform', ...USER_DIMENSIONS },
    rollups: FLOW_ROLLUPS,
  },
  withdrawals: {
    name: 'withdrawals',
    relation: 'withdrawals',
    alias: 'w',
    timeColumn: 'w.created_at',
    userIdColumn: 'w.user_id',
    where: "w.status = 'completed'",
    dimensions: { asset: 'w.asset', chain: 'w.chain', platform: 'w.platform', ...USER_DIMENSIONS },
    rollups: FLOW_ROLLUPS,
  },
  net_flows: {
    name: 'net_flows',
    // Deposits count positive, withdrawals negative: net inflow is one sum over both.
    relation: `(SELECT user_id, asset, chain, platform, created_at, amount_usd AS signed_usd FROM deposits WHERE status = 'completed'
      UNION ALL SELECT user_id, asset, chain, platform, created_at, -amount_usd FROM withdrawals WHERE status = 'completed')`,
    alias: 'n',
    timeColumn: 'n.created_at',
    userIdColumn: 'n.user_id',
    dimensions: { asset: 'n.asset', chain: 'n.chain', platform: 'n.platform', ...USER_DIMENSIONS },
    rollups: FLOW_ROLLUPS,
  },
  users: {
    name: 'users',
    relation: 'users',
    alias: 'u',
    timeColumn: 'u.created_at',
    dimensions: {
      country: 'u.country',
      kyc_level: 'u.kyc_level',
      vip_tier: 'u.vip_tier',
      platform: 'u.platform',
    },
  },
  kyc_decisions: {
    name: 'kyc_decisions',
    relation: 'kyc_reviews',
    alias: 'k',
    timeColumn: 'k.decided_at',
    userIdColumn: 'k.user_id',
    where: "k.status IN ('approved', 'rejected')",
    dimensions: { country: 'u.country', kyc_level: 'k.kyc_level', vip_tier: 'u.vip_tier' },
  },
  kyc_backlog: {
    name: 'kyc_backlog',
    relation: 'kyc_reviews',
    alias: 'k',
    timeColumn: 'k.submitted_at',
    userIdColumn: 'k.user_id',
    dimensions: { country: 'u.country', kyc_level: 'k.kyc_level' },
  },
  feedback: {
    name: 'feedback',
    relation: 'feedback',
    alias: 'f',
    timeColumn: 'f.created_at',
    userIdColumn: 'f.user_id',
    dimensions: {
      channel: 'f.channel',
      sentiment: 'f.sentiment',
      platform: 'f.platform',
      country: 'u.country',
    },
  },
  aml_alerts: {
    name: 'aml_alerts',
    relation: 'aml_alerts',
    alias: 'a',
    timeColumn: 'a.created_at',
    userIdColumn: 'a.user_id',
    dimensions: { ...USER_DIMENSIONS },
  },
} as const satisfies Record<string, SourceDefinition>;
export type SourceName = keyof typeof SOURCES;

/** A metric: what it means, where it comes from, and how it aggregates. */
export interface MetricDefinition {
  readonly name: MetricName;
  readonly label: string;
  readonly description: string;
  readonly unit: 'usd' | 'count' | 'ratio' | 'rating';
  readonly source: SourceName;
  readonly aggregation: Aggregation;
  /** Which way is good, for wording ("up 12%" is good for volume, bad for backlog). */
  readonly higherIsBetter?: boolean;
}

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = {
  trading_volume_usd: {
    name: 'trading_volume_usd',
    label: 'Trading volume',
    description: 'Sum of the USD notional of executed trades (both sides counted once per trade)',
    unit: 'usd',
    source: 'trades',
    aggregation: { kind: 'sum', expression: 't.notional_usd', rollupColumn: 'notional_usd' },
    higherIsBetter: true,
  },
  trade_count: {
    name: 'trade_count',
    label: 'Trades',
    description: 'Number of executed trades',
    unit: 'count',
    source: 'trades',
    aggregation: { kind: 'count', rollupColumn: 'trade_count' },
    higherIsBetter: true,
  },
  active_traders: {
    name: 'active_traders',
    label: 'Active traders',
    description: 'Distinct users with at least one executed trade in the period',
    unit: 'count',
    source: 'trades',
    aggregation: { kind: 'count_distinct', expression: 't.user_id' },
    higherIsBetter: true,
  },
  avg_trade_size_usd: {
    name: 'avg_trade_size_usd',
    label: 'Average trade size',
    description: 'Trading volume divided by the number of trades (USD per trade)',
    unit: 'usd',
    source: 'trades',
    aggregation: {
      kind: 'ratio',
      numerator: 't.notional_usd',
      denominator: '1',
      rollupColumns: ['notional_usd', 'trade_count'],
    },
  },
  fees_usd: {
    name: 'fees_usd',
    label: 'Fee revenue',
    description: 'Sum of trading fees charged, in USD',
    unit: 'usd',
    source: 'trades',
    aggregation: { kind: 'sum', expression: 't.fee_usd', rollupColumn: 'fee_usd' },
    higherIsBetter: true,
  },
  new_users: {
    name: 'new_users',
    label: 'New users',
    description: 'Accounts created (sign-ups) in the period',
    unit: 'count',
    source: 'users',
    aggregation: { kind: 'count' },
    higherIsBetter: true,
  },
  kyc_approval_rate: {
    name: 'kyc_approval_rate',
    label: 'KYC approval rate',
    description:
      'Approved KYC reviews divided by all decided reviews (approved + rejected), by decision time',
    unit: 'ratio',
    source: 'kyc_decisions',
    aggregation: {
      kind: 'ratio',
      numerator: "CASE WHEN k.status = 'approved' THEN 1 ELSE 0 END",
      denominator: '1',
    },
    higherIsBetter: true,
  },
  kyc_pending: {
    name: 'kyc_pending',
    label: 'KYC backlog',
    description:
      'KYC reviews submitted and not yet decided at the end of the period (or now, for a period still running)',
    unit: 'count',
    source: 'kyc_backlog',
    aggregation: { kind: 'snapshot', openedAt: 'k.submitted_at', closedAt: 'k.decided_at' },
    higherIsBetter: false,
  },
  deposit_volume_usd: {
    name: 'deposit_volume_usd',
    label: 'Deposit volume',
    description: 'USD value of completed deposits',
    unit: 'usd',
    source: 'deposits',
    aggregation: { kind: 'sum', expression: 'd.amount_usd', rollupColumn: 'amount_usd' },
    higherIsBetter: true,
  },
  withdrawal_volume_usd: {
    name: 'withdrawal_volume_usd',
    label: 'Withdrawal volume',
    description: 'USD value of completed withdrawals',
    unit: 'usd',
    source: 'withdrawals',
    aggregation: { kind: 'sum', expression: 'w.amount_usd', rollupColumn: 'amount_usd' },
  },
  net_inflow_usd: {
    name: 'net_inflow_usd',
    label: 'Net inflow',
    description: 'Completed deposits minus completed withdrawals, in USD (negative = net outflow)',
    unit: 'usd',
    source: 'net_flows',
    aggregation: { kind: 'sum', expression: 'n.signed_usd', rollupColumn: 'amount_usd' },
    higherIsBetter: true,
  },
  feedback_count: {
    name: 'feedback_count',
    label: 'Feedback messages',
    description: 'Customer feedback messages received (app reviews, support chats, emails, social posts)',
    unit: 'count',
    source: 'feedback',
    aggregation: { kind: 'count' },
  },
  avg_rating: {
    name: 'avg_rating',
    label: 'Average rating',
    description: 'Mean star rating (1-5) of feedback that carries a rating',
    unit: 'rating',
    source: 'feedback',
    aggregation: { kind: 'average', expression: 'f.rating' },
    higherIsBetter: true,
  },
  aml_alert_count: {
    name: 'aml_alert_count',
    label: 'AML alerts',
    description: 'AML alerts raised by the monitoring system',
    unit: 'count',
    source: 'aml_alerts',
    aggregation: { kind: 'count' },
  },
};

/** True when the dimension needs the `users` join for this source. */
export function needsUsersJoin(source: SourceDefinition, dimension: DimensionName): boolean {
  const expression = source.dimensions[dimension];
  return source.name !== 'users' && expression !== undefined && expression.startsWith('u.');
}

/** Rollup table name for a source and dimension set (dimensions in catalogue order). */
export function rollupTableName(source: SourceDefinition, dimensions: readonly DimensionName[]): string {
  const base =
    source.name === 'net_flows' || source.name === 'deposits' || source.name === 'withdrawals'
      ? 'flows'
      : source.name;
  const ordered = DIMENSION_NAMES.filter((name) => dimensions.includes(name));
  return ordered.length === 0 ? `rollup_${base}_daily` : `rollup_${base}_daily__${ordered.join('__')}`;
}
