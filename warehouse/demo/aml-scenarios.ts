/**
 * Injected AML ground truth of the demo warehouse: what is planted, exactly, so that detection rules can
 * be measured against `ground_truth.aml_cases` (positives) and checked against
 * `ground_truth.aml_near_misses` (look-alikes that must NOT be flagged).
 *
 * Common terms
 * - The window W = [now − 90 days, now). Every planted pattern lies entirely inside W.
 * - "Completed" = `status = 'completed'`; every planted row is completed. Amounts are `amount_usd`.
 * - Transfers = rows of `deposits` and `withdrawals`. Activity = rows of `logins`, `trades`, `deposits`,
 *   `withdrawals` of the user (any status).
 * - The generator verifies every definition below on the finished data (in JavaScript, before loading)
 *   and fails if a background user matches one or a planted user does not: with these definitions,
 *   precision and recall against the ground truth are both 1.0. The background is generated so that
 *   it does not match them under any window either (no matches before W).
 *
 * 1. structuring — a user with ≥ 4 completed deposits, each with 9,000 ≤ amount_usd < 10,000 (just
 *    under the 10,000 USD reporting threshold), all created inside W within one span of at most 7 days
 *    (last − first ≤ 168 h). Planted: 4–7 such deposits over 1.5–6 days, in USDT/USDC (some BTC/ETH),
 *    from 1–3 source wallets, often followed days later by one large withdrawal.
 *    Near misses: a single deposit in the band (e.g. 9,600); exactly 3 in the band within 6 days;
 *    4–5 in the band spaced 8–12 days apart; 4–5 of 10,000–10,900 within 5 days; 4–5 of 8,000–8,900
 *    within 5 days. Background deposits never put 2 band deposits within 7 days of each other.
 *
 * 2. rapid_movement — a "round trip" is a completed deposit d and a completed withdrawal w of the same
 *    user with d.created_at < w.created_at ≤ d.created_at + 2 h and w.amount_usd ≥ 0.9 × d.amount_usd
 *    (withdrawals go to external addresses; asset and chain may differ). A user with ≥ 3 round trips
 *    (distinct deposits) whose deposits lie inside W within one span of at most 14 days.
 *    Planted: 3–6 round trips over 3–12 days, 8–110 minutes apart, 90.5–99% of the deposit, amounts
 *    1,500–60,000 (never in the structuring band). Near misses: withdrawals 2.5–6 days after the
 *    deposit; withdrawals within 2 h but of only 30–75%; exactly 2 round trips within 10 days; 3 round
 *    trips spaced 16–24 days apart. Background data has no round trips at all.
 *
 * 3. dormant_reactivation — a user whose activity at time r inside W comes after a gap of ≥ 365 days
 *    (the previous activity p ≤ r − 365 days exists), and who within [r, r + 7 days) makes a completed
 *    deposit or withdrawal with amount_usd ≥ 0.9 × H, where H = Σ completed deposits.amount_usd −
 *    Σ completed withdrawals.amount_usd created before r (H ≥ 1,000 for every planted user). The same
 *    users match when logins are left out of "activity". Planted: gaps of 380–560 days; a login at r,
 *    then within 20 min–20 h a withdrawal of 93–100% of H (75%) or a deposit of 1–2.5 × H (25%).
 *    Near misses: a gap of 200–330 days then a full withdrawal; a gap ≥ 380 days then a withdrawal of
 *    10–50% of H; a gap ≥ 380 days then only logins and small trades. Background users never have a
 *    gap ≥ 300 days that ends inside W (or the week before it) with a transfer in the following days.
 *
 * 4. high_risk_jurisdiction — a user with ≥ 1 login inside W whose `logins.country` is in
 *    `high-risk-jurisdictions.json` and differs from `users.country`, and ≥ 1 completed deposit or
 *    withdrawal inside W. Planted: a 1–5 day trip with 2–6 logins from a listed country and a transfer
 *    10 min–36 h after one of those logins. Near misses: logins from a listed country but no transfers
 *    from W − 10 days on; logins from an unlisted foreign country with transfers; users whose KYC country
 *    is itself listed (VN, VE, KE, BG) logging in from home (ordinary background).
 *
 * 5. sanctioned_exposure — tainted addresses are `address_labels` rows labelled `sanctioned` or `mixer`.
 *    A user with a completed deposit inside W whose from_address is tainted or is reached FROM a tainted
 *    address in 1–2 `chain_transfers` on the same chain (tainted → from_address, or tainted → x →
 *    from_address), or a completed withdrawal inside W whose to_address is tainted or reaches a tainted
 *    address in 1–2 transfers (to_address → tainted, or to_address → x → tainted). Direction matters:
 *    the exchange's own hot wallets pay every withdrawal, so undirected 2-hop neighbourhoods are
 *    meaningless. Planted variants: direct deposit from a tainted address; direct withdrawal to one;
 *    deposit from an address funded by a mixer (1 hop) or via one intermediary (2 hops, some with
 *    cycles back); withdrawal to an address that then pays a mixer (1 hop) or pays into one via an
 *    intermediary (2 hops). Near misses: 3 hops upstream; a counterparty that paid INTO a mixer and
 *    also funds the deposit (wrong direction); withdrawals to scam-labelled addresses; deposits from and
 *    withdrawals to gambling sites. `chain_transfers` mirrors every completed deposit (from_address →
 *    the user's deposit address) and withdrawal (an exchange hot wallet → to_address) of the last 90 days.
 *
 * 6. shared_device — a device_id used in logins inside W by ≥ 3 distinct users; every user of such a
 *    device matches. Planted: clusters of 3–6 recently opened accounts, each logging in 2–6 times from
 *    the shared device (mostly from one IP). Near misses: two-person households sharing a device
 *    (1.8% of users, same surname and address); groups of 3–8 users sharing a public IP from their own
 *    devices.
 *
 * 7. outlier (`ground_truth.outliers`, not a rule): users extreme in several behavioural features inside
 *    W but matching none of the rules: `whale` (12–25 trades of 80k–450k USD, deposits of 100k–500k),
 *    `night_owl` (900–1,600 trades and 20–40 logins between 01:00 and 05:00 local time, in countries at
 *    UTC−1…+3 so the hours are odd in UTC too), `asset_sprayer` (200–450 trades of 15–150 USD across the
 *    whole asset list), `withdrawal_spray` (30–70 withdrawals of 300–2,500 USD to fresh addresses on
 *    several chains after 2–3 large deposits).
 *
 * About 60 users per rule scenario and 50 outliers at scale 1 (proportional, at least 3 each), and about
 * 20 per near-miss kind (at least 2); all distinct users.
 */
import type { Random } from '../../core/random.js';
import {
  type ActivityPlan,
  backgroundLogin,
  chainFor,
  type LoginDraft,
  newDevice,
  pickLabelled,
  pickTravelDestination,
  type SimulationContext,
  TRADE_MODE,
  type TransferDraft,
  type UserDraft,
  type UserProfile,
} from './activity.js';
import { CHAINS } from './addresses.js';
import { HIGH_RISK_IP_COUNTRIES, HIGH_RISK_JURISDICTIONS, IP_COUNTRIES, randomIp } from './geography.js';
import type { Population } from './population.js';
import { ASSETS, COUNTRIES } from './reference-data.js';
import { shuffle, uniform } from './sampling.js';
import { DAY_MS, HOUR_MS, type TimeModel } from './time-model.js';

export { HIGH_RISK_JURISDICTIONS } from './geography.js';

