/**
 * A hand-built warehouse for the risk tests: for every rule scenario a user who matches and users who
 * nearly match (each near miss breaks exactly one condition), a small on-chain graph with a cycle and
 * labelled addresses, and a few ordinary users. Written into an in-memory store with bulk inserts.
 */
import type { SqlConnection } from '../../../warehouse/connection.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';

/** The fixture's clock (a Tuesday, as in DESIGN.md). */
export const NOW = new Date('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** An instant `days` (and `hours`) before NOW, ISO. */
export const ago = (days: number, hours = 0): string =>
  new Date(NOW.getTime() - days * DAY - hours * HOUR).toISOString();
/** The scan window of the fixture: the 90 days before NOW. */
export const WINDOW = { start: new Date(NOW.getTime() - 90 * DAY), end: NOW };

/** Addresses of the fixture graph (ethereum unless named otherwise). */
export const ADDRESS = {
  sanctioned: '0x1111111111111111111111111111111111111111',
  mixer: '0x2222222222222222222222222222222222222222',
  scam: '0x3333333333333333333333333333333333333333',
  hotWallet: '0x4444444444444444444444444444444444444444',
  oneHop: '0x5555555555555555555555555555555555555501',
  twoHops: '0x5555555555555555555555555555555555555502',
  payer: '0x5555555555555555555555555555555555555503',
  threeHops1: '0x6666666666666666666666666666666666666601',
  threeHops2: '0x6666666666666666666666666666666666666602',
  threeHops3: '0x6666666666666666666666666666666666666603',
  wrongWay: '0x7777777777777777777777777777777777777701',
  plain: '0x8888888888888888888888888888888888888801',
  cycleA: '0x9999999999999999999999999999999999999901',
  cycleB: '0x9999999999999999999999999999999999999902',
  cycleC: '0x9999999999999999999999999999999999999903',
  darknet: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
} as const;

/** Users of each scenario: the match first, then the near misses. */
export const USERS = {
  structuring: { hit: 101, nearMisses: [102, 103, 104] },
  rapid_movement: { hit: 201, nearMisses: [202, 203, 204] },
  dormant_reactivation: { hit: 301, nearMisses: [302, 303, 304] },
  high_risk_jurisdiction: { hit: 401, nearMisses: [402, 403, 404] },
  sanctioned_exposure: { hits: [501, 502, 503], nearMisses: [504, 505, 506, 507] },
  shared_device: { hits: [601, 602, 603], nearMisses: [604, 605, 606, 607, 608] },
  ordinary: [901, 902, 903],
} as const;

class Rows {
  readonly users: unknown[][] = [];
  readonly deposits: unknown[][] = [];
  readonly withdrawals: unknown[][] = [];
  readonly logins: unknown[][] = [];
  readonly trades: unknown[][] = [];
  readonly labels: unknown[][] = [];
  readonly transfers: unknown[][] = [];

  user(id: number, country = 'DE', created = '2024-01-01T00:00:00Z'): void {
    this.users.push([
      id,
      `user${id}@example.com`,
      null,
      `User ${id}`,
      null,
      country,
      2,
      0,
      'web',
      'active',
      created,
    ]);
  }

  deposit(
    user: number,
    at: string,
    usd: number,
    options: { from?: string; chain?: string; status?: string } = {},
  ): number {
    const id = this.deposits.length + 1;
    this.deposits.push([
      id,
      user,
      'USDT',
      options.chain ?? 'ethereum',
      usd,
      usd,
      options.from ?? `0x${String(user).padStart(8, '0')}${'ab'.repeat(16)}`,
      `0xdeposit${user}`,
      `0xtx-d-${id}`,
      'web',
      options.status ?? 'completed',
      at,
    ]);
    return id;
  }

  withdrawal(
    user: number,
    at: string,
    usd: number,
    options: { to?: string; chain?: string; status?: string } = {},
  ): number {
    const id = this.withdrawals.length + 1;
    this.withdrawals.push([
      id,
      user,
      'USDT',
      options.chain ?? 'ethereum',
      usd,
      usd,
      options.to ?? `0x${String(user).padStart(8, '0')}${'cd'.repeat(16)}`,
      `0xtx-w-${id}`,
      'web',
      options.status ?? 'completed',
      at,
    ]);
    return id;
  }

  login(user: number, at: string, options: { country?: string; device?: string; ip?: string } = {}): number {
    const id = this.logins.length + 1;
    this.logins.push([
      id,
      user,
      options.ip ?? `10.0.${user % 256}.1`,
      options.device ?? `device-${user}`,
      options.country ?? 'DE',
      'web',
      at,
    ]);
    return id;
  }

  trade(user: number, at: string, usd: number, asset = 'BTC'): number {
    const id = this.trades.length + 1;
    this.trades.push([
      id,
      user,
      `${asset}USDT`,
      asset,
      'USDT',
      'spot',
      'buy',
      100,
      usd / 100,
      usd,
      usd * 0.001,
      'web',
      at,
    ]);
    return id;
  }

  label(address: string, label: string, name: string, chain = 'ethereum'): void {
    this.labels.push([address, chain, label, name, 'test']);
  }

  transfer(from: string, to: string, usd: number, at: string, chain = 'ethereum'): number {
    const id = this.transfers.length + 1;
    this.transfers.push([id, chain, `0xtx-c-${id}`, from, to, 'USDT', usd, usd, at]);
    return id;
  }
}

/** Ids of rows the tests check evidence against. */
export interface FixtureIds {
  readonly structuringDeposits: number[];
  readonly roundTrips: { deposit: number; withdrawal: number }[];
  readonly dormantWithdrawal: number;
  readonly iranLogin: number;
  readonly sanctionedDeposit: number;
  readonly twoHopDeposit: number;
  readonly twoHopTransfers: number[];
  readonly oneHopWithdrawal: number;
}

function build(rows: Rows): FixtureIds {
  for (const id of [
    101, 102, 103, 104, 201, 202, 203, 204, 301, 302, 303, 304, 401, 402, 403, 501, 502, 503, 504, 505, 506,
    507, 601, 602, 603, 604, 605, 606, 607, 608, 901, 902, 903,
  ]) {
    rows.user(id, 'DE', id >= 600 && id < 700 ? ago(60) : '2024-01-01T00:00:00Z');
  }
  rows.user(404, 'VN');

  // structuring: 101 four band deposits in 3 days; 102 three in band, the fourth 10 days later;
  // 103 four at or above the threshold; 104 four in band, one of them failed.
  const structuringDeposits = [
    rows.deposit(101, ago(30), 9_100),
    rows.deposit(101, ago(29), 9_500),
    rows.deposit(101, ago(28), 9_900),
    rows.deposit(101, ago(27), 9_999.99),
  ];
  for (const [days, usd] of [
    [30, 9_200],
    [29, 9_300],
    [28, 9_400],
    [18, 9_500],
  ] as const)
    rows.deposit(102, ago(days), usd);
  for (const [days, usd] of [
    [30, 10_000],
    [29, 10_100],
    [28, 10_200],
    [27, 10_300],
  ] as const)
    rows.deposit(103, ago(days), usd);
  for (const [days, usd, status] of [
    [30, 9_200, 'completed'],
    [29, 9_300, 'failed'],
    [28, 9_400, 'completed'],
    [27, 9_500, 'completed'],
  ] as const) {
    rows.deposit(104, ago(days), usd, { status });
  }

  // rapid_movement: 201 three round trips in 5 days; 202 withdrawals 3 h later; 203 only 80%;
  // 204 three round trips 16 days apart.
  const roundTrips = [0, 2, 4].map((day) => ({
    deposit: rows.deposit(201, ago(40 - day), 20_000),
    withdrawal: rows.withdrawal(201, ago(40 - day, -0.5), 19_000),
  }));
  for (const day of [0, 2, 4]) {
    rows.deposit(202, ago(40 - day), 20_000);
    rows.withdrawal(202, ago(40 - day, -3), 19_500);
    rows.deposit(203, ago(40 - day), 20_000);
    rows.withdrawal(203, ago(40 - day, -1), 16_000);
  }
  for (const day of [0, 16, 32]) {
    rows.deposit(204, ago(60 - day), 20_000);
    rows.withdrawal(204, ago(60 - day, -1), 19_800);
  }

  // dormant_reactivation: 301 active 540 days ago, back 23 days ago, withdraws 98% two hours later;
  // 302 the same after 200 days; 303 after 400 days but withdraws 30%; 304 a trade in the middle of
  // a 400-day quiet spell.
  rows.login(301, ago(540));
  rows.deposit(301, ago(540), 5_000);
  rows.login(301, ago(23));
  const dormantWithdrawal = rows.withdrawal(301, ago(23, -2), 4_900);
  rows.deposit(302, ago(223), 5_000);
  rows.login(302, ago(23));
  rows.withdrawal(302, ago(23, -2), 4_900);
  rows.deposit(303, ago(423), 5_000);
  rows.login(303, ago(23));
  rows.withdrawal(303, ago(23, -2), 1_500);
  rows.deposit(304, ago(423), 5_000);
  rows.trade(304, ago(223), 100);
  rows.login(304, ago(23));
  rows.withdrawal(304, ago(23, -2), 4_900);

  // high_risk_jurisdiction: 401 logs in from Iran and deposits; 402 logs in from Iran, last transfer
  // before the window; 403 travels to France; 404 is Vietnamese and logs in from home.
  const iranLogin = rows.login(401, ago(10), { country: 'IR' });
  rows.deposit(401, ago(10, -3), 2_500);
  rows.login(402, ago(10), { country: 'IR' });
  rows.deposit(402, ago(120), 2_500);
  rows.login(403, ago(10), { country: 'FR' });
  rows.deposit(403, ago(10, -3), 2_500);
  rows.login(404, ago(10), { country: 'VN' });
  rows.deposit(404, ago(10, -3), 2_500);

  // sanctioned_exposure: labelled addresses, paths with a cycle, and the users.
  rows.label(ADDRESS.sanctioned, 'sanctioned', 'Sanctioned entity (test)');
  rows.label(ADDRESS.mixer, 'mixer', 'Mixer (test)');
  rows.label(ADDRESS.scam, 'scam', 'Scam (test)');
  rows.label(ADDRESS.darknet, 'darknet', 'Darknet market (test)');
  rows.label(ADDRESS.hotWallet, 'exchange', 'Our hot wallet (test)');
  const twoHopTransfers = [
    rows.transfer(ADDRESS.mixer, ADDRESS.oneHop, 30_000, ago(20)),
    rows.transfer(ADDRESS.oneHop, ADDRESS.twoHops, 29_000, ago(19)),
  ];
  rows.transfer(ADDRESS.twoHops, ADDRESS.oneHop, 1_000, ago(18)); // a cycle back
  rows.transfer(ADDRESS.payer, ADDRESS.mixer, 8_000, ago(25)); // payer pays into the mixer
  rows.transfer(ADDRESS.sanctioned, ADDRESS.threeHops1, 9_000, ago(30));
  rows.transfer(ADDRESS.threeHops1, ADDRESS.threeHops2, 8_900, ago(29));
  rows.transfer(ADDRESS.threeHops2, ADDRESS.threeHops3, 8_800, ago(28));
  rows.transfer(ADDRESS.wrongWay, ADDRESS.mixer, 3_000, ago(26)); // wrong direction for a deposit
  rows.transfer(ADDRESS.hotWallet, ADDRESS.payer, 7_000, ago(15)); // the withdrawal of user 503
  // A cycle for the walk tests: A → B → C → A, and C → darknet.
  rows.transfer(ADDRESS.cycleA, ADDRESS.cycleB, 500, ago(12));
  rows.transfer(ADDRESS.cycleB, ADDRESS.cycleC, 400, ago(11));
  rows.transfer(ADDRESS.cycleC, ADDRESS.cycleA, 300, ago(10));
  rows.transfer(ADDRESS.cycleC, ADDRESS.darknet, 200, ago(9));
  const sanctionedDeposit = rows.deposit(501, ago(14), 12_000, { from: ADDRESS.sanctioned });
  const twoHopDeposit = rows.deposit(502, ago(17), 28_000, { from: ADDRESS.twoHops });
  const oneHopWithdrawal = rows.withdrawal(503, ago(15), 7_000, { to: ADDRESS.payer });
  rows.deposit(504, ago(27), 8_700, { from: ADDRESS.threeHops3 });
  rows.deposit(505, ago(24), 2_000, { from: ADDRESS.wrongWay });
  rows.withdrawal(506, ago(5), 1_000, { to: ADDRESS.scam });
  rows.deposit(507, ago(14), 1_000, { from: ADDRESS.sanctioned, chain: 'bsc' });

  // shared_device: 601–603 on one device; 604–605 share a household device; 606–608 share one but
  // 608 used it only before the window.
  for (const user of [601, 602, 603]) {
    rows.login(user, ago(20), { device: 'farm-device', ip: '203.0.113.7' });
    rows.login(user, ago(19), { device: 'farm-device', ip: '203.0.113.7' });
  }
  for (const user of [604, 605]) rows.login(user, ago(20), { device: 'household-device' });
  rows.login(606, ago(20), { device: 'old-device' });
  rows.login(607, ago(20), { device: 'old-device' });
  rows.login(608, ago(100), { device: 'old-device' });

  // Ordinary users: a little of everything, nothing suspicious.
  for (const user of USERS.ordinary) {
    rows.login(user, ago(5));
    rows.deposit(user, ago(50), 1_000 + user);
    rows.withdrawal(user, ago(20), 400);
    rows.trade(user, ago(10), 250);
    rows.trade(user, ago(9), 300, 'ETH');
  }
  return {
    structuringDeposits,
    roundTrips,
    dormantWithdrawal,
    iranLogin,
    sanctionedDeposit,
    twoHopDeposit,
    twoHopTransfers,
    oneHopWithdrawal,
  };
}

/** Loads the fixture into a warehouse connection (already migrated). */
export async function loadRiskFixture(connection: SqlConnection): Promise<FixtureIds> {
  const rows = new Rows();
  const ids = build(rows);
  const column = (name: string, type: string) => ({ name, type });
  await connection.bulkInsert(
    'users',
    [
      column('user_id', 'integer'),
      column('email', 'text'),
      column('phone', 'text'),
      column('full_name', 'text'),
      column('address', 'text'),
      column('country', 'text'),
      column('kyc_level', 'smallint'),
      column('vip_tier', 'smallint'),
      column('platform', 'text'),
      column('status', 'text'),
      column('created_at', 'timestamptz'),
    ],
    rows.users,
  );
  await connection.bulkInsert(
    'deposits',
    [
      'deposit_id',
      'user_id',
      'asset',
      'chain',
      'amount',
      'amount_usd',
      'from_address',
      'to_address',
      'tx_hash',
      'platform',
      'status',
      'created_at',
    ].map((name) => column(name, 'text')),
    rows.deposits,
  );
  await connection.bulkInsert(
    'withdrawals',
    [
      'withdrawal_id',
      'user_id',
      'asset',
      'chain',
      'amount',
      'amount_usd',
      'to_address',
      'tx_hash',
      'platform',
      'status',
      'created_at',
    ].map((name) => column(name, 'text')),
    rows.withdrawals,
  );
  await connection.bulkInsert(
    'logins',
    ['login_id', 'user_id', 'ip', 'device_id', 'country', 'platform', 'created_at'].map((name) =>
      column(name, 'text'),
    ),
    rows.logins,
  );
  await connection.bulkInsert(
    'trades',
    [
      'trade_id',
      'user_id',
      'market',
      'asset',
      'quote_asset',
      'product',
      'side',
      'price',
      'quantity',
      'notional_usd',
      'fee_usd',
      'platform',
      'executed_at',
    ].map((name) => column(name, 'text')),
    rows.trades,
  );
  await connection.bulkInsert(
    'address_labels',
    ['address', 'chain', 'label', 'name', 'source'].map((name) => column(name, 'text')),
    rows.labels,
  );
  await connection.bulkInsert(
    'chain_transfers',
    [
      'transfer_id',
      'chain',
      'tx_hash',
      'from_address',
      'to_address',
      'asset',
      'amount',
      'amount_usd',
      'block_time',
    ].map((name) => column(name, 'text')),
    rows.transfers,
  );
  return ids;
}

/** An in-memory store (warehouse and app migrated) holding the fixture. */
export async function openRiskFixture(): Promise<{ stores: Stores; ids: FixtureIds }> {
  const stores = await openStores({ inMemory: true });
  const ids = await loadRiskFixture(stores.warehouse);
  return { stores, ids };
}
