import { z } from 'zod';
import { editDistance, UnknownNameError } from '../core/errors.js';
import {
  CATALOGUE_SQL,
  type CatalogueItem,
  cachedServingModel,
  EVENT_PAIRS_PARAMS,
  EVENT_PAIRS_SQL,
  unpackEventPairs,
} from '../models/recommend/index.js';
import { defineTool, type ExecutedSql, runAuditedQuery } from './define-tool.js';

/** Input of `similar_items`. */
export const similarItemsInput = z.object({
  item: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .describe('Asset symbol (any case) or product id, or a product name. Example: SOL'),
  k: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(5)
    .describe('How many similar items to return, 1 to 50 (default 5). Example: 5'),
});

/** An item as shown. */
export interface ItemSummary {
  readonly itemId: string;
  /** 'asset' or 'product'. */
  readonly itemType: string;
  /** Symbol of an asset ('SOL'), name of a product ('SOL Staking'). */
  readonly label: string;
  readonly name: string;
}

/** One similar item. */
export interface SimilarItem extends ItemSummary {
  readonly rank: number;
  /** Model similarity (EASE: how strongly engaging with the item predicts this one). */
  readonly score: number;
  /** Users who engaged with both items. */
  readonly coUsers: number;
}

/** Result of `similar_items`. */
export interface SimilarItemsResult {
  readonly kind: 'similar_items';
  readonly item: ItemSummary;
  readonly source: 'precomputed' | 'on_the_fly';
  readonly model: string;
  readonly refreshedAt: string | null;
  readonly note: string | null;
  readonly items: readonly SimilarItem[];
  readonly sql: ExecutedSql[];
}

/** Close matches listed when an item is unknown. */
const CLOSE_MATCHES = 8;

/**
 * `similar_items`: the assets and products the same users engage with, most similar first, from the
 * last refresh (or a model trained on the fly when there has been none). An unknown item is an
 * {@link UnknownNameError} listing the closest names.
 */
