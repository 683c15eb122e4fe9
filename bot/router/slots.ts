/**
 * Deterministic slot filling for the offline router: everything in a question that can be read without a
 * model (time range, countries, assets, markets, products, platforms, chains, feedback channels,
 * sentiment, KYC levels, VIP tiers, user ids, addresses, top-N, order, comparison, grain, breakdowns,
 * forecast horizon, SQL). Each slot's span is cut out of the question, and what is left (`remainder`) is
 * what the classifier looks at.
 *
 * Extraction runs in a fixed order so that specific readings win over general ones: SQL and addresses
 * first (nothing inside them is a slot), markets before assets ("BTCUSDT" is not BTC), comparisons before
 * time ranges ("vs last year" is not the range), chains before assets ("on Ethereum" is the chain),
 * feedback channels before platforms ("app store" is a channel).
 */
import {
  isValidBitcoinAddress,
  isValidSolanaAddress,
  isValidTronAddress,
} from '../../warehouse/demo/addresses.js';
import type { DimensionName, TimeGrain } from '../../warehouse/semantic/index.js';
import { type Comparison, findComparisons } from './compare.js';
import {
  AMBIGUOUS_CODES,
  CAPITALISED_ONLY,
  COUNTRIES,
  COUNTRY_CODES,
  NOT_COUNTRIES,
  UPPERCASE_ONLY,
} from './countries.js';
import { blankSpan, normaliseText, prepareText } from './text.js';
import { parseTimeRange, type TimeRangeMatch } from './time-range.js';
import {
  ASSET_SYMBOLS,
  ASSETS,
  type Chain,
  type Channel,
  DIMENSION_WORDS,
  type DimensionWord,
  type Platform,
  type Product,
  QUOTE_ASSETS,
  type Sentiment,
  type Side,
} from './vocabulary.js';

export { normaliseText } from './text.js';
export type { Chain, Channel, Platform, Product, Sentiment, Side } from './vocabulary.js';

/** Slot names, as recorded in {@link SlotSpan}. */
export type SlotKind =
  | 'sql'
  | 'address'
  | 'market'
  | 'compare'
  | 'horizon'
  | 'time_range'
  | 'user_id'
  | 'k'
  | 'order'
  | 'grain'
  | 'group_by'
  | 'kyc_level'
  | 'vip_tier'
  | 'level'
  | 'channel'
  | 'sentiment'
  | 'side'
  | 'chain'
  | 'asset'
  | 'product'
  | 'product_id'
  | 'platform'
  | 'country'
  | 'not_country';

/** Where a slot was found in the question. */
export interface SlotSpan {
  readonly slot: SlotKind;
  /** Index in the original question. */
  readonly index: number;
  /** The original text of the span. */
  readonly text: string;
  /** The value it gave (a code, a symbol, a number, …). */
  readonly value: string | number;
}

/** A slot the asker must disambiguate. 'level': "level 3 users" may be a KYC level or a VIP tier. */
export type AmbiguousSlot = 'level';

/** Everything deterministic found in a question. Lists keep text order and hold no duplicates. */
export interface Slots {
  /** The whole question, normalised (see `normaliseText`). */
  readonly text: string;
  /** The question with every slot span removed, normalised: what the classifier should look at. */
  readonly remainder: string;
  readonly spans: readonly SlotSpan[];
  readonly timeRange?: TimeRangeMatch;
  /** ISO-3166 alpha-2 codes. */
  readonly countries: readonly string[];
  /** Asset symbols (BTC, ETH, …). */
  readonly assets: readonly string[];
  /** Markets as the warehouse writes them (BTCUSDT). */
  readonly markets: readonly string[];
  readonly products: readonly Product[];
  /** Product ids of the `products` table ("earn-eth-staking"), for `similar_items`. */
  readonly productIds: readonly string[];
  readonly platforms: readonly Platform[];
  readonly chains: readonly Chain[];
  readonly channels: readonly Channel[];
  /** The first sentiment named ("negative reviews"). "complaints" alone is not a sentiment. */
  readonly sentiment?: Sentiment;
  readonly sides: readonly Side[];
  readonly kycLevels: readonly number[];
  readonly vipTiers: readonly number[];
  /** Slots that need a clarifying question. */
  readonly ambiguous: readonly AmbiguousSlot[];
  /** The number of an ambiguous "level N", for the clarifying question. */
  readonly ambiguousLevel?: number;
  /** The first user id ("user 48213", "uid 90577", "#48213"). */
  readonly userId?: number;
  readonly userIds: readonly number[];
  /** An on-chain address found in the question. */
  readonly address?: string;
  /** The address's chain, inferred from its format and the words around it. */
  readonly addressChain?: Chain;
  /** How many results were asked for, in any form ("top 5", "10 recs", "limit 20"). */
  readonly k?: number;
  /** Set only for "top N" / "bottom N" forms: a ranked list (use as `limit`, with `order`). */
  readonly topN?: number;
  readonly order?: 'asc' | 'desc';
  readonly compare?: Comparison;
  readonly grain?: TimeGrain;
  /** Dimensions to break down by ("by country", "top 5 countries"); time grains are in `grain`. */
  readonly groupBy: readonly DimensionName[];
  /**
   * Dimensions whose values are set against each other ("BTC vs ETH" → ['asset'], "spot vs futures" →
   * ['product']): a breakdown over those values, which stay in their own lists as filters.
   */
  readonly contrasts: readonly DimensionName[];
  /** Forecast horizon ("next week" = 7, "next 14 days" = 14, "next month" = 30). */
  readonly horizonDays?: number;
  /** A read-only statement given by the user ("sql: …", "run this: …", or a question that is a SELECT). */
  readonly sql?: string;
}

/**
 * Extracts every deterministic slot from a question, with `now` as the clock for time phrases.
 *
 * @throws AmbiguousDateError / InvertedRangeError (both `InvalidInputError`) from the time range: the
 *   router turns them into a clarifying question.
 * @example
 * extractSlots('top 5 countries by vol', now)
 * // { k: 5, topN: 5, order: 'desc', groupBy: ['country'], remainder: 'by volume', … }
 */
