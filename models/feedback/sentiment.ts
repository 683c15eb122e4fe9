/**
 * Per-message sentiment without a sentiment model on disk (none is in ../shared/models).
 *
 * Two methods, both behind the store's {@link SentimentScorer} shape:
 * - a lexicon of customer-service words with negation handling ({@link createLexiconSentiment}); it
 *   needs nothing and is used until ratings are available;
 * - a multinomial logistic regression on the message embedding plus the lexicon score, trained on
 *   messages that carry a star rating (1–2 negative, 3 neutral, 4–5 positive), i.e. calibrated on what
 *   customers said about themselves ({@link fitRatingSentiment}). Its held-out accuracy is measured
 *   when it is fitted and kept with it; models/feedback/README.md gives the figures.
 */
import { createHash } from 'node:crypto';
import type { SentimentLabel, SentimentScorer } from '../../embeddings/index.js';
import { tokenizeWords } from '../../embeddings/index.js';
import type { SqlConnection } from '../../warehouse/connection.js';

const POSITIVE = new Set(
  `thanks thank thankyou great love loved lovely excellent good awesome easy easier helpful fast quick quickly
  best amazing happy perfect smooth nice appreciate appreciated recommend brilliant fantastic wonderful
  pleased glad satisfied impressive reliable simple convenient works worked resolved solved fixed like
  cool superb friendly seamless efficient improved enjoy enjoyed`.split(/\s+/),
);
const NEGATIVE = new Set(
  `wrong failed fail failing fails declined decline problem problems issue issues error errors stolen lost
  fraud scam fraudulent charged twice missing waiting wait waited slow terrible awful worst angry frustrated
  frustrating unacceptable ridiculous refund cancel cancelled blocked block stuck broken bad poor useless
  horrible disappointed disappointing annoying annoyed confused confusing delay delayed late never
  reverted rejected denied unauthorised unauthorized unrecognised unrecognized compromised suspicious
  hacked locked crash crashes crashed bug bugs complaint complain overcharged expensive hidden fee fees
  swallowed pending still yet disappeared vanished unable cant cannot doesnt didnt wont isnt havent hasnt
  worried worry scared help urgent urgently`.split(/\s+/),
);
const NEGATORS = new Set(
  'not no never dont doesnt didnt isnt wasnt arent cant cannot wont havent hasnt hadnt without'.split(' '),
);
// Negated positives ("not good", "doesn't work") are complaints; negators alone are counted above.
const NEGATABLE_POSITIVE = new Set([
  ...POSITIVE,
  'working',
  'work',
  'arrived',
  'received',
  'showing',
  'show',
]);

/** The lexicon score of one text in [-1, 1]: positive minus negative cues, squashed. */
export function lexiconScore(text: string): number {
  const words = tokenizeWords(text);
  let score = 0;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const negated = index > 0 && NEGATORS.has(words[index - 1]!);
    if (NEGATABLE_POSITIVE.has(word) && negated) score -= 1;
    else if (POSITIVE.has(word)) score += 1;
    else if (NEGATIVE.has(word)) score -= 0.6;
  }
  return Math.tanh(score / 2);
}

function labelOfScore(score: number): SentimentLabel {
  return score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral';
}

/**
 * The lexicon scorer: works on any text at once, without training.
 *
 * @example
 * createLexiconSentiment().score(['great app, thanks'], [vector]); // [{ label: 'positive', score: 0.76 }]
 */
export function createLexiconSentiment(): SentimentScorer {
  return {
    id: 'lexicon:v1',
    score: (texts) =>
      texts.map((text) => {
        const score = lexiconScore(text);
        return { label: labelOfScore(score), score };
      }),
  };
}

/** The label a rating stands for: 1–2 negative, 3 neutral, 4–5 positive. */
export function sentimentOfRating(rating: number): SentimentLabel {
  return rating <= 2 ? 'negative' : rating === 3 ? 'neutral' : 'positive';
}

const LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

/** A fitted rating-calibrated classifier. */
export interface RatingSentimentModel {
  readonly kind: 'ratings-logistic';
  /** The embedder whose vectors it reads (vectors of another model would be meaningless). */
  readonly embedderId: string;
  readonly dimensions: number;
  /** Row-major 3 × (dimensions + 2): weights per class over [embedding, lexicon score, bias]. */
  readonly weights: number[];
  /** Held-out figures measured when it was fitted. */
  readonly evaluation: SentimentEvaluation;
}

