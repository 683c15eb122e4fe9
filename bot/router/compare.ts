/**
 * Comparison phrases ("vs last year", "w/w", "compared to the previous quarter"). They are found before
 * time ranges because they contain time words ("last year", "the week before") that must not be read as
 * the question's own time range.
 */

/** The two comparisons `metric_query` supports. */
export type Comparison = 'previous_period' | 'previous_year';

/** One comparison phrase found in prepared (lower-cased, same-length) text. */
export interface ComparisonMatch {
  readonly compare: Comparison;
  /** Index of the phrase in the text. */
  readonly index: number;
  /** The phrase as it appears in the text. */
  readonly matched: string;
}

// "vs", "versus", "compared to/with", "compare with", "relative to", "against", "than". Not "over" or
// "from": "change over the last 7 days" names a time range, not a comparison.
const VERSUS = String.raw`(?:vs\.?|v\.?|versus|compare[sd]?\s+(?:to|with|against)|comparing\s+(?:to|with)|in\s+comparison\s+(?:to|with)|relative\s+to|against|than)`;
const PRIOR = String.raw`(?:previous|prior|preceding|last|the\s+last)`;
const UNIT = String.raw`(?:period|week|wk|month|mth|quarter|qtr|day|fortnight|(?:\d{1,3}|seven|thirty|fourteen)\s+days|(?:\d{1,2}|two|three|four|six|twelve)\s+(?:weeks|months))`;

/** Patterns in priority order: year comparisons first, since "same week last year" also says "week". */
const PATTERNS: ReadonlyArray<{ readonly compare: Comparison; readonly pattern: RegExp }> = [
  // "yoy", "y/y", "y-o-y", "year over year", "year-on-year", "YoY growth".
  {
    compare: 'previous_year',
    pattern: /(?<![\w/])(?:yoy|y\/y|y-o-y|year[\s-]+(?:over|on)[\s-]+year)(?![\w/])/g,
  },
  // "(vs) the same week last year", "same period a year ago", "same time last year".
  {
    compare: 'previous_year',
    pattern: new RegExp(
      String.raw`(?:\b${VERSUS}\s+)?(?:the\s+)?same\s+(?:week|wk|month|day|date|period|quarter|time|days?|weekend|stretch|window)(?:\s+(?:of|in))?\s+(?:last\s+year|the\s+previous\s+year|the\s+prior\s+year|a\s+year\s+(?:ago|earlier|before)|the\s+year\s+before|\d{4})\b`,
      'g',
    ),
  },
  // "vs last year", "compared to the previous year", "vs a year ago", "than the year before".
  {
    compare: 'previous_year',
    pattern: new RegExp(
      String.raw`\b${VERSUS}\s+(?:the\s+)?(?:(?:last|previous|prior|preceding)\s+year|year\s+before|a\s+year\s+(?:ago|earlier|before))\b`,
      'g',
    ),
  },
  // "w/w", "wow", "m/m", "mom", "q/q", "qoq", "d/d", "dod", "week over week", "period-over-period".
  {
    compare: 'previous_period',
    pattern:
      /(?<![\w/])(?:w\/w|wow|w-o-w|m\/m|mom|m-o-m|q\/q|qoq|q-o-q|d\/d|dod|d-o-d|pop|(?:week|month|quarter|day|period)[\s-]+(?:over|on)[\s-]+(?:week|month|quarter|day|period))(?![\w/!])/g,
  },
  // "vs the week before", "compare with the month before", "vs the prior period", "vs the previous quarter",
  // "vs last week", "compared to the previous 7 days".
  {
    compare: 'previous_period',
    pattern: new RegExp(
      String.raw`\b${VERSUS}\s+(?:the\s+)?(?:(?:${PRIOR})\s+${UNIT}|${UNIT}\s+before|one\s+before|(?:previous|prior)\s+(?:one|period|window|stretch))\b`,
      'g',
    ),
  },
  // "vs yesterday", "compared with the day before".
  {
    compare: 'previous_period',
    pattern: new RegExp(String.raw`\b${VERSUS}\s+(?:yesterday|the\s+day\s+before)\b`, 'g'),
  },
  // "previous period" / "prior period" on their own ("show the previous period too").
  {
    compare: 'previous_period',
    pattern: /\b(?:vs\.?\s+|versus\s+)?(?:the\s+)?(?:previous|prior|preceding)\s+period\b/g,
  },
];

/**
 * Every comparison phrase in prepared text (see `prepareText`), in text order, without overlaps.
 *
 * @example
 * findComparisons('fee revenue this year vs last year') // [{ compare: 'previous_year', matched: 'vs last year', … }]
 */
export function findComparisons(prepared: string): ComparisonMatch[] {
  const found: ComparisonMatch[] = [];
  const taken: Array<[number, number]> = [];
  for (const { compare, pattern } of PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of prepared.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([from, to]) => start < to && end > from)) continue;
      // "wow" is also an exclamation ("wow, that is high!"): not before punctuation or "that/this/so".
      if (
        match[0] === 'wow' &&
        /^\s*(?:[!,.]|(?:that|this|so|what|just|ok|okay|nice)\b)/.test(prepared.slice(end))
      )
        continue;
      // "pop" and "mom" are ordinary words too; accept them only when written in a metric-ish position
      // (after a number word such as volume/users or at the end of the question).
      if (
        (match[0] === 'pop' || match[0] === 'mom') &&
        !/^\s*(?:[?.!,]|$|growth|change|%)/.test(prepared.slice(end))
      )
        continue;
      taken.push([start, end]);
      found.push({ compare, index: start, matched: match[0] });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The comparison asked for, or undefined: the first one in the text wins. */
export function findComparison(prepared: string): ComparisonMatch | undefined {
  return findComparisons(prepared)[0];
}
