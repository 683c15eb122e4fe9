/**
 * Serving logic shared by the batch refresh and the tools' on-the-fly path: train the default model on
 * `user_events` pairs, rank items for one user without what they already hold or subscribed to, and
 * say why in words ("because you traded ARB and OP") from the user's own items that contribute most
 * to each recommendation's score.
 */

import type { EaseRecommender } from './ease.js';
import { buildInteractionMatrix, compareItemIds, type InteractionMatrix } from './interactions.js';
import {
  type History,
  itemItemContributions,
  type Recommender,
  transformHistory,
  type ValueTransform,
} from './recommender.js';
import { createRecommender, DEFAULT_MODEL, type ModelOptions, WAREHOUSE_MODEL_OPTIONS } from './registry.js';
import { type ScoredIndex, topK } from './top-k.js';
import { type EventPair, isOwned } from './warehouse-events.js';

/** An item of the catalogue, as shown to people: assets by symbol, products by name. */
export interface CatalogueItem {
  readonly itemId: string;
  readonly itemType: string;
  /** 'SOL' for an asset, 'SOL Staking' for a product. */
  readonly label: string;
  /** 'Solana' for an asset, 'SOL Staking' for a product. */
  readonly name: string;
}

/** What a user did with one of their items, strongest first: the verb of a reason. */
export type ItemAction = 'subscribed to' | 'traded' | 'viewed';

/** One recommended item with its reason. */
export interface RankedRecommendation {
  readonly rank: number;
  readonly itemId: string;
  readonly score: number;
  readonly reason: string;
  /** Item ids of the user's own items behind the reason (empty for a weak or popularity pick). */
  readonly because: readonly string[];
}

/**
 * What serving needs from a model: item ids, fold-in scores and additive reasons. A model trained here
 * ({@link ServingModel}) and weights read back from the app tables ({@link storedItemItemScorer}) both
 * provide it, so precomputed and on-the-fly answers come from the same code.
 */
export interface ServingScorer {
  readonly name: string;
  readonly itemIds: readonly string[];
  readonly itemIndex: ReadonlyMap<string, number>;
  /** Scores of every item for a history (raw event weights; the scorer applies its own transform). */
  scoreHistory(history: History): Float32Array;
  /** How much each history item adds to an item's score, largest first. */
  contributions(history: History, itemIndex: number): ScoredIndex[];
}

/** A model trained on `user_events` pairs, with the maps the refresh needs. */
export interface ServingModel extends ServingScorer {
  readonly model: Recommender;
  readonly data: InteractionMatrix;
  /** The user's pairs by user id, for histories and ownership. */
  readonly pairsByUser: ReadonlyMap<number, readonly EventPair[]>;
  /** Labels of every known item (catalogue and events). */
  readonly labels: ReadonlyMap<string, string>;
  readonly trainSeconds: number;
}

/** The item-item weights and training transform of an item-item model (EASE, item-kNN), if it is one. */
export function itemItemWeightsOf(
  model: Recommender,
): { readonly weights: Float32Array; readonly transform: ValueTransform } | undefined {
  const weights = (model as Partial<ItemItemRecommender>).weights;
  const transform = model.parameters['transform'];
  if (!(weights instanceof Float32Array) || typeof transform !== 'string') return undefined;
  return { weights, transform: transform as ValueTransform };
}

/**
 * A scorer over stored item-item weights (`app.recommendation_weights`), for fold-in at serving time.
 * Only the rows of the items in the histories it will score need to be filled in `weights`.
 */
