/**
 * The Mersenne Twister exactly as NumPy's legacy `np.random.seed(seed); np.random.rand(n)` runs it, so
 * the stratified split with `--seed 42` is the very split Microsoft Recommenders'
 * `python_stratified_split(…, seed=42)` makes, and our figures are comparable with their benchmark.
 */

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** A seeded generator of uniform doubles in [0, 1) matching NumPy's `RandomState.random_sample`. */
export interface NumpyRandom {
  /** The next double, 53 bits, like `np.random.rand()`. */
  next(): number;
}

/**
 * Creates the generator; the seed must be an integer in [0, 2³² − 1], as NumPy requires.
 *
 * @example
 * const random = createNumpyRandom(42);
 * random.next(); // 0.3745401188473625, as np.random.seed(42); np.random.rand()
 */
export function createNumpyRandom(seed: number): NumpyRandom {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`The split seed must be an integer between 0 and 4294967295, got ${seed}`);
  }
  const state = new Uint32Array(STATE_SIZE);
  // init_genrand, which NumPy's legacy seeding uses for a scalar seed.
  state[0] = seed >>> 0;
  for (let i = 1; i < STATE_SIZE; i++) {
    const previous = state[i - 1]! ^ (state[i - 1]! >>> 30);
    state[i] = (Math.imul(1812433253, previous) + i) >>> 0;
  }
  let position = STATE_SIZE;

  const regenerate = (): void => {
    for (let i = 0; i < STATE_SIZE; i++) {
      const y = (state[i]! & UPPER_MASK) | (state[(i + 1) % STATE_SIZE]! & LOWER_MASK);
      state[i] = state[(i + SHIFT_SIZE) % STATE_SIZE]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    position = 0;
  };

  const next32 = (): number => {
    if (position >= STATE_SIZE) regenerate();
    let y = state[position++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };

  return {
    next() {
      const high = next32() >>> 5;
      const low = next32() >>> 6;
      return (high * 67108864 + low) / 9007199254740992;
    },
  };
}
