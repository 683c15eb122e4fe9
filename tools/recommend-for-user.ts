import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import {
  CATALOGUE_SQL,
  type CatalogueItem,
  cachedServingModel,
  coldStartReason,
  compareItemIds,
  EVENT_PAIRS_PARAMS,
  EVENT_PAIRS_SQL,
  type EventPair,
  type EventPairRow,
  eventPairsFromRows,
  isOwned,
  parseSegmentKey,
  recommendForPairs,
  segmentKeys,
  storedItemItemScorer,
  USER_EVENT_PAIRS_SQL,
  unpackEventPairs,
  type ValueTransform,
} from '../models/recommend/index.js';
import { defineTool, type ExecutedSql, runAuditedQuery, type ToolContext } from './define-tool.js';

/** Input of `recommend_for_user`. */
export const recommendForUserInput = z.object({
  user_id: z
    .number()
    .int()
    .positive()
    .max(2_147_483_647)
    .describe('Exchange user id (integer) to recommend assets and products to. Example: 48213'),
  k: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(5)
    .describe('How many items to recommend, 1 to 50 (default 5). Example: 5'),
});

/** One recommended item. */
export interface RecommendedItem {
  readonly rank: number;
  readonly itemId: string;
  /** 'asset' or 'product'. */
  readonly itemType: string;
  /** Symbol of an asset ('SOL'), name of a product ('SOL Staking'). */
  readonly label: string;
  readonly name: string;
  /** Model score (EASE: additive evidence from the user's items); for cold start, users in the segment. */
  readonly score: number;
  /** Why, in words: "because you traded ARB and OP". */
  readonly reason: string;
}

/** Result of `recommend_for_user`. */
export interface RecommendForUserResult {
  readonly kind: 'recommend_for_user';
  readonly user: { readonly userId: number; readonly country: string; readonly vipTier: number };
  /** Where the list came from: the last refresh, a model trained on the fly, or popularity for a new user. */
  readonly source: 'precomputed' | 'on_the_fly' | 'cold_start';
  /** Model behind the list ('popularity' for cold start). */
  readonly model: string;
  /** When the precomputed tables were refreshed (ISO), or null when there has been no refresh. */
  readonly refreshedAt: string | null;
  /** Anything the reader should know (no refresh yet, computed on the fly and why). */
  readonly note: string | null;
  readonly items: readonly RecommendedItem[];
  /** Labels of the items the user holds (traded) or subscribed to, which are never recommended. */
  readonly excluded: readonly string[];
  readonly sql: ExecutedSql[];
}

interface RunRow {
  run_id: number;
  model: string;
  finished_at: string;
  depth: number;
  /** Set when the run stored item-item weights (EASE, item-kNN) that serving can fold in from. */
  weights_transform: string | null;
}

/** The user, their (user, item) pairs and item labels; one row with null item columns if no events. */
const USER_WITH_PAIRS_SQL = `SELECT u.user_id, u.country, u.vip_tier, p.item_id, p.item_type, p.weight, p.views, p.trades,
  p.subscriptions, p.first_at, coalesce(a.symbol, pr.name) AS label
FROM users u
LEFT JOIN LATERAL (${USER_EVENT_PAIRS_SQL.replace('WHERE user_id = $4', 'WHERE user_id = u.user_id')}) p ON true
LEFT JOIN assets a ON a.symbol = p.item_id
LEFT JOIN products pr ON pr.product_id = p.item_id
WHERE u.user_id = $4
ORDER BY p.item_id`;

interface UserPairRow {
  user_id: number;
  country: string;
  vip_tier: number;
  item_id: string | null;
  label: string | null;
}

/** The last finished refresh; a subquery of the two statements below. */
const LAST_RUN = `(SELECT run_id, model, finished_at, depth, weights_transform FROM app.recommendation_runs
  WHERE status = 'done' ORDER BY run_id DESC LIMIT 1) AS run`;

/** The last run with the user's precomputed list ($1 = user id); no row at all when nothing was refreshed. */
const PRECOMPUTED_SQL = `SELECT run.*, NULL::text AS segment, r.rank, r.item_id, r.score::float8 AS score, r.reason,
  i.item_type, i.label, i.name
FROM ${LAST_RUN}
LEFT JOIN app.recommendations r ON r.user_id = $1
LEFT JOIN app.recommendation_items i ON i.item_id = r.item_id
ORDER BY r.rank`;

