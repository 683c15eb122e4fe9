/**
 * Class-based TF-IDF (as in BERTopic): all messages of a topic form one document; a term's weight is
 * its frequency in the topic times log(1 + A / its frequency over all topics), A being the mean
 * number of words per topic. Terms common everywhere ("my", "card" in a card-heavy corpus) sink; terms
 * that mark one topic rise.
 */
import { tokenizeWords } from '../../embeddings/index.js';

// English function words plus the filler of support messages; kept short on purpose (c-TF-IDF already
// discounts words spread over every topic).
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her here hers
  him his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
  other our ours out over own same she should so some such than that the their them then there these they this
  those through to too under until up very was we were what when where which while who whom why will with would
  you your yours im ive id dont cant didnt doesnt isnt wasnt havent hasnt wont ill get got please hi hello thanks
  thank also still yet one much many way need want like know tell help could would can us let make made go going`.split(
    /\s+/,
  ),
);

/** Words of a text for keywords: lower-cased, no stop words, no bare numbers. */
export function keywordTokens(text: string): string[] {
  return tokenizeWords(text).filter(
    (word) => word.length > 1 && !STOP_WORDS.has(word) && !/^\d+$/.test(word),
  );
}

/**
 * The top keywords of each class by c-TF-IDF, unigrams and bigrams (a bigram of two kept words).
 *
 * @example
 * classKeywords([['card never arrived', 'where is my card'], ['app crashes']], 5)
 */
export function classKeywords(
  classes: readonly (readonly string[])[],
  top = 6,
): { term: string; weight: number }[][] {
  const counts = classes.map((texts) => {
    const terms = new Map<string, number>();
    for (const text of texts) {
      const words = keywordTokens(text);
      for (let index = 0; index < words.length; index++) {
        terms.set(words[index]!, (terms.get(words[index]!) ?? 0) + 1);
        if (index + 1 < words.length) {
          const bigram = `${words[index]} ${words[index + 1]}`;
          terms.set(bigram, (terms.get(bigram) ?? 0) + 1);
        }
      }
    }
    return terms;
  });
  const overall = new Map<string, number>();
  let totalWords = 0;
  for (const terms of counts) {
    for (const [term, count] of terms) {
      overall.set(term, (overall.get(term) ?? 0) + count);
      if (!term.includes(' ')) totalWords += count;
    }
  }
  const average = totalWords / Math.max(1, classes.length);
  return counts.map((terms) => {
    let words = 0;
    for (const [term, count] of terms) if (!term.includes(' ')) words += count;
    const scored = [...terms.entries()]
      // A bigram must repeat to count: one odd phrase should not name a topic.
      .filter(([term, count]) => !term.includes(' ') || count >= 2)
      .map(([term, count]) => ({
        term,
        weight: (count / Math.max(1, words)) * Math.log(1 + average / overall.get(term)!),
      }))
      .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
    // A unigram already covered by a higher bigram adds nothing to a label.
    const chosen: { term: string; weight: number }[] = [];
    for (const entry of scored) {
      if (chosen.length >= top) break;
      const covered = chosen.some(
        (other) =>
          other.term.split(' ').includes(entry.term) ||
          (entry.term.split(' ').includes(other.term) && !entry.term.includes(' ')),
      );
      if (!covered) chosen.push(entry);
    }
    return chosen;
  });
}

/** A short topic name from its keywords: the best two, joined ("card arrival / delivery"). */
export function topicName(keywords: readonly { term: string }[]): string {
  const parts = keywords.slice(0, 2).map((keyword) => keyword.term);
  return parts.length > 0 ? parts.join(' / ') : 'misc';
}
