import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSlots, normaliseText, type Slots } from '../../../bot/router/slots.js';
import { AmbiguousDateError, defaultTimeRange, InvertedRangeError } from '../../../bot/router/time-range.js';
import { SHARED_DIR } from '../../../core/config.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const slots = (text: string): Slots => extractSlots(text, NOW);

describe('normaliseText', () => {
  it('lower-cases, maps unicode punctuation, strips emoji and repairs typos on word boundaries', () => {
    expect(normaliseText('Withdrawls vol by country 🙏')).toBe('withdrawals volume by country');
    expect(normaliseText('What’s the “avg” fee — YTD? ⭐️')).toBe('what\'s the "average" fee - ytd?');
    expect(normaliseText('volcano volatility')).toBe('volcano volatility');
    expect(normaliseText('how many feedback msgs per channel')).toBe(
      'how many feedback messages per channel',
    );
    expect(normaliseText('👍🏽 DAU-ish numbers, daily pls')).toBe('dau-ish numbers, daily please');
  });
});

describe('time range slot', () => {
  it('takes the range and removes its words from the remainder', () => {
    const result = slots('pending KYC in Turkey over the last 14 days, by day');
    expect(result.timeRange?.range).toEqual({ start: '2026-11-10', end: '2026-11-24' });
    expect(result.timeRange?.matched).toBe('over the last 14 days');
    expect(result.remainder).toBe('pending kyc in,');
  });

  it('passes date errors through (the router asks the user to rephrase)', () => {
    expect(() => slots('deposits on 03/04')).toThrow(AmbiguousDateError);
    expect(() => slots('signups from Nov 10 to Nov 2')).toThrow(InvertedRangeError);
  });

  it('does not read dates inside SQL', () => {
    const result = slots("sql: select count(*) from trades where executed_at >= '2026-11-01'");
    expect(result.timeRange).toBeUndefined();
    expect(result.sql).toBe("select count(*) from trades where executed_at >= '2026-11-01'");
  });
});

describe('countries', () => {
  it.each([
    ['how many people from Nigeria signed up', ['NG']],
    ['Turkish users', ['TR']],
    ['pending KYC in turkey', ['TR']],
    ['deposits from the UK', ['GB']],
    ['UK and US volume', ['GB', 'US']],
    ['British and American traders', ['GB', 'US']],
    ['volume from DE and FR', ['DE', 'FR']],
    ['Brazilians vs Argentinians', ['BR', 'AR']],
    ['users in South Korea', ['KR']],
    ['North Korean exposure', ['KP']],
    ['UAE and Saudi Arabia', ['AE', 'SA']],
    ['Filipinos', ['PH']],
    ['users from Indonesia', ['ID']],
    ['Chad volume', ['TD']],
    ['Polish users', ['PL']],
    ['Niger vs Nigeria', ['NE', 'NG']],
    ['in the States', ['US']],
    ['Volume from 🇹🇷 users', ['TR']],
    ['trades from Türkiye and Brasil', ['TR', 'BR']],
  ])('%s → %j', (text, expected) => {
    expect(slots(text).countries).toEqual(expected);
  });

  it.each([
    'volume IN october',
    'show us the numbers',
    'ID verification failures',
    'AI features for PM',
    'chad from marketing asked',
    'polish the report',
    'latin american users',
    'New Jersey traffic',
    '5 GB of logs',
    'English reviews',
    'how is net_inflow_usd calculated?',
    'AML alerts for MM accounts with SL orders',
  ])('no country in %s', (text) => {
    expect(slots(text).countries).toEqual([]);
  });

  it('ignores codes in an all-capitals question but still reads names', () => {
    expect(slots('WHAT IS THE VOLUME IN TURKEY AND DE').countries).toEqual(['TR']);
  });
});

