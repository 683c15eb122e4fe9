/**
 * Builds the whole demo warehouse in memory (no database): users and KYC, each user's activity with the
 * planted AML cases, the on-chain graph, feedback and historical alerts; then proves the planted truth
 * by re-evaluating every definition of aml-scenarios.ts on the finished data. Deterministic for
 * (seed, scale, now): every random draw comes from forks of one seeded generator.
 */
import { createRandom } from '../../core/random.js';
import {
  type ActivityPlan,
  createProfile,
  flushUser,
  planActivity,
  type SimulationContext,
  simulateBackground,
} from './activity.js';
import { AddressFactory, UserAddressBook } from './address-book.js';
import {
  guardUser,
  matchedScenarios,
  type PlantedCase,
  type PlantingState,
  planScenarios,
  plantUser,
  type ScenarioPlan,
} from './aml-scenarios.js';
import {
  ChainTransferBuffer,
  EventBuffer,
  KycBuffer,
  LoginBuffer,
  TradeBuffer,
  TransferBuffer,
} from './buffers.js';
import { buildChainGraph, exposedUsers } from './chain-graph.js';
import { type Banking77Row, type FeedbackDraft, generateFeedback, spikeSize } from './feedback.js';
import { type AlertDraft, generateAlerts } from './historical-alerts.js';
import { createLabelCatalogue } from './labels.js';
import { generatePopulation, type Population } from './population.js';
import { COUNTRIES } from './reference-data.js';
import { createTimeModel, DAY_MS, type TimeModel } from './time-model.js';

/** Bumped whenever the generated data changes for the same inputs. */
export const GENERATOR_VERSION = '1';

/** Inputs of a build. */
export interface DemoBuildOptions {
  readonly scale: number;
  readonly seed: number;
  readonly now: Date;
  readonly feedbackRows: readonly Banking77Row[];
  /** Called between phases (for a progress note). */
  readonly onPhase?: (phase: string) => void;
}

/** Everything the loader writes. */
export interface DemoData {
  readonly options: Omit<DemoBuildOptions, 'feedbackRows' | 'onPhase'>;
  readonly time: TimeModel;
  readonly population: Population;
  readonly context: SimulationContext;
  readonly kyc: KycBuffer;
  readonly chainTransfers: ChainTransferBuffer;
  readonly cases: readonly PlantedCase[];
  readonly feedback: readonly FeedbackDraft[];
  readonly alerts: readonly AlertDraft[];
  readonly windowStart: number;
  readonly spike: {
    readonly intent: string;
    readonly start: number;
    readonly end: number;
    readonly count: number;
  };
}

/** Per-user rule scenarios (evaluated per user); the rest are verified globally. */
const PER_USER_SCENARIOS = new Set([
  'structuring',
  'rapid_movement',
  'dormant_reactivation',
  'high_risk_jurisdiction',
]);

/** Builds the demo data and verifies the planted truth; throws if a definition does not hold exactly. */
export function buildDemoData(options: DemoBuildOptions): DemoData {
  const { scale, seed, now } = options;
  const root = createRandom(seed);
  const phase = options.onPhase ?? (() => undefined);
  phase('users');
  const time = createTimeModel(now, root.fork('time'));
  const kyc = new KycBuffer();
  const userCount = Math.max(60, Math.round(50_000 * scale));
  const population = generatePopulation(userCount, root.fork('users'), time, kyc);
  const factory = new AddressFactory(root.fork('addresses'));
  const labels = createLabelCatalogue(factory, root.fork('labels'));
  const context: SimulationContext = {
    time,
    population,
    labels,
    factory,
    addresses: new UserAddressBook(factory, root.fork('wallets')),
    trades: new TradeBuffer(),
    deposits: new TransferBuffer(),
    withdrawals: new TransferBuffer(),
    logins: new LoginBuffer(),
    events: new EventBuffer(),
    devices: [],
    devicePlatforms: [],
    householdDevices: new Map(),
  };
  const scenarios = planScenarios(population, time, root.fork('scenarios'), scale);
  const plan = planActivity(
    population,
    time,
    root.fork('activity-plan'),
    Math.round(1_000_000 * scale),
    scenarios.activeToOverride,
  );
  const state: PlantingState = {
    context,
    plan,
    windowStart: scenarios.windowStart,
    cases: [],
    edges: [],
  };
  phase('activity');
  const problems = simulateUsers(context, plan, scenarios, state, root);

  phase('chain graph');
  const chainTransfers = new ChainTransferBuffer();
  buildChainGraph(
    context,
    state.edges,
    chainTransfers,
    root.fork('chain'),
    scenarios.windowStart,
    Math.round(100_000 * scale),
  );
  problems.push(...verifyGlobalScenarios(context, chainTransfers, scenarios));
  if (problems.length > 0) {
    throw new Error(
      `demo generator bug: the planted AML truth does not hold (${problems.length} problems): ${problems.slice(0, 8).join('; ')}`,
    );
  }

  phase('feedback');
  const spikeCount = spikeSize(scale);
  const feedback = generateFeedback(
    options.feedbackRows,
    Math.max(50, Math.round(10_000 * scale)),
    spikeCount,
    population,
    time,
    root.fork('feedback'),
  );
  const alerts = generateAlerts(population, time, root.fork('alerts'), scale);
  return {
    options: { scale, seed, now },
    time,
    population,
    context,
    kyc,
    chainTransfers,
    cases: state.cases,
    feedback,
    alerts,
    windowStart: scenarios.windowStart,
    spike: { intent: 'card_arrival', start: time.nowMs - 4 * DAY_MS, end: time.nowMs, count: spikeCount },
  };
}