/** The scenario names of DESIGN.md (`anomaly_scan.scenario`), without `all`. */
export const AML_SCENARIOS = [
  'structuring',
  'rapid_movement',
  'dormant_reactivation',
  'high_risk_jurisdiction',
  'sanctioned_exposure',
  'shared_device',
  'outlier',
] as const;
/** One scenario name. */
export type AmlScenario = (typeof AML_SCENARIOS)[number];

/** Days before `now` in which every planted pattern lies. */
export const AML_WINDOW_DAYS = 90;

/** Thresholds of the planted definitions (see the file comment). */
export const AML_DEFINITIONS = {
  structuring: { bandLowUsd: 9_000, thresholdUsd: 10_000, minDeposits: 4, maxSpanHours: 168 },
  rapidMovement: { maxDelayMinutes: 120, minRatio: 0.9, minRoundTrips: 3, maxSpanDays: 14 },
  dormantReactivation: { minGapDays: 365, minRatio: 0.9, followDays: 7 },
  highRiskJurisdiction: { listFile: 'warehouse/demo/high-risk-jurisdictions.json' },
  sanctionedExposure: { labels: ['sanctioned', 'mixer'], maxHops: 2 },
  sharedDevice: { minAccounts: 3 },
} as const;

/** Kinds of `ground_truth.outliers.kind`. */
export const OUTLIER_KINDS = ['whale', 'night_owl', 'asset_sprayer', 'withdrawal_spray'] as const;

/** Near-miss kinds per scenario (`ground_truth.aml_near_misses.kind`). */
export const NEAR_MISS_KINDS = {
  structuring: ['single_in_band', 'three_in_band', 'spread_out', 'above_threshold', 'below_band'],
  rapid_movement: ['slow_withdrawal', 'partial_withdrawal', 'two_round_trips', 'spread_out'],
  dormant_reactivation: ['short_gap', 'small_withdrawal', 'no_transfer'],
  high_risk_jurisdiction: ['no_transfer', 'unlisted_travel'],
  sanctioned_exposure: ['three_hops', 'wrong_direction', 'scam_victim', 'gambling'],
  shared_device: ['shared_ip'],
} as const satisfies Partial<Record<AmlScenario, readonly string[]>>;

const SANCTIONED_VARIANTS = [
  'direct_deposit',
  'deposit_one_hop',
  'deposit_two_hops',
  'direct_withdrawal',
  'withdrawal_one_hop',
  'withdrawal_two_hops',
] as const;

/** What a user is in the planted truth: a positive of a scenario, a near miss, or nothing special. */
export interface RoleAssignment {
  readonly scenario: AmlScenario;
  /** A near-miss kind, an outlier kind, or a planted variant. */
  readonly kind: string;
  readonly nearMiss: boolean;
  /** For dormant roles: the chosen reactivation time and gap. */
  readonly reactivation?: { readonly at: number; readonly gapDays: number };
  /** For shared-device and shared-IP roles: the group. */
  readonly group?: SharedGroup;
}

/** Accounts that share a device (planted clusters) or a public IP (near misses). */
export interface SharedGroup {
  readonly members: number[];
  readonly start: number;
  readonly country: number;
  device: number;
  ip: number;
}

/** A planted on-chain transfer (the graph builder adds it to chain_transfers). */
export interface PlantedEdge {
  readonly chain: number;
  readonly from: string;
  readonly to: string;
  readonly asset: number;
  readonly amountUsd: number;
  readonly time: number;
  index: number;
}

/** One row of ground truth, with references to the rows that make it (ids are known after loading). */
export interface PlantedCase {
  readonly user: number;
  readonly scenario: AmlScenario;
  readonly kind: string;
  readonly nearMiss: boolean;
  plantedAt: number;
  readonly details: Record<string, unknown>;
  readonly deposits: TransferDraft[];
  readonly withdrawals: TransferDraft[];
  readonly logins: LoginDraft[];
  readonly edges: PlantedEdge[];
}

/** Roles of every special user, decided before the simulation. */
export interface ScenarioPlan {
  readonly roles: ReadonlyMap<number, RoleAssignment>;
  /** Users whose ordinary life must end early (dormant accounts). */
  readonly activeToOverride: ReadonlyMap<number, number>;
  readonly windowStart: number;
}

/** How many users each scenario gets at a scale. */
export function scenarioCounts(scale: number): { positives: number; outliers: number; nearMisses: number } {
  return {
    positives: Math.max(3, Math.round(60 * scale)),
    outliers: Math.max(3, Math.round(50 * scale)),
    nearMisses: Math.max(2, Math.round(20 * scale)),
  };
}

/**
 * Chooses distinct users for every planted role from suitable pools (established accounts for most,
 * old accounts for dormancy, recently opened ones for device farms), deterministically.
 */
