import { createHash } from 'node:crypto';
import type { Embedder } from './embedder.js';
import { EmbeddingModelInvalidError } from './embedder.js';
import { randomizedSvd } from './randomized-svd.js';
import {
  type FeatureOptions,
  featurize,
  fitVocabulary,
  toCsr,
  type Vocabulary,
  vocabularyFromTerms,
} from './text-features.js';
import { normalizeInPlace } from './vector-math.js';

/**
 * Latent semantic analysis: TF-IDF features projected on the leading singular vectors of the corpus's
 * TF-IDF matrix. It needs no weight files, fits in seconds and is the fallback when no transformer
 * model folder is present.
 */
export interface LsaModel {
  readonly kind: 'lsa';
  /** Length of the vectors (capped by the corpus size and vocabulary when those are smaller). */
  readonly dimensions: number;
  readonly seed: number;
  /** Texts the model was fitted on. */
  readonly documentCount: number;
  readonly features: FeatureOptions;
  /** Components are scaled by singularValue^componentScaling before projection (0 = plain XV). */
  readonly componentScaling: number;
  readonly vocabulary: Vocabulary;
  /**
   * Row-major `terms × dimensions`, already scaled by the singular values, stored as int8 per term row:
   * the value is `components[t·dimensions + j] · componentScales[t]`. A text's vector is its TF-IDF row
   * times this matrix. Int8 keeps the model at one byte per term per dimension and changed no retrieval
   * figure on Banking77 (p@10 0.6838 with float32, 0.6839 with int8).
   */
  readonly components: Int8Array;
  /** One float32 scale per term row of {@link LsaModel.components}. */
  readonly componentScales: Float32Array;
  readonly singularValues: Float32Array;
}

/** Options of {@link fitLsaModel}. */
export interface FitLsaOptions {
  /** Vector length; default {@link DEFAULT_LSA_DIMENSIONS}. */
  readonly dimensions?: number;
  /** Seed of the randomized SVD; default 42. */
  readonly seed?: number;
  /** Feature settings; defaults in {@link defaultFeatureOptions}. */
  readonly features?: Partial<FeatureOptions>;
  /** Power iterations of the randomized SVD; default 2 (3 gave the same retrieval quality). */
  readonly powerIterations?: number;
  /** Exponent on the singular values applied to components; default {@link DEFAULT_LSA_COMPONENT_SCALING}. */
  readonly componentScaling?: number;
}

/** The LSA embedder: a fitted model behind the {@link Embedder} interface. */
export interface LsaEmbedder extends Embedder {
  readonly kind: 'lsa';
  readonly model: LsaModel;
  /** One line saying what this is, for logs and `describe` commands. */
  describe(): string;
}

/**
 * Vector length. On Banking77 (80/20 split, p@10): 128 → 0.658, 256 → 0.684, 384 no better than 256
 * at 2× the fit time (`npm run bench -- embeddings --lsa-ablation`).
 */
export const DEFAULT_LSA_DIMENSIONS = 256;

/**
 * Vectors are XV·Σ^0.5 (= UΣ^1.5): leaning on the leading components beat plain XV (0), whitening
 * (−1, −0.5) and XV·Σ (1) on Banking77 retrieval.
 */
export const DEFAULT_LSA_COMPONENT_SCALING = 0.5;

/**
 * Feature defaults, chosen on Banking77 retrieval (p@10, 80/20 split): word unigrams + bigrams alone
 * 0.52; adding character 3-4-grams inside words lifts it to 0.68 (they match inflections and typos),
 * with the character block weighted 0.7 (0.3 → 0.62, 0.5 → 0.66). `minDocumentFrequency` is 2 from
 * 1,000 texts up (drops one-off noise) and 1 below, so small exemplar sets keep all their words.
 */
export function defaultFeatureOptions(corpusSize: number): FeatureOptions {
  return {
    wordNgramMax: 2,
    charNgramMin: 3,
    charNgramMax: 4,
    charWeight: 0.7,
    minDocumentFrequency: corpusSize >= 1000 ? 2 : 1,
    maxFeaturesPerBlock: 50_000,
  };
}

/**
 * Fits an LSA model on a corpus (feedback texts, routing exemplars). Deterministic: the same corpus,
 * options and seed give the same bytes.
 *
 * @example
 * const model = fitLsaModel(texts, { dimensions: 256, seed: 42 });
 * const embedder = createLsaEmbedder(model);
 */
