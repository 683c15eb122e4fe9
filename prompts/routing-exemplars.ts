/**
 * Labelled example questions for the offline router's nearest-exemplar vote (`bot/router/exemplar-index.ts`).
 * Each says which tool answers it and, for metric tools, which metric; anomaly scans name their scenario.
 *
 * Written for this purpose in the voice of exchange staff. None is copied from the dev evaluation set
 * (`../shared/eval/routes.dev.jsonl`) or from `tests/fixtures/routes.extra.jsonl`: those sets measure the
 * router, so sharing questions would inflate the figures (a test checks there is no overlap).
 */
import type { MetricName } from '../warehouse/semantic/index.js';

/** Labels an exemplar can carry: a catalogue tool, or the two outcomes that run no tool. */
export type ExemplarTool =
  | 'metric_query'
  | 'sql_query'
  | 'anomaly_scan'
  | 'user_profile'
  | 'address_profile'
  | 'recommend_for_user'
  | 'similar_items'
  | 'feedback_search'
  | 'feedback_summary'
  | 'alerts_list'
  | 'describe_data'
  | 'metric_forecast'
  | 'clarify'
  | 'none';

/** AML scenarios of `anomaly_scan`. */
export type ExemplarScenario =
  | 'all'
  | 'structuring'
  | 'rapid_movement'
  | 'dormant_reactivation'
  | 'high_risk_jurisdiction'
  | 'sanctioned_exposure'
  | 'shared_device'
  | 'outlier';

/** One labelled question. */
export interface RoutingExemplar {
  readonly text: string;
  readonly tool: ExemplarTool;
  /** For `metric_query` and `metric_forecast`. */
  readonly metric?: MetricName;
  /** For `anomaly_scan`. */
  readonly scenario?: ExemplarScenario;
}

const metric = (name: MetricName, texts: readonly string[]): RoutingExemplar[] =>
  texts.map((text) => ({ text, tool: 'metric_query', metric: name }));
const forecast = (name: MetricName, texts: readonly string[]): RoutingExemplar[] =>
  texts.map((text) => ({ text, tool: 'metric_forecast', metric: name }));
const scan = (scenario: ExemplarScenario, texts: readonly string[]): RoutingExemplar[] =>
  texts.map((text) => ({ text, tool: 'anomaly_scan', scenario }));
const tool = (name: ExemplarTool, texts: readonly string[]): RoutingExemplar[] =>
  texts.map((text) => ({ text, tool: name }));