export function planScenarios(
  population: Population,
  time: TimeModel,
  random: Random,
  scale: number,
): ScenarioPlan {
  const windowStart = time.nowMs - AML_WINDOW_DAYS * DAY_MS;
  const counts = scenarioCounts(scale);
  const roles = new Map<number, RoleAssignment>();
  const activeToOverride = new Map<number, number>();
  const eligible = (user: number): boolean =>
    population.status[user] === 0 && population.household[user] === -1 && population.kycLevel[user]! > 0;
  const all = Array.from({ length: population.count }, (_value, user) => user).filter(eligible);
  const established = shuffle(
    random,
    all.filter((user) => population.kycApproved[user]! < windowStart - 45 * DAY_MS),
  );
  const old = shuffle(
    random,
    all.filter((user) => population.kycApproved[user]! < time.nowMs - 420 * DAY_MS),
  );
  const young = shuffle(
    random,
    all.filter(
      (user) =>
        population.created[user]! > time.nowMs - 200 * DAY_MS &&
        population.kycApproved[user]! < time.nowMs - 12 * DAY_MS,
    ),
  );
  const take = (pool: number[], count: number, assign: (user: number, index: number) => boolean): void => {
    let assigned = 0;
    while (assigned < count && pool.length > 0) {
      const user = pool.pop()!;
      if (roles.has(user)) continue;
      if (assign(user, assigned)) assigned++;
    }
  };
  const simple = (scenario: AmlScenario, kind: string, nearMiss: boolean) => (user: number) => {
    roles.set(user, { scenario, kind, nearMiss });
    return true;
  };
  const dormant =
    (kind: string, nearMiss: boolean, minGap: number, maxGap: number) =>
    (user: number): boolean => {
      const at = uniform(random, windowStart + DAY_MS, time.nowMs - 2 * DAY_MS);
      const latestGap = (at - population.kycApproved[user]! - 25 * DAY_MS) / DAY_MS;
      if (latestGap < minGap) return false;
      const gapDays = uniform(random, minGap, Math.min(maxGap, latestGap));
      roles.set(user, { scenario: 'dormant_reactivation', kind, nearMiss, reactivation: { at, gapDays } });
      activeToOverride.set(user, at - gapDays * DAY_MS);
      return true;
    };

  // Dormancy first: it needs the oldest accounts.
  take(old, counts.positives, dormant('drain', false, 380, 560));
  take(old, counts.nearMisses, dormant('short_gap', true, 200, 330));
  take(old, counts.nearMisses, dormant('small_withdrawal', true, 380, 560));
  take(old, counts.nearMisses, dormant('no_transfer', true, 380, 560));

  // Device farms: clusters of 3–6 young accounts.
  let clustered = 0;
  while (clustered < counts.positives && young.length >= 3) {
    const roll = random.next();
    const size = Math.min(roll < 0.5 ? 3 : roll < 0.8 ? 4 : roll < 0.92 ? 5 : 6, young.length);
    const members: number[] = [];
    while (members.length < size && young.length > 0) {
      const user = young.pop()!;
      if (!roles.has(user)) members.push(user);
    }
    if (members.length < 3) break;
    const latestCreated = Math.max(...members.map((user) => population.created[user]!));
    const start = Math.max(windowStart + DAY_MS, latestCreated + DAY_MS);
    if (start > time.nowMs - 3 * DAY_MS) continue;
    const group: SharedGroup = {
      members,
      start,
      country: population.country[members[0]!]!,
      device: -1,
      ip: 0,
    };
    for (const user of members)
      roles.set(user, { scenario: 'shared_device', kind: 'device_farm', nearMiss: false, group });
    clustered += members.length;
  }

  for (const scenario of ['structuring', 'rapid_movement', 'high_risk_jurisdiction'] as const) {
    take(established, counts.positives, simple(scenario, 'planted', false));
  }
  take(established, counts.positives, (user, index) => {
    roles.set(user, {
      scenario: 'sanctioned_exposure',
      kind: SANCTIONED_VARIANTS[index % SANCTIONED_VARIANTS.length]!,
      nearMiss: false,
    });
    return true;
  });
  take(established, counts.outliers, (user, index) => {
    const kind = OUTLIER_KINDS[index % OUTLIER_KINDS.length]!;
    // Night owls live where local night is also UTC night, so "odd hours" shows in either clock.
    const offset = COUNTRIES[population.country[user]!]!.utcOffset;
    if (kind === 'night_owl' && (offset < -1 || offset > 3)) return false;
    roles.set(user, { scenario: 'outlier', kind, nearMiss: false });
    return true;
  });
  // High-risk travellers must not come from the listed country they log in from; the plan only
  // excludes that at planting time, which always finds another listed country.
  take(established, Math.max(3, Math.round(60 * scale)), simple('structuring', 'single_in_band', true));
  for (const kind of NEAR_MISS_KINDS.structuring.slice(1))
    take(established, counts.nearMisses, simple('structuring', kind, true));
  for (const kind of NEAR_MISS_KINDS.rapid_movement)
    take(established, counts.nearMisses, simple('rapid_movement', kind, true));
  for (const kind of NEAR_MISS_KINDS.high_risk_jurisdiction) {
    take(established, counts.nearMisses, simple('high_risk_jurisdiction', kind, true));
  }
  for (const kind of NEAR_MISS_KINDS.sanctioned_exposure) {
    take(established, counts.nearMisses, simple('sanctioned_exposure', kind, true));
  }
  // Shared public IPs: groups of 3–8 users of one country.
  const groups = Math.max(2, Math.round(12 * scale));
  const byCountry = new Map<number, number[]>();
  for (const user of established) {
    if (roles.has(user)) continue;
    const list = byCountry.get(population.country[user]!) ?? [];
    list.push(user);
    byCountry.set(population.country[user]!, list);
  }
  const countries = [...byCountry.keys()].sort((a, b) => a - b);
  for (let group = 0; group < groups; group++) {
    const candidates = countries.filter((country) => byCountry.get(country)!.length >= 3);
    if (candidates.length === 0) break;
    const country = candidates[random.int(0, candidates.length - 1)]!;
    const list = byCountry.get(country)!;
    const size = Math.min(list.length, random.int(3, 8));
    const members = list.splice(0, size);
    const start = uniform(random, windowStart + DAY_MS, time.nowMs - 20 * DAY_MS);
    const shared: SharedGroup = { members, start, country, device: -1, ip: 0 };
    for (const user of members)
      roles.set(user, { scenario: 'shared_device', kind: 'shared_ip', nearMiss: true, group: shared });
  }
  return { roles, activeToOverride, windowStart };
}

/** State the planting shares across users. */
export interface PlantingState {
  readonly context: SimulationContext;
  readonly plan: ActivityPlan;
  readonly windowStart: number;
  readonly cases: PlantedCase[];
  readonly edges: PlantedEdge[];
}

const USDT = ASSETS.findIndex((item) => item.symbol === 'USDT');
const USDC = ASSETS.findIndex((item) => item.symbol === 'USDC');
const BTC = ASSETS.findIndex((item) => item.symbol === 'BTC');
const ETH = ASSETS.findIndex((item) => item.symbol === 'ETH');
const MINUTE_MS = 60_000;

/** Adds the planted behaviour of a role to a user's draft and records the case. */
export function plantUser(
  state: PlantingState,
  profile: UserProfile,
  draft: UserDraft,
  role: RoleAssignment,
  random: Random,
): void {
  const record: PlantedCase = {
    user: profile.user,
    scenario: role.scenario,
    kind: role.kind,
    nearMiss: role.nearMiss,
    plantedAt: Number.NaN,
    details: {},
    deposits: [],
    withdrawals: [],
    logins: [],
    edges: [],
  };
  const planter = new Planter(state, profile, draft, record, random);
  switch (role.scenario) {
    case 'structuring':
      planter.structuring(role.kind);
      break;
    case 'rapid_movement':
      planter.rapidMovement(role.kind);
      break;
    case 'dormant_reactivation':
      planter.dormant(role);
      break;
    case 'high_risk_jurisdiction':
      planter.highRisk(role.kind);
      break;
    case 'sanctioned_exposure':
      planter.sanctioned(role.kind);
      break;
    case 'shared_device':
      planter.shared(role);
      break;
    case 'outlier':
      planter.outlier(role.kind);
      break;
  }
  state.cases.push(record);
}

/** Builds the rows of one planted case. */
class Planter {
  private readonly state: PlantingState;
  private readonly context: SimulationContext;
  private readonly profile: UserProfile;
  private readonly draft: UserDraft;
  private readonly record: PlantedCase;
  private readonly random: Random;
  private readonly nowMs: number;
  private readonly windowStart: number;

  constructor(
    state: PlantingState,
    profile: UserProfile,
    draft: UserDraft,
    record: PlantedCase,
    random: Random,
  ) {
    this.state = state;
    this.context = state.context;
    this.profile = profile;
    this.draft = draft;
    this.record = record;
    this.random = random;
    this.nowMs = state.context.time.nowMs;
    this.windowStart = state.windowStart;
  }

  private deposit(
    when: number,
    asset: number,
    amountUsd: number,
    counterparty?: string,
    chain?: number,
  ): TransferDraft {
    const rail = chain ?? chainFor(this.random, asset, this.profile.country);
    const transfer: TransferDraft = {
      time: when,
      asset,
      chain: rail,
      amountUsd: Math.round(amountUsd * 100) / 100,
      status: 0,
      platform: this.context.devicePlatforms[this.profile.devices[0]!]!,
      counterparty: counterparty ?? this.context.addresses.wallet(this.profile.user, rail),
      locked: true,
      index: -1,
    };
    this.draft.deposits.push(transfer);
    this.record.deposits.push(transfer);
    return transfer;
  }

  private withdrawal(
    when: number,
    asset: number,
    amountUsd: number,
    counterparty?: string,
    chain?: number,
  ): TransferDraft {
    const rail = chain ?? chainFor(this.random, asset, this.profile.country);
    const transfer: TransferDraft = {
      time: when,
      asset,
      chain: rail,
      amountUsd: Math.round(amountUsd * 100) / 100,
      status: 0,
      platform: this.context.devicePlatforms[this.profile.devices[0]!]!,
      counterparty: counterparty ?? this.context.addresses.fresh(rail),
      locked: true,
      index: -1,
    };
    this.draft.withdrawals.push(transfer);
    this.record.withdrawals.push(transfer);
    // Withdrawals need a fresh session, as in the background.
    this.login(when - uniform(this.random, 1, 10) * MINUTE_MS, false);
    return transfer;
  }

