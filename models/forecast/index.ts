export type { ForecastPoint, SeasonalModel, SeriesPoint } from './seasonal-model.js';
export {
  backtest,
  fitSeasonalModel,
  forecastSeasonal,
  meanAbsolutePercentageError,
  seasonalNaive,
} from './seasonal-model.js';
