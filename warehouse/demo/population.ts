/**
 * The user base: who signs up when (growth trend, seasonality), from where, with which fake identity,
 * and how their KYC reviews went (approval rates by country and level, resubmissions, a pending backlog).
 */
import type { Random } from '../../core/random.js';
import type { KycBuffer } from './buffers.js';
import {
  COUNTRIES,
  type Country,
  GLOBAL_EMAIL_DOMAINS,
  NAME_GROUPS,
  type NameGroup,
  PLATFORM_SHARES,
  VIP_TIER_SHARES,
} from './reference-data.js';
import { cumulativeWeights, exponential, logNormal, pickIndex, pickWeighted } from './sampling.js';
import { DAY_MS, HOUR_MS, type TimeModel } from './time-model.js';

/** Account statuses of `users.status`. */
export const USER_STATUSES = ['active', 'suspended', 'closed'] as const;

/** Why a KYC review was rejected (`kyc_reviews.reject_reason`), with relative frequencies. */
export const KYC_REJECT_REASONS: readonly (readonly [string, number])[] = [
  ['document_unreadable', 0.24],
  ['document_expired', 0.12],
  ['selfie_mismatch', 0.18],
  ['name_mismatch', 0.12],
  ['address_proof_missing', 0.16],
  ['unsupported_document', 0.08],
  ['sanctions_screening_hit', 0.04],
  ['underage', 0.02],
  ['suspected_fraud', 0.04],
];

/** Column arrays of the users, indexed by user_id − 1 (ids follow sign-up time). */
export interface Population {
  readonly count: number;
  /** Index in COUNTRIES. */
  readonly country: Uint8Array;
  readonly created: Float64Array;
  readonly vipTier: Uint8Array;
  readonly kycLevel: Uint8Array;
  /** Index in PLATFORMS. */
  readonly platform: Uint8Array;
  /** Index in USER_STATUSES. */
  readonly status: Uint8Array;
  /** When level 1 was first approved (trading allowed), NaN if never. */
  readonly kycApproved: Float64Array;
  /** The other member of a two-person household (shared device and surname), or -1. */
  readonly household: Int32Array;
  readonly fullName: string[];
  readonly email: string[];
  readonly phone: (string | null)[];
  readonly address: (string | null)[];
}

/** Generates `count` users and their KYC reviews (appended to `kyc`). */
export function generatePopulation(
  count: number,
  random: Random,
  time: TimeModel,
  kyc: KycBuffer,
): Population {
  const countryWeights = cumulativeWeights(COUNTRIES.map((item) => item.weight));
  const draft = new Array<{ country: number; created: number }>(count);
  for (let index = 0; index < count; index++) {
    const country = pickWeighted(random, countryWeights);
    draft[index] = { country, created: time.sampleSignup(random, COUNTRIES[country]!.utcOffset) };
  }
  // Ids follow sign-up order, as in a real user table.
  draft.sort((a, b) => a.created - b.created || a.country - b.country);

  const population: Population = {
    count,
    country: new Uint8Array(count),
    created: new Float64Array(count),
    vipTier: new Uint8Array(count),
    kycLevel: new Uint8Array(count),
    platform: new Uint8Array(count),
    status: new Uint8Array(count),
    kycApproved: new Float64Array(count).fill(Number.NaN),
    household: new Int32Array(count).fill(-1),
    fullName: new Array<string>(count),
    email: new Array<string>(count),
    phone: new Array<string | null>(count),
    address: new Array<string | null>(count),
  };
  const vipWeights = cumulativeWeights(VIP_TIER_SHARES);
  const emails = new Set<string>();
  const families: string[] = new Array<string>(count);
  const givens: string[] = new Array<string>(count);
  for (let user = 0; user < count; user++) {
    const item = draft[user]!;
    const country = COUNTRIES[item.country]!;
    population.country[user] = item.country;
    population.created[user] = item.created;
    const level = simulateKyc(user, item.created, country, random, time, kyc, population);
    population.kycLevel[user] = level;
    let vip = level === 0 ? 0 : pickWeighted(random, vipWeights);
    if (level === 1 && vip > 2) vip = random.int(0, 2);
    population.vipTier[user] = vip;
    const apiShare = [0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4][vip]!;
    population.platform[user] = random.next() < apiShare ? 3 : pickIndex(random, PLATFORM_SHARES.slice(0, 3));
    const statusRoll = random.next();
    population.status[user] = statusRoll < 0.015 ? 1 : statusRoll < 0.04 ? 2 : 0;
    const group = NAME_GROUPS[country.names]!;
    givens[user] = random.pick(group.given);
    families[user] = random.pick(group.family);
    population.phone[user] = random.next() < 0.12 ? null : phoneNumber(random, country);
    population.address[user] = level === 0 ? null : postalAddress(random, country, group);
  }

  // Two-person households: a partner of the same country signed up within a few months, sharing the
  // surname, the address and (later) a device. They are the near-miss for the shared-device scenario.
  const pairs = Math.round(count * 0.018);
  for (let attempt = 0; attempt < pairs * 3 && pairs > 0; attempt++) {
    const first = random.int(0, count - 2);
    if (population.household[first]! >= 0 || population.kycLevel[first] === 0) continue;
    for (let other = first + 1; other < Math.min(count, first + 400); other++) {
      if (
        population.household[other]! < 0 &&
        population.country[other] === population.country[first] &&
        population.kycLevel[other]! > 0 &&
        population.created[other]! - population.created[first]! < 120 * DAY_MS
      ) {
        population.household[first] = other;
        population.household[other] = first;
        families[other] = families[first]!;
        population.address[other] = population.address[first]!;
        break;
      }
    }
  }

  for (let user = 0; user < count; user++) {
    const country = COUNTRIES[population.country[user]!]!;
    const group = NAME_GROUPS[country.names]!;
    const given = givens[user]!;
    const family = families[user]!;
    population.fullName[user] = group.familyFirst ? `${family} ${given}` : `${given} ${family}`;
    population.email[user] = emailAddress(random, given, family, country, emails);
  }
  return population;
}