  private login(
    when: number,
    record: boolean,
    options: { country?: number; ip?: number; device?: number } = {},
  ): LoginDraft {
    const login = backgroundLogin(this.context, this.profile, this.random, when);
    if (options.country !== undefined) login.country = options.country;
    if (options.ip !== undefined) login.ip = options.ip;
    if (options.device !== undefined) {
      login.device = options.device;
      login.platform = this.context.devicePlatforms[options.device]!;
    }
    login.locked = true;
    this.draft.logins.push(login);
    if (record) this.record.logins.push(login);
    return login;
  }

  private edge(
    chain: number,
    from: string,
    to: string,
    asset: number,
    amountUsd: number,
    time: number,
  ): void {
    const edge: PlantedEdge = {
      chain,
      from,
      to,
      asset,
      amountUsd: Math.round(amountUsd * 100) / 100,
      time,
      index: -1,
    };
    this.state.edges.push(edge);
    this.record.edges.push(edge);
  }

  /** A start time so that `spanDays` fits inside the window before now − `marginDays`. */
  private start(spanDays: number, marginDays = 1): number {
    return uniform(this.random, this.windowStart + DAY_MS, this.nowMs - (spanDays + marginDays) * DAY_MS);
  }

  /** An amount outside [8,500, 10,500): far from the structuring band. */
  private amountAwayFromBand(low: number, high: number): number {
    for (;;) {
      const value = uniform(this.random, low, high);
      if (value < 8_500 || value >= 10_500) return value;
    }
  }

  private stableOrMajor(stableShare: number): number {
    const roll = this.random.next();
    if (roll < stableShare * 0.75) return USDT;
    if (roll < stableShare) return USDC;
    return roll < stableShare + (1 - stableShare) / 2 ? BTC : ETH;
  }

  /** A USD amount in [low, high]; whole-ish numbers for stablecoins, inner margin for volatile assets. */
  private bandAmount(asset: number, low: number, high: number): number {
    if (ASSETS[asset]!.cluster === 'stable') {
      return this.random.next() < 0.4
        ? Math.min(high, low + Math.round(((high - low) * this.random.next()) / 50) * 50)
        : uniform(this.random, low, high);
    }
    // Rounding the coin amount moves the USD value by well under a dollar; stay 25 USD inside.
    return uniform(this.random, low + 25, high - 25);
  }

  structuring(kind: string): void {
    const band = (asset: number): number => this.bandAmount(asset, 9_000, 9_999);
    // Structurers feed the account from one to three wallets per rail.
    const maxSources = this.random.int(1, 3);
    const sources = new Map<number, string[]>();
    const source = (chain: number): string => {
      const list = sources.get(chain) ?? [];
      if (list.length === 0 || (list.length < maxSources && this.random.next() < 0.4)) {
        list.push(
          this.random.next() < 0.5
            ? this.context.addresses.wallet(this.profile.user, chain)
            : this.context.addresses.fresh(chain),
        );
      }
      sources.set(chain, list);
      return list[this.random.int(0, list.length - 1)]!;
    };
    const plant = (times: number[], amount: (asset: number) => number): void => {
      times.sort((a, b) => a - b);
      for (const when of times) {
        const asset = this.stableOrMajor(0.8);
        const chain = chainFor(this.random, asset, this.profile.country);
        this.deposit(when, asset, amount(asset), source(chain), chain);
        if (this.random.next() < 0.4) this.login(when - uniform(this.random, 2, 40) * MINUTE_MS, false);
      }
      this.record.plantedAt = times[Math.min(3, times.length - 1)]!;
      this.record.details['deposit_count'] = times.length;
      this.record.details['span_hours'] = Math.round(((times.at(-1)! - times[0]!) / HOUR_MS) * 10) / 10;
    };
    /** `count` times within `spanDays`, the first and last at the ends. */
    const clustered = (count: number, spanDays: number): number[] => {
      const start = this.start(spanDays, 2);
      return Array.from({ length: count }, (_value, index) =>
        index === 0
          ? start
          : index === count - 1
            ? start + spanDays * DAY_MS
            : start + this.random.next() * spanDays * DAY_MS,
      );
    };
    const fourOrFive = (): number => 4 + (this.random.next() < 0.5 ? 1 : 0);
    switch (kind) {
      case 'planted': {
        const count =
          4 +
          (this.random.next() < 0.45 ? 1 : 0) +
          (this.random.next() < 0.2 ? 1 : 0) +
          (this.random.next() < 0.08 ? 1 : 0);
        plant(clustered(count, uniform(this.random, 1.5, 6)), band);
        // The money usually leaves again a few days later, in one piece.
        if (this.random.next() < 0.7) {
          const total = this.record.deposits.reduce((sum, deposit) => sum + deposit.amountUsd, 0);
          const when = this.record.deposits.at(-1)!.time + uniform(this.random, 1, 4) * DAY_MS;
          if (when < this.nowMs - HOUR_MS)
            this.withdrawal(when, USDT, total * uniform(this.random, 0.5, 0.95));
        }
        break;
      }
      case 'single_in_band': {
        const asset = this.stableOrMajor(0.85);
        plant([this.start(0, 1)], () =>
          ASSETS[asset]!.cluster === 'stable' && this.random.next() < 0.5 ? 9_600 : band(asset),
        );
        break;
      }
      case 'three_in_band':
        plant(clustered(3, uniform(this.random, 1, 6)), band);
        break;
      case 'spread_out': {
        // Consecutive deposits 8–12 days apart: no 7-day span holds two of them.
        const count = fourOrFive();
        const times = [this.start(12 * (count - 1), 1)];
        while (times.length < count) times.push(times.at(-1)! + uniform(this.random, 8, 12) * DAY_MS);
        plant(times, band);
        break;
      }
      case 'above_threshold':
        plant(clustered(fourOrFive(), uniform(this.random, 1, 5)), (asset) =>
          this.bandAmount(asset, 10_000, 10_900),
        );
        break;
      case 'below_band':
        plant(clustered(fourOrFive(), uniform(this.random, 1, 5)), (asset) =>
          this.bandAmount(asset, 8_000, 8_900),
        );
        break;
    }
  }

  rapidMovement(kind: string): void {
    const cycles =
      kind === 'planted'
        ? 3 +
          (this.random.next() < 0.4 ? 1 : 0) +
          (this.random.next() < 0.15 ? 1 : 0) +
          (this.random.next() < 0.05 ? 1 : 0)
        : kind === 'two_round_trips'
          ? 2
          : 3 + (this.random.next() < 0.4 ? 1 : 0);
    const fast = kind !== 'slow_withdrawal';
    // Spacing keeps every planted sequence inside the window: 3 round trips take at most 5.5 days, 6 at
    // most 14; slow ones up to 7.7 days per cycle; spread-out ones 16–24 days apart.
    const spacingDays =
      kind === 'spread_out'
        ? () => uniform(this.random, 16, 24)
        : () => uniform(this.random, 0.3, fast ? 2.5 : 1.5);
    const totalDays = kind === 'spread_out' ? 50 : kind === 'slow_withdrawal' ? cycles * 7.8 : 15;
    let clock = this.start(totalDays, 1);
    const exit = this.context.addresses.fresh(CHAINS.indexOf('tron'));
    const pairs: { minutes: number; ratio: number }[] = [];
    for (let cycle = 0; cycle < cycles; cycle++) {
      const asset = this.stableOrMajor(0.75);
      const amount = this.amountAwayFromBand(1_500, 60_000);
      const deposit = this.deposit(clock, asset, amount, undefined);
      const delayMinutes = fast ? uniform(this.random, 8, 110) : uniform(this.random, 2.5, 6) * 24 * 60;
      const ratio =
        kind === 'partial_withdrawal' ? uniform(this.random, 0.3, 0.75) : uniform(this.random, 0.905, 0.99);
      const outAsset = this.random.next() < 0.7 ? asset : USDT;
      const when = deposit.time + delayMinutes * MINUTE_MS;
      const chain = chainFor(this.random, outAsset, this.profile.country);
      const target = this.random.next() < 0.5 && CHAINS[chain] === 'tron' ? exit : undefined;
      this.withdrawal(when, outAsset, deposit.amountUsd * ratio, target, chain);
      pairs.push({ minutes: Math.round(delayMinutes), ratio: Math.round(ratio * 1000) / 1000 });
      if (cycle === 2 || (cycles < 3 && cycle === cycles - 1)) this.record.plantedAt = when;
      // The next deposit comes well after this withdrawal, so round trips never overlap.
      clock = when + (4 * HOUR_MS + spacingDays() * DAY_MS);
    }
    this.record.details['round_trips'] = pairs;
  }

