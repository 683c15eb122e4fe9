/**
 * When things happen and at what price: an hourly intensity over the two generated years (growth trend,
 * market regimes with news bursts, weekly and local hour-of-day seasonality) that timestamps are sampled
 * from, and daily price paths per asset that end at today's reference prices.
 */
import type { Random } from '../../core/random.js';
import { ASSETS } from './reference-data.js';

/** Milliseconds per hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds per day. */
export const DAY_MS = 86_400_000;
/** How far back the demo data goes. */
export const SPAN_DAYS = 730;

/**
 * Relative activity by local hour (0–23): quiet from 2 to 6, busy from late morning to late evening.
 * Indexed by local time so that Seoul and São Paulo peak at their own evenings.
 */
const HOUR_PROFILE = [
  0.42, 0.3, 0.22, 0.18, 0.17, 0.2, 0.32, 0.5, 0.7, 0.85, 0.95, 1, 1.02, 1, 1, 1.02, 1.05, 1.08, 1.1, 1.14,
  1.14, 1.06, 0.88, 0.64,
];
/** Relative activity by UTC weekday, Sunday first: weekends are quieter. */
const WEEKDAY_PROFILE = [0.78, 1, 1.03, 1.04, 1.02, 0.97, 0.74];

/** The time and price model of one generation. */
export interface TimeModel {
  /** First instant of the data (now − 730 days). */
  readonly startMs: number;
  readonly nowMs: number;
  /** Start of the first whole UTC hour of the grid (≤ startMs). */
  readonly gridStartMs: number;
  readonly hourCount: number;
  /** Daily market regime multiplier (volume goes up in busy markets), by day of the grid. */
  readonly regime: Float64Array;
  /** A trading/login timestamp in [from, to) for someone at `utcOffset`, following the seasonality. */
  sampleActivity(random: Random, from: number, to: number, utcOffset: number): number;
  /** A sign-up timestamp over the whole span, following growth and seasonality. */
  sampleSignup(random: Random, utcOffset: number): number;
  /** A timestamp in [from, to) with only the local hour-of-day profile (support messages, reviews). */
  sampleWithGrowth(random: Random, from: number, to: number, utcOffset: number): number;
  /** Mid price of an asset (index in ASSETS) at a time, in USD. */
  priceAt(assetIndex: number, timeMs: number): number;
  /** Local hour (0–24, fractional) of a timestamp at an offset. */
  localHour(timeMs: number, utcOffset: number): number;
}

