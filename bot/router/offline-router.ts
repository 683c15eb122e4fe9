import { AnalystError } from '../../core/errors.js';
import { METRIC_NAMES, type MetricName } from '../../warehouse/semantic/index.js';
import type { ConversationTurn } from '../conversation-store.js';
import { type Cue, METRIC_CUES, TOOL_CUES } from './intents.js';
import { extractSlots, type Slots } from './slots.js';
import { normaliseText } from './text.js';
import { defaultTimeRange } from './time-range.js';
import type { RoutableTool, Route, RouteOptions, Router } from './types.js';

/** What the bot can do, said when a question is out of scope. */
export const CAPABILITIES =
  'I answer questions about the exchange: metrics such as trading volume, trades, active traders, fees, sign-ups, KYC approval rate and backlog, deposits, withdrawals, net inflow, feedback and AML alerts (by day, country, asset, platform…); AML scans (structuring, rapid in/out, dormant accounts, high-risk jurisdictions, sanctioned exposure, shared devices, outliers); user and on-chain address profiles; recommendations; customer feedback search and summaries; forecasts; and read-only SQL.';

const FOLLOW_UP_START = /^(and|also|same|what about|how about|now|ok(ay)?|then|but|instead|only|just|break (it|that|this) down|split (it|that|this)|show (me )?(the )?top|for (them|that user|him|her)|make it|change it)\b/;
const REFERENCE = /\b(that|this|these|those|them|it|same)\b/;

function score(cues: readonly Cue[] | undefined, text: string): number {
  let total = 0;
  for (const cue of cues ?? []) if (cue.pattern.test(text)) total = Math.max(total, cue.weight);
  return total;
}

/** The metric the question names, with its evidence, or undefined. */
export function detectMetric(text: string): { metric: MetricName; score: number } | undefined {
  let best: { metric: MetricName; score: number } | undefined;
  for (const metric of METRIC_NAMES) {
    const value = score(METRIC_CUES[metric], text);
    if (value > 0 && (!best || value > best.score)) best = { metric, score: value };
  }
  return best;
}

function toolScores(text: string): Map<RoutableTool | 'none', number> {
  const scores = new Map<RoutableTool | 'none', number>();
  for (const [tool, cues] of Object.entries(TOOL_CUES)) scores.set(tool as RoutableTool | 'none', score(cues, text));
  return scores;
}

const SCENARIO_CUES: ReadonlyArray<[string, RegExp]> = [
  ['all', /\ball scenarios\b|\bfull (aml|risk) (sweep|scan)\b|\bevery scenario\b|\ball (aml )?rules\b/],
  ['structuring', /\bstructuring\b|\bsmurfing\b|\bjust under (the )?(reporting )?threshold\b|\bsplit (deposits|into smaller)\b/],
  ['rapid_movement', /\brapid\b|\bstraight (in|back) and straight out\b|\bin and out\b|\bpass[ -]?through\b|\bin\/out\b/],
  ['dormant_reactivation', /\bdormant\b|\bwoke up\b|\bwake up\b|\breactivat\w*\b|\bsleeping\b/],
  ['high_risk_jurisdiction', /\bhigh[ -]risk\b|\bfatf\b|\bgrey[ -]?list\b|\bjurisdiction/],
  ['sanctioned_exposure', /\bsanction\w*\b|\bofac\b|\bmixers?\b|\btornado\b|\bdarknet\b/],
  ['shared_device', /\bdevices?\b|\bmulti[ -]?accounting\b/],
  ['outlier', /\boutliers?\b|\banomal\w*\b|\bunusual\b|\babnormal\b|\bstatistical\b/],
];

function detectScenario(text: string): string | undefined {
  for (const [scenario, pattern] of SCENARIO_CUES) if (pattern.test(text)) return scenario;
  return /\baml (sweep|scan)\b|\bflag (users|accounts)\b/.test(text) ? 'all' : undefined;
}

