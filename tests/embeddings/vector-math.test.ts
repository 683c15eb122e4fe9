import { describe, expect, it } from 'vitest';
import {
  cosine,
  dot,
  fromPgVector,
  meanVector,
  nearest,
  norm,
  normalizeInPlace,
  toPgVector,
} from '../../embeddings/index.js';
import { LruCache } from '../../embeddings/lru-cache.js';

const vector = (...values: number[]): Float32Array => Float32Array.from(values);

describe('vector helpers', () => {
  it('computes dot products and cosines, with 0 for a zero vector', () => {
    expect(dot(vector(1, 2, 3), vector(4, 5, 6))).toBe(32);
    expect(cosine(vector(1, 0), vector(0, 1))).toBe(0);
    expect(cosine(vector(2, 0), vector(3, 0))).toBe(1);
    expect(cosine(vector(1, 1), vector(-1, -1))).toBeCloseTo(-1, 12);
    expect(cosine(vector(0, 0), vector(1, 0))).toBe(0);
  });

  it('refuses vectors of different lengths', () => {
    expect(() => dot(vector(1, 2), vector(1, 2, 3))).toThrow('Vectors of different lengths: 2 and 3');
  });

  it('normalises in place and leaves a zero vector at zero', () => {
    const v = vector(3, 4);
    expect(normalizeInPlace(v)).toBe(v);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(normalizeInPlace(vector(0, 0)))).toEqual([0, 0]);
    expect(norm(vector(3, 4))).toBe(5);
  });

  it('averages vectors, optionally at unit length', () => {
    expect(Array.from(meanVector([vector(1, 0), vector(0, 1)]))).toEqual([0.5, 0.5]);
    const unit = meanVector([vector(1, 0), vector(0, 1)], { normalize: true });
    expect(unit[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => meanVector([])).toThrow('meanVector() needs at least one vector');
  });

  it('writes the pgvector text form so that every float32 reads back exactly', () => {
    // Unit-vector components take 10 decimals; tiny and large values the fewest digits that round-trip.
    expect(toPgVector(vector(0.1, -0.25, 0, 1e-8, 3))).toBe('[0.1000000015,-0.25,0,1e-8,3]');
    expect(toPgVector([0.5, 1 / 3, 0.0009765625, 0.0001])).toBe('[0.5,0.3333333433,0.0009765625,0.0001]');
    expect(() => toPgVector([Number.NaN])).toThrow('pgvector cannot store NaN');
    const random = Float32Array.from({ length: 4096 }, (_, index) => Math.sin(index * 12.9898) ** 3);
    expect(fromPgVector(toPgVector(random))).toEqual(random);
    expect(Array.from(fromPgVector('[1, 2.5 ,-3]'))).toEqual([1, 2.5, -3]);
  });

  it('finds the nearest candidates by cosine, best first, ties by position', () => {
    const candidates = [vector(1, 0), vector(0, 1), vector(1, 1), vector(1, 0)];
    expect(nearest(vector(1, 0.1), candidates, 3).map((hit) => hit.index)).toEqual([0, 3, 2]);
    expect(nearest(vector(0, 1), candidates, 10)).toHaveLength(4);
    expect(nearest(vector(0, 1), candidates, 0)).toEqual([]);
    expect(nearest(vector(0, 1), candidates, 1)[0]).toEqual({ index: 1, score: 1 });
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry and counts hits and misses', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.stats).toEqual({ hits: 3, misses: 1, size: 2 });
  });

  it('stores nothing at capacity 0', () => {
    const cache = new LruCache<string, number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(() => new LruCache(-1)).toThrow('cache capacity must be a non-negative integer, got -1');
  });
});
