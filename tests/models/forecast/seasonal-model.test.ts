import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import {
  backtest,
  fitSeasonalModel,
  forecastSeasonal,
  meanAbsolutePercentageError,
  type SeriesPoint,
  seasonalNaive,
} from '../../../models/forecast/index.js';

const WEEKLY = [1.2, 1.1, 1.0, 1.05, 1.15, 0.7, 0.6]; // Monday … Sunday

function synthetic(days: number, seed: number, noise = 0.08): SeriesPoint[] {
  const random = createRandom(seed);
  const start = Date.UTC(2026, 5, 1); // a Monday
  return Array.from({ length: days }, (_, day) => {
    const at = new Date(start + day * 86_400_000);
    const trend = 1000 * (1 + day * 0.004);
    return { at, value: trend * WEEKLY[(at.getUTCDay() + 6) % 7]! * Math.exp(noise * random.normal()) };
  });
}

describe('seasonal model', () => {
  it('recovers trend and weekly seasonality on a clean series', () => {
    const series = synthetic(84, 1, 0);
    const model = fitSeasonalModel(series, { grain: 'day' });
    const next = forecastSeasonal(model, 7);
    const truth = Array.from({ length: 7 }, (_, step) => {
      const day = 84 + step;
      const at = new Date(series[0]!.at.getTime() + day * 86_400_000);
      return 1000 * (1 + day * 0.004) * WEEKLY[(at.getUTCDay() + 6) % 7]!;
    });
    expect(
      meanAbsolutePercentageError(
        truth,
        next.map((point) => point.value),
      ),
    ).toBeLessThan(0.01);
    expect(next[0]!.at).toBe('2026-08-24');
  });

  it('beats seasonal-naive in a backtest on a noisy trending series, and its intervals cover the truth', () => {
    const series = synthetic(140, 7);
    const result = backtest(series, { grain: 'day', horizon: 7, origins: 6 });
    expect(result.cuts).toBe(6);
    expect(result.modelMape).toBeLessThan(result.naiveMape);
    // Coverage of the 95% intervals over 10 independent series × 7 days.
    let covered = 0;
    let total = 0;
    for (let seed = 10; seed < 20; seed++) {
      const other = synthetic(140, seed);
      const forecast = forecastSeasonal(fitSeasonalModel(other.slice(0, 133), { grain: 'day' }), 7);
      forecast.forEach((point, index) => {
        const truth = other[133 + index]!.value;
        total++;
        if (truth >= point.lower && truth <= point.upper) covered++;
      });
    }
    expect(covered / total).toBeGreaterThanOrEqual(0.85);
  });

  it('is deterministic and refuses too short a history', () => {
    const series = synthetic(60, 3);
    expect(forecastSeasonal(fitSeasonalModel(series, { grain: 'day' }), 3)).toEqual(
      forecastSeasonal(fitSeasonalModel(series, { grain: 'day' }), 3),
    );
    expect(() => fitSeasonalModel(series.slice(0, 10), { grain: 'day' })).toThrow(
      'a forecast needs at least 14 periods of history, got 10',
    );
    expect(seasonalNaive(series, 2, 'day')).toEqual([series[53]!.value, series[54]!.value]);
  });
});