export function extractSlots(text: string, now: Date): Slots {
  const state = new SlotState(text);
  const result: MutableSlots = {
    countries: [],
    assets: [],
    markets: [],
    products: [],
    productIds: [],
    platforms: [],
    chains: [],
    channels: [],
    sides: [],
    kycLevels: [],
    vipTiers: [],
    ambiguous: [],
    userIds: [],
    groupBy: [],
    contrasts: [],
  };

  extractSql(state, result);
  extractAddress(state, result);
  extractMarkets(state, result);
  extractComparison(state, result);
  extractHorizon(state, result);
  extractTimeRange(state, result, now);
  extractRangeComparison(state, result, now);
  extractUserIds(state, result);
  extractLevels(state, result);
  extractGrain(state, result);
  extractChannels(state, result);
  extractSides(state, result);
  extractGroupBy(state, result);
  extractCounts(state, result);
  extractSentiment(state, result);
  extractChains(state, result);
  inferAddressChain(state, result);
  extractAssets(state, result);
  extractProducts(state, result);
  extractPlatforms(state, result);
  extractCountries(state, result);
  findContrasts(state, result);

  return {
    ...result,
    text: normaliseText(text),
    remainder: normaliseText(state.original).replace(/\s+([,.?!;:])/g, '$1'),
    spans: state.spans.sort((a, b) => a.index - b.index),
  };
}

// ---------------------------------------------------------------------------------------------------------
// State: the original and prepared texts, blanked in step as slots are taken.

type Mutable<T> = { -readonly [Key in keyof T]: T[Key] extends readonly (infer Item)[] ? Item[] : T[Key] };
type MutableSlots = Omit<Mutable<Slots>, 'text' | 'remainder' | 'spans'>;

class SlotState {
  /** The question, with taken spans replaced by spaces. */
  original: string;
  /** `prepareText(question)` (lower case, same length), blanked in step. */
  prepared: string;
  readonly question: string;
  readonly spans: SlotSpan[] = [];

  constructor(question: string) {
    this.question = question;
    this.original = question;
    this.prepared = prepareText(question);
  }

  /** Records a slot and blanks its span so later extractors do not see it again. */
  take(slot: SlotKind, index: number, length: number, value: string | number): void {
    const raw = this.question.slice(index, index + length);
    const text = raw.trim();
    if (text === '') return;
    this.spans.push({ slot, index: index + (raw.length - raw.trimStart().length), text, value });
    this.original = blankSpan(this.original, index, index + length);
    this.prepared = blankSpan(this.prepared, index, index + length);
  }

  /** Every match of `pattern` (global) on the prepared text. */
  matches(pattern: RegExp): RegExpExecArray[] {
    pattern.lastIndex = 0;
    return [...this.prepared.matchAll(pattern)];
  }
}

function push<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

/** A regex alternation of phrases, longest first, so "shiba inu" wins over "shiba". */
function alternation(phrases: Iterable<string>): string {
  return [...new Set(phrases)]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
};
const COUNT = `(\\d{1,4}|${Object.keys(NUMBER_WORDS).join('|')})`;

function countOf(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : NUMBER_WORDS[text];
}

// ---------------------------------------------------------------------------------------------------------
// SQL.

const SQL_PREFIX =
  /(?:^|[\s,.;!?])(?:sql|run\s+this(?:\s+(?:sql|query|statement))?|run\s+(?:the\s+)?(?:following\s+)?(?:sql|query|statement)|execute(?:\s+this)?(?:\s+(?:sql|query|statement))?|query)\s*:\s*/i;
