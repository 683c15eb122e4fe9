import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../core/config.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { isValidAddress } from '../../warehouse/demo/addresses.js';
import {
  AML_SCENARIOS,
  HIGH_RISK_JURISDICTIONS,
  NEAR_MISS_KINDS,
} from '../../warehouse/demo/aml-scenarios.js';
import { readBanking77, SPIKE_INTENT } from '../../warehouse/demo/feedback.js';
import { DEMO_TABLES, generateDemoWarehouse } from '../../warehouse/demo/generate.js';
import { createPgliteConnection } from '../../warehouse/pglite-connection.js';

const CSV = resolve(SHARED_DIR, 'data/banking77/train.csv');
const HAS_SHARED = existsSync(CSV);
if (!HAS_SHARED)
  console.warn(`skipping the demo generator tests: ${CSV} is missing (the Banking77 data in ../shared)`);

const NOW = new Date('2026-11-24T12:00:00Z');

/** Primary-key order of every table, for checksums. */
const KEYS: Record<(typeof DEMO_TABLES)[number], string> = {
  users: 'user_id',
  kyc_reviews: 'review_id',
  assets: 'symbol',
  products: 'product_id',
  trades: 'trade_id',
  deposits: 'deposit_id',
  withdrawals: 'withdrawal_id',
  logins: 'login_id',
  address_labels: 'chain, address',
  chain_transfers: 'transfer_id',
  user_events: 'event_id',
  feedback: 'feedback_id',
  aml_alerts: 'alert_id',
  'ground_truth.aml_cases': 'scenario, user_id',
  'ground_truth.aml_near_misses': 'scenario, user_id',
  'ground_truth.outliers': 'user_id',
  'ground_truth.feedback_spike': 'intent',
  'ground_truth.feedback_labels': 'feedback_id',
  demo_metadata: 'key',
};

