import type { Progress } from '../../core/progress.js';
import type { SqlConnection } from '../connection.js';
import {
  type DimensionName,
  needsUsersJoin,
  rollupTableName,
  SOURCES,
  type SourceDefinition,
} from './catalogue.js';

/** A rollup the builder makes: its table, source and dimension set. */
export interface RollupPlan {
  readonly table: string;
  readonly source: SourceDefinition;
  readonly dimensions: readonly DimensionName[];
}

/** Every rollup table of the catalogue (trades, and deposits/withdrawals together as flows). */
export function plannedRollups(): RollupPlan[] {
  const plans: RollupPlan[] = [];
  for (const dimensions of SOURCES.trades.rollups) {
    plans.push({ table: rollupTableName(SOURCES.trades, dimensions), source: SOURCES.trades, dimensions });
  }
  for (const dimensions of SOURCES.net_flows.rollups) {
    plans.push({
      table: rollupTableName(SOURCES.net_flows, dimensions),
      source: SOURCES.net_flows,
      dimensions,
    });
  }
  return plans;
}

function rollupSelect(plan: RollupPlan): string {
  const dimensions = plan.dimensions;
  if (plan.source.name === 'trades') {
    const source = SOURCES.trades;
    const joinUsers = dimensions.some((dimension) => needsUsersJoin(source, dimension));
    const columns = dimensions.map(
      (dimension) => `${source.dimensions[dimension as keyof typeof source.dimensions]} AS ${dimension}`,
    );
    return `SELECT (t.executed_at)::date AS day${columns.map((column) => `, ${column}`).join('')},
      SUM(t.notional_usd) AS notional_usd, COUNT(*) AS trade_count, SUM(t.fee_usd) AS fee_usd
      FROM trades t${joinUsers ? ' JOIN users u ON u.user_id = t.user_id' : ''}
      GROUP BY ${Array.from({ length: dimensions.length + 1 }, (_, index) => index + 1).join(', ')}`;
  }
  // Flows: deposits and withdrawals side by side with a direction column.
  const userColumns = new Set(['country', 'kyc_level', 'vip_tier']);
  const joinUsers = dimensions.some((dimension) => userColumns.has(dimension));
  const columnOf = (dimension: DimensionName): string =>
    userColumns.has(dimension) ? `u.${dimension}` : `f.${dimension}`;
  const columns = dimensions.map((dimension) => `${columnOf(dimension)} AS ${dimension}`);
  return `SELECT (f.created_at)::date AS day, f.direction${columns.map((column) => `, ${column}`).join('')},
    SUM(f.amount_usd) AS amount_usd, COUNT(*) AS transfer_count
    FROM (SELECT user_id, asset, chain, platform, created_at, amount_usd, 'deposit' AS direction FROM deposits WHERE status = 'completed'
          UNION ALL
          SELECT user_id, asset, chain, platform, created_at, amount_usd, 'withdrawal' AS direction FROM withdrawals WHERE status = 'completed') f
    ${joinUsers ? 'JOIN users u ON u.user_id = f.user_id' : ''}
    GROUP BY ${Array.from({ length: dimensions.length + 2 }, (_, index) => index + 1).join(', ')}`;
}

/**
 * (Re)builds the daily rollup tables after the warehouse has been loaded, so metric questions read a
 * few thousand pre-aggregated rows instead of scanning raw trades. Each table is built under a
 * temporary name and swapped in, so a failed build never leaves a half-filled rollup behind.
 */
export async function buildRollups(
  warehouse: SqlConnection,
  options: { progress?: Progress } = {},
): Promise<{ table: string; rows: number }[]> {
  const built: { table: string; rows: number }[] = [];
  const plans = plannedRollups();
  let index = 0;
  for (const plan of plans) {
    options.progress?.update(index, plan.table);
    const staging = `${plan.table}__building`;
    await warehouse.transaction(async (transaction) => {
      await transaction.exec(`DROP TABLE IF EXISTS ${staging}`);
      await transaction.exec(`CREATE TABLE ${staging} AS ${rollupSelect(plan)}`);
      await transaction.exec(`DROP TABLE IF EXISTS ${plan.table}`);
      await transaction.exec(`ALTER TABLE ${staging} RENAME TO ${plan.table}`);
      await transaction.exec(`CREATE INDEX IF NOT EXISTS ${plan.table}__day ON ${plan.table} (day)`);
    });
    const { rows } = await warehouse.query<{ count: number }>(`SELECT COUNT(*) AS count FROM ${plan.table}`);
    built.push({ table: plan.table, rows: Number(rows[0]?.count ?? 0) });
    index++;
  }
  await warehouse.exec('ANALYZE');
  options.progress?.finish();
  return built;
}

/** Rollup tables present in the warehouse (the compiler only uses these). */
export async function listRollups(warehouse: SqlConnection): Promise<Set<string>> {
  const { rows } = await warehouse.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'rollup\\_%' AND table_name NOT LIKE '%\\_\\_building'`,
  );
  return new Set(rows.map((row) => row.name));
}