/** Builds the model for `now`, drawing regimes and price paths from `random`. */
export function createTimeModel(now: Date, random: Random): TimeModel {
  const nowMs = now.getTime();
  const startMs = nowMs - SPAN_DAYS * DAY_MS;
  const gridStartMs = Math.floor(startMs / HOUR_MS) * HOUR_MS;
  const hourCount = Math.ceil((nowMs - gridStartMs) / HOUR_MS);
  const dayCount = Math.ceil(hourCount / 24) + 2;

  // Market regime: a 30-day moving average of white noise (slow bull/bear phases) plus a few news bursts.
  const noise = new Float64Array(dayCount + 30);
  for (let index = 0; index < noise.length; index++) noise[index] = random.normal();
  const regime = new Float64Array(dayCount);
  let window = 0;
  for (let index = 0; index < 30; index++) window += noise[index]!;
  for (let day = 0; day < dayCount; day++) {
    regime[day] = Math.exp(0.55 * (window / Math.sqrt(30)) * 0.6);
    window += noise[day + 30]! - noise[day]!;
  }
  const bursts = 4 + random.int(0, 3);
  for (let burst = 0; burst < bursts; burst++) {
    const day = random.int(20, dayCount - 5);
    const height = 0.6 + random.next();
    for (let offset = 0; offset < 4; offset++)
      regime[day + offset] = regime[day + offset]! * (1 + height / 2 ** offset);
  }

  const growthRate = Math.log(2.4) / SPAN_DAYS;
  const dayOf = (hour: number): number => Math.floor((gridStartMs + hour * HOUR_MS) / DAY_MS);
  const firstDay = dayOf(0);
  const cumulativeCache = new Map<string, Float64Array>();
  const cumulative = (kind: 'activity' | 'signup' | 'growth', utcOffset: number): Float64Array => {
    const key = `${kind}:${utcOffset}`;
    const cached = cumulativeCache.get(key);
    if (cached) return cached;
    const sums = new Float64Array(hourCount + 1);
    for (let hour = 0; hour < hourCount; hour++) {
      const absoluteDay = dayOf(hour);
      const day = absoluteDay - firstDay;
      const utcHour = (Math.floor((gridStartMs + hour * HOUR_MS) / HOUR_MS) % 24) + 0.5;
      const local = profileAt(utcHour + utcOffset);
      const weekday = WEEKDAY_PROFILE[(absoluteDay + 4) % 7]!;
      let weight = local;
      if (kind === 'activity') weight *= weekday * regime[day]!;
      else if (kind === 'signup') weight *= weekday * Math.sqrt(regime[day]!) * Math.exp(growthRate * day);
      else weight *= Math.exp(growthRate * 1.6 * day);
      sums[hour + 1] = sums[hour]! + weight;
    }
    cumulativeCache.set(key, sums);
    return sums;
  };

  const sample = (sums: Float64Array, random: Random, from: number, to: number): number => {
    const lowHour = Math.max(0, Math.min(hourCount - 1, Math.floor((from - gridStartMs) / HOUR_MS)));
    const highHour = Math.max(lowHour, Math.min(hourCount - 1, Math.floor((to - 1 - gridStartMs) / HOUR_MS)));
    const low = sums[lowHour]!;
    const high = sums[highHour + 1]!;
    const target = low + random.next() * (high - low);
    // Binary search for the hour whose cumulative range holds the target.
    let left = lowHour;
    let right = highHour;
    while (left < right) {
      const middle = (left + right) >>> 1;
      if (sums[middle + 1]! <= target) left = middle + 1;
      else right = middle;
    }
    const time = gridStartMs + left * HOUR_MS + Math.floor(random.next() * HOUR_MS);
    if (time < from) return from + Math.floor(random.next() * Math.min(HOUR_MS, Math.max(1, to - from)));
    if (time >= to) return to - 1 - Math.floor(random.next() * Math.min(60_000, Math.max(1, to - from - 1)));
    return time;
  };

  // Daily log-price paths: a shared market factor plus an idiosyncratic part, walked backwards from today's
  // reference price so the latest prices are the familiar ones.
  const market = new Float64Array(dayCount);
  for (let day = 0; day < dayCount; day++) market[day] = random.normal();
  const logPrices = ASSETS.map((item) => {
    const path = new Float64Array(dayCount + 1);
    path[dayCount] = Math.log(item.priceUsd);
    if (item.volatility === 0) {
      path.fill(Math.log(item.priceUsd));
      return path;
    }
    // A mild upward drift over the two years (prices were lower in the past).
    const drift = (0.5 + random.next()) / SPAN_DAYS;
    for (let day = dayCount - 1; day >= 0; day--) {
      const shock = item.volatility * (0.7 * market[day]! + 0.71 * random.normal());
      path[day] = path[day + 1]! - shock - drift;
    }
    return path;
  });

  return {
    startMs,
    nowMs,
    gridStartMs,
    hourCount,
    regime,
    sampleActivity: (random, from, to, utcOffset) =>
      sample(cumulative('activity', utcOffset), random, from, to),
    sampleSignup: (random, utcOffset) => sample(cumulative('signup', utcOffset), random, startMs, nowMs),
    sampleWithGrowth: (random, from, to, utcOffset) =>
      sample(cumulative('growth', utcOffset), random, from, to),
    priceAt(assetIndex, timeMs) {
      const path = logPrices[assetIndex]!;
      const position = Math.max(0, Math.min(dayCount - 1e-9, (timeMs - gridStartMs) / DAY_MS));
      const day = Math.floor(position);
      const fraction = position - day;
      return Math.exp(path[day]! * (1 - fraction) + path[day + 1]! * fraction);
    },
    localHour: (timeMs, utcOffset) => (((timeMs / HOUR_MS + utcOffset) % 24) + 24) % 24,
  };
}

function profileAt(localHour: number): number {
  const hour = ((localHour % 24) + 24) % 24;
  const low = Math.floor(hour);
  const fraction = hour - low;
  return HOUR_PROFILE[low % 24]! * (1 - fraction) + HOUR_PROFILE[(low + 1) % 24]! * fraction;
}