async function checksums(connection: SqlConnection): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of DEMO_TABLES) {
    const { rows } = await connection.query<{ checksum: string }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY ${KEYS[table]})) AS checksum FROM ${table} t`,
    );
    result[table] = rows[0]!.checksum;
  }
  return result;
}

async function generate(
  scale: number,
  seed: number,
): Promise<{ connection: SqlConnection; counts: Record<string, number> }> {
  const connection = await createPgliteConnection();
  const { counts } = await generateDemoWarehouse(connection, {
    scale,
    seed,
    now: NOW,
    feedbackCsvPath: CSV,
    silent: true,
  });
  return { connection, counts };
}

/**
 * The planted definitions of warehouse/demo/aml-scenarios.ts written as plain SQL over the loaded
 * tables ($1 = window start, $2 = now). A rule that implements them exactly must find the ground truth.
 */
const REFERENCE_RULES: Record<Exclude<(typeof AML_SCENARIOS)[number], 'outlier'>, string> = {
  structuring: `
    WITH band AS (
      SELECT user_id, created_at FROM deposits
       WHERE status = 'completed' AND amount_usd >= 9000 AND amount_usd < 10000 AND created_at >= $1 AND created_at < $2)
    SELECT DISTINCT a.user_id FROM band a
     WHERE (SELECT count(*) FROM band b WHERE b.user_id = a.user_id
              AND b.created_at >= a.created_at AND b.created_at <= a.created_at + interval '168 hours') >= 4`,
  rapid_movement: `
    WITH trips AS (
      SELECT d.user_id, d.created_at FROM deposits d
       WHERE d.status = 'completed' AND d.created_at >= $1 AND d.created_at < $2
         AND EXISTS (SELECT 1 FROM withdrawals w
                      WHERE w.user_id = d.user_id AND w.status = 'completed' AND w.created_at < $2
                        AND w.created_at > d.created_at AND w.created_at <= d.created_at + interval '2 hours'
                        AND w.amount_usd >= 0.9 * d.amount_usd))
    SELECT DISTINCT a.user_id FROM trips a
     WHERE (SELECT count(*) FROM trips b WHERE b.user_id = a.user_id
              AND b.created_at >= a.created_at AND b.created_at <= a.created_at + interval '14 days') >= 3`,
  dormant_reactivation: `
    WITH activity AS (
      SELECT user_id, created_at AS at FROM logins
      UNION ALL SELECT user_id, executed_at FROM trades
      UNION ALL SELECT user_id, created_at FROM deposits
      UNION ALL SELECT user_id, created_at FROM withdrawals),
    ordered AS (SELECT user_id, at, lag(at) OVER (PARTITION BY user_id ORDER BY at) AS previous FROM activity),
    reactivations AS (
      SELECT user_id, at FROM ordered
       WHERE at >= $1 AND at < $2 AND previous IS NOT NULL AND at - previous >= interval '365 days'),
    transfers AS (
      SELECT user_id, amount_usd, created_at, 1 AS sign FROM deposits WHERE status = 'completed'
      UNION ALL SELECT user_id, amount_usd, created_at, -1 FROM withdrawals WHERE status = 'completed')
    SELECT DISTINCT r.user_id FROM reactivations r
     CROSS JOIN LATERAL (SELECT coalesce(sum(sign * amount_usd), 0) AS balance FROM transfers t
                          WHERE t.user_id = r.user_id AND t.created_at < r.at) h
     WHERE h.balance > 0 AND EXISTS (
       SELECT 1 FROM transfers t WHERE t.user_id = r.user_id AND t.created_at >= r.at
          AND t.created_at < r.at + interval '7 days' AND t.amount_usd >= 0.9 * h.balance)`,
  high_risk_jurisdiction: `
    SELECT DISTINCT l.user_id FROM logins l JOIN users u ON u.user_id = l.user_id
     WHERE l.created_at >= $1 AND l.created_at < $2 AND l.country <> u.country AND l.country = ANY($3::text[])
       AND (EXISTS (SELECT 1 FROM deposits d WHERE d.user_id = l.user_id AND d.status = 'completed'
                      AND d.created_at >= $1 AND d.created_at < $2)
         OR EXISTS (SELECT 1 FROM withdrawals w WHERE w.user_id = l.user_id AND w.status = 'completed'
                      AND w.created_at >= $1 AND w.created_at < $2))`,
  sanctioned_exposure: `
    WITH RECURSIVE tainted AS (SELECT chain, address FROM address_labels WHERE label IN ('sanctioned', 'mixer')),
    downstream (chain, address, hops) AS (
      SELECT chain, address, 0 FROM tainted
      UNION SELECT t.chain, t.to_address, d.hops + 1 FROM downstream d
        JOIN chain_transfers t ON t.chain = d.chain AND t.from_address = d.address WHERE d.hops < 2),
    upstream (chain, address, hops) AS (
      SELECT chain, address, 0 FROM tainted
      UNION SELECT t.chain, t.from_address, u.hops + 1 FROM upstream u
        JOIN chain_transfers t ON t.chain = u.chain AND t.to_address = u.address WHERE u.hops < 2)
    SELECT d.user_id FROM deposits d JOIN downstream x ON x.chain = d.chain AND x.address = d.from_address
     WHERE d.status = 'completed' AND d.created_at >= $1 AND d.created_at < $2
    UNION
    SELECT w.user_id FROM withdrawals w JOIN upstream x ON x.chain = w.chain AND x.address = w.to_address
     WHERE w.status = 'completed' AND w.created_at >= $1 AND w.created_at < $2`,
  shared_device: `
    SELECT DISTINCT l.user_id FROM logins l
     WHERE l.created_at >= $1 AND l.created_at < $2 AND l.device_id IN (
       SELECT device_id FROM logins WHERE created_at >= $1 AND created_at < $2
        GROUP BY device_id HAVING count(DISTINCT user_id) >= 3)`,
};

describe.skipIf(!HAS_SHARED)('demo warehouse generator', () => {
  let main: { connection: SqlConnection; counts: Record<string, number> };
  let small: { connection: SqlConnection; counts: Record<string, number> };
  let windowStart: string;

  beforeAll(async () => {
    main = await generate(0.02, 11);
    small = await generate(0.01, 11);
    const { rows } = await main.connection.query<{ value: string }>(
      "SELECT value FROM demo_metadata WHERE key = 'aml_window_start'",
    );
    windowStart = rows[0]!.value;
  }, 600_000);

  afterAll(async () => {
    await main?.connection.close();
    await small?.connection.close();
  });

  it('is deterministic: the same seed gives the same table checksums, another seed different ones', async () => {
    const first = await checksums(small.connection);
    const again = await generate(0.01, 11);
    const second = await checksums(again.connection);
    await again.connection.close();
    expect(second).toEqual(first);
    const other = await generate(0.01, 12);
    const third = await checksums(other.connection);
    await other.connection.close();
    for (const table of [
      'users',
      'kyc_reviews',
      'trades',
      'deposits',
      'withdrawals',
      'logins',
      'chain_transfers',
      'user_events',
      'feedback',
      'ground_truth.aml_cases',
    ]) {
      expect(third[table], table).not.toBe(first[table]);
    }
    // Catalogues do not depend on the seed.
    expect(third['products']).toBe(first['products']);
  }, 600_000);

  it('fills every table and records the inputs in demo_metadata', async () => {
    for (const table of DEMO_TABLES) expect(main.counts[table], table).toBeGreaterThan(0);
    const { rows } = await main.connection.query<{ key: string; value: string }>(
      'SELECT key, value FROM demo_metadata ORDER BY key',
    );
    const metadata = Object.fromEntries(rows.map((row) => [row.key, row.value]));
    expect(metadata['seed']).toBe('11');
    expect(metadata['scale']).toBe('0.02');
    expect(metadata['now']).toBe('2026-11-24T12:00:00.000Z');
    expect(metadata['generator_version']).toBe('1');
    expect(metadata['aml_window_start']).toBe('2026-08-26T12:00:00.000Z');
    expect(JSON.parse(metadata['row_counts']!)['trades']).toBe(main.counts['trades']);
    const span = await main.connection.query<{ first: string; last: string }>(
      'SELECT min(executed_at) AS first, max(executed_at) AS last FROM trades',
    );
    expect(Date.parse(span.rows[0]!.first)).toBeGreaterThanOrEqual(Date.parse('2024-11-24T12:00:00Z'));
    expect(Date.parse(span.rows[0]!.last)).toBeLessThan(NOW.getTime());
  });

  it('plants ground truth for every scenario, on users and rows that exist', async () => {
    const { connection } = main;
    const { rows: cases } = await connection.query<{ user_id: number; scenario: string; details: string }>(
      'SELECT user_id, scenario, details FROM ground_truth.aml_cases ORDER BY scenario, user_id',
    );
    for (const scenario of AML_SCENARIOS) {
      expect(cases.filter((item) => item.scenario === scenario).length, scenario).toBeGreaterThanOrEqual(3);
    }
    const orphans = await connection.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM (SELECT user_id FROM ground_truth.aml_cases UNION ALL
         SELECT user_id FROM ground_truth.aml_near_misses UNION ALL SELECT user_id FROM ground_truth.outliers) g
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = g.user_id)`,
    );
    expect(orphans.rows[0]!.count).toBe(0);
    const owned = async (table: string, key: string, ids: number[], user: number): Promise<void> => {
      if (ids.length === 0) return;
      const { rows } = await connection.query<{ user_id: number; status: string | null }>(
        `SELECT user_id, ${table === 'logins' ? 'NULL' : 'status'} AS status FROM ${table} WHERE ${key} = ANY($1::bigint[])`,
        [ids],
      );
      expect(rows.length, `${table} ${ids}`).toBe(ids.length);
      for (const row of rows) {
        expect(row.user_id).toBe(user);
        if (table !== 'logins') expect(row.status).toBe('completed');
      }
    };
    for (const item of cases) {
      const details = JSON.parse(item.details) as Record<string, number[]>;
      await owned('deposits', 'deposit_id', details['deposit_ids']!, item.user_id);
      await owned('withdrawals', 'withdrawal_id', details['withdrawal_ids']!, item.user_id);
      await owned('logins', 'login_id', details['login_ids']!, item.user_id);
      const transfers = details['chain_transfer_ids']!;
      if (transfers.length > 0) {
        const { rows } = await connection.query(
          'SELECT 1 FROM chain_transfers WHERE transfer_id = ANY($1::bigint[])',
          [transfers],
        );
        expect(rows.length).toBe(transfers.length);
      }
      const evidence = details['deposit_ids']!.length + details['withdrawal_ids']!.length;
      if (item.scenario === 'structuring') expect(details['deposit_ids']!.length).toBeGreaterThanOrEqual(4);
      if (item.scenario === 'rapid_movement')
        expect(details['withdrawal_ids']!.length).toBeGreaterThanOrEqual(3);
      if (item.scenario === 'dormant_reactivation' || item.scenario === 'sanctioned_exposure') {
        expect(evidence).toBeGreaterThanOrEqual(1);
      }
      if (item.scenario === 'high_risk_jurisdiction' || item.scenario === 'shared_device') {
        expect(details['login_ids']!.length).toBeGreaterThanOrEqual(2);
      }
    }
    const outliers = await connection.query<{ user_id: number }>(
      'SELECT user_id FROM ground_truth.outliers ORDER BY user_id',
    );
    expect(outliers.rows.map((row) => row.user_id)).toEqual(
      cases
        .filter((item) => item.scenario === 'outlier')
        .map((item) => item.user_id)
        .sort((a, b) => a - b),
    );
    const kinds = await connection.query<{ scenario: string; kind: string }>(
      'SELECT DISTINCT scenario, kind FROM ground_truth.aml_near_misses ORDER BY 1, 2',
    );
    for (const [scenario, list] of Object.entries(NEAR_MISS_KINDS)) {
      for (const kind of list) expect(kinds.rows, `${scenario}/${kind}`).toContainEqual({ scenario, kind });
    }
  });

  it('matches its own definitions exactly: the reference rules find the ground truth and no near miss', async () => {
    const { connection } = main;
    const listed = [...HIGH_RISK_JURISDICTIONS.codes];
    for (const [scenario, sql] of Object.entries(REFERENCE_RULES)) {
      const params: unknown[] = [windowStart, NOW.toISOString()];
      if (scenario === 'high_risk_jurisdiction') params.push(listed);
      const { rows: found } = await connection.query<{ user_id: number }>(sql, params);
      const { rows: truth } = await connection.query<{ user_id: number }>(
        'SELECT user_id FROM ground_truth.aml_cases WHERE scenario = $1',
        [scenario],
      );
      const sorted = (rows: { user_id: number }[]): number[] =>
        rows.map((row) => row.user_id).sort((a, b) => a - b);
      expect(sorted(found), scenario).toEqual(sorted(truth));
    }
  });

  it('writes addresses and hashes that pass the validators', async () => {
    const { rows } = await main.connection.query<{ chain: string; address: string }>(`
      SELECT chain, from_address AS address FROM deposits UNION SELECT chain, to_address FROM deposits
      UNION SELECT chain, to_address FROM withdrawals UNION SELECT chain, from_address FROM chain_transfers
      UNION SELECT chain, to_address FROM chain_transfers UNION SELECT chain, address FROM address_labels`);
    expect(rows.length).toBeGreaterThan(1000);
    const invalid = rows.filter((row) => !isValidAddress(row.chain as 'ethereum', row.address));
    expect(invalid).toEqual([]);
    const addresses = rows.map((row) => row.address);
    expect(addresses.some((address) => /^0x(?=.*[a-f])(?=.*[A-F])[0-9a-fA-F]{40}$/.test(address))).toBe(true);
    expect(addresses.some((address) => /^0x[0-9a-f]{40}$/.test(address))).toBe(true);
    for (const prefix of ['bc1q', '1', '3', 'T']) {
      expect(
        addresses.some((address) => address.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    const hashes = await main.connection.query<{ chain: string; tx_hash: string }>(
      'SELECT DISTINCT ON (chain) chain, tx_hash FROM deposits ORDER BY chain, deposit_id',
    );
    const pattern: Record<string, RegExp> = {
      ethereum: /^0x[0-9a-f]{64}$/,
      bsc: /^0x[0-9a-f]{64}$/,
      bitcoin: /^[0-9a-f]{64}$/,
      tron: /^[0-9a-f]{64}$/,
      solana: /^[1-9A-HJ-NP-Za-km-z]{80,90}$/,
    };
    expect(hashes.rows.length).toBe(5);
    for (const row of hashes.rows) expect(row.tx_hash, row.chain).toMatch(pattern[row.chain]!);
  });

  it('takes feedback texts and intents from Banking77, with a spike of one intent at the end', async () => {
    const pairs = new Set(readBanking77(CSV).map((row) => `${row.intent}\u0000${row.text}`));
    const { rows } = await main.connection.query<{
      text: string;
      intent: string;
      rating: number;
      sentiment: string;
    }>(
      'SELECT f.text, l.intent, f.rating, f.sentiment FROM feedback f JOIN ground_truth.feedback_labels l USING (feedback_id)',
    );
    expect(rows.length).toBe(main.counts['feedback']);
    for (const row of rows) expect(pairs.has(`${row.intent}\u0000${row.text}`), row.text).toBe(true);
    for (const row of rows) {
      expect(row.sentiment).toBe(row.rating <= 2 ? 'negative' : row.rating === 3 ? 'neutral' : 'positive');
    }
    const spike = await main.connection.query<{
      intent: string;
      extra_messages: number;
      in_spike: number;
      others: number;
    }>(`
      SELECT s.intent, s.extra_messages,
             (SELECT count(*)::int FROM feedback f JOIN ground_truth.feedback_labels l USING (feedback_id)
               WHERE l.intent = s.intent AND f.created_at >= s.start_at AND f.created_at < s.end_at) AS in_spike,
             (SELECT count(*)::int FROM feedback f JOIN ground_truth.feedback_labels l USING (feedback_id)
               WHERE l.intent <> s.intent AND f.created_at >= s.start_at AND f.created_at < s.end_at) AS others
        FROM ground_truth.feedback_spike s`);
    expect(spike.rows[0]!.intent).toBe(SPIKE_INTENT);
    expect(spike.rows[0]!.in_spike).toBeGreaterThanOrEqual(spike.rows[0]!.extra_messages);
    expect(spike.rows[0]!.in_spike).toBeGreaterThan(spike.rows[0]!.others);
    // Complaints rate lower than questions.
    const ratings = await main.connection.query<{ intent: string; rating: number }>(`
      SELECT l.intent, avg(f.rating)::float AS rating FROM feedback f JOIN ground_truth.feedback_labels l USING (feedback_id)
       WHERE l.intent IN ('card_not_working', 'compromised_card', 'declined_transfer', 'apple_pay_or_google_pay', 'country_support', 'get_physical_card')
       GROUP BY 1`);
    const mean = (names: string[]): number => {
      const values = ratings.rows.filter((row) => names.includes(row.intent)).map((row) => row.rating);
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    };
    expect(mean(['card_not_working', 'compromised_card', 'declined_transfer'])).toBeLessThan(
      mean(['apple_pay_or_google_pay', 'country_support', 'get_physical_card']) - 1,
    );
  });

  it('has believable shapes: weekend dip, KYC approval by country, a pending KYC backlog, consistent times', async () => {
    const { connection } = main;
    const weekdays = await connection.query<{ weekend: number; weekday: number }>(`
      SELECT avg(n) FILTER (WHERE dow IN (0, 6))::float AS weekend, avg(n) FILTER (WHERE dow NOT IN (0, 6))::float AS weekday
        FROM (SELECT date_trunc('day', executed_at) AS day, extract(dow FROM executed_at) AS dow, count(*) AS n
                FROM trades GROUP BY 1, 2) d`);
    expect(weekdays.rows[0]!.weekend).toBeLessThan(weekdays.rows[0]!.weekday * 0.9);
    const approval = await connection.query<{ country: string; rate: number }>(`
      SELECT u.country, avg((k.status = 'approved')::int)::float AS rate FROM kyc_reviews k JOIN users u USING (user_id)
       WHERE k.decided_at IS NOT NULL GROUP BY 1 HAVING count(*) >= 40`);
    const rates = approval.rows.map((row) => row.rate);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.08);
    const pending = await connection.query<{ count: number; undecided: number }>(
      "SELECT count(*)::int AS count, count(*) FILTER (WHERE decided_at IS NULL)::int AS undecided FROM kyc_reviews WHERE status = 'pending'",
    );
    expect(pending.rows[0]!.count).toBeGreaterThan(0);
    expect(pending.rows[0]!.undecided).toBe(pending.rows[0]!.count);
    const inconsistent = await connection.query<{ rows: number }>(
      `
      SELECT count(*)::int AS rows FROM (
        SELECT user_id, executed_at AS at FROM trades UNION ALL SELECT user_id, created_at FROM deposits
        UNION ALL SELECT user_id, created_at FROM withdrawals UNION ALL SELECT user_id, created_at FROM logins
        UNION ALL SELECT user_id, created_at FROM user_events) a
        JOIN users u USING (user_id)
       WHERE a.at < u.created_at OR a.at >= $1::timestamptz`,
      [NOW.toISOString()],
    );
    expect(inconsistent.rows[0]!.rows).toBe(0);
    const events = await connection.query<{ missing: number }>(`
      SELECT count(*)::int AS missing FROM user_events e WHERE e.event_type = 'trade'
         AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.user_id = e.user_id AND t.asset = e.item_id AND t.executed_at = e.created_at)`);
    expect(events.rows[0]!.missing).toBe(0);
  });

  it('scales its row counts with --scale', () => {
    expect(small.counts['users']).toBe(500);
    expect(main.counts['users']).toBe(1000);
    for (const table of [
      'trades',
      'deposits',
      'withdrawals',
      'logins',
      'user_events',
      'feedback',
      'kyc_reviews',
    ]) {
      const ratio = main.counts[table]! / small.counts[table]!;
      expect(ratio, table).toBeGreaterThan(1.6);
      expect(ratio, table).toBeLessThan(2.5);
    }
    // The illicit ecosystems and planted paths have minimum sizes, so the chain graph grows a little slower.
    const chain = main.counts['chain_transfers']! / small.counts['chain_transfers']!;
    expect(chain).toBeGreaterThan(1.3);
    expect(chain).toBeLessThan(2.5);
  });
});