describe('assets and markets', () => {
  it.each([
    ['coins similar to SOL', ['SOL']],
    ['btc and eth volume', ['BTC', 'ETH']],
    ['bitcoin deposits', ['BTC']],
    ['ether withdrawals', ['ETH']],
    ['ethereum volume', ['ETH']],
    ['solana staking', ['SOL']],
    ['LINK, DOT and NEAR', ['LINK', 'DOT', 'NEAR']],
    ['chainlink and polkadot', ['LINK', 'DOT']],
    ['$PEPE and shiba inu', ['PEPE', 'SHIB']],
    ['matic volume', ['POL']],
    ['tether and usd coin', ['USDT', 'USDC']],
    ['USDT deposits on Tron', ['USDT']],
  ])('%s → %j', (text, expected) => {
    expect(slots(text).assets).toEqual(expected);
  });

  it.each([
    'ONE volume',
    'a ton of deposits',
    'link to the dashboard',
    'near the end',
    'uni students',
    'op ed',
  ])('no asset in %s', (text) => {
    expect(slots(text).assets).toEqual([]);
  });

  it('reads markets and does not also count their base asset', () => {
    expect(slots('average ticket on BTCUSDT').markets).toEqual(['BTCUSDT']);
    expect(slots('average ticket on BTCUSDT').assets).toEqual([]);
    expect(slots('btc/usdt and ETH-USDC volume').markets).toEqual(['BTCUSDT', 'ETHUSDC']);
    expect(slots('ETHBTC trades').markets).toEqual(['ETHBTC']);
    expect(slots('WIFUSDT trades').markets).toEqual(['WIFUSDT']);
    expect(slots('BTC/ETH').markets).toEqual([]);
    expect(slots('BTC/ETH').assets).toEqual(['BTC', 'ETH']);
  });
});

describe('products, platforms, chains', () => {
  it.each([
    ['how many futures trades', ['futures']],
    ['perps volume', ['futures']],
    ['spot and margin fees', ['spot', 'margin']],
    ['Earn subscriptions', ['earn']],
    ['ETH staking', ['earn']],
    ['how much did we earn in fees', []],
    ['profit margin by asset', []],
    ['spot check the numbers', []],
    ['can you spot any structuring', []],
  ])('products of %s → %j', (text, expected) => {
    expect(slots(text).products).toEqual(expected);
  });

  it('reads product ids for similar items', () => {
    expect(slots('products similar to earn-eth-staking').productIds).toEqual(['earn-eth-staking']);
  });

  it.each([
    ['withdrawl volume from android users', ['android']],
    ['iPhone users', ['ios']],
    ['web vs API traders', ['web', 'api']],
    ['app store reviews', []],
    ['google play ratings', []],
  ])('platforms of %s → %j', (text, expected) => {
    expect(slots(text).platforms).toEqual(expected);
  });

  it.each([
    ['is this ERC-20 deposit address clean?', ['ethereum']],
    ['TRC-20 withdrawals', ['tron']],
    ['USDT deposits on Tron', ['tron']],
    ['BEP-20 deposits', ['bsc']],
    ['USDT on Ethereum', ['ethereum']],
    ['deposits on the bitcoin network', ['bitcoin']],
    ['ethereum volume', []],
    ['volume on ETH', []],
  ])('chains of %s → %j', (text, expected) => {
    expect(slots(text).chains).toEqual(expected);
  });
});

describe('addresses', () => {
  it.each([
    ['0x00e03d2cf3c95789ace1a9542c5d6baed2eac902 any mixer exposure?', 'ethereum'],
    ['BEP-20 address 0x00e03d2cf3c95789ace1a9542c5d6baed2eac902', 'bsc'],
    ['bc1qpwkvhv0uy0sfkama7y5uyurvcmtfz0cn2s60a2 — who is this?', 'bitcoin'],
    ['profile 1BoatSLRHtKNngkdXEeobR76b53LETtpyT', 'bitcoin'],
    ['profile 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bitcoin'],
    ['TJRabPrwbZy45sbavfcjinPJC18kjpRTv8 exposure', 'tron'],
    ['who owns 7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV', 'solana'],
  ])('%s → %s', (text, chain) => {
    const result = slots(text);
    expect(result.address).toBe(text.split(/\s+/).find((word) => word.length > 25));
    expect(result.addressChain).toBe(chain);
  });

  it('does not take a transaction hash or a long number for an address', () => {
    expect(slots(`tx 0x${'ab'.repeat(32)}`).address).toBeUndefined();
    expect(slots('id 12345678912345678912345678').address).toBeUndefined();
  });
});

