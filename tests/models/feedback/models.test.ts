import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import {
  binomialUpperTail,
  chooseClusterCount,
  classKeywords,
  compareWindows,
  createLexiconSentiment,
  createRatingSentiment,
  fitRatingSentiment,
  isSpike,
  lexiconScore,
  normalizedMutualInformation,
  sentimentOfRating,
  sphericalKMeans,
  topicName,
} from '../../../models/feedback/index.js';

function blobs(centres: number, perCentre: number, dimensions: number, noise: number, seed = 3) {
  const random = createRandom(seed);
  const means = Array.from({ length: centres }, () =>
    Float32Array.from({ length: dimensions }, () => random.normal()),
  );
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let centre = 0; centre < centres; centre++) {
    for (let index = 0; index < perCentre; index++) {
      const vector = Float32Array.from(means[centre]!, (value) => value + noise * random.normal());
      const norm = Math.hypot(...vector);
      vectors.push(vector.map((value) => value / norm));
      labels.push(centre);
    }
  }
  return { vectors, labels };
}

describe('sentiment', () => {
  it('scores words, negations and neutral questions with the lexicon', () => {
    expect(lexiconScore('great app, thanks')).toBeCloseTo(Math.tanh(1), 10);
    expect(lexiconScore('my card is not working')).toBeCloseTo(Math.tanh(-0.5), 10);
    expect(lexiconScore('what is the exchange rate')).toBe(0);
    expect(
      createLexiconSentiment().score(
        ['great app, thanks', 'what is the exchange rate', 'terrible, still waiting'],
        [],
      ),
    ).toEqual([
      { label: 'positive', score: Math.tanh(1) },
      { label: 'neutral', score: 0 },
      { label: 'negative', score: Math.tanh(-0.9) },
    ]);
  });

  it('maps ratings to labels', () => {
    expect([1, 2, 3, 4, 5].map(sentimentOfRating)).toEqual([
      'negative',
      'negative',
      'neutral',
      'positive',
      'positive',
    ]);
  });

  it('learns sentiment from rated vectors and reports held-out accuracy against the lexicon and the majority', () => {
    const { vectors, labels } = blobs(3, 120, 16, 0.6);
    const ratings = labels.map((label) => [1, 3, 5][label]!);
    const texts = labels.map(
      (label, index) => `message ${index} about ${['problem', 'question', 'thing'][label]}`,
    );
    const model = fitRatingSentiment(texts, vectors, ratings, { embedderId: 'test:blobs' });
    expect(model.evaluation.accuracy).toBeGreaterThan(0.95);
    expect(model.evaluation.majorityAccuracy).toBeLessThan(0.5);
    expect(model.evaluation.trainSize + model.evaluation.testSize).toBe(360);
    const scorer = createRatingSentiment(model);
    const results = scorer.score(texts.slice(0, 3), vectors.slice(0, 3));
    expect(results.map((result) => result.label)).toEqual(['negative', 'negative', 'negative']);
    expect(results[0]!.score).toBeLessThan(-0.5);
  });

  it('refuses to fit on too few ratings', () => {
    expect(() => fitRatingSentiment(['a'], [new Float32Array(2)], [1], { embedderId: 'x' })).toThrow(
      'fitRatingSentiment() needs at least 50 rated messages, got 1',
    );
  });
});

describe('clustering', () => {
  it('computes NMI like scikit-learn', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1], [1, 1, 0, 0])).toBeCloseTo(1, 12);
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
    // sklearn.metrics.normalized_mutual_info_score([0,0,0,1,1,1],[0,0,1,1,2,2]) = 0.5158037429793889
    expect(normalizedMutualInformation([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(
      0.5158037429793889,
      10,
    );
  });

  it('recovers separated clusters and chooses their number from the data', () => {
    const { vectors, labels } = blobs(6, 50, 24, 0.35);
    const clustering = sphericalKMeans(vectors, 6, { seed: 1 });
    expect(normalizedMutualInformation(clustering.assignments, labels)).toBeGreaterThan(0.95);
    const chosen = chooseClusterCount(vectors, { seed: 1, candidates: [2, 4, 6, 9, 12] });
    expect(chosen.k).toBe(6);
  });
});

describe('keywords', () => {
  it('labels classes by class-based TF-IDF', () => {
    const keywords = classKeywords(
      [
        ['my card has not arrived', 'card still not arrived', 'when will my card arrive'],
        ['the app crashes', 'app crashes on login', 'my app keeps freezing'],
      ],
      3,
    );
    expect(keywords[0]!.map((keyword) => keyword.term)).toContain('card');
    expect(keywords[1]!.map((keyword) => keyword.term)).toContain('app');
    expect(topicName([{ term: 'card' }, { term: 'arrived' }])).toBe('card / arrived');
  });
});

describe('trends', () => {
  it('computes exact binomial tails', () => {
    expect(binomialUpperTail(3, 3, 0.5)).toBeCloseTo(0.125, 12);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
  });

  it('flags a topic that rises against the rest of the feedback, not one that rises with it', () => {
    const spike = compareWindows({ current: 60, previous: 40, otherCurrent: 500, otherPrevious: 3500 });
    expect(spike.direction).toBe('up');
    expect(isSpike(spike)).toBe(true);
    const busyWeek = compareWindows({ current: 20, previous: 10, otherCurrent: 2000, otherPrevious: 1000 });
    expect(busyWeek.direction).toBe('flat');
    expect(isSpike(busyWeek)).toBe(false);
  });
});