  dormant(role: RoleAssignment): void {
    const reactivation = role.reactivation!;
    const at = reactivation.at;
    const gapStart = at - reactivation.gapDays * DAY_MS;
    // The historical balance must be worth draining: top it up before the gap if needed.
    // A sparse ordinary life could hold long gaps of its own (a reactivation before the one planted) or end
    // long before the planned gap: keep the account busy until the gap starts, every notion of activity.
    const busy = (when: number): void => {
      this.draft.tradeTimes.push(when);
      this.draft.tradeModes.push(TRADE_MODE.normal);
      const created = this.context.population.created[this.profile.user]!;
      this.login(Math.max(created + 1000, when - uniform(this.random, 2, 30) * MINUTE_MS), false);
    };
    const times = activityTimes(this.draft, false).filter((time) => time < gapStart);
    const points = [
      Math.max(this.profile.activeFrom, times[0] ?? this.profile.activeFrom),
      ...times,
      gapStart,
    ];
    for (let index = 1; index < points.length; index++) {
      const gap = points[index]! - points[index - 1]!;
      for (let step = 150 * DAY_MS; step < gap - 30 * DAY_MS; step += 150 * DAY_MS)
        busy(points[index - 1]! + step);
    }
    busy(gapStart - uniform(this.random, 0.5, 8) * DAY_MS);
    const balance = (): number =>
      this.draft.deposits.filter((item) => item.status === 0).reduce((sum, item) => sum + item.amountUsd, 0) -
      this.draft.withdrawals
        .filter((item) => item.status === 0)
        .reduce((sum, item) => sum + item.amountUsd, 0);
    if (balance() < 1_500) {
      const when = Math.max(
        this.profile.activeFrom + HOUR_MS,
        gapStart - uniform(this.random, 2, 20) * DAY_MS,
      );
      this.deposit(when, USDT, this.amountAwayFromBand(2_000, 40_000));
      this.login(when - uniform(this.random, 2, 30) * MINUTE_MS, false);
      // Everything before the gap must really be before it.
      this.record.deposits.length = 0;
    }
    const history = balance();
    const device =
      this.random.next() < 0.4 ? newDevice(this.context, this.random, this.random.int(0, 2)) : undefined;
    this.login(at, true, device === undefined ? {} : { device });
    this.record.plantedAt = at;
    const lastActivity = Math.max(
      ...this.draft.tradeTimes,
      ...this.draft.logins.filter((login) => login.time < at).map((login) => login.time),
      ...this.draft.deposits.map((item) => item.time),
      ...this.draft.withdrawals.map((item) => item.time),
    );
    this.record.details['gap_days'] = Math.round(((at - lastActivity) / DAY_MS) * 10) / 10;
    this.record.details['historical_balance_usd'] = Math.round(history * 100) / 100;
    const when = at + uniform(this.random, 20, 20 * 60) * MINUTE_MS;
    switch (role.kind) {
      case 'drain':
      case 'short_gap':
        if (role.kind === 'drain' && this.random.next() < 0.25) {
          let amount = Math.max(5_000, history * uniform(this.random, 1, 2.5));
          if (amount >= 8_500 && amount < 10_500) amount = uniform(this.random, 10_500, 12_000);
          this.deposit(
            when,
            USDT,
            amount,
            this.context.addresses.fresh(CHAINS.indexOf('tron')),
            CHAINS.indexOf('tron'),
          );
        } else {
          this.withdrawal(when, this.stableOrMajor(0.6), history * uniform(this.random, 0.93, 1));
        }
        this.record.plantedAt = when;
        break;
      case 'small_withdrawal':
        this.withdrawal(when, USDT, history * uniform(this.random, 0.1, 0.5));
        break;
      case 'no_transfer': {
        const trades = this.random.int(2, 6);
        for (let index = 0; index < trades; index++) {
          this.draft.tradeTimes.push(
            Math.min(this.nowMs - MINUTE_MS, at + uniform(this.random, 10, 3 * 24 * 60) * MINUTE_MS),
          );
          this.draft.tradeModes.push(TRADE_MODE.normal);
        }
        this.login(Math.min(this.nowMs - MINUTE_MS, at + uniform(this.random, 1, 5) * DAY_MS), false);
        break;
      }
    }
  }

  highRisk(kind: string): void {
    const home = this.context.population.country[this.profile.user]!;
    const homeCode = COUNTRIES[home]!.code;
    let destination: number;
    if (kind === 'unlisted_travel') destination = pickTravelDestination(this.random, home);
    else {
      const candidates = HIGH_RISK_IP_COUNTRIES.filter((index) => IP_COUNTRIES[index] !== homeCode);
      // Iran, Myanmar and Syria dominate real-world hits; the rest are rarer.
      const weights = candidates.map(
        (index) => ({ IR: 5, MM: 3, SY: 2, KP: 1, VE: 2, LB: 2, YE: 1 })[IP_COUNTRIES[index]!] ?? 0.6,
      );
      let target = this.random.next() * weights.reduce((sum, value) => sum + value, 0);
      destination = candidates[candidates.length - 1]!;
      for (let index = 0; index < candidates.length; index++) {
        target -= weights[index]!;
        if (target < 0) {
          destination = candidates[index]!;
          break;
        }
      }
    }
    const days = uniform(this.random, 1, 5);
    const start = this.start(days + 2, 1);
    const ip = randomIp(this.random, destination);
    const device =
      this.random.next() < 0.3 ? newDevice(this.context, this.random, this.random.int(0, 2)) : undefined;
    const count = this.random.int(2, 6);
    const logins: LoginDraft[] = [];
    for (let index = 0; index < count; index++) {
      const when = index === 0 ? start : start + this.random.next() * days * DAY_MS;
      logins.push(
        this.login(when, true, {
          country: destination,
          ip: this.random.next() < 0.75 ? ip : randomIp(this.random, destination),
          ...(device === undefined ? {} : { device }),
        }),
      );
    }
    logins.sort((a, b) => a.time - b.time);
    this.record.plantedAt = logins[0]!.time;
    this.record.details['login_country'] = IP_COUNTRIES[destination];
    this.record.details['kyc_country'] = homeCode;
    if (kind === 'no_transfer') {
      // No transfers from ten days before the window on: remove the ordinary ones too.
      const cutoff = this.windowStart - 10 * DAY_MS;
      this.draft.deposits = this.draft.deposits.filter((item) => item.time < cutoff);
      this.draft.withdrawals = this.draft.withdrawals.filter((item) => item.time < cutoff);
      return;
    }
    const transfers = this.random.int(1, 2);
    for (let index = 0; index < transfers; index++) {
      const anchor = logins[this.random.int(0, logins.length - 1)]!;
      const when = Math.min(
        this.nowMs - HOUR_MS,
        anchor.time + uniform(this.random, 10, 36 * 60) * MINUTE_MS,
      );
      const amount = this.amountAwayFromBand(500, 25_000);
      if (this.random.next() < 0.7) this.withdrawal(when, this.stableOrMajor(0.7), amount);
      else this.deposit(when, this.stableOrMajor(0.7), amount);
    }
  }

