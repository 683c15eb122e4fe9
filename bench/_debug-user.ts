import { createRandom } from '../core/random.js';
import * as act from '../warehouse/demo/activity.js';
import { AddressFactory, UserAddressBook } from '../warehouse/demo/address-book.js';
import * as aml from '../warehouse/demo/aml-scenarios.js';
import * as buf from '../warehouse/demo/buffers.js';
import { createLabelCatalogue } from '../warehouse/demo/labels.js';
import { generatePopulation } from '../warehouse/demo/population.js';
import { createTimeModel, DAY_MS } from '../warehouse/demo/time-model.js';

const target = Number(process.argv[2] ?? 24);
const scale = 0.02,
  seed = 11,
  now = new Date('2026-11-24T12:00:00Z');
const root = createRandom(seed);
const time = createTimeModel(now, root.fork('time'));
const kyc = new buf.KycBuffer();
const population = generatePopulation(
  Math.max(60, Math.round(50_000 * scale)),
  root.fork('users'),
  time,
  kyc,
);
const factory = new AddressFactory(root.fork('addresses'));
const labels = createLabelCatalogue(factory, root.fork('labels'));
const context: act.SimulationContext = {
  time,
  population,
  labels,
  factory,
  addresses: new UserAddressBook(factory, root.fork('wallets')),
  trades: new buf.TradeBuffer(),
  deposits: new buf.TransferBuffer(),
  withdrawals: new buf.TransferBuffer(),
  logins: new buf.LoginBuffer(),
  events: new buf.EventBuffer(),
  devices: [],
  devicePlatforms: [],
  householdDevices: new Map(),
};
const scenarios = aml.planScenarios(population, time, root.fork('scenarios'), scale);
const plan = act.planActivity(
  population,
  time,
  root.fork('activity-plan'),
  Math.round(1_000_000 * scale),
  scenarios.activeToOverride,
);
const state: aml.PlantingState = { context, plan, windowStart: scenarios.windowStart, cases: [], edges: [] };
for (let u = 0; u < target; u++) {
  const r = root.fork(`user:${u}`);
  const p = act.createProfile(context, plan, u, r);
  const dr = act.simulateBackground(context, plan, p, r);
  const role = scenarios.roles.get(u);
  aml.guardUser(context, p, dr, role, r);
  if (role) {
    aml.plantUser(state, p, dr, role, r);
    aml.guardUser(context, p, dr, role, r);
  }
  act.flushUser(context, p, dr, r);
}
const user = target;
const random = root.fork(`user:${user}`);
const profile = act.createProfile(context, plan, user, random);
const draft = act.simulateBackground(context, plan, profile, random);
const d = (t: number) => new Date(t).toISOString().slice(0, 16);
const show = (label: string) => {
  const items = [
    ...draft.tradeTimes.map((t) => [t, 'trade']),
    ...draft.deposits.map((x) => [x.time, `dep ${x.amountUsd} s${x.status}`]),
    ...draft.withdrawals.map((x) => [x.time, `wd ${x.amountUsd} s${x.status}`]),
    ...draft.logins.map((x) => [x.time, 'login']),
  ].sort((a, b) => (a[0] as number) - (b[0] as number));
  console.log(label, profile.canTrade, d(profile.activeFrom), d(profile.activeTo));
  let prev = 0;
  for (const [t, k] of items) {
    console.log(d(t as number), k, prev ? (((t as number) - prev) / DAY_MS).toFixed(1) : '');
    prev = t as number;
  }
};
show('before guard');
const role = scenarios.roles.get(user);
console.log('role', role);
aml.guardUser(context, profile, draft, role, random);
if (role) {
  aml.plantUser(state, profile, draft, role, random);
  aml.guardUser(context, profile, draft, role, random);
}
act.flushUser(context, profile, draft, random);
show('after guard');
console.log(aml.matchedScenarios(draft, 'XX', [[time.startMs - DAY_MS, scenarios.windowStart]]));