/** Accuracy of sentiment methods on held-out rated messages. */
export interface SentimentEvaluation {
  readonly trainSize: number;
  readonly testSize: number;
  /** The classifier's accuracy (share of test messages whose rating label it predicts). */
  readonly accuracy: number;
  /** Macro-averaged F1 over the three labels. */
  readonly macroF1: number;
  /** The lexicon alone on the same test messages. */
  readonly lexiconAccuracy: number;
  /** Always answering the most frequent training label. */
  readonly majorityAccuracy: number;
}

/** Options of {@link fitRatingSentiment}. */
export interface FitSentimentOptions {
  readonly embedderId: string;
  /** Share held out to measure accuracy; default 0.2. */
  readonly testShare?: number;
  /** L2 penalty; default 1e-3. */
  readonly l2?: number;
  readonly epochs?: number;
  readonly seed?: number;
}

/**
 * Fits the classifier on rated messages: texts, their vectors and 1–5 ratings. Deterministic. The
 * held-out share is measured first, then the model is refitted on everything.
 *
 * @throws RangeError when fewer than 50 messages or only one label are given.
 */
export function fitRatingSentiment(
  texts: readonly string[],
  vectors: readonly Float32Array[],
  ratings: readonly number[],
  options: FitSentimentOptions,
): RatingSentimentModel {
  if (texts.length < 50)
    throw new RangeError(`fitRatingSentiment() needs at least 50 rated messages, got ${texts.length}`);
  const dimensions = vectors[0]?.length ?? 0;
  const features = texts.map((text, index) => featureRow(vectors[index]!, lexiconScore(text)));
  const labels = ratings.map((rating) => LABELS.indexOf(sentimentOfRating(rating)));
  if (new Set(labels).size < 2)
    throw new RangeError('fitRatingSentiment() needs ratings of at least two labels');
  // Deterministic split: every fifth message (by a hash of its text) is held out.
  const testShare = options.testShare ?? 0.2;
  const isTest = texts.map(
    (text) => parseInt(createHash('sha1').update(text).digest('hex').slice(0, 8), 16) / 2 ** 32 < testShare,
  );
  const train = features.map((_row, index) => index).filter((index) => !isTest[index]);
  const test = features.map((_row, index) => index).filter((index) => isTest[index]);
  const fitOptions = { l2: options.l2 ?? 1e-3, epochs: options.epochs ?? 30, seed: options.seed ?? 42 };
  const heldOut = trainLogistic(features, labels, train, fitOptions);
  const predictions = test.map((index) => argmax(probabilities(heldOut, features[index]!)));
  const counts = [0, 0, 0];
  for (const index of train) counts[labels[index]!]!++;
  const majority = counts.indexOf(Math.max(...counts));
  const accuracy = share(test, (index, position) => predictions[position] === labels[index]);
  const lexiconAccuracy = share(
    test,
    (index) => LABELS.indexOf(labelOfScore(features[index]![dimensions]!)) === labels[index],
  );
  const majorityAccuracy = share(test, (index) => labels[index] === majority);
  const weights = trainLogistic(
    features,
    labels,
    features.map((_row, index) => index),
    fitOptions,
  );
  return {
    kind: 'ratings-logistic',
    embedderId: options.embedderId,
    dimensions,
    weights: Array.from(weights),
    evaluation: {
      trainSize: train.length,
      testSize: test.length,
      accuracy,
      macroF1: macroF1(
        test.map((index) => labels[index]!),
        predictions,
      ),
      lexiconAccuracy,
      majorityAccuracy,
    },
  };
}

/** The scorer of a fitted model; score = P(positive) − P(negative). */
export function createRatingSentiment(model: RatingSentimentModel): SentimentScorer {
  const weights = Float64Array.from(model.weights);
  const hash = createHash('sha1').update(new Uint8Array(weights.buffer)).digest('hex').slice(0, 12);
  return {
    id: `ratings-logistic:${hash}`,
    score: (texts, vectors) =>
      texts.map((text, index) => {
        const vector = vectors[index];
        if (!vector || vector.length !== model.dimensions) {
          const score = lexiconScore(text);
          return { label: labelOfScore(score), score };
        }
        const p = probabilities(weights, featureRow(vector, lexiconScore(text)));
        return { label: LABELS[argmax(p)]!, score: p[2]! - p[0]! };
      }),
  };
}

/** Name of the sentiment model in `app.feedback_models`. */
export const SENTIMENT_MODEL_NAME = 'sentiment';

