/**
 * A seasonal baseline for metric series: linear trend + day-of-week (and, for hourly series,
 * hour-of-day) effects fitted by least squares over a recent window, on the log scale when the series
 * is positive (volumes grow multiplicatively), with prediction intervals from the residual spread.
 * Small, deterministic and explainable — the kind of baseline alert rules need.
 */

/** One observation: start of the period (UTC) and its value. */
export interface SeriesPoint {
  readonly at: Date;
  readonly value: number;
}

/** A fitted model. */
export interface SeasonalModel {
  readonly grain: 'day' | 'hour';
  readonly logScale: boolean;
  readonly coefficients: Float64Array;
  /** Index of the first fitted point's time (trend origin), in grain units since the epoch. */
  readonly origin: number;
  readonly residualStd: number;
  readonly trainingPoints: number;
  readonly lastAt: Date;
}

/** A forecast for one future period. */
export interface ForecastPoint {
  readonly at: string;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function features(grain: 'day' | 'hour', at: Date, origin: number): number[] {
  const unit = grain === 'day' ? DAY_MS : HOUR_MS;
  const t = Math.floor(at.getTime() / unit) - origin;
  const row = [1, t / (grain === 'day' ? 28 : 24 * 28)];
  const weekday = (at.getUTCDay() + 6) % 7; // Monday = 0
  for (let day = 1; day < 7; day++) row.push(weekday === day ? 1 : 0);
  if (grain === 'hour') {
    const hour = at.getUTCHours();
    for (let h = 1; h < 24; h++) row.push(hour === h ? 1 : 0);
  }
  return row;
}

/** Solves (XᵀX + λI) b = Xᵀy with Cholesky; λ keeps rare dummies stable. */
function ridge(rows: number[][], targets: number[], lambda = 1e-3): Float64Array {
  const width = rows[0]!.length;
  const gram = new Float64Array(width * width);
  const rhs = new Float64Array(width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let i = 0; i < width; i++) {
      rhs[i]! += row[i]! * targets[r]!;
      for (let j = 0; j <= i; j++) gram[i * width + j]! += row[i]! * row[j]!;
    }
  }
  for (let i = 0; i < width; i++) {
    gram[i * width + i]! += lambda * (i === 0 ? 0 : 1) + 1e-9;
    for (let j = 0; j < i; j++) gram[j * width + i] = gram[i * width + j]!;
  }
  // Cholesky decomposition in place (lower triangle).
  const lower = new Float64Array(width * width);
  for (let i = 0; i < width; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = gram[i * width + j]!;
      for (let k = 0; k < j; k++) sum -= lower[i * width + k]! * lower[j * width + k]!;
      lower[i * width + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / lower[j * width + j]!;
    }
  }
  const forward = new Float64Array(width);
  for (let i = 0; i < width; i++) {
    let sum = rhs[i]!;
    for (let k = 0; k < i; k++) sum -= lower[i * width + k]! * forward[k]!;
    forward[i] = sum / lower[i * width + i]!;
  }
  const solution = new Float64Array(width);
  for (let i = width - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < width; k++) sum -= lower[k * width + i]! * solution[k]!;
    solution[i] = sum / lower[i * width + i]!;
  }
  return solution;
}

/**
 * Fits the model on a series (oldest first). Uses at most the last `windowPeriods` points (default:
 * 8 weeks of days, or 4 weeks of hours) so old regimes do not dominate the trend.
 */
export function fitSeasonalModel(
  series: readonly SeriesPoint[],
  options: { grain: 'day' | 'hour'; windowPeriods?: number },
): SeasonalModel {
  const window = options.windowPeriods ?? (options.grain === 'day' ? 56 : 24 * 28);
  const points = series.slice(-window);
  if (points.length < 14)
    throw new Error(`a forecast needs at least 14 periods of history, got ${points.length}`);
  const unit = options.grain === 'day' ? DAY_MS : HOUR_MS;
  const origin = Math.floor(points[0]!.at.getTime() / unit);
  const logScale = points.every((point) => point.value > 0);
  const transform = (value: number): number => (logScale ? Math.log(value) : value);
  const rows = points.map((point) => features(options.grain, point.at, origin));
  const targets = points.map((point) => transform(point.value));
  const coefficients = ridge(rows, targets);
  let squared = 0;
  for (let index = 0; index < rows.length; index++) {
    const fitted = rows[index]!.reduce((sum, value, column) => sum + value * coefficients[column]!, 0);
    squared += (targets[index]! - fitted) ** 2;
  }
  const degrees = Math.max(1, rows.length - coefficients.length);
  return {
    grain: options.grain,
    logScale,
    coefficients,
    origin,
    residualStd: Math.sqrt(squared / degrees),
    trainingPoints: points.length,
    lastAt: points[points.length - 1]!.at,
  };
}