/**
 * Simulates every user in id order: ordinary life, guards, planted behaviour, guards again (planted rows
 * may interact with ordinary ones), flush, and a check of the per-user definitions on the final rows.
 */
function simulateUsers(
  context: SimulationContext,
  plan: ActivityPlan,
  scenarios: ScenarioPlan,
  state: PlantingState,
  root: ReturnType<typeof createRandom>,
): string[] {
  const { population, time } = context;
  const problems: string[] = [];
  for (let user = 0; user < population.count; user++) {
    const random = root.fork(`user:${user}`);
    const profile = createProfile(context, plan, user, random);
    const draft = simulateBackground(context, plan, profile, random);
    const role = scenarios.roles.get(user);
    guardUser(context, profile, draft, role, random);
    if (role) {
      plantUser(state, profile, draft, role, random);
      guardUser(context, profile, draft, role, random);
    }
    flushUser(context, profile, draft, random);

    const kycCountry = COUNTRIES[population.country[user]!]!.code;
    const [matched, before] = matchedScenarios(draft, kycCountry, [
      [scenarios.windowStart, time.nowMs],
      [time.startMs - DAY_MS, scenarios.windowStart],
    ]) as [string[], string[]];
    const expected: string[] = [];
    if (role && !role.nearMiss && PER_USER_SCENARIOS.has(role.scenario)) {
      expected.push(role.scenario);
      if (role.scenario === 'dormant_reactivation') expected.push('dormant_reactivation_without_logins');
    }
    if (matched.join() !== expected.join()) {
      problems.push(
        `user ${user + 1} (${role?.scenario ?? 'background'}/${role?.kind ?? '-'}) matches [${matched}] instead of [${expected}]`,
      );
    }
    if (before.length > 0) problems.push(`user ${user + 1} matches [${before}] before the window`);
  }
  return problems;
}

/** Sanctioned exposure (graph) and shared devices (across users), by their exact definitions. */
function verifyGlobalScenarios(
  context: SimulationContext,
  chainTransfers: ChainTransferBuffer,
  scenarios: ScenarioPlan,
): string[] {
  const problems: string[] = [];
  const positives = (scenario: string): Set<number> =>
    new Set(
      [...scenarios.roles.entries()]
        .filter(([, role]) => role.scenario === scenario && !role.nearMiss)
        .map(([user]) => user),
    );
  const compare = (scenario: string, expected: Set<number>, actual: Set<number>): void => {
    for (const user of actual)
      if (!expected.has(user)) problems.push(`user ${user + 1} unexpectedly matches ${scenario}`);
    for (const user of expected)
      if (!actual.has(user)) problems.push(`user ${user + 1} does not match ${scenario}`);
  };
  const exposure = exposedUsers(context, chainTransfers, scenarios.windowStart);
  compare('sanctioned_exposure', positives('sanctioned_exposure'), exposure.inWindow);
  for (const user of exposure.beforeWindow) problems.push(`user ${user + 1} is exposed before the window`);

  // Devices used by ≥ 3 accounts: in the window (the definition) and at any time (must be the same).
  const { logins } = context;
  const inWindow = new Map<number, Set<number>>();
  const anyTime = new Map<number, Set<number>>();
  for (let index = 0; index < logins.length; index++) {
    const device = logins.device.get(index);
    const user = logins.user.get(index);
    const add = (map: Map<number, Set<number>>): void => {
      let set = map.get(device);
      if (!set) {
        set = new Set();
        map.set(device, set);
      }
      set.add(user);
    };
    add(anyTime);
    if (logins.time.get(index) >= scenarios.windowStart) add(inWindow);
  }
  const shared = (map: Map<number, Set<number>>): Set<number> => {
    const users = new Set<number>();
    for (const set of map.values()) if (set.size >= 3) for (const user of set) users.add(user);
    return users;
  };
  compare('shared_device', positives('shared_device'), shared(inWindow));
  compare('shared_device (any time)', positives('shared_device'), shared(anyTime));
  return problems;
}