/** Stores a fitted model (replacing the previous one). */
export async function saveSentimentModel(app: SqlConnection, model: RatingSentimentModel): Promise<void> {
  await app.query(
    `INSERT INTO app.feedback_models (name, kind, model_id, payload, created_at) VALUES ($1, $2, $3, $4::jsonb, now())
     ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, model_id = EXCLUDED.model_id,
       payload = EXCLUDED.payload, created_at = EXCLUDED.created_at`,
    [SENTIMENT_MODEL_NAME, model.kind, model.embedderId, JSON.stringify(model)],
  );
}

/** The stored model for this embedder, or undefined (then use the lexicon). */
export async function loadSentimentModel(
  app: SqlConnection,
  embedderId: string,
): Promise<RatingSentimentModel | undefined> {
  const { rows } = await app.query<{ payload: RatingSentimentModel | string }>(
    'SELECT payload FROM app.feedback_models WHERE name = $1 AND model_id = $2',
    [SENTIMENT_MODEL_NAME, embedderId],
  );
  const payload = rows[0]?.payload;
  if (payload === undefined) return undefined;
  return typeof payload === 'string' ? (JSON.parse(payload) as RatingSentimentModel) : payload;
}

function featureRow(vector: Float32Array, lexicon: number): Float64Array {
  const row = new Float64Array(vector.length + 2);
  row.set(vector);
  row[vector.length] = lexicon;
  row[vector.length + 1] = 1;
  return row;
}

function probabilities(weights: Float64Array, row: Float64Array): Float64Array {
  const width = row.length;
  const logits = new Float64Array(3);
  for (let label = 0; label < 3; label++) {
    let sum = 0;
    for (let column = 0; column < width; column++) sum += weights[label * width + column]! * row[column]!;
    logits[label] = sum;
  }
  const top = Math.max(logits[0]!, logits[1]!, logits[2]!);
  let total = 0;
  for (let label = 0; label < 3; label++) {
    logits[label] = Math.exp(logits[label]! - top);
    total += logits[label]!;
  }
  for (let label = 0; label < 3; label++) logits[label]! /= total;
  return logits;
}

/** Softmax regression by mini-batch gradient descent with Adam; rows are shuffled by a fixed seed. */
function trainLogistic(
  features: readonly Float64Array[],
  labels: readonly number[],
  rows: readonly number[],
  options: { l2: number; epochs: number; seed: number },
): Float64Array {
  const width = features[0]!.length;
  const weights = new Float64Array(3 * width);
  const first = new Float64Array(weights.length);
  const second = new Float64Array(weights.length);
  const gradient = new Float64Array(weights.length);
  const order = [...rows];
  let state = options.seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const rate = 0.05;
  let step = 0;
  const batch = 64;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(next() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (let start = 0; start < order.length; start += batch) {
      gradient.fill(0);
      const end = Math.min(order.length, start + batch);
      for (let position = start; position < end; position++) {
        const row = features[order[position]!]!;
        const p = probabilities(weights, row);
        p[labels[order[position]!]!]! -= 1;
        for (let label = 0; label < 3; label++) {
          const error = p[label]!;
          for (let column = 0; column < width; column++)
            gradient[label * width + column]! += error * row[column]!;
        }
      }
      step++;
      const size = end - start;
      for (let index = 0; index < weights.length; index++) {
        const value = gradient[index]! / size + options.l2 * weights[index]!;
        first[index] = 0.9 * first[index]! + 0.1 * value;
        second[index] = 0.999 * second[index]! + 0.001 * value * value;
        const corrected = first[index]! / (1 - 0.9 ** step);
        const scale = second[index]! / (1 - 0.999 ** step);
        weights[index]! -= (rate * corrected) / (Math.sqrt(scale) + 1e-8);
      }
    }
  }
  return weights;
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index]! > values[best]!) best = index;
  return best;
}

function share(rows: readonly number[], test: (index: number, position: number) => boolean): number {
  if (rows.length === 0) return 0;
  let hits = 0;
  rows.forEach((index, position) => {
    if (test(index, position)) hits++;
  });
  return hits / rows.length;
}

function macroF1(truth: readonly number[], predicted: readonly number[]): number {
  let sum = 0;
  for (let label = 0; label < 3; label++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((value, index) => {
      if (predicted[index] === label && value === label) tp++;
      else if (predicted[index] === label) fp++;
      else if (value === label) fn++;
    });
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / 3;
}