/** The last run with the cold-start lists of the user's segments ($1 = segment keys). */
const COLD_START_SQL = `SELECT run.*, p.segment, p.rank, p.item_id, p.users::float8 AS score, NULL::text AS reason,
  i.item_type, i.label, i.name
FROM ${LAST_RUN}
LEFT JOIN app.popular_items p ON p.segment = ANY($1)
LEFT JOIN app.recommendation_items i ON i.item_id = p.item_id
ORDER BY p.rank, p.segment`;

interface ServedRow extends RunRow {
  segment: string | null;
  rank: number | null;
  item_id: string | null;
  score: number | null;
  reason: string | null;
  item_type: string | null;
  label: string | null;
  name: string | null;
}

/**
 * `recommend_for_user`: what to show one user, served from the precomputed tables of the last refresh,
 * without what they already hold or subscribed to, each item with a reason. A user with no events gets
 * what is popular in their country and VIP tier. Without a refresh, the model is trained on the fly.
 */
export const recommendForUserTool = defineTool({
  name: 'recommend_for_user',
  description:
    'Recommend assets and products to show one exchange user, each with a reason from their own activity ("because you traded ARB and OP"). Excludes what the user already holds (traded) or subscribed to. New users with no activity get what is popular in their country and VIP tier.',
  input: recommendForUserInput,
  async run(input, context): Promise<RecommendForUserResult> {
    const sql: ExecutedSql[] = [];
    const query = async <Row>(text: string, params: readonly unknown[], store: 'warehouse' | 'app') => {
      const { rows, executed } = await runAuditedQuery<Row>(
        context,
        'recommend_for_user',
        text,
        params,
        store === 'app' ? context.app : context.warehouse,
      );
      sql.push(executed);
      return rows;
    };
    const userId = input.user_id;
    const k = input.k;
    // One warehouse statement: the user, their pairs and the labels of their items (for "excluded").
    const userRows = await query<UserPairRow>(
      USER_WITH_PAIRS_SQL,
      [...EVENT_PAIRS_PARAMS, userId],
      'warehouse',
    );
    const user = userRows[0];
    if (!user) {
      throw new InvalidInputError(
        'user_unknown',
        `Unknown user ${userId}: there is no user with this user_id in the warehouse.`,
      );
    }
    const country = String(user.country).trim();
    const vipTier = Number(user.vip_tier);
    const withEvents = userRows.filter((row) => row.item_id !== null) as (UserPairRow & EventPairRow)[];
    const pairs = eventPairsFromRows(withEvents);
    const ownedIds = new Set(pairs.filter(isOwned).map((pair) => pair.itemId));
    const ownedLabels = withEvents
      .filter((row) => ownedIds.has(row.item_id))
      .map((row) => row.label ?? row.item_id)
      .sort();
    const base = { kind: 'recommend_for_user' as const, user: { userId, country, vipTier }, sql };
    const keys = segmentKeys(country, vipTier);

    // One app statement: the last refresh joined with this user's list (or their segments' lists).
    const rows = await query<ServedRow>(
      pairs.length > 0 ? PRECOMPUTED_SQL : COLD_START_SQL,
      [pairs.length > 0 ? userId : keys],
      'app',
    );
    const run: RunRow | undefined = rows[0];
    const listed = rows.filter((row) => row.item_id !== null) as (ServedRow & { item_id: string })[];

    if (run && pairs.length === 0) {
      // Cold start from the precomputed segment lists: the most specific segment that has one.
      const segment = keys.find((key) => listed.some((row) => row.segment === key)) ?? '*';
      const reason = coldStartReason(parseSegmentKey(segment));
      const items = listed
        .filter((row) => row.segment === segment)
        .slice(0, k)
        .map((row, index) => ({
          rank: index + 1,
          itemId: row.item_id,
          itemType: row.item_type ?? 'unknown',
          label: row.label ?? row.item_id,
          name: row.name ?? row.item_id,
          score: Number(row.score),
          reason,
        }));
      return {
        ...base,
        source: 'cold_start',
        model: 'popularity',
        refreshedAt: run.finished_at,
        note:
          segment === keys[0]
            ? null
            : `Too few active users share this user's country and tier; using ${segment === '*' ? 'the whole exchange' : `users in ${country}`}.`,
        items,
        excluded: [],
      };
    }

    if (run && pairs.length > 0) {
      // Items bought or subscribed since the refresh are dropped here too.
      const fresh = listed.filter((row) => !ownedIds.has(row.item_id));
      const complete = listed.length < Number(run.depth) || fresh.length >= k;
      if (listed.length > 0 && complete) {
        return {
          ...base,
          source: 'precomputed',
          model: run.model,
          refreshedAt: run.finished_at,
          note: null,
          items: fresh.slice(0, k).map((row, index) => ({
            rank: index + 1,
            itemId: row.item_id,
            itemType: row.item_type ?? 'unknown',
            label: row.label ?? row.item_id,
            name: row.name ?? row.item_id,
            score: Number(row.score),
            reason: row.reason ?? '',
          })),
          excluded: ownedLabels,
        };
      }
      const why =
        listed.length === 0
          ? 'this user has no precomputed list (their activity is newer than the last refresh)'
          : `k = ${k} is more than the ${run.depth} items precomputed per user`;
      if (run.weights_transform) {
        return foldIn(
          query,
          base,
          pairs,
          ownedIds,
          k,
          run,
          `Computed on the fly from the stored model: ${why}.`,
        );
      }
      return onTheFly(context, query, base, pairs, ownedIds, k, run, `Computed on the fly: ${why}.`);
    }

    // No refresh has run: train on the fly (cached), or popularity for a user with no events.
    if (pairs.length > 0) {
      return onTheFly(
        context,
        query,
        base,
        pairs,
        ownedIds,
        k,
        undefined,
        'Recommendations have not been refreshed yet; computed on the fly from user_events (run the recommendations refresh to serve them precomputed).',
      );
    }
    return coldStartOnTheFly(query, base, country, vipTier, k);
  },
});