/** The exemplar set: several per tool and per metric. */
export const ROUTING_EXEMPLARS: readonly RoutingExemplar[] = [
  ...metric('trading_volume_usd', [
    'how busy was the order book in dollar terms',
    'dollar value changing hands on our markets',
    'how much flow did the exchange handle',
    'size of the market activity in usd',
    'total amount traded across all pairs',
    'what was the total trading volume in dollars',
    'how much notional did we do on the exchange',
    'spot turnover by market',
    'traded value per asset',
    'usd volume of all executed trades',
    'how much was bought and sold on the platform',
    'volume numbers for the desk',
    'gross trading activity in usd',
  ]),
  ...metric('trade_count', [
    'how many orders got matched',
    'tally of executed deals',
    'how many times did users trade',
    'number of matched orders on futures',
    'how many trades were executed',
    'total number of fills',
    'count of orders that got filled',
    'number of executions per market',
    'trade count split by product',
    'how many transactions happened on the order book',
  ]),
  ...metric('active_traders', [
    'how many people were active on the exchange',
    'headcount of users with at least one trade',
    'engaged traders per day',
    'how many wallets traded at least once',
    'how many distinct users placed a trade',
    'number of unique accounts that traded',
    'daily active traders',
    'monthly actives on the exchange',
    'how many customers were trading',
    'count of traders who did at least one trade',
  ]),
  ...metric('avg_trade_size_usd', [
    'is the average deal getting bigger',
    'typical usd amount per execution',
    'median-ish trade value, average is fine',
    'what is the typical trade size in dollars',
    'mean notional per trade',
    'average order value of executed trades',
    'how big is an average fill',
    'average ticket per execution',
    'usd size per trade on average',
  ]),
  ...metric('fees_usd', [
    'how much did the exchange earn from trading',
    'commission revenue split by market',
    'what did we bill in trading charges',
    'income from maker taker fees',
    'how much did we collect in commissions',
    'trading fee income',
    'fee take by product',
    'how much revenue did fees bring in',
    'maker and taker fees earned',
    'total fees charged to users',
  ]),
  ...metric('new_users', [
    'how many people opened an account',
    'new customer acquisition numbers',
    'how many users did we onboard',
    'count of first-time registrants',
    'how many accounts were created',
    'number of people who registered',
    'onboarding numbers, new customers',
    'how many new clients joined',
    'user acquisition count',
    'fresh registrations per country',
  ]),
  ...metric('kyc_approval_rate', [
    'how many kyc submissions get accepted in percent',
    'verification pass percentage by country',
    'are we approving more identity checks than before',
    'kyc success ratio trend',
    'share of identity checks that got approved',
    'what percent of verifications pass',
    'kyc acceptance percentage',
    'how often do we approve onboarding documents',
    'rejection vs approval ratio for kyc',
    'verification success ratio',
  ]),
  ...metric('kyc_pending', [
    'how long is the verification queue right now',
    'number of unreviewed identity documents',
    'how many kyc reviews are outstanding',
    'open verification tickets waiting on compliance',
    'how many verifications are waiting for review',
    'size of the compliance review queue',
    'open kyc cases not yet decided',
    'how many identity checks are stuck in review',
    'outstanding kyc applications',
    'verification backlog count',
  ]),
  ...metric('deposit_volume_usd', [
    'how much crypto was sent to us',
    'money coming onto the platform',
    'fiat and crypto funding received',
    'usd value of incoming funds',
    'how much money came in through deposits',
    'total funds deposited in usd',
    'crypto deposits by network',
    'incoming transfers to the exchange',
    'how much did customers top up',
    'value of deposits received',
  ]),
  ...metric('withdrawal_volume_usd', [
    'how much crypto did customers send out',
    'money going off the platform',
    'funds leaving for external wallets',
    'usd value of outgoing transfers',
    'how much money left the exchange through withdrawals',
    'total funds withdrawn in usd',
    'payouts to customer wallets',
    'outgoing transfers by chain',
    'how much did users cash out',
    'value of withdrawal requests processed',
  ]),
  ...metric('net_inflow_usd', [
    'did more money come in than go out',
    'inflow minus outflow',
    'net asset movement by chain',
    'are we net positive on flows',
    'deposits minus withdrawals',
    'net money movement into the exchange',
    'are we gaining or losing funds overall',
    'net flow of assets onto the platform',
    'balance of inflows and outflows',
    'net funding in usd',
  ]),
  ...metric('feedback_count', [
    'how many pieces of feedback arrived',
    'volume of customer comments',
    'how many support conversations did we log',
    'tally of tickets and reviews',
    'how many customer messages came in',
    'number of reviews we received',
    'count of support tickets from users',
    'how much feedback did we get',
    'amount of complaints received per channel',
    'number of comments left by users',
  ]),
  ...metric('avg_rating', [
    'what do customers rate us out of five',
    'average score users give in reviews',
    'are ratings going up or down',
    'mean app rating',
    'what is the mean star score customers give us',
    'average review score',
    'customer satisfaction rating',
    'how many stars do users rate the app',
    'mean rating in the store',
    'average score on reviews by channel',
  ]),
  ...metric('aml_alert_count', [
    'how many monitoring alerts did compliance get',
    'volume of aml hits',
    'count of suspicious transaction flags',
    'aml alerts trend over time',
    'how many money laundering alerts were generated',
    'number of transaction monitoring hits',
    'count of compliance flags raised',
    'aml case volume',
    'how many suspicious activity alerts did the rules produce',
    'aml alerts broken down by country',
  ]),
  ...forecast('trading_volume_usd', [
    'predict trading volume for the coming days',
    'what will spot volume look like going forward',
  ]),
  ...forecast('deposit_volume_usd', [
    'expected deposits over the next days',
    'project incoming deposits ahead',
  ]),
  ...forecast('withdrawal_volume_usd', [
    'how much will be withdrawn in the coming days',
    'withdrawal outlook for the treasury team',
  ]),
  ...forecast('new_users', [
    'how many sign-ups should we expect ahead',
    'predict registrations going forward',
  ]),
  ...forecast('fees_usd', ['fee income projection', 'where are fees heading, forecast']),
  ...forecast('active_traders', ['forecast the number of active traders']),
  ...forecast('trade_count', ['predict how many trades we will see']),
  ...forecast('kyc_pending', ['will the verification queue keep growing? forecast it']),
  ...forecast('net_inflow_usd', ['project net flows ahead']),
  ...forecast('aml_alert_count', ['how many aml alerts should compliance staff for, forecast']),
  ...forecast('feedback_count', ['expected volume of customer messages ahead']),
  ...scan('structuring', [
    'deposits kept just under the cash reporting line',
    'many small cash-ins from one user',
    'customers breaking cash into many small deposits to stay under the limit',
    'detect deposit splitting below reporting limits',
    'look for structured transactions',
    'repeated deposits just below 10000',
  ]),
  ...scan('rapid_movement', [
    'money bouncing through accounts fast',
    'withdrawn within the hour of arrival',
    'funds that arrive and leave again within minutes',
    'accounts used as a transit for money',
    'deposit followed by an immediate withdrawal',
    'quick turnaround of funds through accounts',
  ]),
  ...scan('dormant_reactivation', [
    'accounts silent for a year now moving funds',
    'long dormant wallets that are busy again',
    'accounts that were quiet for months and are active again',
    'old inactive users suddenly moving large amounts',
    'revived accounts after long inactivity',
    'users coming back after a long silence with big transfers',
  ]),
  ...scan('high_risk_jurisdiction', [
    'customers in high risk geographies',
    'traffic from jurisdictions we consider risky',
    'users connecting from high risk countries',
    'customers located in sanctioned or grey list regions',
    'activity from risky jurisdictions',
    'logins from countries on the fatf list',
  ]),
  ...scan('sanctioned_exposure', [
    'users paid by sanctioned entities',
    'exposure to blacklisted on-chain addresses',
    'users who interacted with sanctioned addresses',
    'funds coming from an ofac listed wallet',
    'transfers touching mixers or darknet markets',
    'customers exposed to blacklisted entities on chain',
  ]),
  ...scan('shared_device', [
    'one device many accounts',
    'accounts with the same phone fingerprint',
    'several accounts logging in from one phone',
    'accounts linked by the same device id',
    'duplicate accounts on one device fingerprint',
    'groups of users sharing hardware',
  ]),
  ...scan('outlier', [
    'users who look statistically weird',
    'accounts far outside the usual pattern',
    'users whose behaviour is far from normal',
    'statistically unusual accounts',
    'find accounts that look anomalous',
    'who stands out from everyone else in activity',
  ]),
  ...scan('all', [
    'run the whole aml suite',
    'every risk scenario please',
    'run all the aml checks',
    'full compliance scan of users',
    'every money laundering scenario at once',
    'sweep all the risk rules',
  ]),
  ...tool('user_profile', [
    'everything we have on account 2233',
    'profile of the trader with id 7001',
    'who is behind uid 15',
    'pull customer 4242 please',
    'check user 98765 kyc and flags',
    'show the account of customer 5521',
    'details on client 81234',
    'who is the person behind account 4410',
    'kyc and risk info for user 60001',
    'look up this trader 7781',
    'what do we know about user 3009',
    'open the profile of uid 1200',
    'is customer 900 flagged for anything',
  ]),
  ...tool('address_profile', [
    'who owns this wallet address',
    'check this on-chain address for risk',
    'labels and exposure of this deposit address',
    'is this address linked to a mixer',
    'trace the flows of this wallet',
    'screen this crypto address',
  ]),
  ...tool('recommend_for_user', [
    'which coins fit user 301 best',
    'what to advertise to client 1500',
    'personal product picks for account 64',
    'what might customer 77 buy next',
    'what products should we suggest to customer 300',
    'personalised picks for user 912',
    'which assets to promote to this trader',
    'recommend coins for account 4455',
    'what could we cross-sell to user 2020',
    'best offers for client 777',
    'what would user 5150 be interested in',
    'suggest something to show user 88 in the app',
  ]),
  ...tool('similar_items', [
    'coins in the same cluster as AVAX',
    'assets that trade together with OP',
    'lookalikes of PEPE',
    'what is near NEAR in our item space',
    'which coins resemble ADA',
    'assets most like BNB',
    'what is close to LTC in trading behaviour',
    'items related to the earn product',
    'alternatives to DOT for our users',
    'traders of SUI also like which coins',
    'find coins similar to TRX',
    'what goes with UNI',
  ]),
  ...tool('feedback_search', [
    'show feedback that mentions chargebacks',
    'find me complaints about the otp',
    'grep the feedback for margin call',
    'reviews where people talk about fees',
    'messages about a stuck deposit',
    'find messages where users mention a frozen account',
    'search the reviews for login problems',
    'show me comments about the fees being too high',
    'look up feedback that talks about the p2p feature',
    'customer quotes about delayed payouts',
    'any reviews saying the app is slow',
    'pull tickets mentioning a lost phone',
    'examples of users asking about staking rewards',
    'what did people write about the card top up',
    'feedback containing the word scam',
  ]),
  ...tool('feedback_summary', [
    'what is the feedback telling us this week',
    'summarise complaints for the ops review',
    'key takeaways from customer reviews',
    'what are users unhappy about',
    'main feedback trends',
    'what are the biggest pain points customers raise',
    'overview of feedback themes',
    'summarise what users are telling us',
    'main topics in customer comments',
    'a digest of reviews for the product team',
    'what do people mostly complain about',
    'recap of customer sentiment and issues',
    'top issues raised by customers recently',
    'cluster the feedback into topics',
    'weekly feedback roundup',
  ]),
  ...tool('alerts_list', [
    'which alerts are still open',
    'show me the alert log',
    'alerts from yesterday',
    'did anything alert overnight',
    'which monitoring alerts are currently firing',
    'list the alerts the bot raised',
    'show alerts that were acknowledged',
    'alerts that have been resolved',
    'what alerts went off recently',
    'any triggered alerts i should know about',
    'current alert status',
    'alerts nobody has handled yet',
  ]),
  ...tool('describe_data', [
    'what is in the trades table',
    'which columns does feedback have',
    'what does the chain dimension contain',
    'how do you define a new user',
    'what data sources do you use',
    'what can you tell me about',
    'which metrics are available',
    'explain the trading volume metric',
    'what does net inflow mean',
    'what tables exist in the warehouse',
    'list the dimensions',
    'what fields does the users table have',
    'how is the approval rate computed',
    'help, what can i ask you',
    'what is the definition of active traders',
  ]),
  ...tool('sql_query', [
    'run this query select * from trades limit 10',
    'execute: select count(*) from deposits',
    'sql select country, count(*) from users group by 1',
    'please run select avg(amount_usd) from withdrawals',
  ]),
  ...tool('none', [
    'what is your favourite colour',
    'play some music',
    'how tall is mount everest',
    'set a reminder for 5pm',
    'withdraw my funds to my bank',
    'which coin will pump next',
    'buy me some dogecoin',
    'open a short on eth with 10x leverage',
    'cancel my open orders',
    'is now a good time to buy bitcoin',
    'what will the price of sol be tomorrow',
    'write an email to my landlord',
    'what is the capital of australia',
    'recommend a good restaurant nearby',
    'help me debug this javascript',
    'who are you',
    'good morning',
    'how do i reset my password',
    'tell me a story',
    'what is the meaning of life',
    'send 1 eth to my friend',
  ]),
  ...tool('clarify', [
    'show me that again but better',
    'numbers for the thing',
    'what about those users',
    'how are we trending',
    'same as before',
    'what are the numbers',
    'how did we do',
    'give me an update',
    'show me the data',
    'what about that',
    'how is it going',
    'compare them',
    'the usual report please',
    'check this user',
    'how is the kyc situation',
    'status?',
    'what changed',
  ]),
];