  sanctioned(kind: string): void {
    const ethereum = CHAINS.indexOf('ethereum');
    const tron = CHAINS.indexOf('tron');
    const bitcoin = CHAINS.indexOf('bitcoin');
    const when = this.start(6, 1) + 5 * DAY_MS;
    const amount = this.amountAwayFromBand(1_200, 45_000);
    const chain = [ethereum, tron, ethereum, bitcoin, tron][this.random.int(0, 4)]!;
    const asset = chain === bitcoin ? BTC : chain === tron ? USDT : this.random.next() < 0.5 ? ETH : USDT;
    const tainted = (): string => {
      const label = this.random.next() < 0.55 ? 'mixer' : 'sanctioned';
      return (
        pickLabelled(this.context, this.random, label, chain) ??
        pickLabelled(this.context, this.random, 'sanctioned', chain)!
      );
    };
    const fresh = (): string => this.context.addresses.fresh(chain);
    const before = (hours: number): number => when - uniform(this.random, 1, hours) * HOUR_MS;
    const after = (hours: number): number =>
      Math.min(this.nowMs - MINUTE_MS, when + uniform(this.random, 1, hours) * HOUR_MS);
    let path: string[] = [];
    switch (kind) {
      case 'direct_deposit': {
        const source = tainted();
        this.deposit(when, asset, amount, source, chain);
        path = [source];
        break;
      }
      case 'deposit_one_hop': {
        const source = tainted();
        const hop = fresh();
        this.edge(chain, source, hop, asset, amount * uniform(this.random, 1, 1.05), before(72));
        this.deposit(when, asset, amount, hop, chain);
        path = [source, hop];
        break;
      }
      case 'deposit_two_hops': {
        const source = tainted();
        const first = fresh();
        const second = fresh();
        const firstTime = before(120);
        this.edge(
          chain,
          source,
          first,
          asset,
          amount * uniform(this.random, 1.02, 1.1),
          firstTime - 2 * HOUR_MS,
        );
        this.edge(chain, first, second, asset, amount * uniform(this.random, 1, 1.02), firstTime);
        // Layering sometimes loops funds back before they reach the exchange.
        if (this.random.next() < 0.5)
          this.edge(chain, second, first, asset, amount * 0.05, firstTime + HOUR_MS);
        this.deposit(when, asset, amount, second, chain);
        path = [source, first, second];
        break;
      }
      case 'direct_withdrawal': {
        const target = tainted();
        this.withdrawal(when, asset, amount, target, chain);
        path = [target];
        break;
      }
      case 'withdrawal_one_hop': {
        const wallet = fresh();
        const target = tainted();
        this.withdrawal(when, asset, amount, wallet, chain);
        this.edge(chain, wallet, target, asset, amount * uniform(this.random, 0.9, 0.99), after(72));
        path = [wallet, target];
        break;
      }
      case 'withdrawal_two_hops': {
        const wallet = fresh();
        const middle = fresh();
        const target = tainted();
        this.withdrawal(when, asset, amount, wallet, chain);
        const hop = after(48);
        this.edge(chain, wallet, middle, asset, amount * uniform(this.random, 0.9, 0.99), hop);
        this.edge(
          chain,
          middle,
          target,
          asset,
          amount * uniform(this.random, 0.85, 0.9),
          Math.min(this.nowMs - MINUTE_MS, hop + HOUR_MS),
        );
        if (this.random.next() < 0.5)
          this.edge(
            chain,
            middle,
            wallet,
            asset,
            amount * 0.03,
            Math.min(this.nowMs - MINUTE_MS, hop + 2 * HOUR_MS),
          );
        path = [wallet, middle, target];
        break;
      }
      case 'three_hops': {
        const source = tainted();
        const hops = [fresh(), fresh(), fresh()];
        let previous = source;
        let time = before(200) - 8 * HOUR_MS;
        for (const hop of hops) {
          this.edge(chain, previous, hop, asset, amount * uniform(this.random, 1, 1.05), time);
          previous = hop;
          time += uniform(this.random, 1, 2) * HOUR_MS;
        }
        this.deposit(when, asset, amount, hops[2], chain);
        path = [source, ...hops];
        break;
      }
      case 'wrong_direction': {
        // The counterparty paid INTO a mixer; funds did not come from it.
        const wallet = fresh();
        const target = pickLabelled(this.context, this.random, 'mixer', chain) ?? tainted();
        this.edge(chain, wallet, target, asset, amount * uniform(this.random, 0.2, 0.5), before(240));
        this.deposit(when, asset, amount, wallet, chain);
        path = [wallet, target];
        break;
      }
      case 'scam_victim': {
        const target = pickLabelled(this.context, this.random, 'scam', chain)!;
        this.withdrawal(when, asset, amount, target, chain);
        path = [target];
        break;
      }
      case 'gambling': {
        const site = pickLabelled(this.context, this.random, 'gambling', chain)!;
        this.deposit(when, asset, amount, site, chain);
        this.withdrawal(
          after(200) + 3 * HOUR_MS,
          asset,
          amount * uniform(this.random, 0.2, 0.6),
          site,
          chain,
        );
        path = [site];
        break;
      }
    }
    this.record.plantedAt = when;
    this.record.details['variant'] = kind;
    this.record.details['chain'] = CHAINS[chain];
    this.record.details['path'] = path;
  }

  shared(role: RoleAssignment): void {
    const group = role.group!;
    if (group.device < 0) {
      group.device = newDevice(this.context, this.random, this.random.int(1, 2));
      group.ip = randomIp(this.random, group.country);
    }
    const created = this.context.population.created[this.profile.user]!;
    const start = Math.max(group.start, created + HOUR_MS);
    const count = role.nearMiss ? this.random.int(1, 3) : this.random.int(2, 6);
    const logins: LoginDraft[] = [];
    for (let index = 0; index < count; index++) {
      const when = Math.min(this.nowMs - MINUTE_MS, start + this.random.next() * 18 * DAY_MS);
      // The group's IP geolocates to the group's country; members from elsewhere keep their own IPs
      // (a foreign IP could otherwise be a listed jurisdiction and blur another scenario).
      const sameCountry = this.context.population.country[this.profile.user] === group.country;
      const shareIp = sameCountry && (role.nearMiss || this.random.next() < 0.7);
      const options = {
        ...(shareIp ? { ip: group.ip, country: group.country } : {}),
        ...(role.nearMiss ? {} : { device: group.device }),
      };
      logins.push(this.login(when, true, options));
    }
    logins.sort((a, b) => a.time - b.time);
    this.record.plantedAt = logins[0]!.time;
    if (role.nearMiss) this.record.details['ip_shared_by'] = group.members.length;
    else this.record.details['device_id'] = this.context.devices[group.device];
    this.record.details['group_user_ids'] = group.members.map((user) => user + 1);
  }