describe('feedback channels and sentiment', () => {
  it.each([
    ['negative app store reviews mentioning the verification selfie', ['app_review'], 'negative'],
    ['summarize support chat feedback', ['support_chat'], undefined],
    ['our average app store rating', ['app_review'], undefined],
    ['email and twitter feedback', ['email', 'social'], undefined],
    ['count of negative feedback yesterday?', [], 'negative'],
    ['1-star reviews', ['app_review'], 'negative'],
    ['happy customers on social media', ['social'], 'positive'],
    ['find complaints about cards not arriving', [], undefined],
    ['days with negative net inflow', [], undefined],
    ['users with the same email', [], undefined],
    ['Q3 fees, need it for the quarterly review', [], undefined],
  ])('%s → %j, %s', (text, channels, sentiment) => {
    const result = slots(text);
    expect(result.channels).toEqual(channels);
    expect(result.sentiment).toBe(sentiment);
  });
});

describe('KYC levels, VIP tiers and the ambiguous "level"', () => {
  it.each([
    ['VIP 3 users', [], [3], []],
    ['tier 3 volume', [], [3], []],
    ['vip 5+ volume', [], [5, 6, 7, 8, 9], []],
    ['VIP tier 2 and above', [], [2, 3, 4, 5, 6, 7, 8, 9], []],
    ['kyc level 2 users', [2], [], []],
    ['KYC L1', [1], [], []],
    ['kyc 1-2', [1, 2], [], []],
    ['level 2 kyc', [2], [], []],
    ['volume from level 3 users last week', [], [], ['level']],
    ['level 7 users', [], [7], []],
  ])('%s → kyc %j, vip %j, ambiguous %j', (text, kyc, vip, ambiguous) => {
    const result = slots(text);
    expect(result.kycLevels).toEqual(kyc);
    expect(result.vipTiers).toEqual(vip);
    expect(result.ambiguous).toEqual(ambiguous);
  });

  it('keeps the number of an ambiguous level for the clarifying question', () => {
    expect(slots('volume from level 3 users').ambiguousLevel).toBe(3);
    expect(slots('volume by level').ambiguous).toEqual(['level']);
  });
});

describe('user ids', () => {
  it.each([
    ['pull up user 48213', 48213],
    ['KYC status + risk flags for uid 90577?', 90577],
    ['what about #48213', 48213],
    ['user_id=123 profile', 123],
    ['customer id: 555', 555],
  ])('%s → %i', (text, id) => {
    expect(slots(text).userId).toBe(id);
  });

  it.each(['top 10 users', 'user 5 days ago', 'users 2026'])('no user id in %s', (text) => {
    expect(slots(text).userId).toBeUndefined();
  });
});

describe('k, top-N and order', () => {
  it.each([
    ['top 5 countries by vol', 5, 5, 'desc'],
    ['flag users tied to high-risk jurisdictions MTD, top 20', 20, 20, 'desc'],
    ['people who trade PEPE also trade what? top 3', 3, 3, 'desc'],
    ['give me 10 recs for them', 10, undefined, undefined],
    ['bottom 3 markets', 3, 3, 'asc'],
    ['top five coins', 5, 5, 'desc'],
    ['limit to 25', 25, undefined, undefined],
    ['which country has the most volume', undefined, undefined, 'desc'],
    ['lowest kyc approval rate', undefined, undefined, 'asc'],
    ['top up volume', undefined, undefined, undefined],
    ['at least 5 deposits', undefined, undefined, undefined],
    ['most recent alerts', undefined, undefined, undefined],
    ['top 1% of traders', undefined, undefined, 'desc'],
  ])('%s → k %s, topN %s, order %s', (text, k, topN, order) => {
    const result = slots(text);
    expect(result.k).toBe(k);
    expect(result.topN).toBe(topN);
    expect(result.order).toBe(order);
  });
});