export function fitLsaModel(corpus: readonly string[], options: FitLsaOptions = {}): LsaModel {
  const dimensions = options.dimensions ?? DEFAULT_LSA_DIMENSIONS;
  const seed = options.seed ?? 42;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
  }
  if (corpus.length === 0) throw new RangeError('fitLsaModel() needs a non-empty corpus');
  const features: FeatureOptions = { ...defaultFeatureOptions(corpus.length), ...options.features };
  const componentScaling = options.componentScaling ?? DEFAULT_LSA_COMPONENT_SCALING;
  const vocabulary = fitVocabulary(corpus, features);
  const terms = vocabulary.idf.length;
  const matrix = toCsr(
    corpus.map((text) => featurize(text, vocabulary, features)),
    terms,
  );
  const svd = randomizedSvd(matrix, dimensions, {
    seed,
    powerIterations: options.powerIterations ?? 2,
  });
  const rank = svd.rank;
  const scaled = new Float64Array(terms * rank);
  const singularValues = Float32Array.from(svd.singularValues);
  for (let component = 0; component < rank; component++) {
    const sigma = svd.singularValues[component]!;
    const scale = sigma > 0 ? sigma ** componentScaling : 0;
    for (let term = 0; term < terms; term++) {
      scaled[term * rank + component] = svd.components[term * rank + component]! * scale;
    }
  }
  const { quantized, scales } = quantizeRows(scaled, terms, rank);
  return {
    kind: 'lsa',
    dimensions: rank,
    seed,
    documentCount: corpus.length,
    features,
    componentScaling,
    vocabulary,
    components: quantized,
    componentScales: scales,
    singularValues,
  };
}

/** The unit-length LSA vector of one text; all zeros when none of its features is in the vocabulary. */
export function projectText(model: LsaModel, text: string): Float32Array {
  const row = featurize(text, model.vocabulary, model.features);
  const sums = new Float64Array(model.dimensions);
  for (let entry = 0; entry < row.indices.length; entry++) {
    const term = row.indices[entry]!;
    const weight = row.values[entry]! * model.componentScales[term]!;
    const offset = term * model.dimensions;
    for (let component = 0; component < model.dimensions; component++) {
      sums[component]! += weight * model.components[offset + component]!;
    }
  }
  return normalizeInPlace(Float32Array.from(sums));
}

/**
 * Wraps a fitted model as an {@link Embedder}. Its id is `lsa:` and the first 12 hex digits of the
 * SHA-256 of the serialized model, so two processes with the same model agree on the id.
 */
export function createLsaEmbedder(model: LsaModel): LsaEmbedder {
  const id = `lsa:${lsaModelHash(model)}`;
  return {
    kind: 'lsa',
    id,
    dimensions: model.dimensions,
    model,
    async embed(texts) {
      return texts.map((text) => projectText(model, text));
    },
    describe: () =>
      `LSA ${id} (${model.dimensions}-d, ${model.vocabulary.idf.length} features, fitted on ${model.documentCount} texts)`,
  };
}

/** First 12 hex digits of the SHA-256 of the serialized model. */
export function lsaModelHash(model: LsaModel): string {
  return createHash('sha256').update(serializeLsaModel(model)).digest('hex').slice(0, 12);
}

const MAGIC = 'LSA1';

interface StoredHeader {
  readonly version: 1;
  readonly dimensions: number;
  readonly seed: number;
  readonly documentCount: number;
  readonly features: FeatureOptions;
  readonly componentScaling: number;
  readonly wordTerms: number;
  readonly charTerms: number;
}

/**
 * A compact binary form: `LSA1`, a JSON header, the terms (newline-separated UTF-8), idf and singular
 * values as little-endian float32, then per term a float32 scale and one int8 per dimension. About one
 * byte per term per dimension (4 MB for Banking77).
 */