export const similarItemsTool = defineTool({
  name: 'similar_items',
  description:
    'Assets or products that the same users engage with (views, trades, subscriptions), most similar first, with how many users engaged with both. Takes an asset symbol such as SOL or a product id.',
  input: similarItemsInput,
  async run(input, context): Promise<SimilarItemsResult> {
    const sql: ExecutedSql[] = [];
    const query = async <Row>(text: string, params: readonly unknown[], store: 'warehouse' | 'app') => {
      const { rows, executed } = await runAuditedQuery<Row>(
        context,
        'similar_items',
        text,
        params,
        store === 'app' ? context.app : context.warehouse,
      );
      sql.push(executed);
      return rows;
    };
    const k = input.k;
    // One statement for the last refresh and its catalogue (no row at all before the first refresh).
    const runRows = await query<{
      run_id: number;
      model: string;
      finished_at: string;
      item_id: string | null;
      item_type: string;
      label: string;
      name: string;
    }>(
      `SELECT run.run_id, run.model, run.finished_at, i.item_id, i.item_type, i.label, i.name
       FROM (SELECT run_id, model, finished_at FROM app.recommendation_runs
             WHERE status = 'done' ORDER BY run_id DESC LIMIT 1) AS run
       LEFT JOIN app.recommendation_items i ON true
       ORDER BY i.item_id`,
      [],
      'app',
    );
    const run = runRows[0];

    if (run) {
      const catalogue = runRows
        .filter((row) => row.item_id !== null)
        .map((row) => ({ itemId: row.item_id!, itemType: row.item_type, label: row.label, name: row.name }));
      const item = resolveItem(input.item, catalogue);
      const rows = await query<{
        rank: number;
        other_item_id: string;
        score: number;
        co_users: number;
        item_type: string;
        label: string;
        name: string;
      }>(
        `SELECT s.rank, s.other_item_id, s.score, s.co_users, i.item_type, i.label, i.name
         FROM app.similar_items s JOIN app.recommendation_items i ON i.item_id = s.other_item_id
         WHERE s.item_id = $1 ORDER BY s.rank LIMIT $2`,
        [item.itemId, k],
        'app',
      );
      const items = rows.map((row) => ({
        rank: Number(row.rank),
        itemId: row.other_item_id,
        itemType: row.item_type,
        label: row.label,
        name: row.name,
        score: Number(row.score),
        coUsers: Number(row.co_users),
      }));
      return {
        kind: 'similar_items',
        item,
        source: 'precomputed',
        model: run.model,
        refreshedAt: run.finished_at,
        note: shortfallNote(item, items.length, k),
        items,
        sql,
      };
    }

    // No refresh yet: resolve against the warehouse catalogue and use the cached on-the-fly model.
    const catalogueRows = await query<{ item_id: string; item_type: string; label: string; name: string }>(
      CATALOGUE_SQL,
      [],
      'warehouse',
    );
    const catalogue: CatalogueItem[] = catalogueRows.map((row) => ({
      itemId: row.item_id,
      itemType: row.item_type,
      label: row.label,
      name: row.name,
    }));
    const item = resolveItem(input.item, catalogue);
    const serving = await cachedServingModel(context.warehouse, async () => ({
      pairs: unpackEventPairs(
        (await query<{ packed: string | null }>(EVENT_PAIRS_SQL, EVENT_PAIRS_PARAMS, 'warehouse'))[0]
          ?.packed ?? '',
      ),
      catalogue,
    }));
    const byId = new Map(catalogue.map((entry) => [entry.itemId, entry] as const));
    const index = serving.data.itemIndex.get(item.itemId);
    const items: SimilarItem[] = [];
    if (index !== undefined) {
      const { indptr, indices } = serving.data.matrix;
      const coUsers = new Int32Array(serving.data.itemIds.length);
      for (let user = 0; user < serving.data.userIds.length; user++) {
        let has = false;
        for (let p = indptr[user]!; p < indptr[user + 1]!; p++) if (indices[p] === index) has = true;
        if (!has) continue;
        for (let p = indptr[user]!; p < indptr[user + 1]!; p++) coUsers[indices[p]!]!++;
      }
      for (const [position, entry] of serving.model.similarItems(index, k).entries()) {
        const itemId = serving.data.itemIds[entry.index]!;
        const other = byId.get(itemId);
        items.push({
          rank: position + 1,
          itemId,
          itemType: other?.itemType ?? 'unknown',
          label: other?.label ?? itemId,
          name: other?.name ?? itemId,
          score: entry.score,
          coUsers: coUsers[entry.index]!,
        });
      }
    }
    const shortfall = shortfallNote(item, items.length, k);
    return {
      kind: 'similar_items',
      item,
      source: 'on_the_fly',
      model: serving.model.name,
      refreshedAt: null,
      note: `Recommendations have not been refreshed yet; computed on the fly from user_events.${shortfall ? ` ${shortfall}` : ''}`,
      items,
      sql,
    };
  },
});

/**
 * Finds an item by id, symbol or name, ignoring case ('sol' → SOL, 'SOL Staking' → earn-sol-staking).
 * Throws an {@link UnknownNameError} listing the closest names when nothing matches.
 */
export function resolveItem(input: string, catalogue: readonly ItemSummary[]): ItemSummary {
  const needle = input.trim().toLowerCase();
  const exact = catalogue.find((item) => item.itemId === input.trim());
  if (exact) return exact;
  const match = catalogue.find(
    (item) =>
      item.itemId.toLowerCase() === needle ||
      item.label.toLowerCase() === needle ||
      item.name.toLowerCase() === needle,
  );
  if (match) return match;
  const scored = catalogue.map((item) => {
    const candidates = [item.itemId, item.label, item.name].map((text) => text.toLowerCase());
    const distance = Math.min(
      ...candidates.map((text) =>
        text.includes(needle) || needle.includes(text) ? 0.5 : editDistance(needle, text),
      ),
    );
    return { id: item.itemType === 'asset' ? item.label : item.itemId, distance };
  });
  const close = scored
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1))
    .slice(0, CLOSE_MATCHES)
    .map((entry) => entry.id);
  throw new UnknownNameError({ code: 'item_unknown', kind: 'item', input: input.trim(), available: close });
}

function shortfallNote(item: ItemSummary, found: number, k: number): string | null {
  if (found >= k) return null;
  if (found === 0) return `No item is related to ${item.label}: too few users engaged with it.`;
  return `Only ${found} item${found === 1 ? ' is' : 's are'} related to ${item.label}.`;
}
