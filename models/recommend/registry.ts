/**
 * Models by name, with the hyper-parameters chosen on a validation split carved from the MovieLens
 * training data (see README.md in this folder for the search and the figures).
 */
import { InvalidInputError } from '../../core/errors.js';
import { type AlsOptions, createAlsRecommender } from './als.js';
import { createEaseRecommender, type EaseOptions } from './ease.js';
import { createItemKnnRecommender, type ItemKnnOptions } from './item-knn.js';
import { createPopularityRecommender } from './popularity.js';
import { MODEL_NAMES, type ModelName, type Recommender } from './recommender.js';

/** The model serving uses and `recommend eval` runs when none is named; chosen by offline evaluation. */
export const DEFAULT_MODEL: ModelName = 'ease';

/**
 * How the default model is configured on the warehouse's `user_events`: summed event weights are
 * intensities (five views, a trade and a subscription), so EASE trains on log(1 + weight) rather than a
 * 0/1 matrix, which scored better on a validation split of exchange-like events (README.md).
 */
export const WAREHOUSE_MODEL_OPTIONS: ModelOptions = {
  ease: { lambda: 500, transform: 'log' },
  itemKnn: { transform: 'log' },
};

/** Options for any model; each reads only its own fields. */
export interface ModelOptions {
  readonly itemKnn?: ItemKnnOptions;
  readonly als?: AlsOptions;
  readonly ease?: EaseOptions;
  /** Seed for models with randomness (ALS); overrides `als.seed`. */
  readonly seed?: number;
}

/**
 * Creates a model by name. An unknown name is bad user input (it comes from `--model`).
 *
 * @example
 * const model = createRecommender('ease', { ease: { lambda: 300 } });
 */
export function createRecommender(name: string, options: ModelOptions = {}): Recommender {
  switch (name) {
    case 'popularity':
      return createPopularityRecommender();
    case 'item-knn':
      return createItemKnnRecommender(options.itemKnn);
    case 'als':
      return createAlsRecommender({
        ...options.als,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
    case 'ease':
      return createEaseRecommender(options.ease);
    default:
      throw new InvalidInputError(
        'model_unknown',
        `Unknown recommender model '${name}'. Available: ${MODEL_NAMES.join(', ')}.`,
      );
  }
}

/** True when `name` is one of {@link MODEL_NAMES}. */
export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}
