/**
 * A bounded least-recently-used map. A `Map` keeps insertion order, so re-inserting on every hit keeps
 * the oldest entry first and eviction is O(1).
 */
export class LruCache<Key, Value> {
  readonly capacity: number;
  #entries = new Map<Key, Value>();
  #hits = 0;
  #misses = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** The value for `key`, marking it most recently used; undefined when absent. */
  get(key: Key): Value | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores a value, evicting the least recently used entries beyond the capacity. */
  set(key: Key, value: Value): void {
    if (this.capacity === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Lookups that found / did not find a value since creation. */
  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size };
  }

  /** Empties the cache (the counters are kept). */
  clear(): void {
    this.#entries.clear();
  }
}