export function serializeLsaModel(model: LsaModel): Uint8Array {
  const header: StoredHeader = {
    version: 1,
    dimensions: model.dimensions,
    seed: model.seed,
    documentCount: model.documentCount,
    features: model.features,
    componentScaling: model.componentScaling,
    wordTerms: model.vocabulary.wordTerms.length,
    charTerms: model.vocabulary.charTerms.length,
  };
  const encoder = new TextEncoder();
  const headerBytes = encoder.encode(JSON.stringify(header));
  const termBytes = encoder.encode([...model.vocabulary.wordTerms, ...model.vocabulary.charTerms].join('\n'));
  const terms = model.vocabulary.idf.length;
  const floatsAt = align4(4 + 4 + headerBytes.length + 4 + termBytes.length);
  const floatCount = terms + model.singularValues.length + terms;
  const bytes = new Uint8Array(floatsAt + floatCount * 4 + model.components.length);
  const view = new DataView(bytes.buffer);
  bytes.set(encoder.encode(MAGIC), 0);
  view.setUint32(4, headerBytes.length, true);
  bytes.set(headerBytes, 8);
  view.setUint32(8 + headerBytes.length, termBytes.length, true);
  bytes.set(termBytes, 12 + headerBytes.length);
  let offset = floatsAt;
  for (const array of [model.vocabulary.idf, model.singularValues, model.componentScales]) {
    for (let index = 0; index < array.length; index++, offset += 4)
      view.setFloat32(offset, array[index]!, true);
  }
  const components = model.components;
  bytes.set(new Uint8Array(components.buffer, components.byteOffset, components.byteLength), offset);
  return bytes;
}

/** Int8 per row: each row is stored as round(value / scale) with scale = max|value| / 127 (float32). */
function quantizeRows(
  values: Float64Array | Float32Array,
  rows: number,
  width: number,
): { quantized: Int8Array; scales: Float32Array } {
  const quantized = new Int8Array(rows * width);
  const scales = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let largest = 0;
    for (let column = 0; column < width; column++) {
      largest = Math.max(largest, Math.abs(values[row * width + column]!));
    }
    const scale = Math.fround(largest / 127);
    scales[row] = scale;
    if (scale === 0) continue;
    for (let column = 0; column < width; column++) {
      quantized[row * width + column] = Math.max(
        -127,
        Math.min(127, Math.round(values[row * width + column]! / scale)),
      );
    }
  }
  return { quantized, scales };
}

/**
 * Reads a model written by {@link serializeLsaModel}.
 *
 * @throws EmbeddingModelInvalidError when the bytes are not such a model.
 */
export function deserializeLsaModel(bytes: Uint8Array, source = 'from bytes'): LsaModel {
  const fail = (reason: string): never => {
    throw new EmbeddingModelInvalidError(source, reason);
  };
  const decoder = new TextDecoder();
  if (bytes.length < 12 || decoder.decode(bytes.subarray(0, 4)) !== MAGIC)
    fail('it does not start with LSA1');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength + 4 > bytes.length) fail('it is truncated');
  let header: StoredHeader;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(8, 8 + headerLength))) as StoredHeader;
  } catch {
    return fail('its header is not JSON');
  }
  if (header.version !== 1) fail(`version ${String(header.version)} is not supported`);
  const termLength = view.getUint32(8 + headerLength, true);
  const termsAt = 12 + headerLength;
  if (termsAt + termLength > bytes.length) fail('it is truncated');
  const termText = decoder.decode(bytes.subarray(termsAt, termsAt + termLength));
  const termCount = header.wordTerms + header.charTerms;
  const terms = termCount === 0 ? [] : termText.split('\n');
  if (terms.length !== termCount) fail(`it lists ${terms.length} terms instead of ${termCount}`);
  let offset = align4(termsAt + termLength);
  const readFloats = (count: number): Float32Array => {
    if (offset + count * 4 > bytes.length) fail('it is truncated');
    const array = new Float32Array(count);
    for (let index = 0; index < count; index++, offset += 4) array[index] = view.getFloat32(offset, true);
    return array;
  };
  const idf = readFloats(termCount);
  const singularValues = readFloats(header.dimensions);
  const scales = readFloats(termCount);
  const quantizedLength = termCount * header.dimensions;
  if (offset + quantizedLength !== bytes.length) {
    fail(offset + quantizedLength > bytes.length ? 'it is truncated' : 'it has trailing bytes');
  }
  // A copy, so the model does not pin (or alias) the buffer it was read from.
  const components = new Int8Array(quantizedLength);
  components.set(new Int8Array(bytes.buffer, bytes.byteOffset + offset, quantizedLength));
  return {
    kind: 'lsa',
    dimensions: header.dimensions,
    seed: header.seed,
    documentCount: header.documentCount,
    features: header.features,
    componentScaling: header.componentScaling,
    vocabulary: vocabularyFromTerms(terms.slice(0, header.wordTerms), terms.slice(header.wordTerms), idf),
    components,
    componentScales: scales,
    singularValues,
  };
}

function align4(value: number): number {
  return (value + 3) & ~3;
}