describe('demo generator input checks', () => {
  it('rejects a bad scale and a missing Banking77 file with messages that name the fix', async () => {
    const connection = await createPgliteConnection();
    try {
      await expect(
        generateDemoWarehouse(connection, { scale: 0, seed: 1, now: NOW, feedbackCsvPath: CSV }),
      ).rejects.toThrow('--scale must be a number above 0 and at most 20, got 0.');
      await expect(
        generateDemoWarehouse(connection, { scale: 1, seed: 1.5, now: NOW, feedbackCsvPath: CSV }),
      ).rejects.toThrow('--seed must be an integer, got 1.5.');
      await expect(
        generateDemoWarehouse(connection, {
          scale: 1,
          seed: 1,
          now: NOW,
          feedbackCsvPath: '/nonexistent/train.csv',
        }),
      ).rejects.toThrow(
        'feedbackCsvPath: /nonexistent/train.csv does not exist; the demo feedback comes from Banking77 train.csv in ../shared/data/banking77/',
      );
    } finally {
      await connection.close();
    }
  });

  it('reads Banking77 rows whose text was broken over several lines', () => {
    const directory = mkdtempSync(join(tmpdir(), 'banking77-'));
    const path = join(directory, 'train.csv');
    writeFileSync(
      path,
      'text,category\r\nMy card is broken,card_not_working\r\nI can\'t use my card\r\n\r\n,card_not_working\r\n"Quoted, with comma",pin_blocked\r\n',
    );
    try {
      expect(readBanking77(path)).toEqual([
        { text: 'My card is broken', intent: 'card_not_working' },
        { text: "I can't use my card", intent: 'card_not_working' },
        { text: 'Quoted, with comma', intent: 'pin_blocked' },
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