describe('comparisons', () => {
  it.each([
    ['fee revenue this year vs last year', 'previous_year'],
    ['net inflow this week vs the same week last year', 'previous_year'],
    ['volume y/y', 'previous_year'],
    ['YoY growth', 'previous_year'],
    ['compared to last year', 'previous_year'],
    ['KYC pass rate last week vs the week before', 'previous_period'],
    ['volume w/w', 'previous_period'],
    ['WoW change', 'previous_period'],
    ['vs previous period', 'previous_period'],
    ['Q3 compared to the previous quarter', 'previous_period'],
    ['October, and how does that compare with the month before?', 'previous_period'],
    ['today vs yesterday', 'previous_period'],
    ['compare fee revenue Q3 vs Q2', 'previous_period'],
    ['signups in October compared to September', 'previous_period'],
    ['volume in October vs October 2025', 'previous_year'],
    ['volume this year vs 2025', 'previous_year'],
    ['Q3 vs Q1', undefined],
    ['wow, that is a lot!', undefined],
    ['volume over the last 7 days', undefined],
  ])('%s → %s', (text, compare) => {
    expect(slots(text).compare).toBe(compare);
  });
});

describe('grain and group by', () => {
  it.each([
    ['AML alerts per day, last 30 days', 'day', []],
    ['DAU-ish numbers for this week, daily pls', 'day', []],
    ['withdrawals net of deposits, weekly, over the past 3 months', 'week', []],
    ['monthly signups', 'month', []],
    ['hourly trades today', 'hour', []],
    ['daily active users', undefined, []],
    ['the weekly digest', undefined, []],
    ['avg rating by channel in October', undefined, ['channel']],
    ['Q3 fees split by product', undefined, ['product']],
    ['avg trade size by VIP tier MTD', undefined, ['vip_tier']],
    ['split by kyc level', undefined, ['kyc_level']],
    ['break that down by platform', undefined, ['platform']],
    ['volume by country and platform', undefined, ['country', 'platform']],
    ['fees per coin', undefined, ['asset']],
    ['trades by market', undefined, ['market']],
    ['buy vs sell volume', undefined, ['side']],
    ['deposits by chain', undefined, ['chain']],
    ['feedback by sentiment', undefined, ['sentiment']],
    ['top 5 countries by vol', undefined, ['country']],
    ['which platform has the most users', undefined, ['platform']],
    ['country breakdown of fees', undefined, ['country']],
    ['new users by day per country', 'day', ['country']],
  ])('%s → grain %s, group by %j', (text, grain, groupBy) => {
    const result = slots(text);
    expect(result.grain).toBe(grain);
    expect(result.groupBy).toEqual(groupBy);
  });
});

describe('contrasts', () => {
  it.each([
    ['avg trade size, BTC vs ETH, last month', ['asset'], ['BTC', 'ETH']],
    ['spot vs futures volume', ['product'], ['spot', 'futures']],
    ['iOS versus Android users', ['platform'], ['ios', 'android']],
    ['users from Iran or North Korea', [], ['IR', 'KP']],
  ])('%s → %j', (text, contrasts, values) => {
    const result = slots(text);
    expect(result.contrasts).toEqual(contrasts);
    expect([...result.assets, ...result.products, ...result.platforms, ...result.countries]).toEqual(values);
  });
});

describe('forecast horizon', () => {
  it.each([
    ['forecast withdrawals for next week', 7],
    ['project futures volume for the next 14 days', 14],
    ['forecast next month', 30],
    ['next 2 weeks forecast', 14],
    ['30-day forecast of deposits', 30],
    ['deposits tomorrow', 1],
    ['volume last week', undefined],
  ])('%s → %s', (text, days) => {
    expect(slots(text).horizonDays).toBe(days);
  });
});

