/**
 * Where logins come from: the countries an IP address can geolocate to (users' countries, the high-risk
 * list, and a few travel destinations), deterministic IPv4 blocks per country, and the high-risk list.
 */
import type { Random } from '../../core/random.js';
import { hashString } from '../../core/random.js';
import highRiskList from './high-risk-jurisdictions.json' with { type: 'json' };
import { COUNTRIES } from './reference-data.js';

/** One entry of `high-risk-jurisdictions.json`. */
export interface HighRiskJurisdiction {
  readonly code: string;
  readonly name: string;
  readonly list: string;
}

/** The high-risk jurisdiction list as data, with its source and date. */
export const HIGH_RISK_JURISDICTIONS: {
  readonly source: string;
  readonly asOf: string;
  readonly jurisdictions: readonly HighRiskJurisdiction[];
  readonly codes: ReadonlySet<string>;
} = {
  source: highRiskList.source,
  asOf: highRiskList.as_of,
  jurisdictions: highRiskList.jurisdictions,
  codes: new Set(highRiskList.jurisdictions.map((item) => item.code)),
};

/** Holiday and business destinations that are on no list, for ordinary travel logins. */
const TRAVEL_EXTRAS = ['GE', 'CY', 'MT', 'MV', 'CR', 'DO', 'IS', 'MU', 'LK', 'HR', 'EE', 'LT'];

/** Every country an IP address can geolocate to; `logins.country` is one of these. */
export const IP_COUNTRIES: readonly string[] = [
  ...COUNTRIES.map((item) => item.code),
  ...[...HIGH_RISK_JURISDICTIONS.codes].filter((code) => !COUNTRIES.some((item) => item.code === code)),
  ...TRAVEL_EXTRAS,
];

/** Index in IP_COUNTRIES of a code. */
export function ipCountryIndex(code: string): number {
  const index = IP_COUNTRIES.indexOf(code);
  if (index < 0) throw new Error(`no IP country ${code}`);
  return index;
}

/** IP_COUNTRIES indexes of places ordinary users travel to (never on the high-risk list). */
export const TRAVEL_DESTINATIONS: readonly number[] = IP_COUNTRIES.map((code, index) => ({ code, index }))
  .filter(({ code }) => !HIGH_RISK_JURISDICTIONS.codes.has(code))
  .map(({ index }) => index);

/** IP_COUNTRIES indexes of listed jurisdictions. */
export const HIGH_RISK_IP_COUNTRIES: readonly number[] = IP_COUNTRIES.map((code, index) => ({ code, index }))
  .filter(({ code }) => HIGH_RISK_JURISDICTIONS.codes.has(code))
  .map(({ index }) => index);

// Four /16 blocks per country, derived from the code so they are stable across seeds. Private, loopback,
// link-local, CGNAT, documentation and multicast ranges are skipped so addresses look public.
const RESERVED_FIRST_OCTETS = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);
const BLOCKS: readonly (readonly number[])[] = IP_COUNTRIES.map((code) => {
  if (code === 'KP') return [(175 << 8) | 45]; // the country's one well-known public block, 175.45.176.0/22
  const blocks: number[] = [];
  let state = hashString(`ip:${code}`);
  while (blocks.length < 4) {
    state = Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) >>> 0;
    const first = 1 + (state % 222);
    const second = (state >>> 8) & 0xff;
    if (!RESERVED_FIRST_OCTETS.has(first)) blocks.push((first << 8) | second);
  }
  return blocks;
});

/** A random IPv4 address (as a signed 32-bit pattern) in one of the country's blocks. */
export function randomIp(random: Random, ipCountry: number): number {
  const blocks = BLOCKS[ipCountry]!;
  const block = blocks[Math.floor(random.next() * blocks.length)]!;
  const third = IP_COUNTRIES[ipCountry] === 'KP' ? 176 + random.int(0, 3) : random.int(0, 255);
  return (block << 16) | (third << 8) | random.int(1, 254) | 0;
}

/** Dotted-quad text of an address stored by {@link randomIp}. */
export function formatIp(ip: number): string {
  const value = ip >>> 0;
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}
