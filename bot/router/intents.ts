/**
 * Keyword evidence for tools and metrics. The offline router scores a question against these
 * patterns (on normalised text), then confirms or breaks ties with nearest exemplars.
 * Patterns are deliberately phrase-level: single ambiguous words ("alerts", "volume") get low weight.
 */
import type { MetricName } from '../../warehouse/semantic/index.js';
import type { RoutableTool } from './types.js';

/** Scenarios of `anomaly_scan` (DESIGN.md). */
export type AnomalyScenario =
  | 'all'
  | 'structuring'
  | 'rapid_movement'
  | 'dormant_reactivation'
  | 'high_risk_jurisdiction'
  | 'sanctioned_exposure'
  | 'shared_device'
  | 'outlier';

/** A weighted pattern. */
export interface Cue {
  readonly pattern: RegExp;
  readonly weight: number;
}

/** Metric synonyms, strongest first. */
export const METRIC_CUES: Readonly<Record<MetricName, readonly Cue[]>> = {
  net_inflow_usd: [
    {
      pattern:
        /\bnet[ _-]?(inflows?|outflows?|flows?|deposits?)\b|\bnet_inflow_usd\b|\b(withdrawals?|deposits?) net of (deposits?|withdrawals?)\b|\bnet (of|money) (in|movement)\b/,
      weight: 5,
    },
    { pattern: /\bnet\b/, weight: 1.5 },
  ],
  deposit_volume_usd: [
    {
      pattern:
        /\bdeposit_volume_usd\b|\bdeposit(s|ed)? (volume|amount|value|total)s?\b|\b(how much|total) .*deposited\b/,
      weight: 4,
    },
    {
      pattern:
        /\bdeposit(s|ed|ing)?\b|\btop[ -]?ups?\b|\binflows?\b|\bincoming (transfers|funds|money|crypto)\b|\b(came|come|coming|put|brought|sent) in(to)? (the |our )?(exchange|platform)\b|\bfunded\b|\bon-?ramp(ed)?\b|\b(how much|what) .*\b(came|come|got sent|was sent) in\b/,
      weight: 2.5,
    },
  ],
  withdrawal_volume_usd: [
    {
      pattern:
        /\bwithdrawal_volume_usd\b|\bwithdrawal (volume|amount|value|total)s?\b|\b(how much|total) .*withdrawn\b/,
      weight: 4,
    },
    {
      pattern:
        /\bwithdraw(al|als|n|s|ing)?\b|\bcash(ed)?[ -]?outs?\b|\boutflows?\b|\b(left|leaving|leave|taken out of|pulled out of|moved out of|went out of) (the |our )?(exchange|platform)\b|\b(pulled|taken|moved) out\b|\boutgoing (transfers|funds|money|crypto)\b|\bpayouts?\b|\b(pay|paid|paying) out\b|\boff-?ramp(ed)?\b/,
      weight: 2.5,
    },
  ],
  trading_volume_usd: [
    {
      pattern:
        /\btrading_volume_usd\b|\btrading volume\b|\btrade(d)? volume\b|\bvolume traded\b|\bnotional\b|\bturnover\b/,
      weight: 4,
    },
    { pattern: /\bvolumes?\b/, weight: 2 },
    { pattern: /\bhow much (was |did we )?(traded|trade)\b|\b(got|was|were|been) traded\b/, weight: 3 },
  ],
  trade_count: [
    {
      pattern:
        /\btrade_count\b|\b(number|count|#) of (trades|fills|executions)\b|\btrade count\b|\bhow many (\w+ )?trades\b|\btrades? (were )?(executed|done)\b/,
      weight: 4,
    },
    { pattern: /\btrades\b|\bfills\b|\bexecutions\b/, weight: 2 },
    { pattern: /\btransactions\b/, weight: 1.5 },
  ],
  active_traders: [
    {
      pattern:
        /\bactive_traders\b|\bactive (traders|users|accounts)\b|\bunique traders\b|\bdistinct traders\b|\bdau\b|\bmau\b|\bwau\b|\bdaily active\b/,
      weight: 4,
    },
    {
      pattern:
        /\b(how many|number of|count of|no of) (unique |distinct |different |individual )?(users|people|customers|accounts|clients|persons) (have |had |who |that )?(traded|trading|trade|placed (a |any )?trades?)\b|\b(users|people|customers|accounts|clients) (who|that) (traded|trade|placed (a |any )?trades?)\b/,
      weight: 4,
    },
    { pattern: /\btraders\b|\bpeople (who )?trad(ed|ing)\b/, weight: 2 },
  ],
  avg_trade_size_usd: [
    {
      pattern:
        /\bavg_trade_size_usd\b|\baverage (trade|ticket|order)( size)?\b|\b(trade|ticket|order) size\b|\bmean trade\b|\bsize per trade\b|\b(average|mean|typical) (size|value|amount) (of|per) (a |an |each )?(trade|order|ticket|fill|execution)s?\b/,
      weight: 5,
    },
  ],
  fees_usd: [
    { pattern: /\bfees_usd\b|\bfee revenue\b|\bfees?\b|\bcommissions?\b/, weight: 4 },
    { pattern: /\brevenue\b|\bearned\b|\btake rate\b/, weight: 2.5 },
  ],
  new_users: [
    {
      pattern:
        /\bnew_users\b|\baccount (openings|creations)\b|\b(opened|created) (new |an )?accounts?\b|\bsign[ -]?ups?\b|\bsigned up\b|\bnew (users|accounts|customers|clients|registrations)\b|\bregistrations?\b|\bregistered\b|\bonboarded\b|\bjoined\b/,
      weight: 4,
    },
  ],
  kyc_approval_rate: [
    {
      pattern:
        /\bkyc_approval_rate\b|\b(approval|pass|acceptance|success) rate\b|\b(kyc|verification) (pass|approval)\b|\bapproved\b.*\bkyc\b|\bkyc\b.*\bapproved\b/,
      weight: 5,
    },
  ],
  kyc_pending: [
    {
      pattern:
        /\bkyc_pending\b|\bpending (kyc|verifications?|reviews?)\b|\bkyc (backlog|queue|pending)\b|\bbacklog\b|\bawaiting (kyc|verification|review)\b|\b(kyc|verification)s? (applications?|checks?|cases?|reviews?)( are| is)? (still )?pending\b|\bpending\b.*\bkyc\b|\bkyc\b.*\bpending\b/,
      weight: 5,
    },
  ],
  feedback_count: [
    {
      pattern:
        /\bfeedback_count\b|\b(number|count|how many|volume) of (feedback|reviews|complaints|tickets|messages)\b|\bfeedback (count|volume|messages|msgs)\b|\bhow many (feedback|reviews|complaints|msgs|messages)\b|\bhow many (pieces of |items of )?(\w+ ){0,3}(feedback|reviews|complaints|messages|posts|tweets|chats|emails|comments)\b/,
      weight: 5,
    },
    {
      pattern:
        /\b(feedback|reviews?|complaints?|messages|tickets|posts|tweets|chats|emails|comments) (count|counts|volume|numbers|totals?)\b|\bcount of (negative |positive |neutral )?(feedback|reviews|complaints)\b|\bfeedback\b.*\b(per|by) (channel|day|week|sentiment)\b/,
      weight: 5,
    },
  ],
  avg_rating: [
    {
      pattern:
        /\bavg_rating\b|\b(average|mean|avg) (star )?ratings?\b|\bratings?\b|\bstars?\b|\bcsat\b|\bscore on the app store\b/,
      weight: 4,
    },
  ],
  aml_alert_count: [
    {
      pattern:
        /\baml_alert_count\b|\b(aml|compliance) (alerts?|flags?|hits?)\b.*\b(count|per|by|number|how many|raised|generated|trend)\b|\b(count|number|how many) .*\b(aml|compliance) (alerts?|flags?|hits?)\b|\baml alert count\b/,
      weight: 6,
    },
    // "AML alerts last week": the metric; the bot's own alert list is asked for with status words.
    { pattern: /\b(aml|compliance|transaction monitoring) (alerts?|flags?|hits?)\b/, weight: 4 },
  ],
};

/** AML scenarios of `anomaly_scan` and their cues; the tool's own evidence is the strongest scenario cue. */
export const SCENARIO_CUES: Readonly<Record<AnomalyScenario, readonly Cue[]>> = {
  all: [
    {
      pattern:
        /\ball scenarios\b|\bfull (aml|risk) (sweep|scan)\b|\bevery (aml )?(scenario|check|rule|scan)s?\b|\ball (the )?(aml )?(rules|checks|scenarios|scans)\b|\b(aml|anomaly|risk) (sweep|scan|screen)\b|\brun (the )?(aml|risk) (scan|sweep|rules|checks)\b/,
      weight: 6,
    },
    { pattern: /\baml (check|screening)\b|\bflag (users|accounts)\b/, weight: 5 },
  ],
  structuring: [
    {
      pattern:
        /\bstructur(ing|ed)\b|\bsmurf(s|ing|ed)?\b|\bjust (under|below) the (reporting )?threshold\b|\bsplit(ting)? (up )?(their |the |his |her )?(deposits|withdrawals|transfers|payments|cash)\b|\b(avoid|evade|dodge|escape|stay under|get around) (the )?(reporting|ctr|threshold|limit)s?\b|\bsplit into smaller\b|\b(below|under|beneath) (the )?(\$?\d+k|\$?\d{1,3}(,\d{3})+|reporting|ctr|threshold)\b/,
      weight: 7,
    },
  ],
  rapid_movement: [
    {
      pattern:
        /\brapid (in\/out|in and out|movement|in-and-out|turnover of funds)\b|\bstraight (in|back) and straight out\b|\bin and (straight )?out\b|\bpass[ -]?through\b|\bin-out\b|\bmoney in,? money out\b|\b(money )?mules?\b|\bpass(ing|es|ed)? (the )?(money|funds|crypto) (straight )?through\b|\b(deposit|funds?)\w* (and|then) (immediately |quickly |instantly )?withdraw\w*\b.*\b(fast|quick|hour|minutes|immediately|right away|same day)\b|\bquick (in|flips?)\b|\bin\/out\b/,
      weight: 7,
    },
  ],
  dormant_reactivation: [
    {
      pattern:
        /\bdormant\b|\bwoke up\b|\bwak(e|ing) up\b|\breactivat(ed|ion|ing)\b|\b(sleeping|sleepy|inactive|idle|quiet|dead) (accounts?|users?|wallets?)\b|\binactive\b.*\bsuddenly\b|\bsuddenly (became |became active|started|active|back)\b/,
      weight: 7,
    },
  ],
  high_risk_jurisdiction: [
    {
      pattern:
        /\bhigh[ -]risk (jurisdictions?|countries|geo\w*|regions?|locations?)\b|\bfatf\b|\bgrey[ -]?list(ed)?\b|\bblack[ -]?list(ed)? countr\w*\b|\bsanctioned (countries|jurisdictions|regions)\b|\brisky (countries|jurisdictions|geo\w*)\b/,
      weight: 7,
    },
    // Activity from the FATF "call for action" countries (Iran, North Korea, Myanmar) is the scenario itself.
    {
      pattern:
        /\b(connect(ing|ions?|ed)|logg?(ing|ed)? in|logins?|access(ing|ed)?|ip addresses|traffic|vpn)\b.*\b(iran|north korea|dprk|myanmar)\b/,
      weight: 6,
    },
  ],
  sanctioned_exposure: [
    {
      pattern:
        /\b(exposure|exposed|linked|connected|tied|sent|sending|received|receiving|interact\w*|funds?)\b.*\b(sanction|ofac|mixers?\b|tornado|darknet)|\b(sanction|ofac)\w*\b.*\b(exposure|addresses|wallets|entities|hits|screen\w*|check)/,
      weight: 5,
    },
    { pattern: /\bsanctioned (wallets?|addresses|entities|counterpart\w*)\b|\bofac\b/, weight: 6 },
  ],
  shared_device: [
    {
      pattern:
        /\b(shar(e|ed|ing) (the same |a |one )?(devices?|phones?|fingerprints?)|same (device|phone|fingerprint)|device (sharing|clusters?|farms?|fingerprints?)|multi[ -]?account(ing|s)?)\b/,
      weight: 7,
    },
  ],
  outlier: [
    {
      pattern:
        /\boutliers?\b|\banomal(y|ies|ous) (users|accounts|behaviou?r|activity)\b|\b(unusual|weird|odd|strange|abnormal|anomalous|atypical|irregular) (\w+ )?(users|accounts|behaviou?r|activity|patterns?|traders|transfers)\b|\babnormal\b|\bsuspicious (users|accounts|activity)\b|\bbehaving (weird|odd|strange|unusual)\w*\b|\b(compared|relative) to (their )?peers\b|\bstatistical(ly)? (outliers?|unusual|anomal\w*)\b/,
      weight: 5,
    },
  ],
};

/** Tool cues (metric_query is decided by metric evidence instead). */
export const TOOL_CUES: Readonly<Partial<Record<RoutableTool | 'none', readonly Cue[]>>> = {
  metric_forecast: [
    {
      pattern:
        /\b(forecast|forecasts|forecasting|project(ion|ions|ed)?|predict(ion|ed)?|expect(ed|ing|ation|ations)?|outlook|extrapolate)\b/,
      weight: 6,
    },
    // "how big will the backlog be over the next 3 days": a question about the future.
    { pattern: /\b(will|gonna|going to)\b.*\b(next|coming|upcoming|tomorrow)\b|\bwhere will\b/, weight: 5 },
    { pattern: /\bnext (week|month|\d+ days?|few days)\b|\bcoming (week|days|month)\b/, weight: 2 },
  ],
  anomaly_scan: Object.values(SCENARIO_CUES).flat(),
  user_profile: [
    {
      pattern:
        /\b(pull up|look up|lookup|profile|who is|who's|details (of|for|on)|info (on|about)|tell me about|kyc status|kyc details|kyc level|risk flags|is (this )?user \d+ risky|risky|verified)\b/,
      weight: 3,
    },
  ],
  recommend_for_user: [
    {
      pattern:
        /\brecommend(ation|ations|ed)?\b|\brecs\b|\bsuggest(ions)?\b|\bwhat should we (show|offer|pitch|promote|recommend)\b|\bnext best (offer|action|product)\b|\bcross[ -]?sell\b|\bupsell\b|\b(products?|coins?|assets?|tokens?|offers?) to (pitch|offer|show|promote|push)\b|\bpitch to\b|\b(what|which) (coins?|assets?|tokens?|products?) (would|might|could) (user|customer|client|they|he|she)\b|\bwhat should (user \d+|customer \d+|uid \d+|they|he|she|this user|this customer|the user|them) (trade|buy|try|invest in|look at|hold|get) next\b|\b(would|might) (they|he|she|user \d+|customer \d+|the user|this user|this customer) (like|want|enjoy|be interested in)\b/,
      weight: 5,
    },
  ],
  similar_items: [
    {
      pattern:
        /\bsimilar (to|coins|assets|tokens|products)\b|\balso (trade|buy|hold)\b|\balternatives to\b|\bpeople who (trade|buy|hold)\b|\b(customers|users|traders) who (trade|buy|hold)\b|\bcoins like\b|\bcorrelated with\b|\bnearest neighbou?rs?\b|\bwhat else (do|would) (people|users|customers) (who )?(trade|buy|hold)\b/,
      weight: 6,
    },
  ],
  feedback_search: [
    {
      pattern:
        /\bsearch (the |our |all )?(feedback|reviews?|complaints?|messages|tickets|comments|chats|emails|tweets|posts)\b|\b(feedback|reviews?|complaints?|messages|tickets|comments|chats|emails|tweets|posts) (for|containing|with the (word|phrase)|that (say|says|contain)) ['"]/,
      weight: 5,
    },
    {
      pattern:
        /\b(find|search|show|get|list|pull|any|look for|dig up|fetch)\b.*\b(feedback|complaints?|reviews?|messages|tickets|comments|mentions?|chats|emails|tweets|posts|quotes)\b.*\b(about|mentioning|regarding|saying|that mention|on|related to|re|around|complaining about|where)\b/,
      weight: 5,
    },
    {
      pattern:
        /\b(feedback|complaints?|reviews?|messages|tickets|comments|chats|emails|tweets|posts|quotes)\b.*\b(mentioning|about|regarding|saying|that (say|mention)|complaining about)\b/,
      weight: 4,
    },
  ],
  feedback_summary: [
    {
      pattern:
        /\b(themes?|topics?|summar(y|ise|ize|ies)|digest|main (issues|complaints|pain points)|what are (people|customers|users|clients) (complaining|saying|upset)|top (issues|complaints|pain points|complaint themes)|recurring|trending (issues|complaints))\b/,
      weight: 5,
    },
    { pattern: /\bpain points\b|\bsentiment (overview|breakdown|trends?)\b/, weight: 4 },
    // Weaker than a listing request: "tweets complaining about app crashes" asks for the tweets.
    { pattern: /\bcomplaining about\b/, weight: 3 },
  ],
  alerts_list: [
    {
      pattern:
        /\b(alerts?) (got |were |have |has |been |that |which |still )*(fired|triggered|raised|went off|gone off|open|opened|pending|acked|unacked|acknowledged|unacknowledged|resolved|closed|today|yesterday|this week)\b|\b(open|active|firing|unresolved|acked|unacked|resolved|closed|acknowledged|unacknowledged|recent) alerts?\b|\bany alerts\b|\b(what|which) alerts\b|\b(list|show)( me)?( all| the| our)* alerts\b|\balerts (list|log|history|from)\b|\b(today|yesterday|this week|last week|this month)'s alerts\b/,
      weight: 6,
    },
  ],
  describe_data: [
    {
      pattern:
        /\bwhat (metrics|data|tables|dimensions|columns|fields|can i ask|can you (do|answer))\b|\bwhich (metrics|tables|dimensions|columns|fields)\b|\bhow (is|are) \w+ (calculated|computed|defined|measured)\b|\b(define|definition of|what does) \w+\b|\bdescribe (the )?\w+\b|\bschema\b|\bdata dictionary\b|\b(what|which) (is|are|'s) (in )?the \w+ (dimension|table|column|metric|field)s?\b|\bwhat's the \w+ (dimension|table|column|metric|field)\b|\bwhat('s| is) in the \w+ table\b|\bexplain (the )?(\w+ ){0,3}(metric|dimension|table|column|field)\b|\bexplain (the )?\w+_\w+\b|\blist (the |all |your )?(metrics|dimensions|tables)\b|\b(metrics|dimensions|tables) (do |can )?you (support|have|know|offer|cover)\b|\bwhat values (can|does|do) (the )?\w+ (take|have)\b|\bpossible values (of|for)\b/,
      weight: 6,
    },
    {
      pattern:
        /\bhow (do you|is it|do we) (calculate|compute|measure|define)d?\b|\bwhat is \w+_\w+\b|\bwhat's \w+_\w+\b|\bwhat (does|do) .* (mean|measure|count|include)\b/,
      weight: 5,
    },
  ],
  none: [
    {
      pattern:
        /\b(poem|joke|song|story|haiku|weather|recipe|translate|sports?|movie|football|champions league|world cup|python|javascript|regex|bash script|excel formula)\b/,
      weight: 8,
    },
    {
      pattern:
        /\b(buy|sell|short|long|transfer|send|place an? (limit |market |stop )?(order|trade|buy|sell)|close my|open a position)\b.*\b(for me|my account|at market|now|at \d)\b|\b(buy|sell|transfer|send|move) (all|\d)|\bplace an? (limit |market |stop )?(order|trade|buy|sell)\b|\bsell all my\b|\b(set|change|adjust|raise|increase|lower|reduce|move) (my |the )?(leverage|margin mode|stop[ -]loss|take[ -]profit|position size)\b|\b(open|close) (me )?an? (long|short|position)\b/,
      weight: 8,
    },
    {
      pattern:
        /\b(price prediction|price target|should i (buy|sell|invest)|financial advice|moon|wen lambo|will (btc|eth|sol|it|the price) (hit|reach|go|pump|dump|crash)|(btc|eth|sol|bitcoin|ethereum|coin|token)( price)? (hit|reach) \d|(forecast|predict)\w* (the )?\w+ price|price (of|for) \w+ (next|tomorrow))\b/,
      weight: 8,
    },
    {
      pattern:
        /^(hi|hello|hey|yo|thanks|thank you|thx|cheers|ok|okay|k|kk|cool|nice|great|lol|lmao|haha+|rofl|good (morning|afternoon|evening))( there| bot| team| all| so much)?[ !.]*$/,
      weight: 8,
    },
    {
      pattern:
        /\b(going to|gonna|will (it|btc|eth|sol|bitcoin|ethereum|\w+)) be worth\b|\bbe worth (next|in|by|tomorrow)\b|\bwhat('s| is) \d+ ?[-+*/x] ?\d+\b|\b(book|schedule|set up) (a |the )?(meeting|call)\b|\bcancel (all )?(of )?my\b|\bcover letter\b|\bhow (does |do )?(a |the )?(blockchain|crypto|cryptocurrency|mining|staking|lightning|defi|nfts?|smart contracts?|proof of (stake|work)|the internet) works?\b|\bwrite (me )?(an? )?(email|letter|essay|code|script|function|tweet|poem)\b/,
      weight: 8,
    },
  ],
};