/**
 * Submits reviews level by level until the user stops, is rejected for good, or is still waiting.
 * Returns the level reached. Decision delays grow in the last three weeks (a staffing backlog), which
 * leaves a realistic queue of pending reviews at `now`.
 */
function simulateKyc(
  user: number,
  created: number,
  country: Country,
  random: Random,
  time: TimeModel,
  kyc: KycBuffer,
  population: Population,
): number {
  const roll = random.next();
  const target = roll < 0.1 ? 0 : roll < 0.38 ? 1 : roll < 0.88 ? 2 : 3;
  let reached = 0;
  let clock = created + exponential(random, 3 * HOUR_MS);
  for (let level = 1; level <= target; level++) {
    if (level === 2) clock += exponential(random, 2 * DAY_MS);
    if (level === 3) clock += exponential(random, 60 * DAY_MS);
    const approval =
      level === 1
        ? Math.min(0.99, country.kycApproval + 0.09)
        : level === 2
          ? country.kycApproval
          : country.kycApproval - 0.15;
    let approved = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (clock >= time.nowMs) return reached;
      const medianHours = level === 1 ? 0.3 : level === 2 ? 7 : 60;
      let delay = logNormal(random, Math.log(medianHours * HOUR_MS), 1.1);
      const ageDays = (time.nowMs - clock) / DAY_MS;
      if (ageDays < 21) delay *= 1 + 12 * (1 - ageDays / 21);
      const decided = clock + delay;
      kyc.user.push(user);
      kyc.level.push(level);
      kyc.submitted.push(clock);
      if (decided >= time.nowMs) {
        kyc.status.push(2);
        kyc.decided.push(Number.NaN);
        kyc.reason.push(255);
        return reached;
      }
      kyc.decided.push(decided);
      if (random.next() < approval) {
        kyc.status.push(0);
        kyc.reason.push(255);
        approved = true;
        clock = decided;
        break;
      }
      kyc.status.push(1);
      kyc.reason.push(
        pickIndex(
          random,
          KYC_REJECT_REASONS.map(([, weight]) => weight),
        ),
      );
      if (random.next() > 0.6) return reached;
      clock = decided + exponential(random, 2 * DAY_MS);
    }
    if (!approved) return reached;
    reached = level;
    if (level === 1) population.kycApproved[user] = clock;
  }
  return reached;
}

function phoneNumber(random: Random, country: Country): string {
  let digits = String(random.int(2, 9));
  for (let index = 1; index < country.phoneDigits; index++) digits += String(random.int(0, 9));
  const groups: string[] = [];
  let position = 0;
  const sizes = country.phoneDigits === 8 ? [4, 4] : country.phoneDigits === 11 ? [3, 4, 4] : [3, 3, 4];
  for (const size of sizes) {
    groups.push(digits.slice(position, position + size));
    position += size;
  }
  if (position < digits.length) groups[groups.length - 1] += digits.slice(position);
  return `+${country.callingCode} ${groups.join(' ')}`;
}

function postalAddress(random: Random, country: Country, group: NameGroup): string {
  const street = random.pick(group.streets);
  const number = random.next() < 0.7 ? random.int(1, 199) : random.int(200, 2400);
  const line = group.numberAfterStreet ? `${street} ${number}` : `${number} ${street}`;
  const city = random.pick(country.cities);
  let postal = '';
  for (const character of country.postal) {
    if (character === '#') postal += String(random.int(0, 9));
    else if (character === 'A') postal += String.fromCharCode(65 + random.int(0, 25));
    else postal += character;
  }
  const apartment = random.next() < 0.3 ? `, apt ${random.int(1, 120)}` : '';
  return `${line}${apartment}, ${postal ? `${postal} ` : ''}${city}, ${country.name}`;
}

const TRANSLITERATION: Readonly<Record<string, string>> = {
  ı: 'i',
  ł: 'l',
  đ: 'd',
  ø: 'o',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
};

/** Lower-case ASCII for an e-mail local part. */
export function asciiLocalPart(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ıłđøßæœ]/g, (character) => TRANSLITERATION[character] ?? character)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

function emailAddress(
  random: Random,
  given: string,
  family: string,
  country: Country,
  taken: Set<string>,
): string {
  const first = asciiLocalPart(given) || 'user';
  const last = asciiLocalPart(family) || 'mail';
  const local = country.emailDomains && random.next() < 0.3 ? country.emailDomains : undefined;
  const domain = local
    ? random.pick(local)
    : GLOBAL_EMAIL_DOMAINS[
        pickIndex(
          random,
          GLOBAL_EMAIL_DOMAINS.map(([, weight]) => weight),
        )
      ]![0];
  const style = random.int(0, 4);
  const base =
    style === 0
      ? `${first}.${last}`
      : style === 1
        ? `${first}${last}`
        : style === 2
          ? `${first[0]}${last}`
          : style === 3
            ? `${first}_${last}`
            : `${last}.${first}`;
  let candidate = random.next() < 0.55 ? `${base}${random.int(1, 99)}` : base;
  while (taken.has(`${candidate}@${domain}`)) candidate = `${base}${random.int(1, 9999)}`;
  const email = `${candidate}@${domain}`;
  taken.add(email);
  return email;
}