export function storedItemItemScorer(options: {
  readonly name: string;
  readonly itemIds: readonly string[];
  /** n × n row-major; weights[i·n + j] is how much item i adds to item j. */
  readonly weights: Float32Array;
  readonly transform: ValueTransform;
}): ServingScorer {
  const size = options.itemIds.length;
  const weights = options.weights;
  return {
    name: options.name,
    itemIds: options.itemIds,
    itemIndex: new Map(options.itemIds.map((id, index) => [id, index] as const)),
    scoreHistory(history) {
      const transformed = transformHistory(history, options.transform);
      const scores = new Float32Array(size);
      for (let n = 0; n < transformed.items.length; n++) {
        const value = transformed.values[n]!;
        const offset = transformed.items[n]! * size;
        for (let j = 0; j < size; j++) scores[j]! += value * weights[offset + j]!;
      }
      return scores;
    },
    contributions(history, itemIndex) {
      return itemItemContributions(
        transformHistory(history, options.transform),
        itemIndex,
        (from, to) => weights[from * size + to]!,
      );
    },
  };
}

/** A model with an item-item weight matrix (EASE, item-kNN). */
type ItemItemRecommender = Pick<EaseRecommender, 'weights'>;

/** How long an on-the-fly model is reused before it is retrained from the warehouse. */
export const ON_THE_FLY_MAX_AGE_MS = 10 * 60_000;

const onTheFlyCache = new WeakMap<object, { serving: Promise<ServingModel>; loadedAt: number }>();

/**
 * The serving model trained on the fly (when no refresh has run), cached per warehouse connection
 * for {@link ON_THE_FLY_MAX_AGE_MS} so only the first request pays for training. `load` reads the
 * pairs and the catalogue (the tools pass their audited queries).
 */
export function cachedServingModel(
  key: object,
  load: () => Promise<{ pairs: EventPair[]; catalogue: CatalogueItem[] }>,
): Promise<ServingModel> {
  const cached = onTheFlyCache.get(key);
  if (cached && performance.now() - cached.loadedAt < ON_THE_FLY_MAX_AGE_MS) return cached.serving;
  const serving = load().then(({ pairs, catalogue }) => trainServingModel(pairs, catalogue));
  onTheFlyCache.set(key, { serving, loadedAt: performance.now() });
  // A failed load must not be cached, or every later request would fail the same way.
  serving.catch(() => onTheFlyCache.delete(key));
  return serving;
}

/** Reasons name at most this many of the user's items. */
export const REASON_ITEMS = 2;

/**
 * Trains the serving model (default: EASE on log weights) on every pair. Items are the catalogue and
 * whatever occurs in events, so a listed item nobody touched yet is known (and ranks last).
 */
export function trainServingModel(
  pairs: readonly EventPair[],
  catalogue: readonly CatalogueItem[],
  options: { model?: string; modelOptions?: ModelOptions } = {},
): ServingModel {
  const itemIds = [
    ...new Set([...catalogue.map((item) => item.itemId), ...pairs.map((pair) => pair.itemId)]),
  ].sort(compareItemIds);
  const data = buildInteractionMatrix(
    pairs.map((pair) => ({
      userId: pair.userId,
      itemId: pair.itemId,
      value: pair.weight,
      time: pair.firstAt,
    })),
    { itemIds },
  );
  const model = createRecommender(
    options.model ?? DEFAULT_MODEL,
    options.modelOptions ?? WAREHOUSE_MODEL_OPTIONS,
  );
  const started = performance.now();
  model.fit(data);
  const trainSeconds = (performance.now() - started) / 1000;
  const pairsByUser = new Map<number, EventPair[]>();
  for (const pair of pairs) {
    const list = pairsByUser.get(pair.userId);
    if (list) list.push(pair);
    else pairsByUser.set(pair.userId, [pair]);
  }
  const labels = new Map<string, string>(itemIds.map((id) => [id, id]));
  for (const item of catalogue) labels.set(item.itemId, item.label);
  return {
    name: model.name,
    itemIds: data.itemIds,
    itemIndex: data.itemIndex,
    scoreHistory: (history) => model.scoreHistory(history),
    contributions: (history, itemIndex) => model.contributions(history, itemIndex),
    model,
    data,
    pairsByUser,
    labels,
    trainSeconds,
  };
}

/**
 * The top `k` items for a user's pairs (which may be newer than the model's training data): scored by
 * fold-in, without items the user holds or subscribed to, each with a reason naming the user's items
 * by `labels`. Pass `trainingRow` (with a {@link ServingModel}) when the pairs are exactly that row of
 * the training matrix, as in the batch refresh, to reuse the trained user.
 */