const SQL_FENCE = /```(?:sql)?\s*([\s\S]+?)\s*```/i;
const SQL_INLINE = /`([^`]+)`/g;
const SQL_START = /(?:^|[\s:])((?:select|with)\s[\s\S]*)$/i;

/** Whether a text that starts with SELECT/WITH is a statement rather than English ("select the top 5 …"). */
function looksLikeSql(statement: string): boolean {
  if (!/\bfrom\s+(?!the\b|our\b|all\b|each\b|every\b|last\b|this\b)[a-z_"][\w."]*/i.test(statement)) {
    return /^with\s+\w+\s+as\s*\(/i.test(statement);
  }
  return (
    /^(?:SELECT|WITH)\b/.test(statement) ||
    /[*(),=;]|\b(?:where|group\s+by|order\s+by|limit|join)\b/i.test(statement)
  );
}

function cleanSql(statement: string): string {
  return statement
    .trim()
    .replace(/^`+|`+$/g, '')
    .trim();
}

function extractSql(state: SlotState, result: MutableSlots): void {
  const text = state.question;
  const fence = SQL_FENCE.exec(text);
  if (fence) {
    result.sql = cleanSql(fence[1]!);
    state.take('sql', fence.index, fence[0].length, result.sql);
    blankPrefix(state, fence.index);
    return;
  }
  // Inline code: "can you run `SELECT count(*) FROM users`".
  for (const inline of text.matchAll(SQL_INLINE)) {
    const body = cleanSql(inline[1]!);
    if (!/^(?:select|with)\b/i.test(body) || !looksLikeSql(body)) continue;
    result.sql = body;
    state.take('sql', inline.index, inline[0].length, body);
    blankPrefix(state, inline.index);
    return;
  }
  const prefix = SQL_PREFIX.exec(text);
  if (prefix) {
    const start = prefix.index + prefix[0].length;
    const body = cleanSql(text.slice(start));
    if (body !== '' && /^(?:select|with|explain|show|values|table)\b/i.test(body)) {
      result.sql = body;
      state.take('sql', prefix.index, text.length - prefix.index, body);
      return;
    }
  }
  const statement = SQL_START.exec(text);
  if (statement && looksLikeSql(statement[1]!.trim())) {
    const index = text.length - statement[1]!.length;
    result.sql = cleanSql(statement[1]!);
    state.take('sql', index, statement[1]!.length, result.sql);
  }
}

/** Blanks "run this:" / "sql:" right before a fenced statement. */
function blankPrefix(state: SlotState, end: number): void {
  const before = state.question.slice(0, end);
  const prefix = /(?:sql|run\s+this(?:\s+(?:sql|query))?|query|execute)\s*:?\s*$/i.exec(before);
  if (prefix) state.take('sql', prefix.index, prefix[0].length, 'prefix');
}

// ---------------------------------------------------------------------------------------------------------
// Addresses: the chain comes from the format; an explicit chain word decides between formats that overlap.

const BASE58 = '[1-9A-HJ-NP-Za-km-z]';
const ADDRESS_PATTERNS: ReadonlyArray<{ readonly chain: Chain; readonly pattern: RegExp }> = [
  { chain: 'ethereum', pattern: /(?<![\w])0x[0-9a-fA-F]{40}(?![0-9a-zA-Z])/g },
  {
    chain: 'bitcoin',
    pattern: /(?<![\w])(?:bc1[02-9ac-hj-np-z]{11,87}|BC1[02-9AC-HJ-NP-Z]{11,87})(?![\w])/g,
  },
  { chain: 'tron', pattern: new RegExp(`(?<![\\w])T${BASE58}{33}(?![\\w])`, 'g') },
  { chain: 'bitcoin', pattern: new RegExp(`(?<![\\w])[13]${BASE58}{25,34}(?![\\w])`, 'g') },
  { chain: 'solana', pattern: new RegExp(`(?<![\\w])${BASE58}{32,44}(?![\\w])`, 'g') },
];

function extractAddress(state: SlotState, result: MutableSlots): void {
  for (const { chain, pattern } of ADDRESS_PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of state.original.matchAll(pattern)) {
      const address = match[0];
      // A random long word is not a solana address: real ones mix digits, upper and lower case.
      if (chain === 'solana' && !(/\d/.test(address) && /[A-Z]/.test(address) && /[a-z]/.test(address)))
        continue;
      // A long number is not a legacy bitcoin address, nor a capitalised word a tron one.
      if (chain !== 'ethereum' && (!/[A-Za-z]/.test(address.slice(1)) || !/\d/.test(address))) continue;
      if (result.address === undefined) {
        result.address = address;
        result.addressChain = chain;
      }
      state.take('address', match.index, address.length, address);
    }
  }
}

/**
 * Settles the address's chain once chain words are known. Formats that overlap are decided by the words
 * around them: `0x…` is Ethereum unless BSC / BEP-20 is said; `T…` (34) is Tron and `1…`/`3…` (≤ 35) is
 * Bitcoin unless Solana is said (a Solana key of that length and prefix is possible but rare).
 */
function inferAddressChain(_state: SlotState, result: MutableSlots): void {
  const address = result.address;
  if (address === undefined) return;
  const said = new Set(result.chains);
  if (address.startsWith('0x')) {
    result.addressChain = said.has('bsc') && !said.has('ethereum') ? 'bsc' : 'ethereum';
    return;
  }
  if (/^bc1/i.test(address)) {
    result.addressChain = 'bitcoin';
    return;
  }
  const solanaSaid = said.has('solana') && isValidSolanaAddress(address);
  if (result.addressChain === 'tron') {
    result.addressChain = solanaSaid && !said.has('tron') && !isValidTronAddress(address) ? 'solana' : 'tron';
  } else if (result.addressChain === 'bitcoin') {
    result.addressChain =
      solanaSaid && !said.has('bitcoin') && !isValidBitcoinAddress(address) ? 'solana' : 'bitcoin';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Markets: "BTCUSDT", "btc/usdt", "ETH-USDC".

const MARKET = new RegExp(
  `(?<![\\w$])([a-z0-9]{2,10}?)([/_-]?)(${QUOTE_ASSETS.map((quote) => quote.toLowerCase()).join('|')})(?![\\w])`,
  'g',
);

function extractMarkets(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(MARKET)) {
    const base = match[1]!.toUpperCase();
    const separator = match[2]!;
    const quote = match[3]!.toUpperCase();
    if (base === quote) continue;
    const written = state.question.slice(match.index, match.index + match[0].length);
    const known = ASSET_SYMBOLS.has(base);
    // Unknown bases count only when written as a market symbol in upper case ("WIFUSDT").
    if (!known && !(separator === '' && written === written.toUpperCase() && /[A-Z]/.test(written))) continue;
    // "BTC/ETH" reads as two assets; a crypto quote needs the joined form ("ETHBTC").
    if (separator !== '' && !/^(?:USDT|USDC|FDUSD|BUSD|USD|EUR|TRY|BRL)$/.test(quote)) continue;
    const market = base + quote;
    push(result.markets, market);
    state.take('market', match.index, match[0].length, market);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Comparison, forecast horizon, time range.

function extractComparison(state: SlotState, result: MutableSlots): void {
  for (const comparison of findComparisons(state.prepared)) {
    result.compare ??= comparison.compare;
    state.take('compare', comparison.index, comparison.matched.length, comparison.compare);
  }
}

const HORIZON_UNITS: Readonly<Record<string, number>> = {
  day: 1,
  days: 1,
  d: 1,
  week: 7,
  weeks: 7,
  wk: 7,
  wks: 7,
  fortnight: 14,
  month: 30,
  months: 30,
  mth: 30,
  mths: 30,
  quarter: 90,
  quarters: 90,
  year: 365,
  years: 365,
  hours: 1 / 24,
  hrs: 1 / 24,
  h: 1 / 24,
};
const HORIZON_UNIT = '(days?|d|weeks?|wks?|fortnight|months?|mths?|quarters?|years?|hours|hrs|h)';
const HORIZON_PATTERNS: readonly RegExp[] = [
  new RegExp(
    `\\b(?:(?:for|over|in|during|within)\\s+)?(?:the\\s+)?(?:next|coming|upcoming|following)\\s+(?:${COUNT}\\s*)?${HORIZON_UNIT}\\b`,
    'g',
  ),
  new RegExp(`\\b${COUNT}[\\s-]*${HORIZON_UNIT}[\\s-]+(?:ahead|out|forward|from\\s+now)\\b`, 'g'),
  new RegExp(
    `\\b${COUNT}[\\s-]*(days?|d|weeks?)[\\s-]+(?=(?:forecast|projection|outlook|horizon|prediction)\\b)`,
    'g',
  ),
  /\b(?:for\s+)?tomorrow\b/g,
];

function extractHorizon(state: SlotState, result: MutableSlots): void {
  for (const pattern of HORIZON_PATTERNS) {
    for (const match of state.matches(pattern)) {
      let days: number | undefined;
      if (/tomorrow/.test(match[0])) days = 1;
      else {
        const count = match[1] === undefined ? 1 : countOf(match[1]);
        const unit = HORIZON_UNITS[match[2]!];
        if (count !== undefined && unit !== undefined) days = Math.max(1, Math.ceil(count * unit));
      }
      if (days === undefined) continue;
      result.horizonDays ??= days;
      state.take('horizon', match.index, match[0].length, days);
    }
  }
}

function extractTimeRange(state: SlotState, result: MutableSlots, now: Date): void {
  const match = parseTimeRange(state.original, now);
  if (!match) return;
  result.timeRange = {
    ...match,
    matched: state.question.slice(match.index, match.index + match.matched.length),
  };
  state.take('time_range', match.index, match.matched.length, `${match.range.start}/${match.range.end}`);
}

const VERSUS = /\b(?:vs\.?|versus|compared?\s+(?:to|with)|against|relative\s+to)\s+/g;

/**
 * "Q3 vs Q2", "October compared to September", "this October vs October 2025": a second time phrase after
 * "vs" is a comparison when it is the period right before the question's range (previous_period) or the
 * same dates a year earlier (previous_year). Any other pair is left alone.
 */
function extractRangeComparison(state: SlotState, result: MutableSlots, now: Date): void {
  const main = result.timeRange?.range;
  if (!main || result.compare !== undefined || !isDate(main.start) || !isDate(main.end)) return;
  for (const match of state.matches(VERSUS)) {
    const from = match.index + match[0].length;
    // Only the text from "vs" on may answer (the connector stays: "vs 2025" reads as a year), and only a
    // phrase that starts right after it.
    const after = ' '.repeat(match.index) + state.original.slice(match.index);
    let other: TimeRangeMatch | undefined;
    try {
      other = parseTimeRange(after, now);
    } catch {
      continue;
    }
    if (!other || !isDate(other.range.start) || other.index < from) continue;
    if (state.original.slice(from, other.index).trim() !== '') continue;
    // A year earlier first: "this year vs 2025" is year over year although 2025 also ends where it starts.
    const compare =
      other.range.start === shiftYear(main.start, -1)
        ? 'previous_year'
        : other.range.end === main.start && other.range.start < main.start
          ? 'previous_period'
          : undefined;
    if (!compare) continue;
    result.compare = compare;
    state.take('compare', match.index, other.index + other.matched.length - match.index, compare);
    return;
  }
}

function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

function shiftYear(date: string, years: number): string {
  return `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;
}

