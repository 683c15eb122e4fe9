/**
 * Keyword evidence for tools and metrics. The offline router scores a question against these
 * patterns (on normalised text), then confirms or breaks ties with nearest exemplars.
 * Patterns are deliberately phrase-level: single ambiguous words ("alerts", "volume") get low weight.
 */
import type { MetricName } from '../../warehouse/semantic/index.js';
import type { RoutableTool } from './types.js';

/** A weighted pattern. */
export interface Cue {
  readonly pattern: RegExp;
  readonly weight: number;
}

/** Metric synonyms, strongest first. */
export const METRIC_CUES: Readonly<Record<MetricName, readonly Cue[]>> = {
  net_inflow_usd: [
    { pattern: /\bnet[ _-]?(inflows?|flows?|deposits?)\b|\bnet_inflow_usd\b|\b(withdrawals?|deposits?) net of (deposits?|withdrawals?)\b|\bnet (of|money) (in|movement)\b/, weight: 5 },
    { pattern: /\bnet\b/, weight: 1.5 },
  ],
  deposit_volume_usd: [
    { pattern: /\bdeposit_volume_usd\b|\bdeposit(s|ed)? (volume|amount|value|total)s?\b|\b(how much|total) .*deposited\b/, weight: 4 },
    { pattern: /\bdeposit(s|ed|ing)?\b|\btop[ -]?ups?\b|\binflows?\b/, weight: 2.5 },
  ],
  withdrawal_volume_usd: [
    { pattern: /\bwithdrawal_volume_usd\b|\bwithdrawal (volume|amount|value|total)s?\b|\b(how much|total) .*withdrawn\b/, weight: 4 },
    { pattern: /\bwithdraw(al|als|n|s|ing)?\b|\bcash[ -]?outs?\b|\boutflows?\b/, weight: 2.5 },
  ],
  trading_volume_usd: [
    { pattern: /\btrading_volume_usd\b|\btrading volume\b|\btrade(d)? volume\b|\bvolume traded\b|\bnotional\b|\bturnover\b/, weight: 4 },
    { pattern: /\bvolumes?\b/, weight: 2 },
    { pattern: /\bhow much (was |did we )?(traded|trade)\b/, weight: 3 },
  ],
  trade_count: [
    { pattern: /\btrade_count\b|\b(number|count|#) of (trades|fills|executions)\b|\btrade count\b|\bhow many (\w+ )?trades\b|\btrades? (were )?(executed|done)\b/, weight: 4 },
    { pattern: /\btrades\b|\bfills\b|\bexecutions\b/, weight: 2 },
  ],
  active_traders: [
    { pattern: /\bactive_traders\b|\bactive (traders|users|accounts)\b|\bunique traders\b|\bdistinct traders\b|\bdau\b|\bmau\b|\bwau\b|\bdaily active\b/, weight: 4 },
    { pattern: /\btraders\b|\bpeople (who )?trad(ed|ing)\b/, weight: 2 },
  ],
  avg_trade_size_usd: [
    { pattern: /\bavg_trade_size_usd\b|\baverage (trade|ticket|order)( size)?\b|\b(trade|ticket|order) size\b|\bmean trade\b|\bsize per trade\b/, weight: 5 },
  ],
  fees_usd: [
    { pattern: /\bfees_usd\b|\bfee revenue\b|\bfees?\b|\bcommissions?\b/, weight: 4 },
    { pattern: /\brevenue\b|\bearned\b/, weight: 2.5 },
  ],
  new_users: [
    { pattern: /\bnew_users\b|\bsign[ -]?ups?\b|\bsigned up\b|\bnew (users|accounts|customers|clients|registrations)\b|\bregistrations?\b|\bregistered\b|\bonboarded\b|\bjoined\b/, weight: 4 },
  ],
  kyc_approval_rate: [
    { pattern: /\bkyc_approval_rate\b|\b(approval|pass|acceptance|success) rate\b|\b(kyc|verification) (pass|approval)\b|\bapproved\b.*\bkyc\b|\bkyc\b.*\bapproved\b/, weight: 5 },
  ],
  kyc_pending: [
    { pattern: /\bkyc_pending\b|\bpending (kyc|verifications?|reviews?)\b|\bkyc (backlog|queue|pending)\b|\bbacklog\b|\bawaiting (kyc|verification|review)\b/, weight: 5 },
  ],
  feedback_count: [
    { pattern: /\bfeedback_count\b|\b(number|count|how many|volume) of (feedback|reviews|complaints|tickets|messages)\b|\bfeedback (count|volume|messages|msgs)\b|\bhow many (feedback|reviews|complaints|msgs|messages)\b/, weight: 5 },
    { pattern: /\bcount of (negative |positive |neutral )?(feedback|reviews|complaints)\b|\bfeedback\b.*\b(per|by) (channel|day|week|sentiment)\b/, weight: 5 },
  ],
  avg_rating: [
    { pattern: /\bavg_rating\b|\b(average|mean|avg) (star )?ratings?\b|\bratings?\b|\bstars?\b|\bcsat\b|\bscore on the app store\b/, weight: 4 },
  ],
  aml_alert_count: [
    { pattern: /\baml_alert_count\b|\baml alerts?\b.*\b(count|per|by|number|how many)\b|\b(count|number|how many) .*\baml alerts?\b|\baml alert count\b/, weight: 6 },
  ],
};

/** Tool cues (metric_query is decided by metric evidence instead). */
export const TOOL_CUES: Readonly<Partial<Record<RoutableTool | 'none', readonly Cue[]>>> = {
  metric_forecast: [
    { pattern: /\b(forecast|forecasts|forecasting|project(ion|ed)?|predict(ion|ed)?|expected|outlook|extrapolate)\b/, weight: 6 },
    { pattern: /\bnext (week|month|\d+ days?|few days)\b|\bcoming (week|days|month)\b/, weight: 2 },
  ],
  anomaly_scan: [
    { pattern: /\bstructuring\b|\bsmurfing\b|\bjust under the (reporting )?threshold\b|\bsplit (deposits|into smaller)\b/, weight: 7 },
    { pattern: /\brapid (in\/out|in and out|movement|in-and-out)\b|\bstraight (in|back) and straight out\b|\bin and out\b|\bpass[ -]?through\b|\bin-out\b/, weight: 7 },
    { pattern: /\bdormant\b|\bwoke up\b|\bwake up\b|\breactivat(ed|ion|ing)\b|\bsleeping accounts?\b/, weight: 7 },
    { pattern: /\bhigh[ -]risk (jurisdictions?|countries|geograph)|\bfatf\b|\bgrey[ -]?list\b|\bblack[ -]?list(ed)? countr/, weight: 7 },
    { pattern: /\b(exposure|exposed|linked|connected|tied)\b.*\b(sanction|ofac|mixer|tornado|darknet)|\b(sanction|ofac)\w*\b.*\b(exposure|addresses|hits|screen)/, weight: 5 },
    { pattern: /\b(shar(e|ed|ing) (the same |a )?devices?|same device|device (sharing|clusters?|farms?)|multi[ -]?accounting)\b/, weight: 7 },
    { pattern: /\boutliers?\b|\banomal(y|ies|ous) (users|accounts|behaviou?r|activity)\b|\bunusual (users|accounts|behaviou?r)\b|\babnormal\b|\bsuspicious (users|accounts|activity)\b/, weight: 5 },
    { pattern: /\baml (sweep|scan|check|screen)\b|\bfull (aml|risk) (sweep|scan)\b|\ball scenarios\b|\brun (the )?(aml|risk) (scan|sweep|rules)\b|\bflag (users|accounts)\b/, weight: 6 },
  ],
  user_profile: [
    { pattern: /\b(pull up|look up|lookup|profile|who is|who's|details (of|for|on)|info (on|about)|tell me about|kyc status|risk flags|is (this )?user \d+ risky|risky)\b/, weight: 3 },
  ],
  recommend_for_user: [
    { pattern: /\brecommend(ation|ations|ed)?\b|\brecs\b|\bsuggest(ions)?\b|\bwhat should we (show|offer|pitch|promote)\b|\bnext best (offer|action|product)\b|\bcross[ -]?sell\b|\bupsell\b/, weight: 5 },
  ],
  similar_items: [
    { pattern: /\bsimilar (to|coins|assets|tokens|products)\b|\blike [A-Z]{2,6}\b|\balso (trade|buy|hold)\b|\balternatives to\b|\bpeople who (trade|buy|hold)\b|\bcustomers who (trade|buy|hold)\b|\bcoins like\b|\bcorrelated with\b/i, weight: 6 },
  ],
  feedback_search: [
    { pattern: /\b(find|search|show|get|list|pull|any)\b.*\b(feedback|complaints?|reviews?|messages|tickets|comments|mentions?)\b.*\b(about|mentioning|regarding|saying|that mention|on|related to|re)\b/, weight: 5 },
    { pattern: /\b(feedback|complaints?|reviews?|messages|tickets|comments)\b.*\b(mentioning|about|regarding|saying|that (say|mention))\b/, weight: 4 },
  ],
  feedback_summary: [
    { pattern: /\b(themes?|topics?|summar(y|ise|ize|ies)|digest|main (issues|complaints|pain points)|what are (people|customers|users) (complaining|saying|upset)|top (issues|complaints|pain points)|recurring|trending (issues|complaints))\b/, weight: 5 },
    { pattern: /\bcomplaining about\b|\bpain points\b|\bsentiment (overview|breakdown|trends?)\b/, weight: 4 },
  ],
  alerts_list: [
    { pattern: /\b(alerts?) (fired|triggered|raised|went off|open|opened|pending|acked|acknowledged|resolved|closed|today|yesterday|this week)\b|\b(open|active|firing|unresolved|acked|resolved) alerts?\b|\bany alerts\b|\bwhat alerts\b|\blist (the )?alerts\b|\bshow (me )?(the )?alerts\b/, weight: 6 },
  ],
  describe_data: [
    { pattern: /\bwhat (metrics|data|tables|dimensions|can i ask|can you (do|answer))\b|\bwhich (metrics|tables|dimensions)\b|\bhow is \w+ (calculated|computed|defined)\b|\b(define|definition of|what does) \w+\b|\bdescribe (the )?\w+\b|\bwhat columns\b|\bschema\b|\bdata dictionary\b/, weight: 6 },
    { pattern: /\bhow (do you|is it) (calculate|compute)d?\b|\bwhat is \w+_\w+\b/, weight: 5 },
  ],
  none: [
    { pattern: /\b(poem|joke|song|story|haiku|weather|recipe|translate|sports?|movie)\b/, weight: 8 },
    { pattern: /\b(buy|sell|short|long|transfer|send|place an? (order|trade)|close my|open a position)\b.*\b(for me|my account|at market|now)\b|\bbuy \d|\bsell \d/, weight: 8 },
    { pattern: /\b(price prediction|should i (buy|sell|invest)|financial advice|moon|wen lambo)\b/, weight: 6 },
  ],
};
