/**
 * The refresh: train the default model on the warehouse's `user_events` and precompute, in bulk, what
 * the tools serve: the top items per user with reasons, similar items per item, popular items per
 * (country, VIP tier) segment for cold start, and the item catalogue. Each refresh replaces the
 * previous tables in one transaction, so readers never see half a refresh.
 */
import { createProgress } from '../../core/progress.js';
import type { BulkColumn, SqlConnection } from '../../warehouse/connection.js';
import { DEFAULT_MODEL, type ModelOptions, WAREHOUSE_MODEL_OPTIONS } from './registry.js';
import {
  type CatalogueItem,
  itemItemWeightsOf,
  recommendForPairs,
  segmentKeys,
  trainServingModel,
} from './serving.js';
import { loadEventPairs } from './warehouse-events.js';

/** Options of {@link refreshRecommendations}. */
export interface RefreshOptions {
  /** Model name (default {@link DEFAULT_MODEL}). */
  readonly model?: string;
  /** Hyper-parameters (default {@link WAREHOUSE_MODEL_OPTIONS}). */
  readonly modelOptions?: ModelOptions;
  /** Recommendations stored per user (default 10); larger `k` requests are folded in from stored weights. */
  readonly depth?: number;
  /** Similar items stored per item (default 20). */
  readonly similarDepth?: number;
  /** A (country, tier) or country segment needs this many active users to get its own list (default 20). */
  readonly segmentMinimumUsers?: number;
  /** Clock of the run records (default: the current time). */
  readonly now?: Date;
  /** No progress bar (tests, `--json`). */
  readonly silent?: boolean;
}

/** What a refresh did. */
export interface RefreshSummary {
  readonly runId: number;
  readonly model: string;
  /** Users with events, who got personal recommendations. */
  readonly users: number;
  readonly items: number;
  /** (user, item) pairs trained on. */
  readonly interactions: number;
  readonly recommendations: number;
  readonly similarItems: number;
  /** Cold-start segments stored (including the global one). */
  readonly segments: number;
  readonly trainSeconds: number;
  readonly totalSeconds: number;
}

/** Stores the refresh reads from and writes to. */
export interface RefreshStores {
  readonly warehouse: SqlConnection;
  readonly app: SqlConnection;
}

/** The catalogue query: assets are labelled by symbol, products by name. */
export const CATALOGUE_SQL = `SELECT symbol AS item_id, 'asset' AS item_type, symbol AS label, name FROM assets
UNION ALL
SELECT product_id, 'product', name, name FROM products`;

/**
 * Runs a refresh. Throws (after recording the run as failed) if the warehouse cannot be read or the
 * app tables cannot be written; the previous recommendations then stay in place.
 *
 * @example
 * const summary = await refreshRecommendations(await openStores({ inMemory: true }), { silent: true });
 */