export function recommendForPairs(
  scorer: ServingScorer,
  pairs: readonly EventPair[],
  k: number,
  labels: ReadonlyMap<string, string>,
  trainingRow?: number,
): RankedRecommendation[] {
  const known = pairs.filter((pair) => scorer.itemIndex.has(pair.itemId));
  const history: History = {
    items: Int32Array.from(known, (pair) => scorer.itemIndex.get(pair.itemId)!),
    values: Float32Array.from(known, (pair) => pair.weight),
  };
  const owned = new Uint8Array(scorer.itemIds.length);
  for (const pair of known) if (isOwned(pair)) owned[scorer.itemIndex.get(pair.itemId)!] = 1;
  const trained = (scorer as Partial<ServingModel>).model;
  const scores =
    trainingRow !== undefined && trained ? trained.scoreUser(trainingRow) : scorer.scoreHistory(history);
  const byItem = new Map(known.map((pair) => [pair.itemId, pair] as const));
  return topK(scores, k, (index) => owned[index] === 1).map((entry, position) => {
    const contributors = scorer
      .contributions(history, entry.index)
      .slice(0, REASON_ITEMS)
      .map((contribution) => scorer.itemIds[contribution.index]!);
    const reason =
      contributors.length > 0
        ? reasonText(
            contributors.map((itemId) => ({
              label: labels.get(itemId) ?? itemId,
              action: actionOf(byItem.get(itemId)!),
            })),
          )
        : WEAK_REASON;
    return {
      rank: position + 1,
      itemId: scorer.itemIds[entry.index]!,
      score: entry.score,
      reason,
      because: contributors,
    };
  });
}

/** The reason of a pick none of the user's items points to (it only fills the list). */
export const WEAK_REASON = 'a weak match: none of your items points strongly to it';

/** The strongest thing the user did with an item. */
export function actionOf(pair: Pick<EventPair, 'subscriptions' | 'trades'>): ItemAction {
  if (pair.subscriptions > 0) return 'subscribed to';
  if (pair.trades > 0) return 'traded';
  return 'viewed';
}

/**
 * A reason from the user's contributing items, strongest first; items with the same verb are grouped:
 * "because you traded ARB and OP", "because you traded ARB and viewed SOL Staking".
 *
 * @example
 * reasonText([{ label: 'ARB', action: 'traded' }, { label: 'OP', action: 'traded' }]);
 * // 'because you traded ARB and OP'
 */
export function reasonText(sources: readonly { label: string; action: ItemAction }[]): string {
  const groups: { action: ItemAction; labels: string[] }[] = [];
  for (const source of sources) {
    const group = groups.find((entry) => entry.action === source.action);
    if (group) group.labels.push(source.label);
    else groups.push({ action: source.action, labels: [source.label] });
  }
  return `because you ${joinAnd(groups.map((group) => `${group.action} ${joinAnd(group.labels)}`))}`;
}

/** The reason of a cold-start pick, naming the segment it is popular in. */
export function coldStartReason(segment: { country: string | null; vipTier: number | null }): string {
  if (segment.country && segment.vipTier !== null) {
    return `new here: popular with VIP tier ${segment.vipTier} users in ${segment.country}`;
  }
  if (segment.country) return `new here: popular with users in ${segment.country}`;
  return 'new here: popular on the exchange';
}

/** Segment keys from the most specific to the global one: 'DE/2', 'DE/*', '*'. */
export function segmentKeys(country: string, vipTier: number): string[] {
  return [`${country}/${vipTier}`, `${country}/*`, '*'];
}

/** Parses a segment key back into its parts. */
export function parseSegmentKey(key: string): { country: string | null; vipTier: number | null } {
  if (key === '*') return { country: null, vipTier: null };
  const [country, tier] = key.split('/') as [string, string];
  return { country, vipTier: tier === '*' ? null : Number(tier) };
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