describe('sql', () => {
  it.each([
    ['sql: select market from trades limit 3', 'select market from trades limit 3'],
    [
      'run this: SELECT country, count(*) FROM users GROUP BY country',
      'SELECT country, count(*) FROM users GROUP BY country',
    ],
    ['select count(*) from users', 'select count(*) from users'],
    ['```sql\nselect * from trades limit 5\n```', 'select * from trades limit 5'],
    ['with t as (select 1 as x) select x from t', 'with t as (select 1 as x) select x from t'],
    ['select the top 5 countries by volume', undefined],
    ['users with the same device from the last week', undefined],
  ])('%s → %s', (text, sql) => {
    expect(slots(text).sql).toBe(sql);
  });

  it('finds no other slots inside the statement', () => {
    const result = slots(
      "run this: SELECT country, count(*) FROM users WHERE country = 'TR' GROUP BY country",
    );
    expect(result.countries).toEqual([]);
    expect(result.groupBy).toEqual([]);
    expect(result.remainder).toBe('');
  });
});

describe('remainder and spans', () => {
  it('leaves what the classifier needs and records each span', () => {
    const result = slots('USDT deposits on Tron in the last 24 hours');
    expect(result.remainder).toBe('deposits on');
    expect(result.spans.map((span) => [span.slot, span.text, span.value])).toEqual([
      ['asset', 'USDT', 'USDT'],
      ['chain', 'Tron', 'tron'],
      ['time_range', 'in the last 24 hours', '2026-11-23T12:00:00.000Z/2026-11-24T12:00:00.000Z'],
    ]);
    expect(result.text).toBe('usdt deposits on tron in the last 24 hours');
  });

  it('keeps the metric word next to a channel name', () => {
    expect(slots("what's our average app store rating this month ⭐").remainder).toBe(
      "what's our average rating",
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The shared dev routing set: where an expected route carries a slot, the slot must agree.

interface DevLine {
  id: string;
  question: string;
  history?: unknown[];
  expect: { tool: string; args: Record<string, unknown> };
}

const DEV_FILE = join(SHARED_DIR, 'eval', 'routes.dev.jsonl');
const devLines: DevLine[] = existsSync(DEV_FILE)
  ? readFileSync(DEV_FILE, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as DevLine)
  : [];
if (devLines.length === 0) console.log(`skipping the dev-set slot checks: ${DEV_FILE} is absent`);

const GRAINS = new Set(['day', 'week', 'month', 'hour']);
const FILTER_SLOTS: ReadonlyArray<readonly [string, (result: Slots) => readonly (string | number)[]]> = [
  ['country', (result) => result.countries],
  ['asset', (result) => result.assets],
  ['market', (result) => result.markets],
  ['product', (result) => result.products],
  ['platform', (result) => result.platforms],
  ['chain', (result) => result.chains],
  ['channel', (result) => result.channels],
  ['sentiment', (result) => (result.sentiment ? [result.sentiment] : [])],
  ['kyc_level', (result) => result.kycLevels],
  ['vip_tier', (result) => result.vipTiers],
];

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

describe.skipIf(devLines.length === 0)(
  'slots agree with routes.dev.jsonl (now = 2026-11-24T12:00:00Z)',
  () => {
    it.each(devLines.map((line) => [line.id, line] as const))('%s', (_id, line) => {
      const result = slots(line.question);
      const { tool, args } = line.expect;
      // With history, slots the question does not name come from earlier turns: check only what it names.
      const fromHistory = (line.history?.length ?? 0) > 0;
      if (tool === 'none') return;
      if (tool === 'clarify') {
        if (line.id === 'd027') expect(result.ambiguous).toEqual(['level']);
        return;
      }

      const expectedRange = args['time_range'];
      if (expectedRange !== undefined) {
        if (!(fromHistory && result.timeRange === undefined)) {
          // Timestamps compare as instants, as score-routes.mjs does ('…:00Z' equals '…:00.000Z').
          const instant = (value: string) => (value.includes('T') ? new Date(value).toISOString() : value);
          const mine = result.timeRange?.range ?? defaultTimeRange('last_7_days', NOW);
          const wanted = expectedRange as { start: string; end: string };
          expect([mine.start, mine.end].map(instant)).toEqual([wanted.start, wanted.end].map(instant));
        }
      } else if (!fromHistory) {
        expect(result.timeRange).toBeUndefined();
      }

      if (['metric_query', 'metric_forecast', 'feedback_search', 'feedback_summary'].includes(tool)) {
        const filters = (args['filters'] ?? {}) as Record<string, unknown>;
        for (const [dimension, read] of FILTER_SLOTS) {
          const mine = read(result);
          if (fromHistory && mine.length === 0) continue;
          const expected = asList(filters[dimension]);
          const grouped = asList(args['group_by']).includes(dimension);
          expect(grouped ? [] : mine, `${dimension} filter`).toEqual(expected);
        }
      }
      if (tool === 'metric_query') {
        const groupBy = asList(args['group_by']) as string[];
        if (!(fromHistory && result.groupBy.length === 0 && result.grain === undefined)) {
          expect(result.groupBy, 'group_by').toEqual(groupBy.filter((item) => !GRAINS.has(item)));
          expect(result.grain, 'grain').toBe(groupBy.find((item) => GRAINS.has(item)));
        }
        if (!(fromHistory && result.compare === undefined))
          expect(result.compare, 'compare').toBe(args['compare']);
        if (args['order'] !== undefined) expect(result.order).toBe(args['order']);
        if (args['limit'] !== undefined) expect(result.topN).toBe(args['limit']);
      }
      if (tool === 'anomaly_scan' && args['limit'] !== undefined) expect(result.topN).toBe(args['limit']);
      if (args['horizon_days'] !== undefined) expect(result.horizonDays).toBe(args['horizon_days']);
      if (args['user_id'] !== undefined && !(fromHistory && result.userId === undefined)) {
        expect(result.userId).toBe(args['user_id']);
      }
      if (args['k'] !== undefined) expect(result.k).toBe(args['k']);
      if (args['item'] !== undefined) expect(result.assets[0]).toBe(args['item']);
      if (args['address'] !== undefined) {
        expect(result.address).toBe(args['address']);
        expect(result.addressChain).toBe(args['chain']);
      }
      if (tool === 'sql_query') expect(result.sql).toBe(args['sql']);
      else expect(result.sql).toBeUndefined();
    });
  },
);

describe('slots added for staff phrasing (routing quality work)', () => {
  it('reads a SELECT in inline backticks as SQL', () => {
    const result = slots("can you run `SELECT count(*) FROM users WHERE country = 'TR'`");
    expect(result.sql).toBe("SELECT count(*) FROM users WHERE country = 'TR'");
    expect(result.countries).toEqual([]);
    // Backticks around something that is not a statement are left alone.
    expect(slots('what does `net_inflow_usd` mean').sql).toBeUndefined();
  });

  it('reads "mobile" as both app platforms, but not "mobile app reviews"', () => {
    expect(slots('volume from mobile users yesterday').platforms).toEqual(['ios', 'android']);
    const reviews = slots('mobile app reviews this week');
    expect(reviews.platforms).toEqual([]);
    expect(reviews.channels).toEqual(['app_review']);
  });

  it('finds a ranked dimension behind describing words, not behind a preposition', () => {
    expect(slots('top 5 fee paying countries last month').groupBy).toEqual(['country']);
    expect(slots('top 5 users in countries with high volume').groupBy).toEqual([]);
  });

  it('reads "compares to last year" as a year-over-year comparison', () => {
    const result = slots('YTD trading volume by product and how it compares to last year');
    expect(result.compare).toBe('previous_year');
    expect(result.timeRange?.range).toEqual({ start: '2026-01-01', end: '2026-11-25' });
  });

  it('compares "Q3 compared with Q3 last year" year over year', () => {
    const result = slots('trading volume in Q3 compared with Q3 last year');
    expect(result.timeRange?.range).toEqual({ start: '2026-07-01', end: '2026-10-01' });
    expect(result.compare).toBe('previous_year');
  });

  it('keeps "from yesterday" to yesterday (the source of the feedback, not a start)', () => {
    const result = slots('positive feedback mentioning customer support from yesterday');
    expect(result.timeRange?.range).toEqual({ start: '2026-11-23', end: '2026-11-24' });
    expect(slots('signups from Monday').timeRange?.range).toEqual({ start: '2026-11-23', end: '2026-11-25' });
  });
});
