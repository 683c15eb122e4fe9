import { describe, expect, it } from 'vitest';
import { createExemplarIndex } from '../../../bot/router/exemplar-index.js';
import { createLsaEmbedder, type Embedder, fitLsaModel } from '../../../embeddings/index.js';
import { ROUTING_EXEMPLARS, type RoutingExemplar } from '../../../prompts/routing-exemplars.js';

/** A bag-of-words embedder over a fixed vocabulary: exact, hand-checkable similarities. */
function bagOfWords(vocabulary: readonly string[]): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: 'bag:test',
    dimensions: vocabulary.length,
    calls,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((text) => {
        const vector = new Float32Array(vocabulary.length);
        for (const word of text.toLowerCase().split(/\W+/)) {
          const index = vocabulary.indexOf(word);
          if (index >= 0) vector[index]! += 1;
        }
        const length = Math.hypot(...vector);
        return length > 0 ? vector.map((value) => value / length) : vector;
      });
    },
  };
}

const EXEMPLARS: readonly RoutingExemplar[] = [
  { text: 'deposits', tool: 'metric_query', metric: 'deposit_volume_usd' },
  { text: 'deposits money', tool: 'metric_query', metric: 'deposit_volume_usd' },
  { text: 'withdrawals', tool: 'metric_query', metric: 'withdrawal_volume_usd' },
  { text: 'forecast deposits', tool: 'metric_forecast', metric: 'deposit_volume_usd' },
  { text: 'smurfing', tool: 'anomaly_scan', scenario: 'structuring' },
  { text: 'weather', tool: 'none' },
];
const VOCABULARY = ['deposits', 'money', 'withdrawals', 'forecast', 'smurfing', 'weather'];

describe('createExemplarIndex', () => {
  it('embeds the exemplars once, in one batch, after preparing them', async () => {
    const embedder = bagOfWords(VOCABULARY);
    const index = await createExemplarIndex(embedder, EXEMPLARS, { prepare: (text) => `${text} money` });
    expect(embedder.calls).toEqual([EXEMPLARS.map((exemplar) => `${exemplar.text} money`)]);
    expect(index.size).toBe(6);
    expect(index.embedderId).toBe('bag:test');
  });

  it('votes by similarity-weighted shares among the nearest neighbours', async () => {
    const index = await createExemplarIndex(bagOfWords(VOCABULARY), EXEMPLARS, { neighbours: 3 });
    const votes = await index.vote('deposits');
    // Neighbours: "deposits" (1), "deposits money" (√½), "forecast deposits" (√½).
    const half = Math.SQRT1_2;
    const total = 1 + 2 * half;
    expect(votes.tools.map((vote) => vote.label)).toEqual(['metric_query', 'metric_forecast']);
    expect(votes.tools[0]!.share).toBeCloseTo((1 + half) / total, 6);
    expect(votes.tools[1]!.share).toBeCloseTo(half / total, 6);
    expect(votes.tools[0]!.best).toBeCloseTo(1, 6);
    expect(votes.metrics).toEqual([{ label: 'deposit_volume_usd', share: 1, best: expect.closeTo(1, 6) }]);
    expect(votes.nearest).toEqual({
      text: 'deposits',
      tool: 'metric_query',
      similarity: expect.closeTo(1, 6),
    });
    // Only anomaly exemplars vote on scenarios, whatever their similarity.
    expect(votes.scenarios).toEqual([{ label: 'structuring', share: 0, best: 0 }]);
  });

  it('leaves one exemplar out on request (leave-one-out checks)', async () => {
    const index = await createExemplarIndex(bagOfWords(VOCABULARY), EXEMPLARS, { neighbours: 1 });
    const [vector] = await bagOfWords(VOCABULARY).embed(['smurfing']);
    expect(index.voteVector(vector!).tools[0]?.label).toBe('anomaly_scan');
    expect(index.voteVector(vector!, 4).nearest?.text).not.toBe('smurfing');
  });

  it('rejects an empty exemplar list and a bad neighbour count', async () => {
    await expect(createExemplarIndex(bagOfWords(VOCABULARY), [])).rejects.toThrow(
      'createExemplarIndex() needs at least one exemplar',
    );
    await expect(createExemplarIndex(bagOfWords(VOCABULARY), EXEMPLARS, { neighbours: 0 })).rejects.toThrow(
      'neighbours must be a positive integer, got 0',
    );
  });

  it('with LSA fitted on the routing exemplars, finds an exemplar as its own nearest neighbour', async () => {
    const embedder = createLsaEmbedder(
      fitLsaModel(
        ROUTING_EXEMPLARS.map((exemplar) => exemplar.text),
        { dimensions: 64 },
      ),
    );
    const index = await createExemplarIndex(embedder, ROUTING_EXEMPLARS);
    const exemplar = ROUTING_EXEMPLARS.find((item) => item.text === 'how many accounts were created')!;
    const votes = await index.vote(exemplar.text);
    expect(votes.nearest).toEqual({
      text: exemplar.text,
      tool: 'metric_query',
      similarity: expect.closeTo(1, 4),
    });
    expect(votes.metrics[0]?.label).toBe('new_users');
  });
});
