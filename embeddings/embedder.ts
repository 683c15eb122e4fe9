import { AnalystError } from '../core/errors.js';

/**
 * Turns texts into fixed-length, L2-normalised vectors, so cosine similarity is a dot product. The
 * router (nearest exemplars) and the feedback store (pgvector) depend only on this interface.
 *
 * Returned vectors may be shared with an internal cache: treat them as read-only (copy before changing).
 *
 * @example
 * const embedder = await createDefaultEmbedder({ fallbackCorpus: async () => exemplars });
 * const [question] = await embedder.embed(['how much BTC was traded yesterday']);
 */
export interface Embedder {
  /**
   * Names the model and its weights, e.g. `transformer:universal-sentence-encoder-lite:q8` or
   * `lsa:3f2a9c01b7de`. Vectors from embedders with different ids must not be compared; stores keep it
   * next to the vectors to detect a model change.
   */
  readonly id: string;
  /** Length of every vector. */
  readonly dimensions: number;
  /**
   * One vector per text, in order, each of unit length (or all zeros for a text with nothing the model
   * knows, such as an empty string for the LSA embedder).
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * The transformer's model folder is absent or cannot be loaded. The message names the folder and the
 * variable that points to it.
 */
export class EmbeddingModelMissingError extends AnalystError {
  readonly modelDir: string;
  readonly reason: string;

  constructor(modelDir: string, reason: string, options?: { cause?: unknown }) {
    super(
      'embedding_model_missing',
      `The embedding model in ${modelDir} cannot be used: ${reason}. ` +
        'Set EMBEDDING_MODEL_DIR to a transformers.js model folder ' +
        '(config.json, tokenizer.json and onnx/model.onnx or onnx/model_quantized.onnx).',
      options,
    );
    this.modelDir = modelDir;
    this.reason = reason;
  }
}

/** A serialized LSA model that cannot be read (truncated, another format, another version). */
export class EmbeddingModelInvalidError extends AnalystError {
  readonly source: string;

  constructor(source: string, reason: string) {
    super('embedding_model_invalid', `The LSA model ${source} cannot be read: ${reason}.`);
    this.source = source;
  }
}
