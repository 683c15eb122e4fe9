/**
 * Interactions (who touched what, how strongly, when) and the user × item matrix the models train on.
 * User ids are numbers (MovieLens and the warehouse both use integers); item ids are strings, because
 * warehouse items are asset symbols ('SOL') and product ids ('earn-usdt-flex').
 */
import { type CsrMatrix, createCsrMatrix } from './sparse.js';

/** One interaction: a rating (MovieLens) or an event weight (warehouse `user_events`). */
export interface Interaction {
  readonly userId: number;
  readonly itemId: string;
  /** Strength: a rating 1–5, or an event weight. Duplicates of a (user, item) pair are summed. */
  readonly value: number;
  /** Seconds since the epoch; used only by the temporal split. */
  readonly time: number;
}

/** The user × item matrix with the maps between ids and row/column indexes. */
export interface InteractionMatrix {
  /** Users × items, values summed per pair. */
  readonly matrix: CsrMatrix;
  /** Row index → user id (sorted ascending). */
  readonly userIds: readonly number[];
  /** Column index → item id (sorted, numeric ids in numeric order). */
  readonly itemIds: readonly string[];
  /** User id → row index. */
  readonly userIndex: ReadonlyMap<number, number>;
  /** Item id → column index. */
  readonly itemIndex: ReadonlyMap<string, number>;
}

/** Options of {@link buildInteractionMatrix}. */
export interface BuildMatrixOptions {
  /** Fix the row universe (train and test must share indexes); interactions of other users are dropped. */
  readonly userIds?: readonly number[];
  /** Fix the column universe; interactions with other items are dropped. */
  readonly itemIds?: readonly string[];
  /** Turn each summed value into the training value (binarise, confidence); default identity. */
  readonly transform?: (value: number) => number;
}

/**
 * Builds the interaction matrix. Without fixed universes, users and items are those that occur, in a
 * sorted order, so the same interactions in any order give the same matrix (determinism).
 */
export function buildInteractionMatrix(
  interactions: readonly Interaction[],
  options: BuildMatrixOptions = {},
): InteractionMatrix {
  const userIds = options.userIds
    ? [...options.userIds]
    : [...new Set(interactions.map((entry) => entry.userId))].sort((a, b) => a - b);
  const itemIds = options.itemIds
    ? [...options.itemIds]
    : [...new Set(interactions.map((entry) => entry.itemId))].sort(compareItemIds);
  const userIndex = new Map(userIds.map((id, index) => [id, index] as const));
  const itemIndex = new Map(itemIds.map((id, index) => [id, index] as const));
  const rows = new Int32Array(interactions.length);
  const columns = new Int32Array(interactions.length);
  const values = new Float32Array(interactions.length);
  let kept = 0;
  for (const entry of interactions) {
    const row = userIndex.get(entry.userId);
    const column = itemIndex.get(entry.itemId);
    if (row === undefined || column === undefined) continue;
    rows[kept] = row;
    columns[kept] = column;
    values[kept] = entry.value;
    kept++;
  }
  let matrix = createCsrMatrix(
    userIds.length,
    itemIds.length,
    rows.subarray(0, kept),
    columns.subarray(0, kept),
    values.subarray(0, kept),
  );
  const transform = options.transform;
  if (transform) {
    const transformed = new Float32Array(matrix.values.length);
    for (let n = 0; n < transformed.length; n++) transformed[n] = transform(matrix.values[n]!);
    matrix = { ...matrix, values: transformed };
  }
  return { matrix, userIds, itemIds, userIndex, itemIndex };
}

/** Orders item ids: numeric ids numerically ('2' before '10'), then the rest by code point. */
export function compareItemIds(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