  outlier(kind: string): void {
    const offset = this.profile.country.utcOffset;
    const time = this.context.time;
    const windowTime = (): number =>
      time.sampleActivity(this.random, this.windowStart + DAY_MS, this.nowMs - HOUR_MS, offset);
    const nightTime = (): number => {
      const day =
        Math.floor(uniform(this.random, this.windowStart + DAY_MS, this.nowMs - DAY_MS) / DAY_MS) * DAY_MS;
      const local = uniform(this.random, 1, 5);
      return day + (local - offset) * HOUR_MS + (offset > local ? DAY_MS : 0);
    };
    this.record.details['kind'] = kind;
    switch (kind) {
      case 'whale': {
        const trades = this.random.int(12, 25);
        for (let index = 0; index < trades; index++) {
          this.draft.tradeTimes.push(windowTime());
          this.draft.tradeModes.push(TRADE_MODE.whale);
        }
        const deposits = this.random.int(2, 4);
        for (let index = 0; index < deposits; index++) {
          const when =
            this.windowStart + DAY_MS + (index / deposits) * 70 * DAY_MS + this.random.next() * 5 * DAY_MS;
          this.deposit(when, this.random.next() < 0.7 ? USDT : USDC, uniform(this.random, 100_000, 500_000));
        }
        const firstDeposit = this.record.deposits[0]!.time;
        for (let index = 0; index < this.random.int(1, 2); index++) {
          const when = uniform(this.random, firstDeposit + 2 * DAY_MS, this.nowMs - DAY_MS);
          // Keep withdrawals a day clear of every deposit.
          if (this.record.deposits.some((deposit) => Math.abs(deposit.time - when) < DAY_MS)) continue;
          this.withdrawal(when, USDT, uniform(this.random, 60_000, 300_000));
        }
        this.record.details['trades'] = trades;
        break;
      }
      case 'night_owl': {
        const trades = this.random.int(900, 1600);
        for (let index = 0; index < trades; index++) {
          this.draft.tradeTimes.push(Math.min(this.nowMs - MINUTE_MS, nightTime()));
          this.draft.tradeModes.push(TRADE_MODE.night);
        }
        const logins = this.random.int(20, 40);
        for (let index = 0; index < logins; index++)
          this.login(Math.min(this.nowMs - MINUTE_MS, nightTime()), false);
        this.record.details['trades'] = trades;
        break;
      }
      case 'asset_sprayer': {
        const trades = this.random.int(200, 450);
        for (let index = 0; index < trades; index++) {
          this.draft.tradeTimes.push(windowTime());
          this.draft.tradeModes.push(TRADE_MODE.sprayer);
        }
        const logins = this.random.int(15, 30);
        for (let index = 0; index < logins; index++) this.login(windowTime(), false);
        this.record.details['trades'] = trades;
        break;
      }
      case 'withdrawal_spray': {
        const deposits = this.random.int(2, 3);
        for (let index = 0; index < deposits; index++) {
          this.deposit(
            this.windowStart + (1 + index * 3 + this.random.next()) * DAY_MS,
            USDT,
            uniform(this.random, 40_000, 150_000),
          );
        }
        const firstDeposit = this.record.deposits[0]!.time;
        const withdrawals = this.random.int(30, 70);
        const assets = ['USDT', 'USDC', 'ETH', 'SOL', 'TRX', 'BNB'].map((symbol) =>
          ASSETS.findIndex((item) => item.symbol === symbol),
        );
        for (let index = 0; index < withdrawals; index++) {
          const when = uniform(this.random, firstDeposit + DAY_MS, this.nowMs - HOUR_MS);
          this.withdrawal(
            when,
            assets[this.random.int(0, assets.length - 1)]!,
            uniform(this.random, 300, 2_500),
          );
        }
        this.record.details['withdrawals'] = withdrawals;
        break;
      }
    }
    this.record.plantedAt = this.windowStart;
  }
}

// ---------------------------------------------------------------------------------------------------
// The definitions as code: used to repair the background (guards) and to verify the finished data.

/** What the definitions need of a transfer. */
export interface TransferFact {
  readonly time: number;
  readonly amountUsd: number;
  /** Index in TRANSFER_STATUSES; 0 = completed. */
  readonly status: number;
}

/** The deposits that make a structuring match in [from, to), or undefined. */
export function structuringMatch(
  deposits: readonly TransferFact[],
  from: number,
  to: number,
): TransferFact[] | undefined {
  const { bandLowUsd, thresholdUsd, minDeposits, maxSpanHours } = AML_DEFINITIONS.structuring;
  const band = deposits
    .filter((item) => item.status === 0 && item.amountUsd >= bandLowUsd && item.amountUsd < thresholdUsd)
    .filter((item) => item.time >= from && item.time < to)
    .sort((a, b) => a.time - b.time);
  for (let first = 0; first + minDeposits <= band.length; first++) {
    if (band[first + minDeposits - 1]!.time - band[first]!.time <= maxSpanHours * HOUR_MS) {
      return band.slice(first, first + minDeposits);
    }
  }
  return undefined;
}

/** Round trips: each completed deposit with the first completed withdrawal ≤ 2 h later of ≥ 90%. */
export function roundTrips<T extends TransferFact>(
  deposits: readonly T[],
  withdrawals: readonly T[],
  minRatio: number = AML_DEFINITIONS.rapidMovement.minRatio,
  completedOnly = true,
): { deposit: T; withdrawal: T }[] {
  const maxDelay = AML_DEFINITIONS.rapidMovement.maxDelayMinutes * MINUTE_MS;
  const sorted = [...withdrawals]
    .filter((item) => !completedOnly || item.status === 0)
    .sort((a, b) => a.time - b.time);
  const pairs: { deposit: T; withdrawal: T }[] = [];
  for (const deposit of deposits) {
    if (completedOnly && deposit.status !== 0) continue;
    const match = sorted.find(
      (item) =>
        item.time > deposit.time &&
        item.time <= deposit.time + maxDelay &&
        item.amountUsd >= minRatio * deposit.amountUsd,
    );
    if (match) pairs.push({ deposit, withdrawal: match });
  }
  return pairs;
}

/** The round trips that make a rapid-movement match in [from, to), or undefined. */
export function rapidMovementMatch<T extends TransferFact>(
  deposits: readonly T[],
  withdrawals: readonly T[],
  from: number,
  to: number,
): { deposit: T; withdrawal: T }[] | undefined {
  const { minRoundTrips, maxSpanDays } = AML_DEFINITIONS.rapidMovement;
  const pairs = roundTrips(deposits, withdrawals)
    .filter((pair) => pair.deposit.time >= from && pair.withdrawal.time < to)
    .sort((a, b) => a.deposit.time - b.deposit.time);
  for (let first = 0; first + minRoundTrips <= pairs.length; first++) {
    if (pairs[first + minRoundTrips - 1]!.deposit.time - pairs[first]!.deposit.time <= maxSpanDays * DAY_MS) {
      return pairs.slice(first, first + minRoundTrips);
    }
  }
  return undefined;
}

/**
 * A dormant reactivation in [from, to): the reactivation time and the transfer, or undefined.
 * `activity` are the times of all activity (pass only trades, deposits and withdrawals for the variant
 * without logins).
 */
export function dormantReactivationMatch(
  activity: ArrayLike<number>,
  deposits: readonly TransferFact[],
  withdrawals: readonly TransferFact[],
  from: number,
  to: number,
  minGapDays: number = AML_DEFINITIONS.dormantReactivation.minGapDays,
): { reactivatedAt: number; transfer: TransferFact; balanceUsd: number } | undefined {
  return dormantMatchSorted(Float64Array.from(activity).sort(), deposits, withdrawals, from, to, minGapDays);
}

