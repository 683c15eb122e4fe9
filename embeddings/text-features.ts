/**
 * Sparse TF-IDF features for the LSA embedder: word unigrams and bigrams plus character n-grams taken
 * inside word boundaries (they make "withdrawls" and "withdrawals" share most of their features).
 * Each block is weighted with sublinear term frequency and a smoothed idf, L2-normalised on its own,
 * and the blocks are mixed by a fixed weight so neither dominates by its sheer number of features.
 */

/** How texts become features; stored with the model, so a loaded model featurises exactly as it was fitted. */
export interface FeatureOptions {
  /** 1 = unigrams, 2 = unigrams and bigrams. */
  readonly wordNgramMax: number;
  /** Shortest character n-gram; 0 turns character n-grams off. */
  readonly charNgramMin: number;
  /** Longest character n-gram. */
  readonly charNgramMax: number;
  /** Share of the character block in the squared norm of a text's vector (0..1). */
  readonly charWeight: number;
  /** A feature must occur in at least this many corpus texts. */
  readonly minDocumentFrequency: number;
  /** At most this many features per block, the most frequent first. */
  readonly maxFeaturesPerBlock: number;
}

/** A fitted vocabulary: feature strings, their column and their idf. Word columns come first. */
export interface Vocabulary {
  readonly wordTerms: readonly string[];
  readonly charTerms: readonly string[];
  readonly idf: Float32Array;
  readonly columns: ReadonlyMap<string, number>;
}

/** A sparse row: column indexes and values of the same length. */
export interface SparseRow {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** Rows in compressed sparse row form. */
export interface CsrMatrix {
  readonly rows: number;
  readonly columns: number;
  readonly rowStarts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

// Character-gram keys get a prefix no word feature can start with, so both blocks share one map.
const CHAR_PREFIX = '\u0001';

/** Lower-cased words (letters and digits), apostrophes removed so "can't" is one word. */
export function tokenizeWords(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase().replace(/['’`]/g, '');
  return normalised.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Counts of each feature of one text, word features and character features apart. */
function countFeatures(
  text: string,
  options: FeatureOptions,
): { words: Map<string, number>; chars: Map<string, number> } {
  const tokens = tokenizeWords(text);
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    words.set(token, (words.get(token) ?? 0) + 1);
    if (options.wordNgramMax >= 2 && index + 1 < tokens.length) {
      const bigram = `${token} ${tokens[index + 1]}`;
      words.set(bigram, (words.get(bigram) ?? 0) + 1);
    }
    if (options.charNgramMin > 0) {
      const padded = ` ${token} `;
      for (let size = options.charNgramMin; size <= options.charNgramMax; size++) {
        if (size > padded.length) break;
        for (let start = 0; start + size <= padded.length; start++) {
          const gram = CHAR_PREFIX + padded.slice(start, start + size);
          chars.set(gram, (chars.get(gram) ?? 0) + 1);
        }
      }
    }
  }
  return { words, chars };
}

/** Builds the vocabulary and idf of a corpus. Deterministic: ties in frequency are broken by the term. */
export function fitVocabulary(corpus: readonly string[], options: FeatureOptions): Vocabulary {
  const wordFrequency = new Map<string, number>();
  const charFrequency = new Map<string, number>();
  for (const text of corpus) {
    const { words, chars } = countFeatures(text, options);
    for (const term of words.keys()) wordFrequency.set(term, (wordFrequency.get(term) ?? 0) + 1);
    for (const term of chars.keys()) charFrequency.set(term, (charFrequency.get(term) ?? 0) + 1);
  }
  const select = (frequency: Map<string, number>): [string, number][] =>
    [...frequency.entries()]
      .filter(([, count]) => count >= options.minDocumentFrequency)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, options.maxFeaturesPerBlock);
  const words = select(wordFrequency);
  const chars = select(charFrequency);
  const idf = new Float32Array(words.length + chars.length);
  const columns = new Map<string, number>();
  const documents = corpus.length;
  [...words, ...chars].forEach(([term, count], column) => {
    columns.set(term, column);
    // Smoothed idf (as if one extra document held every term): never zero, never infinite.
    idf[column] = Math.log((1 + documents) / (1 + count)) + 1;
  });
  return {
    wordTerms: words.map(([term]) => term),
    charTerms: chars.map(([term]) => term.slice(CHAR_PREFIX.length)),
    idf,
    columns,
  };
}

/** Rebuilds the term → column map of a vocabulary read back from storage. */
export function vocabularyFromTerms(
  wordTerms: readonly string[],
  charTerms: readonly string[],
  idf: Float32Array,
): Vocabulary {
  const columns = new Map<string, number>();
  wordTerms.forEach((term, column) => {
    columns.set(term, column);
  });
  charTerms.forEach((term, offset) => {
    columns.set(CHAR_PREFIX + term, wordTerms.length + offset);
  });
  return { wordTerms, charTerms, idf, columns };
}

/** The weighted, normalised TF-IDF row of one text (empty when no feature is in the vocabulary). */
export function featurize(text: string, vocabulary: Vocabulary, options: FeatureOptions): SparseRow {
  const { words, chars } = countFeatures(text, options);
  const wordBlock = weightBlock(words, vocabulary);
  const charBlock = weightBlock(chars, vocabulary);
  const hasChars = charBlock.indices.length > 0 && options.charNgramMin > 0;
  const hasWords = wordBlock.indices.length > 0;
  // Blocks share the squared norm by charWeight; a text with only one block gives it the whole norm,
  // so a typo-only query (no known word) still lands somewhere sensible.
  const charShare = hasChars && hasWords ? options.charWeight : hasChars ? 1 : 0;
  const wordScale = Math.sqrt(1 - charShare);
  const charScale = Math.sqrt(charShare);
  const size = wordBlock.indices.length + charBlock.indices.length;
  const indices = new Int32Array(size);
  const values = new Float64Array(size);
  let position = 0;
  for (let index = 0; index < wordBlock.indices.length; index++, position++) {
    indices[position] = wordBlock.indices[index]!;
    values[position] = wordBlock.values[index]! * wordScale;
  }
  for (let index = 0; index < charBlock.indices.length; index++, position++) {
    indices[position] = charBlock.indices[index]!;
    values[position] = charBlock.values[index]! * charScale;
  }
  return { indices, values };
}

function weightBlock(counts: Map<string, number>, vocabulary: Vocabulary): SparseRow {
  const indices: number[] = [];
  const values: number[] = [];
  let squared = 0;
  for (const [term, count] of counts) {
    const column = vocabulary.columns.get(term);
    if (column === undefined) continue;
    // Sublinear tf: a word said three times is not three times as telling.
    const value = (1 + Math.log(count)) * vocabulary.idf[column]!;
    indices.push(column);
    values.push(value);
    squared += value * value;
  }
  const scale = squared > 0 ? 1 / Math.sqrt(squared) : 0;
  return { indices: Int32Array.from(indices), values: Float64Array.from(values, (value) => value * scale) };
}

/** Stacks sparse rows into one CSR matrix. */
export function toCsr(rows: readonly SparseRow[], columns: number): CsrMatrix {
  let total = 0;
  for (const row of rows) total += row.indices.length;
  const rowStarts = new Int32Array(rows.length + 1);
  const indices = new Int32Array(total);
  const values = new Float64Array(total);
  let position = 0;
  rows.forEach((row, index) => {
    rowStarts[index] = position;
    indices.set(row.indices, position);
    values.set(row.values, position);
    position += row.indices.length;
  });
  rowStarts[rows.length] = position;
  return { rows: rows.length, columns, rowStarts, indices, values };
}
