/**
 * Growable typed-array columns. The generator keeps millions of rows in memory between simulation and
 * loading; typed columns hold them in a few dozen megabytes instead of millions of row objects.
 */

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** A typed array that doubles its capacity as values are pushed. */
export class GrowableColumn<T extends TypedArray> {
  private data: T;
  private size = 0;
  private readonly create: TypedArrayConstructor<T>;

  constructor(create: TypedArrayConstructor<T>, capacity = 1024) {
    this.create = create;
    this.data = new create(Math.max(16, capacity));
  }

  /** Number of values pushed. */
  get length(): number {
    return this.size;
  }

  /** Appends a value and returns its index. */
  push(value: number): number {
    if (this.size === this.data.length) {
      const grown = new this.create(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size] = value;
    return this.size++;
  }

  /** The value at `index` (no bounds check beyond the typed array's own). */
  get(index: number): number {
    return this.data[index]!;
  }

  /** Overwrites the value at `index`. */
  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** A view of the pushed values (shares memory; do not push while holding it). */
  view(): T {
    return this.data.subarray(0, this.size) as T;
  }
}

/** Float64 column (times in ms, amounts). */
export const float64Column = (capacity?: number): GrowableColumn<Float64Array> =>
  new GrowableColumn(Float64Array, capacity);
/** Int32 column (ids). */
export const int32Column = (capacity?: number): GrowableColumn<Int32Array> =>
  new GrowableColumn(Int32Array, capacity);
/** Uint8 column (small enumerations). */
export const uint8Column = (capacity?: number): GrowableColumn<Uint8Array> =>
  new GrowableColumn(Uint8Array, capacity);
/** Uint16 column (item indexes). */
export const uint16Column = (capacity?: number): GrowableColumn<Uint16Array> =>
  new GrowableColumn(Uint16Array, capacity);

/**
 * The permutation that sorts rows by time (then by insertion order), so ids can follow time as they do
 * in a real ledger. Sorting packed float keys natively is several times faster than a comparator sort.
 */
export function orderByTime(times: Float64Array, originMs: number): Int32Array {
  const count = times.length;
  const indexBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  const scale = 2 ** indexBits;
  // Seconds since the origin need 26 bits for two years; with the index bits they must stay below 2^53.
  if (indexBits + 27 > 53) throw new Error(`too many rows to order by time: ${count}`);
  const keys = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const seconds = Math.max(0, Math.floor((times[index]! - originMs) / 1000));
    keys[index] = seconds * scale + index;
  }
  keys.sort();
  const order = new Int32Array(count);
  for (let rank = 0; rank < count; rank++) order[rank] = keys[rank]! % scale;
  return order;
}

/** Inverse of a permutation: `rank[row]` is the position of `row` in `order`. */
export function invertOrder(order: Int32Array): Int32Array {
  const rank = new Int32Array(order.length);
  for (let position = 0; position < order.length; position++) rank[order[position]!] = position;
  return rank;
}