type Query = <Row>(text: string, params: readonly unknown[], store: 'warehouse' | 'app') => Promise<Row[]>;

type Base = Pick<RecommendForUserResult, 'kind' | 'user' | 'sql'>;

async function onTheFly(
  context: ToolContext,
  query: Query,
  base: Base,
  pairs: readonly EventPair[],
  ownedIds: ReadonlySet<string>,
  k: number,
  run: RunRow | undefined,
  note: string,
): Promise<RecommendForUserResult> {
  const serving = await cachedServingModel(context.warehouse, async () => ({
    pairs: unpackEventPairs(
      (await query<{ packed: string | null }>(EVENT_PAIRS_SQL, EVENT_PAIRS_PARAMS, 'warehouse'))[0]?.packed ??
        '',
    ),
    catalogue: await loadCatalogue(query),
  }));
  const catalogue = new Map((await loadCatalogue(query)).map((item) => [item.itemId, item] as const));
  const items = recommendForPairs(serving, pairs, k, serving.labels).map((entry) => {
    const item = catalogue.get(entry.itemId);
    return {
      rank: entry.rank,
      itemId: entry.itemId,
      itemType: item?.itemType ?? 'unknown',
      label: item?.label ?? entry.itemId,
      name: item?.name ?? entry.itemId,
      score: entry.score,
      reason: entry.reason,
    };
  });
  return {
    ...base,
    source: 'on_the_fly',
    model: serving.model.name,
    refreshedAt: run?.finished_at ?? null,
    note,
    items,
    excluded: [...ownedIds].map((id) => catalogue.get(id)?.label ?? id).sort(),
  };
}

/**
 * Scores the user's current pairs with the item-item weights the last refresh stored: the same model
 * and the same reasons as the precomputed lists, for a fraction of a millisecond of arithmetic.
 */
