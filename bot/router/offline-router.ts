/**
 * The offline router (no keys, no network). For each question, in order:
 * 1. deterministic slots (`slots.ts`): SQL, addresses, dates, countries, assets, levels, top-N, …;
 * 2. keyword evidence for tools and metrics (`intents.ts`) decides the route;
 * 3. with history, pronouns and follow-ups ("and for ETH?", "top 10 instead") are resolved against the
 *    previous route;
 * 4. only when the keyword evidence is weak (no tool or metric cue at all) or conflicting (two metrics
 *    as strong), the nearest labelled exemplars (`prompts/routing-exemplars.ts`, embedded by the shared
 *    embedder) vote; a vote below the thresholds leaves a clarifying question or "none".
 */
import { existsSync } from 'node:fs';
import { AnalystError, messageOf } from '../../core/errors.js';
import {
  createDefaultEmbedder,
  createLsaEmbedder,
  DEFAULT_EMBEDDING_MODEL_DIR,
  deserializeLsaModel,
  type Embedder,
  fitLsaModel,
  serializeLsaModel,
} from '../../embeddings/index.js';
import { ROUTING_EXEMPLARS } from '../../prompts/routing-exemplars.js';
import { DESCRIBED_TABLES } from '../../tools/index.js';
import { DIMENSION_NAMES, METRIC_NAMES, type MetricName } from '../../warehouse/semantic/index.js';
import type { ConversationTurn } from '../conversation-store.js';
import { createExemplarIndex, type ExemplarIndex, type ExemplarVotes } from './exemplar-index.js';
import { type AnomalyScenario, type Cue, METRIC_CUES, SCENARIO_CUES, TOOL_CUES } from './intents.js';
import { cacheKey, createFileRouterCache, defaultRouterCacheDir, type RouterCache } from './router-cache.js';
import { extractSlots, type Slots } from './slots.js';
import { normaliseText } from './text.js';
import { defaultTimeRange } from './time-range.js';
import type { RoutableTool, Route, RouteOptions, Router } from './types.js';

/** What the bot can do, said when a question is out of scope. */
export const CAPABILITIES =
  'I answer questions about the exchange: metrics such as trading volume, trades, active traders, fees, sign-ups, KYC approval rate and backlog, deposits, withdrawals, net inflow, feedback and AML alerts (by day, country, asset, platform…); AML scans (structuring, rapid in/out, dormant accounts, high-risk jurisdictions, sanctioned exposure, shared devices, outliers); user and on-chain address profiles; recommendations; customer feedback search and summaries; forecasts; and read-only SQL.';

const FOLLOW_UP_START =
  /^(and|also|same|what about|how about|now|ok(ay)?|then|but|instead|only|just|break (it|that|this) down|split (it|that|this)|show (me )?(the )?top|top \d+ instead|for (them|that user|him|her)|make it|change it|drop|remove|without|exclude|vs|versus|compared? to|do (the same|it|that))\b/;
const REFERENCE = /\b(that|this|these|those|them|it|same)\b/;
/** Words of the exchange's data: a question with them but no clear intent deserves a clarifying question. */
const DOMAIN_WORDS =
  /\b(kyc|volume|volumes|deposits?|withdrawals?|users?|traders?|trades?|trading|fees?|signups?|sign ups|revenue|feedback|reviews?|alerts?|aml|inflows?|outflows?|metrics?|numbers|stats|kpis?|dashboard|report|trend|trends|growth|performance|business)\b/;
const PRONOUN_USER =
  /\b(them|they|their|this user|that user|him|his|her|the user|this customer|that customer|the customer)\b/;

function score(cues: readonly Cue[] | undefined, text: string): number {
  let total = 0;
  for (const cue of cues ?? []) if (cue.pattern.test(text)) total = Math.max(total, cue.weight);
  return total;
}

/** Keyword evidence for each metric the question may name, strongest first. */
export function metricEvidence(text: string): Array<{ metric: MetricName; score: number }> {
  const found: Array<{ metric: MetricName; score: number }> = [];
  for (const metric of METRIC_NAMES) {
    const value = score(METRIC_CUES[metric], text);
    if (value > 0) found.push({ metric, score: value });
  }
  // Stable: METRIC_NAMES order breaks ties, as before.
  return found.sort((a, b) => b.score - a.score);
}

/** The metric the question names, with its evidence, or undefined. */
export function detectMetric(text: string): { metric: MetricName; score: number } | undefined {
  return metricEvidence(text)[0];
}

function toolScores(text: string): Map<RoutableTool | 'none', number> {
  const scores = new Map<RoutableTool | 'none', number>();
  for (const [tool, cues] of Object.entries(TOOL_CUES))
    scores.set(tool as RoutableTool | 'none', score(cues, text));
  return scores;
}

/** The AML scenario the question names: the strongest cue wins, `all` on ties (it comes first). */
function detectScenario(text: string): AnomalyScenario | undefined {
  let best: { scenario: AnomalyScenario; weight: number } | undefined;
  for (const [scenario, cues] of Object.entries(SCENARIO_CUES) as Array<[AnomalyScenario, readonly Cue[]]>) {
    const weight = score(cues, text);
    if (weight > 0 && (!best || weight > best.weight)) best = { scenario, weight };
  }
  return best?.scenario;
}

const SUBJECT_LEAD =
  /\b(?:about|mentioning|mention|regarding|re:|saying|concerning|related to|on the topic of|that mention|around|with|on)\s+(.+)$/i;

/** Slots that say how to search (when, where, which mood, how many), not what about. */
const NON_CONTENT_SLOTS = new Set([
  'time_range',
  'channel',
  'sentiment',
  'k',
  'order',
  'compare',
  'grain',
  'horizon',
  'user_id',
]);

/**
 * The question with only the non-content slots cut out: "complaints about BTC withdrawals on the mobile
 * app last week" keeps "BTC" and "mobile app", which are what the feedback is about.
 */