// ---------------------------------------------------------------------------------------------------------
// User ids, KYC levels, VIP tiers.

const NOT_AN_ID =
  /^\s*(?:%|days?|hours?|weeks?|months?|years?|recs?|recommendations?|items?|results?|k\b|m\b|bn\b|usd|usdt|\$|users|accounts|times|x\b)/;
const USER_ID_PATTERNS: readonly RegExp[] = [
  /\b(?:user|customer|client|account|acct|member|trader|uid|userid|user[\s_-]?id|customer[\s_-]?id|account[\s_-]?id)\s*(?:id|no\.?|number|#)?\s*[:#=]?\s*#?\s*(\d{1,12})\b/g,
  /(?<![\w&#/])#(\d{3,12})\b/g,
];

function extractUserIds(state: SlotState, result: MutableSlots): void {
  for (const pattern of USER_ID_PATTERNS) {
    for (const match of state.matches(pattern)) {
      if (NOT_AN_ID.test(state.prepared.slice(match.index + match[0].length))) continue;
      const id = Number(match[1]);
      if (!Number.isSafeInteger(id)) continue;
      push(result.userIds, id);
      result.userId ??= id;
      state.take('user_id', match.index, match[0].length, id);
    }
  }
}

const LEVEL_RANGE = String.raw`(\d)(?:\s*(\+|and\s+(?:above|up|higher|over)|or\s+(?:above|higher|more|over))|\s*(?:-|to|through|thru)\s*(\d)|((?:\s*(?:,|and|or|&|\/)\s*\d)+))?`;
const VIP_PATTERN = new RegExp(
  String.raw`\b(?:vip[\s-]*(?:tier|level|lvl|status)?|(?:fee\s+)?tier)[\s-]*${LEVEL_RANGE}(?!\w)`,
  'g',
);
const KYC_PATTERN = new RegExp(
  String.raw`\b(?:kyc[\s-]*(?:level|lvl|tier|l)?|verification\s+(?:level|tier))[\s-]*${LEVEL_RANGE}(?!\w)|\b(?:level|lvl|tier|l)[\s-]*(\d)\s+kyc\b`,
  'g',
);
const LEVEL_PATTERN = new RegExp(String.raw`\b(?:level|lvl)[\s-]*${LEVEL_RANGE}(?!\w)`, 'g');

/** The levels of "3", "3+", "3 and above", "2-4", "1, 2 and 3", bounded by `max`. */
function levelsOf(match: RegExpExecArray, offset: number, max: number): number[] {
  const first = Number(match[offset]);
  const plus = match[offset + 1];
  const to = match[offset + 2];
  const list = match[offset + 3];
  let levels: number[];
  if (plus) levels = range(first, max);
  else if (to) levels = range(first, Number(to));
  else if (list) levels = [first, ...(list.match(/\d/g) ?? []).map(Number)];
  else levels = [first];
  return levels.filter((level) => level >= 0 && level <= max);
}

function range(from: number, to: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value++) values.push(value);
  return values;
}

function extractLevels(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(KYC_PATTERN)) {
    const levels =
      match[5] === undefined ? levelsOf(match, 1, 3) : [Number(match[5])].filter((level) => level <= 3);
    if (levels.length === 0) continue;
    for (const level of levels) push(result.kycLevels, level);
    state.take('kyc_level', match.index, match[0].length, levels.join(','));
  }
  for (const match of state.matches(VIP_PATTERN)) {
    const tiers = levelsOf(match, 1, 9);
    if (tiers.length === 0) continue;
    for (const tier of tiers) push(result.vipTiers, tier);
    state.take('vip_tier', match.index, match[0].length, tiers.join(','));
  }
  for (const match of state.matches(LEVEL_PATTERN)) {
    const levels = levelsOf(match, 1, 9);
    if (levels.length === 0) continue;
    // KYC levels stop at 3, so "level 5" can only be a VIP tier; "level 0–3" could be either.
    if (levels.some((level) => level > 3)) {
      for (const level of levels) push(result.vipTiers, level);
      state.take('vip_tier', match.index, match[0].length, levels.join(','));
      continue;
    }
    push(result.ambiguous, 'level');
    result.ambiguousLevel ??= levels[0]!;
    state.take('level', match.index, match[0].length, levels.join(','));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Grain and breakdowns.

const GRAIN_PATTERNS: ReadonlyArray<readonly [TimeGrain, RegExp]> = [
  [
    'hour',
    /\b(?:hourly|per[\s-]+hour|by[\s-]+(?:the\s+)?hour|each\s+hour|every\s+hour|hour[\s-]+by[\s-]+hour|an\s+hour)\b/g,
  ],
  [
    'day',
    /\b(?:daily|per[\s-]+day|by[\s-]+(?:the\s+)?day|by\s+date|per\s+date|each\s+day|every\s+day|day[\s-]+by[\s-]+day|a\s+day)\b/g,
  ],
  [
    'week',
    /\b(?:weekly|per[\s-]+week|by[\s-]+(?:the\s+)?week|each\s+week|every\s+week|week[\s-]+by[\s-]+week|a\s+week)\b/g,
  ],
  [
    'month',
    /\b(?:monthly|per[\s-]+month|by[\s-]+(?:the\s+)?month|each\s+month|every\s+month|month[\s-]+by[\s-]+month|a\s+month)\b/g,
  ],
];
/** "daily active users", "weekly digest", "daily limit": an adjective, not a breakdown. */
const NOT_A_GRAIN_AFTER =
  /^\s*(?:active|actives|limit|limits|cap|caps|digest|digests|report|reports|summary|summaries|review|reviews|meeting|standup|newsletter|email|emails|mail|average|avg|max|maximum|min|minimum|quota|allowance|withdrawal\s+limit)\b/;
const NOT_A_GRAIN_BEFORE = /\b(?:average|avg|mean|median|once|twice|times|more\s+than|less\s+than)\s+$/;

function extractGrain(state: SlotState, result: MutableSlots): void {
  const found: Array<{ grain: TimeGrain; index: number; length: number }> = [];
  for (const [grain, pattern] of GRAIN_PATTERNS) {
    for (const match of state.matches(pattern)) {
      const after = state.prepared.slice(match.index + match[0].length);
      const before = state.prepared.slice(0, match.index);
      if (NOT_A_GRAIN_AFTER.test(after) || NOT_A_GRAIN_BEFORE.test(before)) continue;
      // "a day" / "a week" only as a rate after a number or count word ("how many trades a day").
      if (
        /^an?\s/.test(match[0]) &&
        !/\b(?:how\s+many|how\s+much|trades|users|signups|deposits|withdrawals|per)\b[^.?!]*$/.test(before)
      ) {
        continue;
      }
      found.push({ grain, index: match.index, length: match[0].length });
    }
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    result.grain ??= item.grain;
    state.take('grain', item.index, item.length, item.grain);
  }
}

const DIMENSION = alternation(Object.keys(DIMENSION_WORDS));
const BREAKDOWN = String.raw`(?:by|per|across|for\s+(?:each|every)|in\s+(?:each|every)|each|every|split\s+(?:by|per|across|into|out\s+by)|split|broken\s+(?:down|out)\s+by|break(?:ing)?\s+(?:(?:it|that|this|them|these|those)\s+)?(?:down|out)\s+(?:by|per)|breakdown\s+(?:by|per|of)|grouped\s+by|group\s+by|segment(?:ed)?\s+by|sliced\s+by|bucketed\s+by)`;
const DIMENSION_LIST = new RegExp(
  String.raw`\b${BREAKDOWN}\s+(?:the\s+|their\s+|user\s+)?((?:${DIMENSION})(?:\s*(?:,|and|&|\+|\/|or|then)\s*(?:by\s+|per\s+)?(?:${DIMENSION}))*)\b(?![\w-])`,
  'g',
);
const RANKED_DIMENSION = new RegExp(
  // Up to two describing words may sit between ("top 5 fee paying countries"), but no preposition: in
  // "top 5 users in countries…" the ranked thing is users.
  String.raw`(?<=\b(?:top|bottom|best|worst|highest|lowest|biggest|largest|smallest|leading|which|what|most\s+active|least\s+active)\s+(?:(?:\d{1,4}|${Object.keys(NUMBER_WORDS).join('|')})\s+)?(?:(?!(?:by|in|for|of|from|on|with|per|and|or|vs|to|the|at|across|among)\b)[a-z]+[\s-]+){0,2})(${DIMENSION})\b(?![\w-])`,
  'g',
);
const DIMENSION_BREAKDOWN = new RegExp(
  String.raw`\b(${DIMENSION})\s+(?:breakdown|split|mix|distribution|share|shares)\b`,
  'g',
);

function dimensionOf(word: string): DimensionWord | undefined {
  return DIMENSION_WORDS[word.replace(/\s+/g, ' ')];
}

function addDimension(result: MutableSlots, word: DimensionWord): void {
  if (word === 'level') {
    push(result.ambiguous, 'level');
    return;
  }
  push(result.groupBy, word);
}

function extractGroupBy(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(DIMENSION_LIST)) {
    const words = match[1]!
      .split(/\s*(?:,|\band\b|&|\+|\/|\bor\b|\bthen\b)\s*(?:by\s+|per\s+)?/)
      .filter(Boolean);
    const dimensions = words.map(dimensionOf).filter((word): word is DimensionWord => word !== undefined);
    if (dimensions.length === 0) continue;
    for (const dimension of dimensions) addDimension(result, dimension);
    state.take('group_by', match.index, match[0].length, dimensions.join(','));
  }
  for (const match of state.matches(RANKED_DIMENSION)) {
    const dimension = dimensionOf(match[1]!);
    // "top 5 countries" (a plural) or "which country": a ranked breakdown.
    const plural = /s$|^(?:kyc|vip)/.test(match[1]!);
    if (!dimension || (!plural && !/\b(?:which|what)\s+$/.test(state.prepared.slice(0, match.index))))
      continue;
    addDimension(result, dimension);
    state.take('group_by', match.index, match[0].length, dimension);
  }
  for (const match of state.matches(DIMENSION_BREAKDOWN)) {
    const dimension = dimensionOf(match[1]!);
    if (!dimension) continue;
    addDimension(result, dimension);
    state.take('group_by', match.index, match[0].length, dimension);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Counts and order.

const DESCENDING = new Set([
  'top',
  'best',
  'highest',
  'biggest',
  'largest',
  'most',
  'greatest',
  'leading',
  'heaviest',
]);
const ASCENDING = new Set(['bottom', 'worst', 'lowest', 'smallest', 'least', 'fewest', 'weakest']);
const NOT_A_COUNT_AFTER =
  /^\s*(?:%|percent|days?|hours?|weeks?|months?|years?|x\b|k\b|m\b|bn\b|btc|eth|usd|usdt|\$)/;
const TOP_N = new RegExp(
  String.raw`\b(top|bottom|first|best|worst|highest|lowest|biggest|largest|smallest)[\s-]*${COUNT}\b`,
  'g',
);
const COUNTED_NOUN = String.raw`(?:(?:more|most\s+similar|similar|other|related|best|top|new|random|recent|sample|example)\s+)?(?:recs?|recommendations?|suggestions?|results?|items?|hits?|examples?|quotes?|picks?|coins?|assets?|tokens?|products?|matches|rows|entries|answers|reviews|messages|complaints|comments|users|accounts|alerts|countries|markets|platforms|names|ideas|options|cases|flags)`;
const N_THINGS = new RegExp(String.raw`\b${COUNT}\s+(?=${COUNTED_NOUN}\b)`, 'g');
const LIMIT = new RegExp(
  String.raw`\b(?:limit(?:\s+(?:it|them|results?))?(?:\s+(?:to|of|at))?|k\s*=|n\s*=|show(?:\s+me)?(?:\s+(?:the|just|only))?|give(?:\s+me)?(?:\s+(?:the|just|only))?|list(?:\s+(?:the|just|only))?|just|only|get(?:\s+me)?|return|fetch|pull(?:\s+up)?)\s+${COUNT}\b`,
  'g',
);
const ORDER_WORD =
  /\b(top|best|highest|biggest|largest|most|greatest|leading|heaviest|bottom|worst|lowest|smallest|least|fewest|weakest)\b/g;

function extractCounts(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(TOP_N)) {
    if (NOT_A_COUNT_AFTER.test(state.prepared.slice(match.index + match[0].length))) continue;
    const count = countOf(match[2]!);
    if (count === undefined || count < 1) continue;
    const word = match[1]!;
    result.k ??= count;
    result.topN ??= count;
    if (DESCENDING.has(word)) result.order ??= 'desc';
    if (ASCENDING.has(word)) result.order ??= 'asc';
    state.take('k', match.index, match[0].length, count);
  }
  for (const pattern of [N_THINGS, LIMIT]) {
    for (const match of state.matches(pattern)) {
      if (NOT_A_COUNT_AFTER.test(state.prepared.slice(match.index + match[0].length))) continue;
      const count = countOf(match[1]!);
      if (count === undefined || count < 1) continue;
      result.k ??= count;
      state.take('k', match.index, match[0].length, count);
    }
  }
  for (const match of state.matches(ORDER_WORD)) {
    const word = match[1]!;
    const before = state.prepared.slice(0, match.index);
    const after = state.prepared.slice(match.index + match[0].length);
    // "top up", "at least", "at most", "most recent", "bottom line", "almost" are not orderings.
    if (word === 'top' && /^[\s-]*ups?\b/.test(after)) continue;
    if ((word === 'least' || word === 'most') && /\bat\s+$/.test(before)) continue;
    if (word === 'most' && /^\s+(?:recent|recently|of|likely|common(?:ly)?\s+asked)\b/.test(after)) continue;
    if (word === 'bottom' && /^\s+line\b/.test(after)) continue;
    const order = DESCENDING.has(word) ? 'desc' : 'asc';
    result.order ??= order;
    state.take('order', match.index, match[0].length, order);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Feedback channels and sentiment.

const CHANNEL_PATTERNS: ReadonlyArray<readonly [Channel, RegExp]> = [
  [
    'app_review',
    // Only the channel's name is taken: in "app store rating" the word "rating" belongs to the metric.
    /\b(?:(?:ios\s+|android\s+|apple\s+)?app[\s-]?store|play[\s-]?store|google\s+play|(?:app|store|mobile)\s+(?:reviews?|ratings?)|reviews)\b/g,
  ],
  [
    'support_chat',
    /\b(?:(?:customer\s+)?support[\s-]+chats?|live[\s-]+chats?|chat[\s-]+support|in[\s-]?app\s+chats?|chat\s+(?:logs?|transcripts?|messages?|tickets?)|chats)\b/g,
  ],
  ['email', /\b(?:e-?mails?|mail\s+feedback|support\s+inbox)\b/g],
  [
    'social',
    /\b(?:social(?:\s+media)?|socials|twitter|tweets?|x\s*\/\s*twitter|twitter\s*\/\s*x|reddit|telegram|facebook|instagram|tiktok|youtube)\b/g,
  ],
];
const NOT_APP_REVIEW_BEFORE =
  /\b(?:kyc|manual|compliance|code|performance|quarterly|annual|weekly|monthly|risk|aml|account|pending)\s+$/;
const NOT_EMAIL_BEFORE =
  /\b(?:same|their|his|her|user'?s?|users'|masked|shared|duplicate|new|change|changed|verify|verified)\s+$/;
const NOT_EMAIL_AFTER =
  /^\s*(?:address(?:es)?|domains?|verification|verified|changes?|of|and\s+phone|\/\s*phone)\b/;

function extractChannels(state: SlotState, result: MutableSlots): void {
  const found: Array<{ channel: Channel; index: number; length: number }> = [];
  for (const [channel, pattern] of CHANNEL_PATTERNS) {
    for (const match of state.matches(pattern)) {
      const before = state.prepared.slice(0, match.index);
      const after = state.prepared.slice(match.index + match[0].length);
      if (channel === 'app_review' && match[0] === 'reviews' && NOT_APP_REVIEW_BEFORE.test(before)) continue;
      if (channel === 'email' && (NOT_EMAIL_BEFORE.test(before) || NOT_EMAIL_AFTER.test(after))) continue;
      found.push({ channel, index: match.index, length: match[0].length });
    }
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    push(result.channels, item.channel);
    state.take('channel', item.index, item.length, item.channel);
  }
}

const FEEDBACK_NOUN =
  '(?:reviews?|feedback|ratings?|comments?|messages?|experiences?|sentiment|tickets?|chats?|emails?|tweets?|posts?|mentions?|responses?|replies)';
const SENTIMENT_PATTERNS: ReadonlyArray<readonly [Sentiment, RegExp]> = [
  [
    'negative',
    new RegExp(
      String.raw`\b(?:negative(?:ly)?|unhappy|angry|upset|frustrated|dissatisfied|disappointed|furious|(?:bad|poor|terrible|awful|neg)\s+(?=${FEEDBACK_NOUN}\b)|(?:1|one)[\s-]?stars?)\b`,
      'g',
    ),
  ],
  [
    'positive',
    new RegExp(
      String.raw`\b(?:positive(?:ly)?|happy|satisfied|pleased|praise|praising|compliments?|(?:good|great|nice|pos)\s+(?=${FEEDBACK_NOUN}\b)|(?:5|five)[\s-]?stars?)\b`,
      'g',
    ),
  ],
  ['neutral', /\bneutral\b/g],
];
/** "negative net inflow", "positive returns": numbers, not feelings. */
const NOT_SENTIMENT_AFTER =
  /^\s*(?:net|inflows?|outflows?|flows?|balances?|returns?|pnl|p&l|growth|change|changes|numbers?|values?|amounts?|volumes?|delta|rates?|trend|days?|weeks?|months?|funding|slippage|spread|carry|margin|correlation)\b/;

function extractSentiment(state: SlotState, result: MutableSlots): void {
  const found: Array<{ sentiment: Sentiment; index: number; length: number }> = [];
  for (const [sentiment, pattern] of SENTIMENT_PATTERNS) {
    for (const match of state.matches(pattern)) {
      const after = state.prepared.slice(match.index + match[0].length);
      const before = state.prepared.slice(0, match.index);
      if (NOT_SENTIMENT_AFTER.test(after) || /\bnet\s+$/.test(before)) continue;
      found.push({ sentiment, index: match.index, length: match[0].trimEnd().length });
    }
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    result.sentiment ??= item.sentiment;
    state.take('sentiment', item.index, item.length, item.sentiment);
  }
}

const SIDE_PATTERNS: ReadonlyArray<readonly [Side, RegExp]> = [
  ['buy', /\b(?:buy[\s-]+side|buys|buy\s+(?=(?:orders?|volume|trades?|flow|pressure)\b))/g],
  ['sell', /\b(?:sell[\s-]+side|sells|sell\s+(?=(?:orders?|volume|trades?|flow|pressure)\b))/g],
];
const BOTH_SIDES = /\bbuys?\s*(?:vs\.?|versus|\/|and|&|or)\s*sells?\b/g;

function extractSides(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(BOTH_SIDES)) {
    push(result.groupBy, 'side');
    state.take('group_by', match.index, match[0].length, 'side');
  }
  for (const [side, pattern] of SIDE_PATTERNS) {
    for (const match of state.matches(pattern)) {
      push(result.sides, side);
      state.take('side', match.index, match[0].trimEnd().length, side);
    }
  }
  // Both sides named together is a breakdown, not a filter ("buys vs sells").
  if (result.sides.length === 2 && !result.groupBy.includes('side')) {
    result.sides.length = 0;
    push(result.groupBy, 'side');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Chains, assets, products, platforms.

const ON = String.raw`(?:on|via|over|using|through)\s+(?:the\s+)?`;
const NETWORK = String.raw`(?:\s+(?:network|chain|mainnet|blockchain|l1|address|addresses|wallet|wallets))`;
const CHAIN_PATTERNS: ReadonlyArray<readonly [Chain, RegExp]> = [
  [
    'bsc',
    /\b(?:bsc|bep[\s-]?20|bep[\s-]?2|bnb\s+(?:smart\s+)?chain|binance\s+smart\s+chain|bnb\s+network)\b/g,
  ],
  ['tron', /\b(?:trc[\s-]?20|tron(?:\s+(?:network|chain|mainnet|blockchain))?|trx\s+(?:network|chain))\b/g],
  [
    'ethereum',
    new RegExp(
      String.raw`\b(?:erc[\s-]?20|erc[\s-]?721|${ON}ethereum${NETWORK}?|(?:ethereum|eth)${NETWORK})\b`,
      'g',
    ),
  ],
  [
    'bitcoin',
    new RegExp(
      String.raw`\b(?:${ON}bitcoin${NETWORK}?|(?:bitcoin|btc)${NETWORK}|bech32|segwit|lightning)\b`,
      'g',
    ),
  ],
  [
    'solana',
    new RegExp(String.raw`\b(?:spl(?:\s+tokens?)?|${ON}solana${NETWORK}?|(?:solana|sol)${NETWORK})\b`, 'g'),
  ],
];

function extractChains(state: SlotState, result: MutableSlots): void {
  const found: Array<{ chain: Chain; index: number; length: number }> = [];
  for (const [chain, pattern] of CHAIN_PATTERNS) {
    for (const match of state.matches(pattern)) {
      found.push({ chain, index: match.index, length: match[0].length });
    }
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    push(result.chains, item.chain);
    state.take('chain', item.index, item.length, item.chain);
  }
}

const ASSET_ANY_CASE = new Map<string, string>();
const ASSET_UPPER = new Map<string, string>();
for (const asset of ASSETS) {
  for (const name of asset.anyCase) ASSET_ANY_CASE.set(name, asset.symbol);
  for (const name of asset.upperOnly) ASSET_UPPER.set(name, asset.symbol);
}
const ASSET_PATTERN = new RegExp(`(?<![\\w-])\\$?(${alternation(ASSET_ANY_CASE.keys())})(?![\\w-])`, 'g');
const ASSET_UPPER_PATTERN = new RegExp(`(?<![\\w$-])\\$?(${alternation(ASSET_UPPER.keys())})(?![\\w-])`, 'g');

function extractAssets(state: SlotState, result: MutableSlots): void {
  const found: Array<{ symbol: string; index: number; length: number }> = [];
  for (const match of state.matches(ASSET_PATTERN)) {
    const symbol = ASSET_ANY_CASE.get(match[1]!.replace(/\s+/g, ' '));
    if (symbol) found.push({ symbol, index: match.index, length: match[0].length });
  }
  ASSET_UPPER_PATTERN.lastIndex = 0;
  for (const match of state.original.matchAll(ASSET_UPPER_PATTERN)) {
    const symbol = ASSET_UPPER.get(match[1]!);
    // An all-capitals question ("WHAT IS NEAR …") says nothing about case.
    if (symbol && !mostlyUpperCase(state.question))
      found.push({ symbol, index: match.index, length: match[0].length });
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    push(result.assets, item.symbol);
    state.take('asset', item.index, item.length, item.symbol);
  }
}

const PRODUCT_ID = /\b(?:futures|margin|earn)-[a-z0-9]+(?:-[a-z0-9]+)*\b/g;
const PRODUCT_PATTERNS: ReadonlyArray<readonly [Product, RegExp]> = [
  [
    'futures',
    /\b(?:futures|perps?|perpetuals?|perpetual\s+(?:futures|contracts?|swaps?)|derivatives|futs|usd[sⓈ]?-m|coin-m|usdm|coinm)\b/g,
  ],
  ['margin', /\b(?:margin(?:\s+trading)?|cross\s+margin|isolated\s+margin)\b/g],
  [
    'earn',
    /\b(?:earn|staking|savings|flexible\s+savings|locked\s+savings|launchpool|dual\s+investment|simple\s+earn)\b/g,
  ],
  ['spot', /\bspot\b/g],
];
const NOT_MARGIN_BEFORE = /\b(?:profit|gross|net|operating|ebitda|contribution|fee|error|safety)\s+$/;
const NOT_MARGIN_AFTER = /^\s*(?:of\s+(?:error|safety))\b/;
const EARN_VERB_BEFORE =
  /\b(?:we|you|they|i|he|she|did|do|does|will|would|can|could|should|much|more|less|to|not|didn't|don't|doesn't|it|users?|traders?)\s+$/;
const SPOT_VERB_BEFORE = /\b(?:to|can|could|you|we|i|help|blind|hot|sweet|weak|me|us|and)\s+$/;
const SPOT_VERB_AFTER =
  /^\s*(?:check|checks|checking|any|anything|the|a|an|some|those|these|it|them|trends?|anomalies|issues|problems|patterns|fraud|outliers|on|where|who|which|what)\b/;

function extractProducts(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(PRODUCT_ID)) {
    push(result.productIds, match[0]);
    state.take('product_id', match.index, match[0].length, match[0]);
  }
  const found: Array<{ product: Product; index: number; length: number }> = [];
  for (const [product, pattern] of PRODUCT_PATTERNS) {
    for (const match of state.matches(pattern)) {
      const before = state.prepared.slice(0, match.index);
      const after = state.prepared.slice(match.index + match[0].length);
      if (product === 'margin' && (NOT_MARGIN_BEFORE.test(before) || NOT_MARGIN_AFTER.test(after))) continue;
      if (product === 'earn' && match[0] === 'earn' && !isEarnProduct(state, match.index, before)) continue;
      if (product === 'spot' && (SPOT_VERB_BEFORE.test(before) || SPOT_VERB_AFTER.test(after))) continue;
      found.push({ product, index: match.index, length: match[0].length });
    }
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    push(result.products, item.product);
    state.take('product', item.index, item.length, item.product);
  }
}

/** "Earn" the product vs "earn" the verb ("how much did we earn"). */
function isEarnProduct(state: SlotState, index: number, before: string): boolean {
  if (EARN_VERB_BEFORE.test(before)) return false;
  const written = state.question[index];
  // A capitalised "Earn" inside a sentence is the product name.
  if (written === 'E' && before.trim() !== '') return true;
  const after = state.prepared.slice(index + 4);
  return (
    /^\s*(?:products?|subscriptions?|users|balances?|volume|deposits?|program|accounts?|positions?|tvl|aum|flows?|redemptions?)\b/.test(
      after,
    ) || /\b(?:in|on|from|via|the|our|for|of|vs|and|or|into|spot|futures|margin|,)\s*$/.test(before)
  );
}

const PLATFORM_PATTERNS: ReadonlyArray<readonly [Platform, RegExp]> = [
  ['ios', /\b(?:ios|iphones?|ipads?|apple\s+(?:users|devices?|app))\b/g],
  ['android', /\b(?:android|androids)\b/g],
  ['web', /\b(?:web(?:site|\s+app|app)?|browser|desktop)\b/g],
  ['api', /\b(?:api|rest\s+api|trading\s+bots?|programmatic)\b/g],
];

const MOBILE_PATTERN = /\bmobile(?:\s+apps?)?\b(?!\s+(?:reviews?|ratings?|store)\b)/g;

function extractPlatforms(state: SlotState, result: MutableSlots): void {
  const found: Array<{ platform: Platform; index: number; length: number }> = [];
  for (const [platform, pattern] of PLATFORM_PATTERNS) {
    for (const match of state.matches(pattern)) {
      found.push({ platform, index: match.index, length: match[0].length });
    }
  }
  // "mobile users" are both app platforms.
  const mobile: Array<{ index: number; length: number }> = [];
  for (const match of state.matches(MOBILE_PATTERN)) {
    // Judged on the question as written: "mobile app reviews" is a feedback channel whose words are gone.
    const after = state.question.slice(match.index + match[0].length).toLowerCase();
    if (/^\s*(?:apps?\s+)?(?:reviews?|ratings?|store)\b/.test(after)) continue;
    mobile.push({ index: match.index, length: match[0].length });
  }
  for (const item of mobile) {
    for (const platform of ['ios', 'android'] as const)
      found.push({ platform, index: item.index, length: 0 });
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    push(result.platforms, item.platform);
    state.take('platform', item.index, item.length, item.platform);
  }
  for (const item of mobile) state.take('platform', item.index, item.length, 'ios,android');
}

// ---------------------------------------------------------------------------------------------------------
// Contrasts: two values of one dimension joined by "vs".

const SLOT_DIMENSIONS: Partial<Record<SlotKind, DimensionName>> = {
  asset: 'asset',
  market: 'market',
  product: 'product',
  platform: 'platform',
  country: 'country',
  chain: 'chain',
  channel: 'channel',
  side: 'side',
  sentiment: 'sentiment',
  kyc_level: 'kyc_level',
  vip_tier: 'vip_tier',
};
const VERSUS_ONLY = /^\s*(?:vs\.?|versus|v\.?|compared\s+(?:to|with)|against)\s*$/i;

function findContrasts(state: SlotState, result: MutableSlots): void {
  const spans = [...state.spans].sort((a, b) => a.index - b.index);
  for (let index = 1; index < spans.length; index++) {
    const left = spans[index - 1]!;
    const right = spans[index]!;
    const dimension = SLOT_DIMENSIONS[left.slot];
    if (!dimension || left.slot !== right.slot || left.value === right.value) continue;
    const between = state.question.slice(left.index + left.text.length, right.index);
    if (VERSUS_ONLY.test(between)) push(result.contrasts, dimension);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Countries: names and demonyms in any case (some only capitalised), codes only in upper case.

const COUNTRY_WORDS = new Map<string, string>();
for (const country of COUNTRIES) {
  for (const name of country.names) COUNTRY_WORDS.set(name, country.code);
  for (const demonym of country.demonyms) {
    COUNTRY_WORDS.set(demonym, country.code);
    if (!demonym.endsWith('s')) COUNTRY_WORDS.set(`${demonym}s`, country.code);
  }
}
const NOT_COUNTRY_PATTERN = new RegExp(`(?<![\\w])(?:${alternation(NOT_COUNTRIES)})(?![\\w])`, 'g');
const COUNTRY_PATTERN = new RegExp(`(?<![\\w.])(${alternation(COUNTRY_WORDS.keys())})(?![\\w])`, 'g');
const FLAG = /(?:\uD83C[\uDDE6-\uDDFF]){2}/g;
const CODE_PATTERN = /(?<![\w$#@./-])([A-Z]{2})(?![\w/$-])/g;

/** A shouted question (three or more words, none with a lower-case letter) says nothing about case. */
function mostlyUpperCase(text: string): boolean {
  const words = text.match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= 3 && words.every((word) => word === word.toUpperCase());
}

function extractCountries(state: SlotState, result: MutableSlots): void {
  for (const match of state.matches(NOT_COUNTRY_PATTERN)) {
    state.take('not_country', match.index, match[0].length, match[0]);
  }
  const found: Array<{ code: string; index: number; length: number }> = [];
  for (const match of state.matches(COUNTRY_PATTERN)) {
    const word = match[1]!.replace(/\s+/g, ' ');
    const code = COUNTRY_WORDS.get(word);
    if (!code) continue;
    const written = state.question.slice(match.index, match.index + match[0].length);
    const singular = word.replace(/s$/, '');
    if ((CAPITALISED_ONLY.has(word) || CAPITALISED_ONLY.has(singular)) && !/^[A-Z]/.test(written)) continue;
    if (UPPERCASE_ONLY.has(word) && written !== written.toUpperCase()) continue;
    found.push({ code, index: match.index, length: match[0].length });
  }
  if (!mostlyUpperCase(state.question)) {
    CODE_PATTERN.lastIndex = 0;
    for (const match of state.original.matchAll(CODE_PATTERN)) {
      const raw = match[1]!;
      const code = raw === 'UK' ? 'GB' : raw;
      if (!COUNTRY_CODES.has(code) || AMBIGUOUS_CODES.has(code)) continue;
      // "5 GB" is a size, not Great Britain.
      if (/\d\s*$/.test(state.prepared.slice(0, match.index))) continue;
      found.push({ code, index: match.index, length: raw.length });
    }
  }
  // Flag emoji: two regional indicator letters ("🇹🇷" → TR).
  for (const match of state.question.matchAll(FLAG)) {
    const code = [...match[0]]
      .map((letter) => String.fromCharCode(letter.codePointAt(0)! - 0x1f1e6 + 65))
      .join('');
    if (COUNTRY_CODES.has(code)) found.push({ code, index: match.index, length: match[0].length });
  }
  found.sort((a, b) => a.index - b.index);
  for (const item of found) {
    push(result.countries, item.code);
    state.take('country', item.index, item.length, item.code);
  }
}