/** Text after "about / mentioning / regarding" with slot phrases removed: the search query or topic. */
export function extractSubject(question: string, slots: Slots): string | undefined {
  const text = slots.remainder.replace(/[?!.🙏]+/gu, ' ');
  const match = /\b(?:about|mentioning|mention|regarding|re:|saying|concerning|related to|on the topic of|that mention|with)\s+(.+)$/i.exec(text);
  const raw = (match?.[1] ?? '').trim();
  const cleaned = raw
    .replace(/\b(the|a|an|our|please|pls|thanks)\b/gi, ' ')
    .replace(/\b(this|last|past) (week|month|year)\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned) return cleaned;
  // "find complaints cards not arriving": fall back to words after the feedback noun.
  const after = /\b(?:feedback|complaints?|reviews?|messages|tickets|comments)\b\s+(.+)$/i.exec(text)?.[1]?.trim();
  return after || (question.length > 0 ? undefined : undefined);
}

interface Decision {
  tool: RoutableTool | 'clarify' | 'none';
  args: Record<string, unknown>;
  confidence: number;
  message?: string;
}

function metricArgs(metric: MetricName, slots: Slots, now: Date, options: { defaultRange: boolean }): Record<string, unknown> {
  const args: Record<string, unknown> = { metric };
  const range = slots.timeRange?.range ?? (options.defaultRange ? defaultTimeRange('last_7_days', now) : undefined);
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

function filtersOf(slots: Slots, metric: MetricName | undefined): Record<string, string | number | (string | number)[]> {
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

/** Decides the route from the question alone (no history). */
function decide(question: string, slots: Slots, now: Date): Decision {
  const text = normaliseText(question);
  if (slots.sql) return { tool: 'sql_query', args: { sql: slots.sql }, confidence: 1 };
  const scores = toolScores(text);
  const metric = detectMetric(text);
  const get = (tool: RoutableTool | 'none'): number => scores.get(tool) ?? 0;

  if (get('none') >= 6 && get('anomaly_scan') < 6 && !slots.address) {
    return { tool: 'none', args: {}, confidence: 0.9, message: `That is outside what I can do. ${CAPABILITIES}` };
  }
  if (slots.address) {
    return {
      tool: 'address_profile',
      args: { address: slots.address, ...(slots.addressChain ? { chain: slots.addressChain } : {}) },
      confidence: 0.95,
    };
  }
  if (get('metric_forecast') >= 6 && metric) {
    const args: Record<string, unknown> = { metric: metric.metric };
    if (slots.horizonDays !== undefined) args['horizon_days'] = slots.horizonDays;
    const filters = filtersOf(slots, metric.metric);
    if (Object.keys(filters).length) args['filters'] = filters;
    return { tool: 'metric_forecast', args, confidence: 0.9 };
  }
  const scenario = detectScenario(text);
  if (get('anomaly_scan') >= 5 && scenario && !(metric && metric.score >= 6)) {
    const args: Record<string, unknown> = {
      scenario,
      time_range: slots.timeRange?.range ?? defaultTimeRange('last_7_days', now),
    };
    if (slots.topN !== undefined) args['limit'] = slots.topN;
    return { tool: 'anomaly_scan', args, confidence: 0.9 };
  }
  if (get('similar_items') >= 6) {
    const item = slots.assets[0] ?? slots.productIds?.[0];
    if (!item) return { tool: 'clarify', args: {}, confidence: 0.6, message: 'Which coin or product should I find similar items for? For example: "coins similar to SOL".' };
    return { tool: 'similar_items', args: { item, ...(slots.topN !== undefined || slots.k !== undefined ? { k: slots.topN ?? slots.k } : {}) }, confidence: 0.9 };
  }
  if (get('recommend_for_user') >= 5) {
    if (slots.userId === undefined) {
      return { tool: 'clarify', args: {}, confidence: 0.6, message: 'Which user should I recommend for? Give the user id, e.g. "recommendations for user 48213".' };
    }
    return { tool: 'recommend_for_user', args: { user_id: slots.userId, ...(slots.k !== undefined ? { k: slots.k } : {}) }, confidence: 0.9 };
  }
  if (slots.userId !== undefined && (get('user_profile') > 0 || !metric)) {
    return { tool: 'user_profile', args: { user_id: slots.userId }, confidence: 0.9 };
  }
  if (get('alerts_list') >= 6 && !(metric?.metric === 'aml_alert_count' && (slots.grain || slots.groupBy.length))) {
    const args: Record<string, unknown> = {};
    const status = /\b(open|active|firing|unresolved|pending)\b/.test(text)
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
    const named = METRIC_NAMES.find((name) => text.includes(name));
    const subject = named ?? (/\b(calculated|computed|defined|definition|mean|means)\b/.test(text) ? metric?.metric : undefined);
    return { tool: 'describe_data', args: subject ? { subject } : {}, confidence: 0.85 };
  }
  const feedbackSummary = get('feedback_summary');
  const feedbackSearch = get('feedback_search');
  const feedbackMetric = metric && ['feedback_count', 'avg_rating'].includes(metric.metric) && metric.score >= 5;
  if (!feedbackMetric && (feedbackSummary >= 4 || feedbackSearch >= 4)) {
    if (feedbackSummary >= feedbackSearch) {
      const topic = extractSubject(question, slots);
      const args: Record<string, unknown> = { time_range: slots.timeRange?.range ?? defaultTimeRange('last_7_days', now) };
      if (topic) args['topic'] = topic;
      if (slots.channels[0]) args['filters'] = { channel: slots.channels[0] };
      return { tool: 'feedback_summary', args, confidence: 0.85 };
    }
    const query = extractSubject(question, slots) ?? slots.remainder.trim();
    const args: Record<string, unknown> = { query };
    if (slots.timeRange) args['time_range'] = slots.timeRange.range;
    const filters: Record<string, string> = {};
    if (slots.channels[0]) filters['channel'] = slots.channels[0];
    if (slots.sentiment) filters['sentiment'] = slots.sentiment;
    if (Object.keys(filters).length) args['filters'] = filters;
    if (slots.k !== undefined) args['k'] = slots.k;
    return { tool: 'feedback_search', args, confidence: 0.85 };
  }
  if (metric) {
    if (slots.ambiguous.includes('level')) {
      const level = slots.ambiguousLevel ?? 'N';
      return {
        tool: 'clarify',
        args: {},
        confidence: 0.6,
        message: `Do you mean KYC level ${level} or VIP tier ${level}? Say "KYC level ${level}" or "VIP tier ${level}".`,
      };
    }
    return { tool: 'metric_query', args: metricArgs(metric.metric, slots, now, { defaultRange: true }), confidence: Math.min(1, metric.score / 5) };
  }
  if (REFERENCE.test(text) && /\b(coin|asset|token|user|metric|number|numbers|one)\b/.test(text)) {
    return { tool: 'clarify', args: {}, confidence: 0.5, message: 'Which one do you mean? Name the coin, user or metric, e.g. "trading volume for SOL last week".' };
  }
  if (/\b(how (are|is) (we|it|things|business)|doing|looking|status|overview|kpis?|numbers|stats|update)\b/.test(text)) {
    return {
      tool: 'clarify',
      args: {},
      confidence: 0.5,
      message: 'Which numbers would you like: trading volume, trades, active traders, new users, deposits, withdrawals, KYC approval rate, feedback…? And for what period?',
    };
  }
  return { tool: 'none', args: {}, confidence: 0.3, message: `I could not match that to anything I can answer. ${CAPABILITIES}` };
}

/** True when the question only makes sense with the previous turn ("and for ETH?", "same for last month"). */
function looksLikeFollowUp(question: string, decision: Decision, slots: Slots): boolean {
  const text = normaliseText(question);
  if (FOLLOW_UP_START.test(text)) return true;
  if (decision.tool === 'none' || decision.tool === 'clarify') {
    return Boolean(slots.timeRange || slots.assets.length || slots.countries.length || slots.groupBy.length || slots.grain || slots.topN !== undefined || slots.compare || REFERENCE.test(text));
  }
  return false;
}

/** Applies a follow-up's changes to the previous route's arguments. */
function mergeFollowUp(previous: { tool: string; args: Record<string, unknown> }, slots: Slots, decision: Decision, question: string): Decision | undefined {
  const text = normaliseText(question);
  const args: Record<string, unknown> = structuredClone(previous.args);
  if (previous.tool === 'metric_query' || previous.tool === 'metric_forecast') {
    if (decision.tool === 'metric_query' && decision.args['metric']) args['metric'] = decision.args['metric'];
    if (slots.timeRange && previous.tool === 'metric_query') args['time_range'] = slots.timeRange.range;
    const filters = { ...((args['filters'] as Record<string, unknown> | undefined) ?? {}), ...filtersOf(slots, args['metric'] as MetricName) };
    if (Object.keys(filters).length) args['filters'] = filters;
    if (previous.tool === 'metric_query') {
      const groupBy = [...slots.groupBy, ...(slots.grain ? [slots.grain] : [])];
      if (groupBy.length) {
        const replace = /\binstead\b/.test(text);
        const earlier = replace ? [] : ((args['group_by'] as string[] | undefined) ?? []);
        args['group_by'] = [...new Set([...earlier, ...groupBy])];
        for (const dimension of groupBy) {
          if (args['filters'] && dimension in (args['filters'] as Record<string, unknown>)) delete (args['filters'] as Record<string, unknown>)[dimension];
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
  if (previous.tool === 'anomaly_scan' && slots.timeRange) {
    return { tool: 'anomaly_scan', args: { ...args, time_range: slots.timeRange.range }, confidence: 0.8 };
  }
  if ((previous.tool === 'recommend_for_user' || previous.tool === 'similar_items') && (slots.k !== undefined || slots.topN !== undefined)) {
    return { tool: previous.tool, args: { ...args, k: slots.topN ?? slots.k }, confidence: 0.8 };
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

/**
 * The offline router: deterministic slot filling plus keyword evidence for tools and metrics, with
 * follow-ups resolved against the conversation's previous route. Needs no keys and no network.
 */
export async function createOfflineRouter(): Promise<Router> {
  const routeWithHistory = (question: string, now: Date, history: readonly ConversationTurn[], depth: number): Route => {
    let slots: Slots;
    try {
      slots = extractSlots(question, now);
    } catch (error) {
      if (error instanceof AnalystError && error.isUserError) {
        return { tool: 'clarify', args: {}, question: error.message, confidence: 0.9, source: 'offline' };
      }
      throw error;
    }
    let decision = decide(question, slots, now);
    if (history.length > 0 && depth < 4) {
      // "give me 10 recs for them": the user comes from the conversation.
      if (decision.tool === 'clarify' && /\b(them|they|this user|that user|him|her)\b/.test(normaliseText(question))) {
        const userId = userIdFromHistory(history, now);
        if (userId !== undefined) {
          const retried = decide(`${question} user ${userId}`, { ...slots, userId }, now);
          if (retried.tool !== 'clarify') decision = retried;
        }
      }
      if (looksLikeFollowUp(question, decision, slots)) {
        const previous = previousRoute(history, now, depth);
        if (previous) {
          const merged = mergeFollowUp(previous, slots, decision, question);
          if (merged) decision = merged;
        }
      }
    }
    return toRoute(decision);
  };
  const previousRoute = (history: readonly ConversationTurn[], now: Date, depth: number): { tool: string; args: Record<string, unknown> } | undefined => {
    for (let index = history.length - 1; index >= 0; index--) {
      const turn = history[index]!;
      if (turn.role === 'assistant' && turn.route) return turn.route;
      if (turn.role === 'user') {
        const route = routeWithHistory(turn.content, now, history.slice(0, index), depth + 1);
        if (route.tool !== 'clarify' && route.tool !== 'none') return { tool: route.tool, args: route.args };
      }
    }
    return undefined;
  };
  return {
    async route(question, options: RouteOptions) {
      return routeWithHistory(question, options.now, options.history, 0);
    },
  };
}

function toRoute(decision: Decision): Route {
  if (decision.tool === 'clarify') {
    return { tool: 'clarify', args: {}, question: decision.message ?? 'Could you say more?', confidence: decision.confidence, source: 'offline' };
  }
  if (decision.tool === 'none') {
    return { tool: 'none', args: {}, message: decision.message ?? CAPABILITIES, confidence: decision.confidence, source: 'offline' };
  }
  return { tool: decision.tool, args: decision.args, confidence: decision.confidence, source: 'offline' };
}