export async function refreshRecommendations(
  stores: RefreshStores,
  options: RefreshOptions = {},
): Promise<RefreshSummary> {
  const started = performance.now();
  const depth = options.depth ?? 10;
  const similarDepth = options.similarDepth ?? 20;
  const minimumUsers = options.segmentMinimumUsers ?? 20;
  const modelName = options.model ?? DEFAULT_MODEL;
  const modelOptions = options.modelOptions ?? WAREHOUSE_MODEL_OPTIONS;
  const now = options.now ?? new Date();
  const { rows: runRows } = await stores.app.query<{ run_id: number }>(
    `INSERT INTO app.recommendation_runs (model, parameters, status, started_at, depth)
     VALUES ($1, $2, 'running', $3, $4) RETURNING run_id`,
    [modelName, JSON.stringify(modelOptions), now.toISOString(), depth],
  );
  const runId = Number(runRows[0]!.run_id);
  try {
    const pairs = await loadEventPairs(stores.warehouse);
    const catalogueRows = (
      await stores.warehouse.query<{ item_id: string; item_type: string; label: string; name: string }>(
        CATALOGUE_SQL,
      )
    ).rows;
    const segmentOf = await loadUserSegments(stores.warehouse);
    const catalogue: CatalogueItem[] = catalogueRows.map((row) => ({
      itemId: row.item_id,
      itemType: row.item_type,
      label: row.label,
      name: row.name,
    }));
    const serving = trainServingModel(pairs, catalogue, { model: modelName, modelOptions });
    const { data, model } = serving;

    // Personal recommendations for every user with events.
    const progress = createProgress({
      label: 'recommendations',
      total: data.userIds.length,
      unit: 'users',
      silent: options.silent ?? false,
    });
    const recommendationRows: unknown[][] = [];
    data.userIds.forEach((userId, row) => {
      const userPairs = serving.pairsByUser.get(userId) ?? [];
      for (const entry of recommendForPairs(serving, userPairs, depth, serving.labels, row)) {
        recommendationRows.push([userId, entry.rank, entry.itemId, entry.score, entry.reason, runId]);
      }
      if (row % 1000 === 0) progress.update(row);
    });
    progress.finish();

    // Similar items, with how many users engaged with both (a fact people can check).
    const itemCount = data.itemIds.length;
    const coUsers = new Int32Array(itemCount * itemCount);
    const { indptr, indices } = data.matrix;
    for (let user = 0; user < data.userIds.length; user++) {
      for (let p = indptr[user]!; p < indptr[user + 1]!; p++) {
        const offset = indices[p]! * itemCount;
        for (let q = indptr[user]!; q < indptr[user + 1]!; q++) coUsers[offset + indices[q]!]!++;
      }
    }
    const similarRows: unknown[][] = [];
    for (let item = 0; item < itemCount; item++) {
      if (coUsers[item * itemCount + item] === 0) continue;
      model.similarItems(item, similarDepth).forEach((entry, position) => {
        similarRows.push([
          data.itemIds[item],
          position + 1,
          data.itemIds[entry.index],
          entry.score,
          coUsers[item * itemCount + entry.index],
          runId,
        ]);
      });
    }

    // Cold start: distinct users per item in each segment (country and tier, country, everyone).
    const segmentItems = new Map<string, Map<string, number>>();
    const segmentUsers = new Map<string, Set<number>>();
    for (const pair of pairs) {
      const user = segmentOf.get(pair.userId);
      const keys = user ? segmentKeys(user.country, user.vipTier) : ['*'];
      for (const key of keys) {
        const counts = segmentItems.get(key) ?? new Map<string, number>();
        counts.set(pair.itemId, (counts.get(pair.itemId) ?? 0) + 1);
        segmentItems.set(key, counts);
        const users = segmentUsers.get(key) ?? new Set<number>();
        users.add(pair.userId);
        segmentUsers.set(key, users);
      }
    }
    const popularRows: unknown[][] = [];
    let segments = 0;
    for (const [key, counts] of [...segmentItems].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (key !== '*' && segmentUsers.get(key)!.size < minimumUsers) continue;
      segments++;
      [...counts]
        .sort(([itemA, usersA], [itemB, usersB]) => usersB - usersA || (itemA < itemB ? -1 : 1))
        .slice(0, depth)
        .forEach(([itemId, users], position) => {
          popularRows.push([key, position + 1, itemId, users, runId]);
        });
    }

    const itemUsers = new Map<string, number>();
    for (const pair of pairs) itemUsers.set(pair.itemId, (itemUsers.get(pair.itemId) ?? 0) + 1);
    const catalogueById = new Map(catalogue.map((item) => [item.itemId, item] as const));
    const itemRows = data.itemIds.map((itemId) => {
      const item = catalogueById.get(itemId);
      return [
        itemId,
        item?.itemType ?? pairs.find((pair) => pair.itemId === itemId)?.itemType ?? 'unknown',
        item?.label ?? itemId,
        item?.name ?? itemId,
        itemUsers.get(itemId) ?? 0,
        runId,
      ];
    });

    // The weights of an item-item model, so the tools can fold in users newer than this refresh.
    const stored = itemItemWeightsOf(model);
    const weightRows: unknown[][] = [];
    if (stored) {
      for (let from = 0; from < itemCount; from++) {
        for (let to = 0; to < itemCount; to++) {
          const weight = stored.weights[from * itemCount + to]!;
          if (weight !== 0) weightRows.push([data.itemIds[from], data.itemIds[to], weight, runId]);
        }
      }
    }

    await stores.app.transaction(async (transaction) => {
      await transaction.exec(
        'DELETE FROM app.recommendations; DELETE FROM app.similar_items; DELETE FROM app.popular_items; DELETE FROM app.recommendation_items; DELETE FROM app.recommendation_weights;',
      );
      await transaction.bulkInsert(
        'app.recommendation_weights',
        columns('item_id:text, other_item_id:text, weight:real, run_id:bigint'),
        weightRows,
      );
      await transaction.bulkInsert(
        'app.recommendation_items',
        columns('item_id:text, item_type:text, label:text, name:text, users:integer, run_id:bigint'),
        itemRows,
      );
      const chunk = 200_000;
      for (let start = 0; start < recommendationRows.length; start += chunk) {
        await transaction.bulkInsert(
          'app.recommendations',
          columns('user_id:integer, rank:smallint, item_id:text, score:real, reason:text, run_id:bigint'),
          recommendationRows.slice(start, start + chunk),
        );
      }
      await transaction.bulkInsert(
        'app.similar_items',
        columns(
          'item_id:text, rank:smallint, other_item_id:text, score:real, co_users:integer, run_id:bigint',
        ),
        similarRows,
      );
      await transaction.bulkInsert(
        'app.popular_items',
        columns('segment:text, rank:smallint, item_id:text, users:integer, run_id:bigint'),
        popularRows,
      );
      await transaction.query(
        `UPDATE app.recommendation_runs
         SET status = 'done', finished_at = $2, users = $3, items = $4, interactions = $5, train_seconds = $6,
             weights_transform = $7
         WHERE run_id = $1`,
        [
          runId,
          new Date(now.getTime() + (performance.now() - started)).toISOString(),
          data.userIds.length,
          itemCount,
          pairs.length,
          serving.trainSeconds,
          stored?.transform ?? null,
        ],
      );
    });
    return {
      runId,
      model: model.name,
      users: data.userIds.length,
      items: itemCount,
      interactions: pairs.length,
      recommendations: recommendationRows.length,
      similarItems: similarRows.length,
      segments,
      trainSeconds: serving.trainSeconds,
      totalSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    await stores.app
      .query(`UPDATE app.recommendation_runs SET status = 'failed', error = $2 WHERE run_id = $1`, [
        runId,
        (error as Error).message,
      ])
      .catch(() => undefined);
    throw error;
  }
}

/** Users' segments (country, VIP tier), packed into one value for the same reason as the event pairs. */
async function loadUserSegments(
  warehouse: SqlConnection,
): Promise<Map<number, { country: string; vipTier: number }>> {
  const { rows } = await warehouse.query<{ packed: string | null }>(
    `SELECT coalesce(string_agg(concat_ws(chr(31), user_id, trim(country), vip_tier), chr(30)), '') AS packed FROM users`,
  );
  const segments = new Map<number, { country: string; vipTier: number }>();
  const packed = rows[0]?.packed ?? '';
  if (packed === '') return segments;
  for (const record of packed.split('\u001e')) {
    const [userId, country, vipTier] = record.split('\u001f') as [string, string, string];
    segments.set(Number(userId), { country, vipTier: Number(vipTier) });
  }
  return segments;
}

function columns(spec: string): BulkColumn[] {
  return spec.split(',').map((entry) => {
    const [name, type] = entry.trim().split(':') as [string, string];
    return { name, type };
  });
}