/** {@link dormantReactivationMatch} on activity times that are already sorted. */
function dormantMatchSorted(
  times: Float64Array,
  deposits: readonly TransferFact[],
  withdrawals: readonly TransferFact[],
  from: number,
  to: number,
  minGapDays: number = AML_DEFINITIONS.dormantReactivation.minGapDays,
): { reactivatedAt: number; transfer: TransferFact; balanceUsd: number } | undefined {
  const { minRatio, followDays } = AML_DEFINITIONS.dormantReactivation;
  for (let index = 1; index < times.length; index++) {
    const at = times[index]!;
    if (at < from || at >= to) continue;
    if (at - times[index - 1]! < minGapDays * DAY_MS) continue;
    const balance =
      deposits
        .filter((item) => item.status === 0 && item.time < at)
        .reduce((sum, item) => sum + item.amountUsd, 0) -
      withdrawals
        .filter((item) => item.status === 0 && item.time < at)
        .reduce((sum, item) => sum + item.amountUsd, 0);
    const transfer = [...deposits, ...withdrawals].find(
      (item) =>
        item.status === 0 &&
        item.time >= at &&
        item.time < at + followDays * DAY_MS &&
        balance > 0 &&
        item.amountUsd >= minRatio * balance,
    );
    if (transfer) return { reactivatedAt: at, transfer, balanceUsd: balance };
  }
  return undefined;
}

/** Whether logins from a listed country other than home, plus a completed transfer, fall in [from, to). */
export function highRiskJurisdictionMatch(
  logins: readonly { readonly time: number; readonly country: string }[],
  kycCountry: string,
  transfers: readonly TransferFact[],
  from: number,
  to: number,
): boolean {
  const listed = logins.some(
    (login) =>
      login.time >= from &&
      login.time < to &&
      login.country !== kycCountry &&
      HIGH_RISK_JURISDICTIONS.codes.has(login.country),
  );
  return listed && transfers.some((item) => item.status === 0 && item.time >= from && item.time < to);
}

/**
 * Repairs ordinary (unlocked) rows so that a user does not come close to any definition it is not
 * planted for: band deposits are moved out of the band when another band deposit is within 7 days,
 * round trips are broken by delaying the withdrawal, and long gaps that end near the window with a
 * transfer after them are filled with a login and a small trade.
 */
export function guardUser(
  context: SimulationContext,
  profile: UserProfile,
  draft: UserDraft,
  role: RoleAssignment | undefined,
  random: Random,
): void {
  const nowMs = context.time.nowMs;
  const own = (scenario: AmlScenario): boolean => role?.scenario === scenario;
  const inBand = (item: TransferDraft): boolean => item.amountUsd >= 8_999 && item.amountUsd < 10_001;
  // Moving a deposit up out of the band only lowers withdrawal/deposit ratios, so it cannot create a
  // round trip; that is why the band guard runs after the round-trip guard and never moves down.
  const moveOutOfBand = (item: TransferDraft): void => {
    item.amountUsd = Math.round(uniform(random, 10_050, 11_500) * 100) / 100;
  };
  // Round trips: break every one that involves an ordinary row (any status, 85% to leave margin).
  for (let attempt = 0; attempt < 20; attempt++) {
    const pairs = roundTrips(draft.deposits, draft.withdrawals, 0.85, false).filter(
      (pair) => !(pair.deposit.locked && pair.withdrawal.locked),
    );
    if (pairs.length === 0) break;
    for (const { deposit, withdrawal } of pairs) {
      if (!withdrawal.locked) {
        const later = withdrawal.time + uniform(random, 3, 30) * HOUR_MS;
        if (later < nowMs - MINUTE_MS) withdrawal.time = later;
        else withdrawal.amountUsd = Math.round(deposit.amountUsd * uniform(random, 0.3, 0.6) * 100) / 100;
      } else {
        deposit.amountUsd =
          Math.round(Math.max(deposit.amountUsd, withdrawal.amountUsd / uniform(random, 0.55, 0.8)) * 100) /
          100;
        if (inBand(deposit)) moveOutOfBand(deposit);
      }
    }
  }
  // Structuring look-alikes: ordinary band deposits never sit within 8 days of another band deposit
  // (with a dollar of margin for the rounding of coin amounts); near-miss users keep only their planted ones.
  if (!own('structuring') || role?.nearMiss) {
    const sorted = [...draft.deposits].filter(inBand).sort((a, b) => a.time - b.time);
    const lockedTimes = sorted.filter((item) => item.locked).map((item) => item.time);
    let lastKept = Number.NEGATIVE_INFINITY;
    for (const item of sorted) {
      if (item.locked) continue;
      const nearLocked = lockedTimes.some((time) => Math.abs(time - item.time) < 8 * DAY_MS);
      if (own('structuring') || nearLocked || item.time - lastKept < 8 * DAY_MS) moveOutOfBand(item);
      else lastKept = item.time;
    }
  }
  // Long gaps ending near the window with a transfer soon after: fill them.
  if (!own('dormant_reactivation')) {
    for (const withLogins of [true, false]) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const times = activityTimes(draft, withLogins);
        const transfers = [...draft.deposits, ...draft.withdrawals];
        let repaired = false;
        for (let index = 1; index < times.length; index++) {
          const end = times[index]!;
          const gap = end - times[index - 1]!;
          if (gap < 300 * DAY_MS) continue;
          if (!transfers.some((item) => item.time >= end && item.time < end + 8 * DAY_MS)) continue;
          const middle = times[index - 1]! + gap / 2;
          const login = backgroundLogin(context, profile, random, middle);
          draft.logins.push(login);
          if (profile.canTrade) {
            draft.tradeTimes.push(middle + uniform(random, 5, 60) * MINUTE_MS);
            draft.tradeModes.push(TRADE_MODE.normal);
          }
          repaired = true;
          break;
        }
        if (!repaired) break;
      }
    }
  }
}

/** All activity times of a draft, sorted (natively, on a typed array: drafts can hold thousands of trades). */
function activityTimes(draft: UserDraft, withLogins: boolean): Float64Array {
  const times = new Float64Array(
    draft.tradeTimes.length +
      draft.deposits.length +
      draft.withdrawals.length +
      (withLogins ? draft.logins.length : 0),
  );
  let position = 0;
  for (const time of draft.tradeTimes) times[position++] = time;
  for (const item of draft.deposits) times[position++] = item.time;
  for (const item of draft.withdrawals) times[position++] = item.time;
  if (withLogins) for (const item of draft.logins) times[position++] = item.time;
  return times.sort();
}

/**
 * Which per-user rule scenarios a finished draft matches, by the exact definitions, in each of the
 * given windows [from, to). Dormancy is evaluated twice, with and without logins as activity; the
 * second shows up as `dormant_reactivation_without_logins`. `kycCountry` is users.country.
 */
export function matchedScenarios(
  draft: UserDraft,
  kycCountry: string,
  windows: readonly (readonly [number, number])[],
): string[][] {
  const withLogins = activityTimes(draft, true);
  const withoutLogins = activityTimes(draft, false);
  const logins = draft.logins.map((login) => ({ time: login.time, country: IP_COUNTRIES[login.country]! }));
  const transfers = [...draft.deposits, ...draft.withdrawals];
  return windows.map(([from, to]) => {
    const matched: string[] = [];
    if (structuringMatch(draft.deposits, from, to)) matched.push('structuring');
    if (rapidMovementMatch(draft.deposits, draft.withdrawals, from, to)) matched.push('rapid_movement');
    if (dormantMatchSorted(withLogins, draft.deposits, draft.withdrawals, from, to)) {
      matched.push('dormant_reactivation');
    }
    if (dormantMatchSorted(withoutLogins, draft.deposits, draft.withdrawals, from, to)) {
      matched.push('dormant_reactivation_without_logins');
    }
    if (highRiskJurisdictionMatch(logins, kycCountry, transfers, from, to))
      matched.push('high_risk_jurisdiction');
    return matched;
  });
}