/** Two-sided normal quantile for common interval levels. */
function zFor(level: number): number {
  if (level >= 0.99) return 2.576;
  if (level >= 0.95) return 1.96;
  if (level >= 0.9) return 1.645;
  return 1.282;
}

/** Predicts `horizon` periods after the last fitted one, with `level` prediction intervals. */
export function forecastSeasonal(model: SeasonalModel, horizon: number, level = 0.95): ForecastPoint[] {
  const unit = model.grain === 'day' ? DAY_MS : HOUR_MS;
  const z = zFor(level);
  const result: ForecastPoint[] = [];
  for (let step = 1; step <= horizon; step++) {
    const at = new Date(model.lastAt.getTime() + step * unit);
    const mean = features(model.grain, at, model.origin).reduce(
      (sum, value, column) => sum + value * model.coefficients[column]!,
      0,
    );
    // Uncertainty grows with the distance from the data (trend extrapolation).
    const spread =
      z * model.residualStd * Math.sqrt(1 + 1 / model.trainingPoints + (step / model.trainingPoints) * 2);
    const back = (value: number): number => (model.logScale ? Math.exp(value) : value);
    result.push({
      at: model.grain === 'day' ? at.toISOString().slice(0, 10) : at.toISOString(),
      value: back(mean),
      lower: back(mean - spread),
      upper: back(mean + spread),
    });
  }
  return result;
}

/** Seasonal-naive forecast: the value of the same period one week earlier. */
export function seasonalNaive(
  series: readonly SeriesPoint[],
  horizon: number,
  grain: 'day' | 'hour',
): number[] {
  const season = grain === 'day' ? 7 : 168;
  const result: number[] = [];
  for (let step = 1; step <= horizon; step++) {
    const source = series[series.length - season + ((step - 1) % season)];
    result.push(source?.value ?? Number.NaN);
  }
  return result;
}

/** Mean absolute percentage error over points whose actual value is not zero. */
export function meanAbsolutePercentageError(actual: readonly number[], predicted: readonly number[]): number {
  let total = 0;
  let count = 0;
  for (let index = 0; index < actual.length; index++) {
    const truth = actual[index]!;
    const guess = predicted[index]!;
    if (truth === 0 || !Number.isFinite(guess)) continue;
    total += Math.abs((truth - guess) / truth);
    count++;
  }
  return count === 0 ? Number.NaN : total / count;
}

/**
 * Rolling-origin backtest: for each of `origins` cut points one week apart, fit on the data before it
 * and forecast `horizon` periods; returns the MAPE of the model and of seasonal-naive on the same cuts.
 */
export function backtest(
  series: readonly SeriesPoint[],
  options: { grain: 'day' | 'hour'; horizon: number; origins: number },
): { modelMape: number; naiveMape: number; cuts: number } {
  const actual: number[] = [];
  const model: number[] = [];
  const naive: number[] = [];
  const step = options.grain === 'day' ? 7 : 168;
  let cuts = 0;
  for (let origin = 0; origin < options.origins; origin++) {
    const cut = series.length - options.horizon - origin * step;
    if (cut < 28) break;
    const history = series.slice(0, cut);
    const future = series.slice(cut, cut + options.horizon);
    const fitted = fitSeasonalModel(history, { grain: options.grain });
    const predicted = forecastSeasonal(fitted, future.length);
    actual.push(...future.map((point) => point.value));
    model.push(...predicted.map((point) => point.value));
    naive.push(...seasonalNaive(history, future.length, options.grain));
    cuts++;
  }
  return {
    modelMape: meanAbsolutePercentageError(actual, model),
    naiveMape: meanAbsolutePercentageError(actual, naive),
    cuts,
  };
}
