/**
 * The warehouse's `user_events` as implicit feedback. Events are aggregated per (user, item) in SQL, so
 * half a million events arrive as a few hundred thousand pairs, each with a summed weight and flags for
 * what the user did with the item.
 *
 * Weights (view = 1, trade = 3, subscribe = 5): a view is cheap and often idle browsing; a trade commits
 * money, so it is far stronger evidence of interest; a subscription (earn, futures) is a deliberate,
 * lasting commitment and the strongest signal. The 1 : 3 : 5 scale keeps repeated views able to
 * add up (five views of a coin count like one subscription) without letting a browser outweigh a trader.
 * The default EASE model trains on the binarised pairs (what the ML-100K evaluation selected) and uses
 * the weights to order a user's reasons; ALS and item-kNN can use them through their `transform`.
 */
import type { SqlConnection } from '../../warehouse/connection.js';
import type { Interaction } from './interactions.js';

/** Event types of `user_events.event_type`. */
export type EventType = 'view' | 'trade' | 'subscribe';

/** The weight of each event type; see the module comment for why. */
export const EVENT_WEIGHTS: Readonly<Record<EventType, number>> = { view: 1, trade: 3, subscribe: 5 };

/** One aggregated (user, item) pair of `user_events`. */
export interface EventPair {
  readonly userId: number;
  readonly itemId: string;
  readonly itemType: string;
  /** Σ event weights. */
  readonly weight: number;
  readonly views: number;
  readonly trades: number;
  readonly subscriptions: number;
  /** Seconds since the epoch of the first event (the temporal split orders by it). */
  readonly firstAt: number;
}

/** The per-pair aggregate; the three weights are $1..$3 so the SQL text is stable for the audit log. */
const PAIR_COLUMNS = `user_id, item_id, min(item_type) AS item_type,
  sum(CASE event_type WHEN 'view' THEN $1::float8 WHEN 'trade' THEN $2::float8 WHEN 'subscribe' THEN $3::float8 ELSE 0 END)::float8 AS weight,
  count(*) FILTER (WHERE event_type = 'view')::int AS views,
  count(*) FILTER (WHERE event_type = 'trade')::int AS trades,
  count(*) FILTER (WHERE event_type = 'subscribe')::int AS subscriptions,
  floor(extract(epoch FROM min(created_at)))::bigint AS first_at`;

/**
 * Every pair, packed into one text value (fields separated by U+001F, pairs by U+001E). The embedded
 * store spends ~100 µs decoding each result row, so 250k rows take half a minute while one packed value
 * of the same data takes about two seconds; PostgreSQL returns it just as well.
 */
export const EVENT_PAIRS_SQL = `SELECT coalesce(string_agg(concat_ws(chr(31), user_id, item_id, item_type, weight, views, trades, subscriptions, first_at), chr(30)), '') AS packed
FROM (SELECT ${PAIR_COLUMNS}
FROM user_events
GROUP BY user_id, item_id) AS pairs`;

/** One user's pairs ($4 = user id) as ordinary rows, served by the `user_events_user_id` index. */
export const USER_EVENT_PAIRS_SQL = `SELECT ${PAIR_COLUMNS}
FROM user_events
WHERE user_id = $4
GROUP BY user_id, item_id`;

/** The parameters of {@link EVENT_PAIRS_SQL} (and the first three of {@link USER_EVENT_PAIRS_SQL}). */
export const EVENT_PAIRS_PARAMS: readonly number[] = [
  EVENT_WEIGHTS.view,
  EVENT_WEIGHTS.trade,
  EVENT_WEIGHTS.subscribe,
];

/** A row of {@link USER_EVENT_PAIRS_SQL} as the drivers return it. */
export interface EventPairRow {
  readonly user_id: number | string;
  readonly item_id: string;
  readonly item_type: string;
  readonly weight: number | string;
  readonly views: number | string;
  readonly trades: number | string;
  readonly subscriptions: number | string;
  readonly first_at: number | string;
}

/** Converts rows of {@link USER_EVENT_PAIRS_SQL} into {@link EventPair}s. */
export function eventPairsFromRows(rows: readonly EventPairRow[]): EventPair[] {
  return rows.map((row) => ({
    userId: Number(row.user_id),
    itemId: String(row.item_id),
    itemType: String(row.item_type),
    weight: Number(row.weight),
    views: Number(row.views),
    trades: Number(row.trades),
    subscriptions: Number(row.subscriptions),
    firstAt: Number(row.first_at),
  }));
}

/** Unpacks the single value of {@link EVENT_PAIRS_SQL}. */
export function unpackEventPairs(packed: string): EventPair[] {
  if (packed === '') return [];
  return packed.split('\u001e').map((record) => {
    const [userId, itemId, itemType, weight, views, trades, subscriptions, firstAt] = record.split(
      '\u001f',
    ) as [string, string, string, string, string, string, string, string];
    return {
      userId: Number(userId),
      itemId,
      itemType,
      weight: Number(weight),
      views: Number(views),
      trades: Number(trades),
      subscriptions: Number(subscriptions),
      firstAt: Number(firstAt),
    };
  });
}

/** Reads every (user, item) pair of `user_events`. */
export async function loadEventPairs(warehouse: SqlConnection): Promise<EventPair[]> {
  const { rows } = await warehouse.query<{ packed: string | null }>(EVENT_PAIRS_SQL, EVENT_PAIRS_PARAMS);
  return unpackEventPairs(rows[0]?.packed ?? '');
}

/**
 * Pairs as interactions for the models and the evaluation: value = summed weight, time = first event
 * (for a temporal split: when the user first showed interest in the item).
 */
export function interactionsFromPairs(pairs: readonly EventPair[]): Interaction[] {
  return pairs.map((pair) => ({
    userId: pair.userId,
    itemId: pair.itemId,
    value: pair.weight,
    time: pair.firstAt,
  }));
}

/** True when the user already holds (traded) or subscribed to the item: never recommend it again. */
export function isOwned(pair: Pick<EventPair, 'trades' | 'subscriptions'>): boolean {
  return pair.trades > 0 || pair.subscriptions > 0;
}