async function foldIn(
  query: Query,
  base: Base,
  pairs: readonly EventPair[],
  ownedIds: ReadonlySet<string>,
  k: number,
  run: RunRow,
  note: string,
): Promise<RecommendForUserResult> {
  const catalogueRows = await query<{ item_id: string; item_type: string; label: string; name: string }>(
    'SELECT item_id, item_type, label, name FROM app.recommendation_items',
    [],
    'app',
  );
  // The refresh's item order, so ties break the same way as in the precomputed lists.
  const itemIds = catalogueRows.map((row) => row.item_id).sort(compareItemIds);
  const index = new Map(itemIds.map((id, position) => [id, position] as const));
  const weightRows = await query<{ item_id: string; other_item_id: string; weight: number }>(
    'SELECT item_id, other_item_id, weight FROM app.recommendation_weights WHERE item_id = ANY($1)',
    [pairs.map((pair) => pair.itemId)],
    'app',
  );
  const size = itemIds.length;
  const weights = new Float32Array(size * size);
  for (const row of weightRows) {
    const from = index.get(row.item_id);
    const to = index.get(row.other_item_id);
    if (from !== undefined && to !== undefined) weights[from * size + to] = Number(row.weight);
  }
  const scorer = storedItemItemScorer({
    name: run.model,
    itemIds,
    weights,
    transform: run.weights_transform as ValueTransform,
  });
  const byId = new Map(catalogueRows.map((row) => [row.item_id, row] as const));
  const labels = new Map(catalogueRows.map((row) => [row.item_id, row.label] as const));
  const items = recommendForPairs(scorer, pairs, k, labels).map((entry) => {
    const item = byId.get(entry.itemId);
    return {
      rank: entry.rank,
      itemId: entry.itemId,
      itemType: item?.item_type ?? 'unknown',
      label: item?.label ?? entry.itemId,
      name: item?.name ?? entry.itemId,
      score: entry.score,
      reason: entry.reason,
    };
  });
  return {
    ...base,
    source: 'on_the_fly',
    model: run.model,
    refreshedAt: run.finished_at,
    note,
    items,
    excluded: [...ownedIds].map((id) => labels.get(id) ?? id).sort(),
  };
}

async function coldStartOnTheFly(
  query: Query,
  base: Base,
  country: string,
  vipTier: number,
  k: number,
): Promise<RecommendForUserResult> {
  // Most specific segment first; a segment with no activity at all falls through to the next.
  const attempts: {
    where: string;
    params: unknown[];
    segment: { country: string | null; vipTier: number | null };
  }[] = [
    {
      where: 'u.country = $2 AND u.vip_tier = $3',
      params: [country, vipTier],
      segment: { country, vipTier },
    },
    { where: 'u.country = $2', params: [country], segment: { country, vipTier: null } },
    { where: 'true', params: [], segment: { country: null, vipTier: null } },
  ];
  const catalogue = new Map((await loadCatalogue(query)).map((item) => [item.itemId, item] as const));
  for (const [index, attempt] of attempts.entries()) {
    const rows = await query<{ item_id: string; users: number }>(
      `SELECT e.item_id, count(DISTINCT e.user_id)::int AS users
       FROM user_events e JOIN users u USING (user_id)
       WHERE ${attempt.where}
       GROUP BY e.item_id ORDER BY users DESC, e.item_id LIMIT $1`,
      [k, ...attempt.params],
      'warehouse',
    );
    const last = index === attempts.length - 1;
    if (rows.length === 0 && !last) continue;
    const reason = coldStartReason(attempt.segment);
    return {
      ...base,
      source: 'cold_start',
      model: 'popularity',
      refreshedAt: null,
      note: 'Recommendations have not been refreshed yet; popularity computed on the fly from user_events.',
      items: rows.map((row, position) => {
        const item = catalogue.get(row.item_id);
        return {
          rank: position + 1,
          itemId: row.item_id,
          itemType: item?.itemType ?? 'unknown',
          label: item?.label ?? row.item_id,
          name: item?.name ?? row.item_id,
          score: Number(row.users),
          reason,
        };
      }),
      excluded: [],
    };
  }
  throw new Error('unreachable: the last cold-start attempt always returns');
}

async function loadCatalogue(query: Query): Promise<CatalogueItem[]> {
  const rows = await query<{ item_id: string; item_type: string; label: string; name: string }>(
    CATALOGUE_SQL,
    [],
    'warehouse',
  );
  return rows.map((row) => ({
    itemId: row.item_id,
    itemType: row.item_type,
    label: row.label,
    name: row.name,
  }));
}
