/**
 * `analyst demo generate`: builds the demo warehouse in memory (build.ts) and bulk-loads it into every
 * warehouse table of schema.ts in one transaction — truncate, drop indexes and primary keys, COPY in
 * large batches, recreate them under the same names — so a failed run leaves the previous data intact.
 */
import { existsSync } from 'node:fs';
import { ConfigurationError, InvalidInputError, NotAvailableError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import type { BulkColumn, SqlConnection } from '../connection.js';
import { migrate } from '../migrate.js';
import { WAREHOUSE_MIGRATIONS } from '../schema.js';
import { CHAINS } from './addresses.js';
import { AML_WINDOW_DAYS } from './aml-scenarios.js';
import { EVENT_TYPES, KYC_STATUSES, TRANSFER_STATUSES } from './buffers.js';
import { buildDemoData, type DemoData, GENERATOR_VERSION } from './build.js';
import { invertOrder, orderByTime } from './columns.js';
import { FEEDBACK_CHANNELS, readBanking77, SPIKE_INTENT, sentimentOf } from './feedback.js';
import { formatIp, HIGH_RISK_JURISDICTIONS, IP_COUNTRIES } from './geography.js';
import { KYC_REJECT_REASONS, USER_STATUSES } from './population.js';
import { ASSETS, COUNTRIES, MARKETS, PLATFORMS, PRODUCTS, TRADE_PRODUCTS } from './reference-data.js';

/** Options of {@link generateDemoWarehouse}. */
export interface DemoWarehouseOptions {
  /** 1 = 50k users, 1M trades, 10k feedback; other tables in proportion. */
  readonly scale: number;
  readonly seed: number;
  /** The end of the data; it spans [now − 730 days, now). */
  readonly now: Date;
  /** Banking77 train.csv (columns text, category), the source of feedback texts. */
  readonly feedbackCsvPath: string;
  /** No progress bar (tests, --json). */
  readonly silent?: boolean;
  /** Called after each table is loaded (benchmarks print per-table rates). */
  readonly onTableLoaded?: (table: string, rows: number, seconds: number) => void;
  /** Called when a phase ends: simulate (in memory), load, indexes, analyze. */
  readonly onPhaseDone?: (phase: string, seconds: number) => void;
}

/** What a generation wrote. */
export interface DemoWarehouseResult {
  /** Rows per table (schema-qualified for ground_truth tables). */
  readonly counts: Record<string, number>;
  readonly durationMs: number;
  /** Milliseconds per phase: simulate (in memory), load (COPY), indexes, analyze. */
  readonly phases: Record<string, number>;
}

/** Every table the generator truncates and fills, in load order. */
export const DEMO_TABLES = [
  'users',
  'kyc_reviews',
  'assets',
  'products',
  'trades',
  'deposits',
  'withdrawals',
  'logins',
  'address_labels',
  'chain_transfers',
  'user_events',
  'feedback',
  'aml_alerts',
  'ground_truth.aml_cases',
  'ground_truth.aml_near_misses',
  'ground_truth.outliers',
  'ground_truth.feedback_spike',
  'ground_truth.feedback_labels',
  'demo_metadata',
] as const;

/** A table to load: its columns and a way to produce row `position` (in id order). */
interface TableLoad {
  readonly table: (typeof DEMO_TABLES)[number];
  readonly columns: readonly BulkColumn[];
  readonly count: number;
  row(position: number): unknown[];
}

const BATCH_ROWS = 100_000;

/**
 * Truncates and refills every warehouse table with the demo data for (seed, scale, now). Same inputs
 * give byte-identical table contents.
 *
 * @example
 * const { counts } = await generateDemoWarehouse(stores.warehouse, {
 *   scale: 1, seed: 42, now: new Date('2026-11-24T12:00:00Z'),
 *   feedbackCsvPath: resolve(SHARED_DIR, 'data/banking77/train.csv'),
 * });
 */
export async function generateDemoWarehouse(
  connection: SqlConnection,
  options: DemoWarehouseOptions,
): Promise<DemoWarehouseResult> {
  validateOptions(options);
  if (connection.dialect !== 'postgres') {
    throw new NotAvailableError(
      `Demo generation into ${connection.kind}`,
      'generate into the embedded store or PostgreSQL (the loader uses COPY, truncation and PostgreSQL indexes)',
    );
  }
  const started = performance.now();
  await migrate(connection, 'warehouse', WAREHOUSE_MIGRATIONS);
  const feedbackRows = readBanking77(options.feedbackCsvPath);
  const status = createProgress({
    label: 'demo warehouse',
    total: 1,
    unit: 'steps',
    silent: options.silent ?? false,
  });
  const data = buildDemoData({
    scale: options.scale,
    seed: options.seed,
    now: options.now,
    feedbackRows,
    onPhase: (phase) => status.update(0, `simulating ${phase}`),
  });
  const tables = describeTables(data);
  const simulated = performance.now();
  options.onPhaseDone?.('simulate', (simulated - started) / 1000);
  const total = tables.reduce((sum, table) => sum + table.count, 0);
  const progress = createProgress({ label: 'demo warehouse', total, silent: options.silent ?? false });
  const counts: Record<string, number> = {};
  let indexesStarted = 0;
  await connection.transaction(async (transaction) => {
    await transaction.exec(`TRUNCATE ${DEMO_TABLES.join(', ')}`);
    const saved = await dropIndexes(transaction);
    let done = 0;
    for (const table of tables) {
      const tableStarted = performance.now();
      progress.update(done, table.table);
      for (let start = 0; start < table.count; start += BATCH_ROWS) {
        const end = Math.min(table.count, start + BATCH_ROWS);
        const rows: unknown[][] = new Array(end - start);
        for (let position = start; position < end; position++) rows[position - start] = table.row(position);
        await transaction.bulkInsert(table.table, table.columns, rows);
        done += end - start;
        progress.update(done, table.table);
      }
      counts[table.table] = table.count;
      options.onTableLoaded?.(table.table, table.count, (performance.now() - tableStarted) / 1000);
    }
    indexesStarted = performance.now();
    options.onPhaseDone?.('load', (indexesStarted - simulated) / 1000);
    progress.update(done, 'indexes');
    // Index builds sort in memory when they can; the default 64 MB spills the trades indexes to disk.
    await transaction.exec("SET LOCAL maintenance_work_mem = '256MB'");
    await restoreIndexes(transaction, saved);
  });
  const analyzeStarted = performance.now();
  options.onPhaseDone?.('indexes', (analyzeStarted - indexesStarted) / 1000);
  progress.update(total, 'analyze');
  await connection.exec(`ANALYZE ${DEMO_TABLES.join(', ')}`);
  const finished = performance.now();
  options.onPhaseDone?.('analyze', (finished - analyzeStarted) / 1000);
  progress.finish(`${((finished - started) / 1000).toFixed(1)}s`);
  return {
    counts,
    durationMs: finished - started,
    phases: {
      simulate: simulated - started,
      load: indexesStarted - simulated,
      indexes: analyzeStarted - indexesStarted,
      analyze: finished - analyzeStarted,
    },
  };
}

function validateOptions(options: DemoWarehouseOptions): void {
  if (!Number.isFinite(options.scale) || options.scale <= 0 || options.scale > 20) {
    throw new InvalidInputError(
      'demo_scale_invalid',
      `--scale must be a number above 0 and at most 20, got ${options.scale}.`,
    );
  }
  if (!Number.isSafeInteger(options.seed)) {
    throw new InvalidInputError('demo_seed_invalid', `--seed must be an integer, got ${options.seed}.`);
  }
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
    throw new InvalidInputError(
      'demo_now_invalid',
      '--now must be a valid timestamp such as 2026-11-24T12:00:00Z.',
    );
  }
  if (!existsSync(options.feedbackCsvPath)) {
    throw new ConfigurationError(
      'feedbackCsvPath',
      `${options.feedbackCsvPath} does not exist; the demo feedback comes from Banking77 train.csv in ../shared/data/banking77/`,
    );
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Column lists and row builders of every table, with ids assigned in time order. */
function describeTables(data: DemoData): TableLoad[] {
  const { context, population, kyc, chainTransfers, time } = data;
  const { trades, deposits, withdrawals, logins, events } = context;
  const origin = time.gridStartMs - 86_400_000;
  const tradeOrder = orderByTime(trades.time.view(), origin);
  const depositOrder = orderByTime(deposits.time.view(), origin);
  const withdrawalOrder = orderByTime(withdrawals.time.view(), origin);
  const loginOrder = orderByTime(logins.time.view(), origin);
  const eventOrder = orderByTime(events.time.view(), origin);
  const kycOrder = orderByTime(kyc.submitted.view(), origin);
  const transferOrder = orderByTime(chainTransfers.time.view(), origin);
  const depositRank = invertOrder(depositOrder);
  const withdrawalRank = invertOrder(withdrawalOrder);
  const loginRank = invertOrder(loginOrder);
  const transferRank = invertOrder(transferOrder);
  const itemIds = [...ASSETS.map((item) => item.symbol), ...PRODUCTS.map((item) => item.productId)];
  const feedbackIdWidth = Math.max(6, String(data.feedback.length).length);
  const feedbackId = (position: number): string =>
    `fb-${String(position + 1).padStart(feedbackIdWidth, '0')}`;
  const column = (name: string, type: string): BulkColumn => ({ name, type });

  const caseDetails = (index: number): string => {
    const item = data.cases[index]!;
    const ids = (rank: Int32Array, rows: readonly { index: number }[]): number[] =>
      rows.map((row) => rank[row.index]! + 1).sort((a, b) => a - b);
    return JSON.stringify({
      kind: item.kind,
      ...item.details,
      deposit_ids: ids(depositRank, item.deposits),
      withdrawal_ids: ids(withdrawalRank, item.withdrawals),
      login_ids: ids(loginRank, item.logins),
      chain_transfer_ids: ids(transferRank, item.edges),
    });
  };
  const positives = data.cases.map((item, index) => ({ item, index })).filter(({ item }) => !item.nearMiss);
  const nearMisses = data.cases.map((item, index) => ({ item, index })).filter(({ item }) => item.nearMiss);
  const outliers = positives.filter(({ item }) => item.scenario === 'outlier');
  const sortCases = (list: typeof positives): typeof positives =>
    list.sort((a, b) => a.item.scenario.localeCompare(b.item.scenario) || a.item.user - b.item.user);
  sortCases(positives);
  sortCases(nearMisses);
  const metadata: [string, string][] = [
    ['generator_version', GENERATOR_VERSION],
    ['seed', String(data.options.seed)],
    ['scale', String(data.options.scale)],
    ['now', data.options.now.toISOString()],
    ['data_start', iso(time.startMs)],
    ['aml_window_start', iso(data.windowStart)],
    ['aml_window_days', String(AML_WINDOW_DAYS)],
    ['feedback_spike_intent', SPIKE_INTENT],
    ['high_risk_list_as_of', HIGH_RISK_JURISDICTIONS.asOf],
  ];

  const tables: TableLoad[] = [
    {
      table: 'users',
      columns: [
        column('user_id', 'integer'),
        column('email', 'text'),
        column('phone', 'text'),
        column('full_name', 'text'),
        column('address', 'text'),
        column('country', 'text'),
        column('kyc_level', 'smallint'),
        column('vip_tier', 'smallint'),
        column('platform', 'text'),
        column('status', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: population.count,
      row: (user) => [
        user + 1,
        population.email[user],
        population.phone[user],
        population.fullName[user],
        population.address[user],
        COUNTRIES[population.country[user]!]!.code,
        population.kycLevel[user],
        population.vipTier[user],
        PLATFORMS[population.platform[user]!],
        USER_STATUSES[population.status[user]!],
        iso(population.created[user]!),
      ],
    },
    {
      table: 'kyc_reviews',
      columns: [
        column('review_id', 'integer'),
        column('user_id', 'integer'),
        column('kyc_level', 'smallint'),
        column('status', 'text'),
        column('submitted_at', 'timestamptz'),
        column('decided_at', 'timestamptz'),
        column('reject_reason', 'text'),
      ],
      count: kyc.length,
      row: (position) => {
        const index = kycOrder[position]!;
        const decided = kyc.decided.get(index);
        const reason = kyc.reason.get(index);
        return [
          position + 1,
          kyc.user.get(index) + 1,
          kyc.level.get(index),
          KYC_STATUSES[kyc.status.get(index)],
          iso(kyc.submitted.get(index)),
          Number.isNaN(decided) ? null : iso(decided),
          reason === 255 ? null : KYC_REJECT_REASONS[reason]![0],
        ];
      },
    },
    {
      table: 'assets',
      columns: [
        column('symbol', 'text'),
        column('name', 'text'),
        column('category', 'text'),
        column('chains', 'text'),
        column('price_usd', 'double precision'),
        column('is_stablecoin', 'boolean'),
      ],
      count: ASSETS.length,
      row: (index) => {
        const item = ASSETS[index]!;
        const price = time.priceAt(index, time.nowMs);
        return [
          item.symbol,
          item.name,
          item.category,
          item.chains.join(','),
          Number(price.toPrecision(7)),
          item.cluster === 'stable',
        ];
      },
    },
    {
      table: 'products',
      columns: [
        column('product_id', 'text'),
        column('name', 'text'),
        column('product', 'text'),
        column('asset', 'text'),
        column('description', 'text'),
      ],
      count: PRODUCTS.length,
      row: (index) => {
        const item = PRODUCTS[index]!;
        return [item.productId, item.name, item.product, item.asset, item.description];
      },
    },
    {
      table: 'trades',
      columns: [
        column('trade_id', 'bigint'),
        column('user_id', 'integer'),
        column('market', 'text'),
        column('asset', 'text'),
        column('quote_asset', 'text'),
        column('product', 'text'),
        column('side', 'text'),
        column('price', 'double precision'),
        column('quantity', 'double precision'),
        column('notional_usd', 'double precision'),
        column('fee_usd', 'double precision'),
        column('platform', 'text'),
        column('executed_at', 'timestamptz'),
      ],
      count: trades.length,
      row: (position) => {
        const index = tradeOrder[position]!;
        const market = MARKETS[trades.market.get(index)]!;
        return [
          position + 1,
          trades.user.get(index) + 1,
          market.symbol,
          ASSETS[market.base]!.symbol,
          market.quote,
          TRADE_PRODUCTS[trades.product.get(index)],
          trades.side.get(index) === 0 ? 'buy' : 'sell',
          trades.price.get(index),
          trades.quantity.get(index),
          trades.notional.get(index),
          trades.fee.get(index),
          PLATFORMS[trades.platform.get(index)],
          iso(trades.time.get(index)),
        ];
      },
    },
    {
      table: 'deposits',
      columns: [
        column('deposit_id', 'bigint'),
        column('user_id', 'integer'),
        column('asset', 'text'),
        column('chain', 'text'),
        column('amount', 'double precision'),
        column('amount_usd', 'double precision'),
        column('from_address', 'text'),
        column('to_address', 'text'),
        column('tx_hash', 'text'),
        column('platform', 'text'),
        column('status', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: deposits.length,
      row: (position) => {
        const index = depositOrder[position]!;
        return [
          position + 1,
          deposits.user.get(index) + 1,
          ASSETS[deposits.asset.get(index)]!.symbol,
          CHAINS[deposits.chain.get(index)],
          deposits.amount.get(index),
          deposits.amountUsd.get(index),
          deposits.from[index],
          deposits.to[index],
          deposits.txHash[index],
          PLATFORMS[deposits.platform.get(index)],
          TRANSFER_STATUSES[deposits.status.get(index)],
          iso(deposits.time.get(index)),
        ];
      },
    },
    {
      table: 'withdrawals',
      columns: [
        column('withdrawal_id', 'bigint'),
        column('user_id', 'integer'),
        column('asset', 'text'),
        column('chain', 'text'),
        column('amount', 'double precision'),
        column('amount_usd', 'double precision'),
        column('to_address', 'text'),
        column('tx_hash', 'text'),
        column('platform', 'text'),
        column('status', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: withdrawals.length,
      row: (position) => {
        const index = withdrawalOrder[position]!;
        return [
          position + 1,
          withdrawals.user.get(index) + 1,
          ASSETS[withdrawals.asset.get(index)]!.symbol,
          CHAINS[withdrawals.chain.get(index)],
          withdrawals.amount.get(index),
          withdrawals.amountUsd.get(index),
          withdrawals.to[index],
          withdrawals.txHash[index],
          PLATFORMS[withdrawals.platform.get(index)],
          TRANSFER_STATUSES[withdrawals.status.get(index)],
          iso(withdrawals.time.get(index)),
        ];
      },
    },
    {
      table: 'logins',
      columns: [
        column('login_id', 'bigint'),
        column('user_id', 'integer'),
        column('ip', 'text'),
        column('device_id', 'text'),
        column('country', 'text'),
        column('platform', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: logins.length,
      row: (position) => {
        const index = loginOrder[position]!;
        return [
          position + 1,
          logins.user.get(index) + 1,
          formatIp(logins.ip.get(index)),
          context.devices[logins.device.get(index)],
          IP_COUNTRIES[logins.country.get(index)],
          PLATFORMS[logins.platform.get(index)],
          iso(logins.time.get(index)),
        ];
      },
    },
    {
      table: 'address_labels',
      columns: [
        column('address', 'text'),
        column('chain', 'text'),
        column('label', 'text'),
        column('name', 'text'),
        column('source', 'text'),
      ],
      count: context.labels.all.length,
      row: (index) => {
        const item = context.labels.all[index]!;
        return [item.address, CHAINS[item.chain], item.label, item.name, item.source];
      },
    },
    {
      table: 'chain_transfers',
      columns: [
        column('transfer_id', 'bigint'),
        column('chain', 'text'),
        column('tx_hash', 'text'),
        column('from_address', 'text'),
        column('to_address', 'text'),
        column('asset', 'text'),
        column('amount', 'double precision'),
        column('amount_usd', 'double precision'),
        column('block_time', 'timestamptz'),
      ],
      count: chainTransfers.length,
      row: (position) => {
        const index = transferOrder[position]!;
        return [
          position + 1,
          CHAINS[chainTransfers.chain.get(index)],
          chainTransfers.txHash[index],
          chainTransfers.from[index],
          chainTransfers.to[index],
          ASSETS[chainTransfers.asset.get(index)]!.symbol,
          chainTransfers.amount.get(index),
          chainTransfers.amountUsd.get(index),
          iso(chainTransfers.time.get(index)),
        ];
      },
    },
    {
      table: 'user_events',
      columns: [
        column('event_id', 'bigint'),
        column('user_id', 'integer'),
        column('item_id', 'text'),
        column('item_type', 'text'),
        column('event_type', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: events.length,
      row: (position) => {
        const index = eventOrder[position]!;
        const item = events.item.get(index);
        return [
          position + 1,
          events.user.get(index) + 1,
          itemIds[item],
          item < ASSETS.length ? 'asset' : 'product',
          EVENT_TYPES[events.type.get(index)],
          iso(events.time.get(index)),
        ];
      },
    },
    {
      table: 'feedback',
      columns: [
        column('feedback_id', 'text'),
        column('user_id', 'integer'),
        column('channel', 'text'),
        column('platform', 'text'),
        column('text', 'text'),
        column('rating', 'smallint'),
        column('sentiment', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: data.feedback.length,
      row: (position) => {
        const item = data.feedback[position]!;
        return [
          feedbackId(position),
          item.user === null ? null : item.user + 1,
          FEEDBACK_CHANNELS[item.channel],
          item.platform,
          item.text,
          item.rating,
          sentimentOf(item.rating),
          iso(item.time),
        ];
      },
    },
    {
      table: 'aml_alerts',
      columns: [
        column('alert_id', 'bigint'),
        column('user_id', 'integer'),
        column('scenario', 'text'),
        column('score', 'double precision'),
        column('status', 'text'),
        column('created_at', 'timestamptz'),
      ],
      count: data.alerts.length,
      row: (position) => {
        const item = data.alerts[position]!;
        return [position + 1, item.user + 1, item.scenario, item.score, item.status, iso(item.time)];
      },
    },
    {
      table: 'ground_truth.aml_cases',
      columns: [
        column('user_id', 'integer'),
        column('scenario', 'text'),
        column('planted_at', 'timestamptz'),
        column('details', 'text'),
      ],
      count: positives.length,
      row: (position) => {
        const { item, index } = positives[position]!;
        // Outliers behave oddly over the whole window, so their case starts with it.
        return [item.user + 1, item.scenario, iso(item.plantedAt), caseDetails(index)];
      },
    },
    {
      table: 'ground_truth.aml_near_misses',
      columns: [
        column('user_id', 'integer'),
        column('scenario', 'text'),
        column('kind', 'text'),
        column('details', 'text'),
      ],
      count: nearMisses.length,
      row: (position) => {
        const { item, index } = nearMisses[position]!;
        return [item.user + 1, item.scenario, item.kind, caseDetails(index)];
      },
    },
    {
      table: 'ground_truth.outliers',
      columns: [column('user_id', 'integer'), column('kind', 'text')],
      count: outliers.length,
      row: (position) => {
        const { item } = outliers[position]!;
        return [item.user + 1, item.kind];
      },
    },
    {
      table: 'ground_truth.feedback_spike',
      columns: [
        column('intent', 'text'),
        column('start_at', 'timestamptz'),
        column('end_at', 'timestamptz'),
        column('extra_messages', 'integer'),
      ],
      count: 1,
      row: () => [data.spike.intent, iso(data.spike.start), iso(data.spike.end), data.spike.count],
    },
    {
      table: 'ground_truth.feedback_labels',
      columns: [column('feedback_id', 'text'), column('intent', 'text')],
      count: data.feedback.length,
      row: (position) => [feedbackId(position), data.feedback[position]!.intent],
    },
  ];
  const counts = Object.fromEntries(tables.map((table) => [table.table, table.count]));
  metadata.push(['row_counts', JSON.stringify({ ...counts, demo_metadata: metadata.length + 1 })]);
  tables.push({
    table: 'demo_metadata',
    columns: [column('key', 'text'), column('value', 'text')],
    count: metadata.length,
    row: (position) => metadata[position]!,
  });
  return tables;
}

/** Indexes and primary keys removed for the load, to be recreated under the same names. */
interface SavedIndexes {
  readonly constraints: readonly { table: string; name: string; definition: string }[];
  readonly indexes: readonly string[];
}

const qualifiedNames = DEMO_TABLES.map((name) => (name.includes('.') ? name : `public.${name}`));

async function dropIndexes(connection: SqlConnection): Promise<SavedIndexes> {
  const { rows: constraints } = await connection.query<{ table: string; name: string; definition: string }>(
    `SELECT n.nspname || '.' || c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'p' AND n.nspname || '.' || c.relname = ANY($1::text[])
      ORDER BY 1, 2`,
    [qualifiedNames],
  );
  const { rows: indexes } = await connection.query<{ name: string; definition: string }>(
    `SELECT schemaname || '.' || indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname || '.' || tablename = ANY($1::text[])
        AND indexname <> ALL($2::text[])
      ORDER BY 1`,
    [qualifiedNames, constraints.map((item) => item.name)],
  );
  for (const index of indexes) await connection.exec(`DROP INDEX ${index.name}`);
  for (const item of constraints)
    await connection.exec(`ALTER TABLE ${item.table} DROP CONSTRAINT ${item.name}`);
  return { constraints, indexes: indexes.map((index) => index.definition) };
}

async function restoreIndexes(connection: SqlConnection, saved: SavedIndexes): Promise<void> {
  for (const item of saved.constraints) {
    await connection.exec(`ALTER TABLE ${item.table} ADD CONSTRAINT ${item.name} ${item.definition}`);
  }
  for (const definition of saved.indexes) await connection.exec(definition);
}