function contentText(question: string, slots: Slots): string {
  let text = question;
  for (const span of slots.spans) {
    if (!NON_CONTENT_SLOTS.has(span.slot)) continue;
    text =
      text.slice(0, span.index) + ' '.repeat(span.text.length) + text.slice(span.index + span.text.length);
  }
  return normaliseText(text);
}

/** Text after "about / mentioning / regarding" with slot phrases removed: the search query or topic. */
export function extractSubject(question: string, slots: Slots): string | undefined {
  // A quoted phrase is the query as the asker wants it: search feedback for 'account locked'.
  const quoted = /(?:^|[\s(:])['"“‘]([^'"“”‘’]{2,80})['"”’](?=$|[\s,.?!)])/u.exec(question)?.[1]?.trim();
  if (quoted) return quoted;
  const text = contentText(question, slots).replace(/[?!.🙏'"“”‘’]+/gu, ' ');
  const match = SUBJECT_LEAD.exec(text);
  const raw = (match?.[1] ?? '').trim();
  const cleaned = raw
    .replace(/\b(the|a|an|our|please|pls|thanks|from|for|in|ones?|only)\b/gi, ' ')
    .replace(/\b(this|last|past) (week|month|year)\b/gi, ' ')
    .replace(/,.*$/, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned) return cleaned;
  // "find complaints cards not arriving": fall back to words after the feedback noun.
  const after = /\b(?:feedback|complaints?|reviews?|messages|tickets|comments)\b\s+(.+)$/i
    .exec(text)?.[1]
    ?.trim();
  return after || (question.length > 0 ? undefined : undefined);
}

interface Decision {
  tool: RoutableTool | 'clarify' | 'none';
  args: Record<string, unknown>;
  confidence: number;
  message?: string;
  /** The keyword evidence was weak or conflicting: nearest exemplars may decide better. */
  weak?: boolean;
}

function metricArgs(
  metric: MetricName,
  slots: Slots,
  now: Date,
  options: { defaultRange: boolean },
): Record<string, unknown> {
  const args: Record<string, unknown> = { metric };
  const range =
    slots.timeRange?.range ?? (options.defaultRange ? defaultTimeRange('last_7_days', now) : undefined);
  if (range) args['time_range'] = range;
  const groupBy: string[] = [...slots.groupBy];
  if (slots.grain && !groupBy.includes(slots.grain)) groupBy.push(slots.grain);
  if (groupBy.length) args['group_by'] = groupBy;
  const filters = filtersOf(slots, metric);
  if (Object.keys(filters).length) args['filters'] = filters;
  if (slots.compare) args['compare'] = slots.compare;
  if (slots.order) args['order'] = slots.order;
  if (slots.topN !== undefined) {
    args['limit'] = slots.topN;
    args['order'] ??= 'desc';
  }
  return args;
}

function filtersOf(
  slots: Slots,
  metric: MetricName | undefined,
): Record<string, string | number | (string | number)[]> {
  const filters: Record<string, string | number | (string | number)[]> = {};
  const set = (name: string, values: readonly (string | number)[]): void => {
    if (values.length === 1) filters[name] = values[0]!;
    else if (values.length > 1) filters[name] = [...values];
  };
  // A breakdown dimension is not also a filter ("top 5 countries" names no country).
  const grouped = new Set(slots.groupBy);
  if (!grouped.has('country')) set('country', slots.countries);
  if (!grouped.has('asset')) set('asset', slots.assets);
  if (!grouped.has('market')) set('market', slots.markets);
  if (!grouped.has('product')) set('product', slots.products);
  if (!grouped.has('platform')) set('platform', slots.platforms);
  if (!grouped.has('chain')) set('chain', slots.chains);
  if (!grouped.has('side')) set('side', slots.sides);
  if (!grouped.has('channel')) set('channel', slots.channels);
  if (!grouped.has('sentiment') && slots.sentiment) set('sentiment', [slots.sentiment]);
  if (!grouped.has('kyc_level')) set('kyc_level', slots.kycLevels);
  if (!grouped.has('vip_tier')) set('vip_tier', slots.vipTiers);
  // Feedback metrics: "negative" is a sentiment; other metrics have no sentiment dimension.
  if (metric && !['feedback_count', 'avg_rating'].includes(metric)) {
    delete filters['sentiment'];
    delete filters['channel'];
  }
  return filters;
}

/** Everything `decide` looks at besides the question. */
interface Evidence {
  readonly text: string;
  readonly scores: Map<RoutableTool | 'none', number>;
  readonly metrics: Array<{ metric: MetricName; score: number }>;
  /** Nearest-exemplar votes, when an index is loaded and the keyword evidence asked for them. */
  readonly votes?: ExemplarVotes;
  /** The embedder family of the votes: similarity scales differ between them. */
  readonly votesKind?: 'transformer' | 'lsa';
}

/**
 * Minimum vote share and nearest similarity for exemplars to decide on their own (weak keyword evidence).
 * Chosen by leave-one-out over the exemplars themselves (not the evaluation sets): at these settings the
 * exemplar's own label wins for 85% (transformer, 49% of exemplars covered) and 89% (LSA with
 * {@link ROUTER_LSA_DIMENSIONS} dimensions, 44% covered) of the exemplars the vote decides.
 */
const VOTE_THRESHOLDS: Readonly<Record<'transformer' | 'lsa', { share: number; similarity: number }>> = {
  transformer: { share: 0.6, similarity: 0.65 },
  lsa: { share: 0.7, similarity: 0.5 },
};

/**
 * Dimensions of the LSA fallback fitted on the exemplars: 64 fits in about a second (256 took five) and
 * scored the same in leave-one-out (tool 0.64 vs 0.65).
 */
export const ROUTER_LSA_DIMENSIONS = 64;

/**
 * The metric to use: the strongest keyword evidence, unless the runner-up is as strong (conflict) and
 * the exemplars prefer it, or the keyword evidence is only a vague word and the exemplars agree on
 * another metric the question also hints at.
 */
function chooseMetric(
  evidence: Evidence,
): { metric: MetricName; score: number; conflict: boolean } | undefined {
  const [best, second] = evidence.metrics;
  if (!best) return undefined;
  const tied = evidence.metrics.filter((candidate) => candidate.score >= best.score - 0.5);
  const conflict = tied.length > 1 || (second !== undefined && best.score < 3);
  if (!conflict || !evidence.votes) return { ...best, conflict };
  const candidates = best.score < 3 ? evidence.metrics : tied;
  for (const vote of evidence.votes.metrics) {
    const candidate = candidates.find((item) => item.metric === vote.label);
    if (candidate) return { ...candidate, conflict };
  }
  return { ...best, conflict };
}

function clarify(message: string, confidence = 0.6): Decision {
  return { tool: 'clarify', args: {}, confidence, message };
}

const WHICH_METRIC =
  'Which metric do you mean: trading volume, trades, active traders, fees, new users, KYC approval rate or backlog, deposits, withdrawals, net inflow, feedback count, rating or AML alerts?';

/** Decides the route from the question alone (no history). */
function decide(question: string, slots: Slots, now: Date, evidence: Evidence): Decision {
  const { text } = evidence;
  if (slots.sql) return { tool: 'sql_query', args: { sql: slots.sql }, confidence: 1 };
  // "sql: DELETE …" is still a request to run SQL: route it so the guard refuses it with its reason.
  const explicitSql = /^\s*(?:sql|run this|run|query|execute)\s*:\s*([\s\S]+)$/i.exec(question)?.[1]?.trim();
  if (explicitSql) return { tool: 'sql_query', args: { sql: explicitSql }, confidence: 1 };
  const get = (tool: RoutableTool | 'none'): number => evidence.scores.get(tool) ?? 0;
  const metric = chooseMetric(evidence);

  if (get('none') >= 6 && get('anomaly_scan') < 6 && !slots.address) {
    return {
      tool: 'none',
      args: {},
      confidence: 0.9,
      message: `That is outside what I can do. ${CAPABILITIES}`,
    };
  }
  if (slots.address) {
    return {
      tool: 'address_profile',
      args: { address: slots.address, ...(slots.addressChain ? { chain: slots.addressChain } : {}) },
      confidence: 0.95,
    };
  }
  const forecastScore = get('metric_forecast');
  if (forecastScore >= 6 || (forecastScore >= 5 && slots.horizonDays !== undefined)) {
    if (!metric) return { ...clarify(`Which metric should I forecast? ${WHICH_METRIC}`), weak: true };
    const args: Record<string, unknown> = { metric: metric.metric };
    if (slots.horizonDays !== undefined) args['horizon_days'] = slots.horizonDays;
    const filters = filtersOf(slots, metric.metric);
    if (Object.keys(filters).length) args['filters'] = filters;
    return { tool: 'metric_forecast', args, confidence: 0.9, weak: metric.conflict };
  }
  const scenario = detectScenario(text);
  if (get('anomaly_scan') >= 5 && scenario && !(metric && metric.score >= 6)) {
    return anomalyDecision(scenario, slots, now);
  }
  if (get('similar_items') >= 6 || likeAnAsset(question, slots)) {
    const item = slots.assets[0] ?? slots.productIds[0];
    if (!item)
      return clarify(
        'Which coin or product should I find similar items for? For example: "coins similar to SOL".',
      );
    return {
      tool: 'similar_items',
      args: {
        item,
        ...(slots.topN !== undefined || slots.k !== undefined ? { k: slots.topN ?? slots.k } : {}),
      },
      confidence: 0.9,
    };
  }
  if (get('recommend_for_user') >= 5) {
    if (slots.userId === undefined) {
      return clarify(
        'Which user should I recommend for? Give the user id, e.g. "recommendations for user 48213".',
      );
    }
    return {
      tool: 'recommend_for_user',
      args: { user_id: slots.userId, ...(slots.k !== undefined ? { k: slots.k } : {}) },
      confidence: 0.9,
    };
  }
  if (slots.userId !== undefined && (get('user_profile') > 0 || !metric)) {
    return { tool: 'user_profile', args: { user_id: slots.userId }, confidence: 0.9 };
  }
  if (
    get('alerts_list') >= 6 &&
    !(metric?.metric === 'aml_alert_count' && (slots.grain || slots.groupBy.length || metric.score >= 6))
  ) {
    const args: Record<string, unknown> = {};
    const status =
      /\b(open|active|firing|unresolved|pending|unacked|unacknowledged|not (yet )?acked|not (yet )?acknowledged)\b/.test(
        text,
      )
        ? 'open'
        : /\b(acked|acknowledged)\b/.test(text)
          ? 'acked'
          : /\b(resolved|closed)\b/.test(text)
            ? 'resolved'
            : undefined;
    if (status) args['status'] = status;
    if (slots.timeRange) args['time_range'] = slots.timeRange.range;
    return { tool: 'alerts_list', args, confidence: 0.85 };
  }
  if (get('describe_data') >= 5) {
    const subject = describedSubject(text, metric?.metric);
    return { tool: 'describe_data', args: subject ? { subject } : {}, confidence: 0.85 };
  }
  const feedbackSummary = get('feedback_summary');
  const feedbackSearch = get('feedback_search');
  const feedbackMetric =
    metric && ['feedback_count', 'avg_rating'].includes(metric.metric) && metric.score >= 5;
  if (!feedbackMetric && (feedbackSummary >= 4 || feedbackSearch >= 4)) {
    let summary = feedbackSummary > feedbackSearch;
    // Equal evidence for listing and summarising: the exemplars decide, else summarising (as before).
    if (feedbackSummary === feedbackSearch) {
      const vote = evidence.votes?.tools.find(
        (item) => item.label === 'feedback_summary' || item.label === 'feedback_search',
      );
      summary = vote ? vote.label === 'feedback_summary' : true;
    }
    if (summary) {
      const topic = extractSubject(question, slots);
      const args: Record<string, unknown> = {
        time_range: slots.timeRange?.range ?? defaultTimeRange('last_7_days', now),
      };
      if (topic) args['topic'] = topic;
      if (slots.channels[0]) args['filters'] = { channel: slots.channels[0] };
      return { tool: 'feedback_summary', args, confidence: 0.85, weak: feedbackSummary === feedbackSearch };
    }
    return feedbackSearchDecision(question, slots, feedbackSummary === feedbackSearch);
  }
  if (metric) {
    if (slots.ambiguous.includes('level')) {
      const level = slots.ambiguousLevel ?? 'N';
      return clarify(
        `Do you mean KYC level ${level} or VIP tier ${level}? Say "KYC level ${level}" or "VIP tier ${level}".`,
      );
    }
    return {
      tool: 'metric_query',
      args: metricArgs(metric.metric, slots, now, { defaultRange: true }),
      confidence: Math.min(1, metric.score / 5),
      weak: metric.conflict,
    };
  }
  return fallback(question, slots, now, evidence);
}

/** "coins like LTC", "tokens comparable to ARB": a comparison word right before an asset the slots found. */
function likeAnAsset(question: string, slots: Slots): boolean {
  return slots.spans.some(
    (span) =>
      (span.slot === 'asset' || span.slot === 'product_id') &&
      /\b(like|comparable to|close to|related to|resembling|akin to)\s+(the\s+)?$/i.test(
        question.slice(0, span.index),
      ),
  );
}

/** No keyword evidence for any tool or metric: exemplars, then a clarifying question or "none". */
function fallback(question: string, slots: Slots, now: Date, evidence: Evidence): Decision {
  const { text } = evidence;
  // Specific shapes of an incomplete question first: they need a clarifying question, whatever the
  // exemplars say.
  if (
    /\b(address|wallet|addr)\b/.test(text) &&
    /\b(profile|check|screen|who|owner|owns|exposure|risk|trace|this|that)\b/.test(text)
  ) {
    return clarify('Which address? Paste it, e.g. "profile 0x…" or "bc1q…".');
  }
  if (get(evidence, 'user_profile') > 0 && /\b(user|customer|client|account|profile)\b/.test(text)) {
    return { ...clarify('Which user? Give the user id, e.g. "user 48213".'), weak: true };
  }
  if (
    FOLLOW_UP_START.test(text) ||
    (REFERENCE.test(text) && /\b(coin|asset|token|user|metric|number|numbers|one|trend)\b/.test(text))
  ) {
    return {
      ...clarify(
        'What should I apply that to? Name the metric, coin or user, e.g. "trading volume for SOL last week".',
        0.5,
      ),
      weak: true,
    };
  }
  if (VAGUE.test(text)) return { ...clarify(WHICH_NUMBERS, 0.5), weak: true };
  // Nothing specific: the nearest exemplars may recognise a paraphrase the keywords miss.
  const voted = fromVotes(question, slots, now, evidence);
  if (voted) return voted;
  if (
    /\b(user|customer|client|account)\b/.test(text) &&
    /\b(user|customer|client|account|profile)\b/.test(text)
  ) {
    return { ...clarify('Which user? Give the user id, e.g. "user 48213".'), weak: true };
  }
  if (DOMAIN_WORDS.test(text)) return { ...clarify(WHICH_NUMBERS, 0.5), weak: true };
  return {
    tool: 'none',
    args: {},
    confidence: 0.3,
    message: `I could not match that to anything I can answer. ${CAPABILITIES}`,
    weak: true,
  };
}

/** "How are we doing?": a question about numbers that names none. */
const VAGUE =
  /\b(how('s| (are|is|did|do)) (we|it|things|business|everything)|doing|looking|going on|status|overview|kpis?|numbers|stats|update|trend|trends)\b/;
const WHICH_NUMBERS =
  'Which numbers would you like: trading volume, trades, active traders, new users, deposits, withdrawals, KYC approval rate or backlog, feedback…? And for what period?';

function get(evidence: Evidence, tool: RoutableTool | 'none'): number {
  return evidence.scores.get(tool) ?? 0;
}

/**
 * Weak keyword evidence: the nearest exemplars may name the tool (and metric). Only a clear vote counts,
 * and only for tools whose required arguments the slots provide; anything else stays with the keywords.
 */
function fromVotes(question: string, slots: Slots, now: Date, evidence: Evidence): Decision | undefined {
  const votes = evidence.votes;
  const top = votes?.tools[0];
  const threshold = VOTE_THRESHOLDS[evidence.votesKind ?? 'transformer'];
  if (!votes || !top || top.share < threshold.share || top.best < threshold.similarity) return undefined;
  switch (top.label) {
    case 'metric_query':
    case 'metric_forecast': {
      const metric = votes.metrics[0];
      // Clearly a question about a number, but not clearly which: ask, rather than say it is out of scope.
      if (!metric || metric.share < threshold.share) return clarify(WHICH_METRIC, 0.4);
      if (top.label === 'metric_forecast') {
        const args: Record<string, unknown> = { metric: metric.label };
        if (slots.horizonDays !== undefined) args['horizon_days'] = slots.horizonDays;
        return { tool: 'metric_forecast', args, confidence: 0.5 };
      }
      if (slots.ambiguous.includes('level')) return undefined;
      return {
        tool: 'metric_query',
        args: metricArgs(metric.label, slots, now, { defaultRange: true }),
        confidence: 0.5,
      };
    }
    case 'anomaly_scan': {
      const scenario = votes.scenarios[0];
      if (!scenario || scenario.share < threshold.share) return undefined;
      return { ...anomalyDecision(scenario.label, slots, now), confidence: 0.5 };
    }
    case 'feedback_search':
      return { ...feedbackSearchDecision(question, slots, false), confidence: 0.5 };
    case 'feedback_summary': {
      const topic = extractSubject(question, slots);
      const args: Record<string, unknown> = {
        time_range: slots.timeRange?.range ?? defaultTimeRange('last_7_days', now),
      };
      if (topic) args['topic'] = topic;
      if (slots.channels[0]) args['filters'] = { channel: slots.channels[0] };
      return { tool: 'feedback_summary', args, confidence: 0.5 };
    }
    case 'alerts_list':
      return {
        tool: 'alerts_list',
        args: slots.timeRange ? { time_range: slots.timeRange.range } : {},
        confidence: 0.5,
      };
    case 'describe_data': {
      const subject = describedSubject(evidence.text, undefined);
      return { tool: 'describe_data', args: subject ? { subject } : {}, confidence: 0.5 };
    }
    case 'none':
      return {
        tool: 'none',
        args: {},
        confidence: 0.5,
        message: `That is outside what I can do. ${CAPABILITIES}`,
      };
    case 'clarify':
      return clarify(
        'Could you say which number, user or period you mean? For example: "deposits on Tron last week".',
        0.5,
      );
    case 'user_profile':
    case 'recommend_for_user':
    case 'similar_items':
    case 'address_profile':
    case 'sql_query':
      // Their required slot (user id, item, address, statement) is missing, or keywords would have caught it.
      return undefined;
  }
}

function anomalyDecision(scenario: AnomalyScenario, slots: Slots, now: Date): Decision {
  const args: Record<string, unknown> = {
    scenario,
    time_range: slots.timeRange?.range ?? defaultTimeRange('last_7_days', now),
  };
  if (slots.topN !== undefined || slots.k !== undefined) args['limit'] = slots.topN ?? slots.k;
  return { tool: 'anomaly_scan', args, confidence: 0.9 };
}

function feedbackSearchDecision(question: string, slots: Slots, weak: boolean): Decision {
  const query = extractSubject(question, slots) ?? slots.remainder.trim();
  const args: Record<string, unknown> = { query };
  if (slots.timeRange) args['time_range'] = slots.timeRange.range;
  const filters: Record<string, string> = {};
  if (slots.channels[0]) filters['channel'] = slots.channels[0];
  if (slots.sentiment) filters['sentiment'] = slots.sentiment;
  if (Object.keys(filters).length) args['filters'] = filters;
  if (slots.k !== undefined) args['k'] = slots.k;
  return { tool: 'feedback_search', args, confidence: 0.85, weak };
}

const SUBJECT_NAMES: readonly string[] = [...METRIC_NAMES, ...DIMENSION_NAMES, ...DESCRIBED_TABLES].sort(
  (a, b) => b.length - a.length,
);

/** The metric, dimension or table a describe question is about, if it names one. */
function describedSubject(text: string, metric: MetricName | undefined): string | undefined {
  for (const name of SUBJECT_NAMES) {
    const spaced = name.replace(/_/g, '[ _]');
    if (name.includes('_') && new RegExp(`\\b${spaced}\\b`).test(text)) return name;
    if (
      !name.includes('_') &&
      new RegExp(
        `\\b(the )?${spaced} (table|dimension|column|field)\\b|\\b(table|dimension) ${spaced}\\b|\\bvalues (of|for|can|does|do|in) (the )?${spaced}\\b`,
      ).test(text)
    )
      return name;
  }
  if (
    metric &&
    /\b(calculated?|computed?|defined?|definition|mean|means|measured?|measures|formula|explain)\b/.test(text)
  )
    return metric;
  return undefined;
}

/** True when the question only makes sense with the previous turn ("and for ETH?", "same for last month"). */
function looksLikeFollowUp(question: string, decision: Decision, slots: Slots): boolean {
  const text = normaliseText(question);
  if (FOLLOW_UP_START.test(text)) return true;
  if (decision.tool === 'none' || decision.tool === 'clarify') {
    return Boolean(
      slots.timeRange ||
        slots.assets.length ||
        slots.countries.length ||
        slots.platforms.length ||
        slots.products.length ||
        slots.chains.length ||
        slots.groupBy.length ||
        slots.grain ||
        slots.topN !== undefined ||
        slots.k !== undefined ||
        slots.compare ||
        slots.sentiment ||
        REFERENCE.test(text),
    );
  }
  return false;
}

/** Filter dimensions a follow-up clears: "now for all platforms", "drop the country filter", "any chain". */
function clearedDimensions(text: string): string[] {
  const cleared: string[] = [];
  const words: Record<string, RegExp> = {
    country: /countr(y|ies)/,
    asset: /(assets?|coins?|tokens?)/,
    market: /markets?/,
    product: /products?/,
    platform: /platforms?/,
    chain: /(chains?|networks?)/,
    channel: /channels?/,
    side: /sides?/,
    sentiment: /sentiments?/,
    kyc_level: /kyc levels?/,
    vip_tier: /vip tiers?/,
  };
  for (const [dimension, word] of Object.entries(words)) {
    const all = new RegExp(`\\b(all|every|any|each) (the )?${word.source}\\b`);
    const drop = new RegExp(`\\b(drop|remove|without|clear|no|ignore) (the )?${word.source}( filter)?\\b`);
    if (all.test(text) || drop.test(text)) cleared.push(dimension);
  }
  return cleared;
}

/** Applies a follow-up's changes to the previous route's arguments. */
function mergeFollowUp(
  previous: { tool: string; args: Record<string, unknown> },
  slots: Slots,
  decision: Decision,
  question: string,
): Decision | undefined {
  const text = normaliseText(question);
  const args: Record<string, unknown> = structuredClone(previous.args);
  if (previous.tool === 'metric_query' || previous.tool === 'metric_forecast') {
    // "forecast that for the next 30 days": the earlier metric and filters, forecast.
    const forecast =
      decision.tool === 'metric_forecast' ||
      (decision.tool === 'clarify' &&
        (TOOL_CUES.metric_forecast ?? []).some((cue) => cue.weight >= 5 && cue.pattern.test(text)));
    if (forecast && previous.tool === 'metric_query') {
      const metric = (decision.args['metric'] as string | undefined) ?? (args['metric'] as string);
      const forecastArgs: Record<string, unknown> = { metric };
      if (slots.horizonDays !== undefined) forecastArgs['horizon_days'] = slots.horizonDays;
      const filters = {
        ...((args['filters'] as Record<string, unknown> | undefined) ?? {}),
        ...filtersOf(slots, metric as MetricName),
      };
      if (Object.keys(filters).length) forecastArgs['filters'] = filters;
      return { tool: 'metric_forecast', args: forecastArgs, confidence: 0.8 };
    }
    if ((decision.tool === 'metric_query' || decision.tool === 'metric_forecast') && decision.args['metric'])
      args['metric'] = decision.args['metric'];
    if (slots.timeRange && previous.tool === 'metric_query') args['time_range'] = slots.timeRange.range;
    const filters: Record<string, unknown> = {
      ...((args['filters'] as Record<string, unknown> | undefined) ?? {}),
      ...filtersOf(slots, args['metric'] as MetricName),
    };
    for (const dimension of clearedDimensions(text)) delete filters[dimension];
    if (Object.keys(filters).length) args['filters'] = filters;
    else delete args['filters'];
    if (previous.tool === 'metric_query') {
      const groupBy = [...slots.groupBy, ...(slots.grain ? [slots.grain] : [])];
      if (groupBy.length) {
        const replace = /\binstead\b/.test(text);
        const earlier = replace ? [] : ((args['group_by'] as string[] | undefined) ?? []);
        args['group_by'] = [...new Set([...earlier, ...groupBy])];
        for (const dimension of groupBy) {
          if (args['filters'] && dimension in (args['filters'] as Record<string, unknown>))
            delete (args['filters'] as Record<string, unknown>)[dimension];
        }
      }
      if (slots.compare) args['compare'] = slots.compare;
      if (slots.topN !== undefined) {
        args['limit'] = slots.topN;
        args['order'] = slots.order ?? (args['order'] as string | undefined) ?? 'desc';
      } else if (slots.order) args['order'] = slots.order;
    }
    return { tool: previous.tool as RoutableTool, args, confidence: 0.8 };
  }
  if (previous.tool === 'anomaly_scan') {
    const changed: Record<string, unknown> = { ...args };
    if (slots.timeRange) changed['time_range'] = slots.timeRange.range;
    if (slots.topN !== undefined || slots.k !== undefined) changed['limit'] = slots.topN ?? slots.k;
    if (decision.tool === 'anomaly_scan') changed['scenario'] = decision.args['scenario'];
    if (!slots.timeRange && changed['limit'] === args['limit'] && decision.tool !== 'anomaly_scan')
      return undefined;
    return { tool: 'anomaly_scan', args: changed, confidence: 0.8 };
  }
  if (previous.tool === 'similar_items' || previous.tool === 'recommend_for_user') {
    const changed: Record<string, unknown> = { ...args };
    if (slots.k !== undefined || slots.topN !== undefined) changed['k'] = slots.topN ?? slots.k;
    if (previous.tool === 'similar_items' && (slots.assets[0] ?? slots.productIds[0]))
      changed['item'] = slots.assets[0] ?? slots.productIds[0];
    if (previous.tool === 'recommend_for_user' && slots.userId !== undefined)
      changed['user_id'] = slots.userId;
    if (JSON.stringify(changed) === JSON.stringify(args)) return undefined;
    return { tool: previous.tool, args: changed, confidence: 0.8 };
  }
  if (previous.tool === 'feedback_search' || previous.tool === 'feedback_summary') {
    const changed: Record<string, unknown> = { ...args };
    if (slots.timeRange) changed['time_range'] = slots.timeRange.range;
    const filters: Record<string, unknown> = {
      ...((args['filters'] as Record<string, unknown> | undefined) ?? {}),
    };
    if (slots.channels[0]) filters['channel'] = slots.channels[0];
    if (slots.sentiment && previous.tool === 'feedback_search') filters['sentiment'] = slots.sentiment;
    for (const dimension of clearedDimensions(text)) delete filters[dimension];
    if (Object.keys(filters).length) changed['filters'] = filters;
    else delete changed['filters'];
    if (slots.k !== undefined && previous.tool === 'feedback_search') changed['k'] = slots.k;
    if (JSON.stringify(changed) === JSON.stringify(args)) return undefined;
    return { tool: previous.tool, args: changed, confidence: 0.8 };
  }
  if (previous.tool === 'alerts_list' && slots.timeRange) {
    return { tool: 'alerts_list', args: { ...args, time_range: slots.timeRange.range }, confidence: 0.8 };
  }
  return undefined;
}

/** The user id the conversation is about, from earlier routes or text ("who is user 60412?"). */
function userIdFromHistory(history: readonly ConversationTurn[], now: Date): number | undefined {
  for (const turn of [...history].reverse()) {
    const id = turn.route?.args['user_id'];
    if (typeof id === 'number') return id;
    if (turn.role === 'user') {
      const slots = safeSlots(turn.content, now);
      if (slots?.userId !== undefined) return slots.userId;
    }
  }
  return undefined;
}

function safeSlots(text: string, now: Date): Slots | undefined {
  try {
    return extractSlots(text, now);
  } catch {
    return undefined;
  }
}

/** "KYC level 2 or VIP tier 2?" answered with "vip" / "kyc": the earlier question with the level settled. */
function settleLevel(question: string, history: readonly ConversationTurn[]): string | undefined {
  const last = history[history.length - 1];
  const asked = history[history.length - 2];
  if (!last || !asked || last.role !== 'assistant' || asked.role !== 'user') return undefined;
  const offer = /\bKYC level (\d)\b.*\bVIP tier \1\b/i.exec(last.content);
  if (!offer) return undefined;
  const text = normaliseText(question);
  const kind = /\bvip\b|\btier\b/.test(text)
    ? 'VIP tier'
    : /\bkyc\b|\bverification\b/.test(text)
      ? 'KYC level'
      : undefined;
  if (!kind) return undefined;
  const replaced = asked.content.replace(/\b(level|lvl)[\s-]*(\d)/i, `${kind} $2`);
  return replaced === asked.content ? undefined : replaced;
}

/** How the offline router finds nearest exemplars. */
export type ExemplarMode = 'default' | 'transformer' | 'lsa' | 'none';

/** Options of {@link createOfflineRouter}. */
export interface OfflineRouterOptions {
  /**
   * Nearest-exemplar votes: `default` (the transformer when its model folder is present, else LSA fitted
   * on the exemplars), `transformer`, `lsa`, `none` (keywords only), or an {@link Embedder} of your own.
   * Default: `ANALYST_ROUTER_EXEMPLARS` from the environment, else `default`.
   */
  readonly exemplars?: ExemplarMode | Embedder;
  /** Load the exemplar index on the first question whose keywords are weak, not at creation. */
  readonly lazy?: boolean;
  /** Told when the embedder cannot be loaded and the router falls back to keywords only. */
  readonly onWarning?: (message: string) => void;
  /**
   * Folder for the exemplar vectors and the fitted LSA model between processes, or `false` for none.
   * Default: {@link defaultRouterCacheDir} (`cache/` in `ANALYST_DATA_DIR`, default ./.analyst).
   */
  readonly cacheDir?: string | false;
}

/** The offline router, with what it loaded. */
export interface OfflineRouter extends Router {
  /** The exemplar index in use, or undefined when routing on keywords only. */
  readonly exemplarIndex: ExemplarIndex | undefined;
  /** One line: which evidence the router uses. */
  describe(): string;
  /** Questions routed so far, and how many of them (or of their earlier turns) consulted the exemplars. */
  stats(): { readonly questions: number; readonly votes: number };
}

// Model load happens once per process: every router of the same mode and cache shares one index.
const indexes = new Map<string, Promise<{ index: ExemplarIndex; kind: 'transformer' | 'lsa' } | undefined>>();

/** Text of an exemplar as it is embedded: slot values cut out, as for questions. */
const prepareExemplar = (text: string): string => safeSlots(text, EXEMPLAR_NOW)?.remainder ?? text;

/** The LSA fallback fitted on the exemplars, read from the cache when it was fitted before. */
function routerLsaEmbedder(cache: RouterCache | undefined): Embedder {
  const corpus = ROUTING_EXEMPLARS.map((exemplar) => prepareExemplar(exemplar.text));
  const key = cacheKey('router-lsa', String(ROUTER_LSA_DIMENSIONS), ...corpus);
  const bytes = cache?.read(key);
  if (bytes) {
    try {
      return createLsaEmbedder(deserializeLsaModel(bytes, 'the router cache'));
    } catch {
      // A damaged or older file: fit again below and overwrite it.
    }
  }
  const model = fitLsaModel(corpus, { dimensions: ROUTER_LSA_DIMENSIONS });
  cache?.write(key, serializeLsaModel(model));
  return createLsaEmbedder(model);
}

/**
 * The embedder of a mode: `transformer` must load the transformer; `default` takes it when its folder
 * exists (saying so when a folder that exists cannot be loaded) and LSA otherwise.
 */
async function embedderFor(
  mode: 'default' | 'transformer' | 'lsa',
  cache: RouterCache | undefined,
  warn: (message: string) => void,
): Promise<Embedder> {
  if (mode === 'lsa') return routerLsaEmbedder(cache);
  const configured = process.env['EMBEDDING_MODEL_DIR'];
  const folderExists = existsSync(configured?.trim() ? configured : DEFAULT_EMBEDDING_MODEL_DIR);
  if (mode === 'transformer' || folderExists) {
    try {
      return await createDefaultEmbedder({ prefer: 'transformer' });
    } catch (error) {
      if (mode === 'transformer') throw error;
      warn(`Routing with LSA exemplars: the transformer could not be loaded (${messageOf(error)}).`);
    }
  }
  return routerLsaEmbedder(cache);
}

/** Loads (once per mode) the exemplar index; undefined when no embedder can be loaded. */
async function loadIndex(
  mode: ExemplarMode | Embedder,
  cache: RouterCache | undefined,
  cacheName: string,
  warn: (message: string) => void,
): Promise<{ index: ExemplarIndex; kind: 'transformer' | 'lsa' } | undefined> {
  if (mode === 'none') return undefined;
  const kindOf = (embedder: Embedder): 'transformer' | 'lsa' =>
    embedder.id.startsWith('lsa') ? 'lsa' : 'transformer';
  if (typeof mode !== 'string') {
    try {
      const index = await createExemplarIndex(mode, ROUTING_EXEMPLARS, {
        prepare: prepareExemplar,
        ...(cache ? { cache } : {}),
      });
      return { index, kind: kindOf(mode) };
    } catch (error) {
      warn(`Routing on keywords only: the embedder ${mode.id} failed (${messageOf(error)}).`);
      return undefined;
    }
  }
  const key = `${mode}\u0000${cacheName}`;
  let pending = indexes.get(key);
  if (!pending) {
    pending = (async () => {
      try {
        const embedder = await embedderFor(mode, cache, warn);
        const index = await createExemplarIndex(embedder, ROUTING_EXEMPLARS, {
          prepare: prepareExemplar,
          ...(cache ? { cache } : {}),
        });
        return { index, kind: kindOf(embedder) };
      } catch (error) {
        warn(`Routing on keywords only: the embedding model could not be loaded (${messageOf(error)}).`);
        return undefined;
      }
    })();
    indexes.set(key, pending);
  }
  return pending;
}

/** Slot extraction of exemplars needs a clock; the exemplars hold no dates that depend on it. */
const EXEMPLAR_NOW = new Date('2026-01-01T00:00:00Z');

/**
 * The offline router: deterministic slot filling plus keyword evidence for tools and metrics, nearest
 * labelled exemplars (embedded with the local model) where the keywords are weak or conflicting, and
 * follow-ups resolved against the conversation's previous route. Needs no keys and no network. The
 * embedding model is loaded once per process; when it cannot be loaded the router routes on keywords.
 *
 * @example
 * const router = await createOfflineRouter();
 * await router.route('top 5 countries by vol', { now: new Date(), history: [] });
 */
export async function createOfflineRouter(options: OfflineRouterOptions = {}): Promise<OfflineRouter> {
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`${message}\n`));
  const configured = process.env['ANALYST_ROUTER_EXEMPLARS'];
  const mode: ExemplarMode | Embedder =
    options.exemplars ??
    (configured === 'transformer' || configured === 'lsa' || configured === 'none' ? configured : 'default');
  const cacheDir = options.cacheDir === undefined ? defaultRouterCacheDir() : options.cacheDir;
  const load = () =>
    loadIndex(mode, cacheDir === false ? undefined : createFileRouterCache(cacheDir), String(cacheDir), warn);
  // Lazy: one-shot commands (`analyst ask`) only pay for the embedding model when keywords are weak.
  let loaded = options.lazy ? undefined : await load();
  let attempted = !options.lazy;
  let index = loaded?.index;
  let kind = loaded?.kind ?? 'transformer';
  const ensureIndex = async (): Promise<ExemplarIndex | undefined> => {
    if (!attempted) {
      attempted = true;
      loaded = await load();
      index = loaded?.index;
      kind = loaded?.kind ?? 'transformer';
    }
    return index;
  };

  let questions = 0;
  let votes = 0;
  const evidenceFor = async (question: string, slots: Slots, withVotes: boolean): Promise<Evidence> => {
    const text = normaliseText(question);
    const base = { text, scores: toolScores(text), metrics: metricEvidence(text) };
    if (!withVotes || !(await ensureIndex()) || !index) return base;
    try {
      votes++;
      return { ...base, votes: await index.vote(slots.remainder || question), votesKind: kind };
    } catch (error) {
      // A failing model must not fail the question: the keywords still answer.
      warn(`Exemplar vote failed, routing on keywords (${messageOf(error)}).`);
      return base;
    }
  };

  const routeWithHistory = async (
    question: string,
    now: Date,
    history: readonly ConversationTurn[],
    depth: number,
  ): Promise<Route> => {
    let slots: Slots;
    try {
      slots = extractSlots(question, now);
    } catch (error) {
      if (error instanceof AnalystError && error.isUserError) {
        return { tool: 'clarify', args: {}, question: error.message, confidence: 0.9, source: 'offline' };
      }
      throw error;
    }
    if (history.length > 0 && depth < 4) {
      const settled = settleLevel(question, history);
      if (settled) return routeWithHistory(settled, now, history.slice(0, -2), depth + 1);
    }
    const evidence = await evidenceFor(question, slots, false);
    let decision = decide(question, slots, now, evidence);
    let resolved = false;
    if (history.length > 0 && depth < 4) {
      // "give me 10 recs for them", "and show me his profile": the user comes from the conversation.
      if (
        slots.userId === undefined &&
        PRONOUN_USER.test(evidence.text) &&
        (decision.tool === 'clarify' || decision.tool === 'none' || decision.weak)
      ) {
        const userId = userIdFromHistory(history, now);
        if (userId !== undefined) {
          const retried = decide(`${question} user ${userId}`, { ...slots, userId }, now, evidence);
          if (retried.tool !== 'clarify' && retried.tool !== 'none') {
            decision = retried;
            resolved = true;
          }
        }
      }
      // The conversation explains a follow-up better than any exemplar: merge before voting.
      if (!resolved && looksLikeFollowUp(question, decision, slots)) {
        const previous = await previousRoute(history, now, depth);
        if (previous) {
          const merged = mergeFollowUp(previous, slots, decision, question);
          if (merged) {
            decision = merged;
            resolved = true;
          }
        }
      }
    }
    if (!resolved && decision.weak && (await ensureIndex())) {
      decision = decide(question, slots, now, await evidenceFor(question, slots, true));
    }
    return toRoute(decision);
  };
  const previousRoute = async (
    history: readonly ConversationTurn[],
    now: Date,
    depth: number,
  ): Promise<{ tool: string; args: Record<string, unknown> } | undefined> => {
    for (let index = history.length - 1; index >= 0; index--) {
      const turn = history[index]!;
      if (turn.role === 'assistant' && turn.route) return turn.route;
      if (turn.role === 'user') {
        const route = await routeWithHistory(turn.content, now, history.slice(0, index), depth + 1);
        if (route.tool !== 'clarify' && route.tool !== 'none') return { tool: route.tool, args: route.args };
      }
    }
    return undefined;
  };
  return {
    get exemplarIndex() {
      return index;
    },
    describe: () =>
      index
        ? `offline router: keywords and slots, with ${index.size} exemplars embedded by ${index.embedderId}`
        : 'offline router: keywords and slots only (no exemplar embeddings)',
    stats: () => ({ questions, votes }),
    async route(question, options: RouteOptions) {
      questions++;
      return routeWithHistory(question, options.now, options.history, 0);
    },
  };
}

function toRoute(decision: Decision): Route {
  if (decision.tool === 'clarify') {
    return {
      tool: 'clarify',
      args: {},
      question: decision.message ?? 'Could you say more?',
      confidence: decision.confidence,
      source: 'offline',
    };
  }
  if (decision.tool === 'none') {
    return {
      tool: 'none',
      args: {},
      message: decision.message ?? CAPABILITIES,
      confidence: decision.confidence,
      source: 'offline',
    };
  }
  return { tool: decision.tool, args: decision.args, confidence: decision.confidence, source: 'offline' };
}
