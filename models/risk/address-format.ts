/**
 * Address format checks per chain with a reason when an address is wrong, for the `address_profile`
 * tool: analysts paste addresses from explorers, chats and PDFs, and "not valid" alone does not tell
 * them which character to look at. The encodings (keccak-256, base58, sha256) come from
 * warehouse/demo/addresses.ts, which the demo generator builds its addresses with.
 *
 * - ethereum / bsc: `0x` + 40 hex digits; all-lowercase and all-uppercase are accepted, mixed case must
 *   match the EIP-55 checksum.
 * - bitcoin: bech32 (`bc1q…`, witness v0, BIP-173) or bech32m (`bc1p…`, witness v1+, BIP-350), or
 *   base58check P2PKH `1…` (version 0x00) / P2SH `3…` (version 0x05) of a 20-byte hash.
 * - tron: base58check, version 0x41, 20-byte payload (`T…`, 34 characters).
 * - solana: base58 of a 32-byte public key.
 */
import { InvalidInputError } from '../../core/errors.js';
import { base58Decode, eip55Checksum, sha256 } from '../../warehouse/demo/addresses.js';

/** The chains of the catalogue (DESIGN.md `address_profile.chain`). */
export type AddressChain = 'ethereum' | 'bitcoin' | 'bsc' | 'tron' | 'solana';

/** The outcome of checking one address on one chain. */
export type AddressCheck =
  | { readonly valid: true; readonly chain: AddressChain; readonly format: string }
  | { readonly valid: false; readonly chain: AddressChain; readonly problem: string };

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;
const BECH32_ALPHABET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONSTANT = 1;
const BECH32M_CONSTANT = 0x2bc830a3;

/** Checks an address on a chain; the problem names what is wrong and where. */
export function checkAddress(chain: AddressChain, address: string): AddressCheck {
  switch (chain) {
    case 'ethereum':
    case 'bsc':
      return checkEvm(chain, address);
    case 'bitcoin':
      return checkBitcoin(address);
    case 'tron':
      return checkTron(address);
    case 'solana':
      return checkSolana(address);
  }
}

/**
 * The chains an address is valid on (EVM addresses are valid on both ethereum and bsc), or, when none,
 * throws an InvalidInputError naming the chain its shape suggests and what is wrong with it.
 */
export function chainsForAddress(address: string): AddressChain[] {
  const chains: AddressChain[] = [];
  for (const chain of ['ethereum', 'bitcoin', 'tron', 'solana'] as const) {
    if (checkAddress(chain, address).valid) chains.push(chain);
  }
  if (chains.includes('ethereum')) chains.splice(1, 0, 'bsc');
  if (chains.length > 0) return chains;
  const likely = likelyChain(address);
  const check = checkAddress(likely, address);
  throw invalidAddress(address, likely, check.valid ? 'unknown format' : check.problem, true);
}

/**
 * Checks an address on the given chain, or infers the chain from its format.
 *
 * @throws InvalidInputError `address_invalid`, e.g. "'0xAbC…' is not a valid ethereum address: mixed
 *   case does not match the EIP-55 checksum (expected 0xaBc…)."
 */
export function validateAddress(address: string, chain?: AddressChain): AddressChain[] {
  const trimmed = address.trim();
  if (!chain) return chainsForAddress(trimmed);
  const check = checkAddress(chain, trimmed);
  if (!check.valid) throw invalidAddress(trimmed, chain, check.problem, false);
  return [chain];
}

/** The forms an address may be stored in (EVM: lower-case and checksummed), for exact-match lookups. */
export function storedForms(chain: AddressChain, address: string): string[] {
  if (chain !== 'ethereum' && chain !== 'bsc') return [address];
  const lower = `0x${address.slice(2).toLowerCase()}`;
  return [...new Set([lower, `0x${eip55Checksum(lower.slice(2))}`, address])];
}

function invalidAddress(
  address: string,
  chain: AddressChain,
  problem: string,
  inferred: boolean,
): InvalidInputError {
  const shown = address.length > 70 ? `${address.slice(0, 67)}…` : address;
  return new InvalidInputError(
    'address_invalid',
    `'${shown}' is not a valid ${chain} address${inferred ? ' (the chain its format suggests)' : ''}: ${problem}.`,
  );
}

/** The chain whose format an address most resembles, for the error message. */
function likelyChain(address: string): AddressChain {
  if (/^0x/i.test(address)) return 'ethereum';
  if (/^bc1/i.test(address) || /^[13]/.test(address)) return 'bitcoin';
  if (/^T/.test(address)) return 'tron';
  return 'solana';
}

function checkEvm(chain: 'ethereum' | 'bsc', address: string): AddressCheck {
  if (!address.startsWith('0x')) {
    return {
      valid: false,
      chain,
      problem: `it must start with 0x${/^0X/.test(address) ? ' (lower-case x)' : ''}`,
    };
  }
  const body = address.slice(2);
  if (body.length !== 40) {
    return { valid: false, chain, problem: `it must have 40 hex digits after 0x, found ${body.length}` };
  }
  const bad = /[^0-9a-fA-F]/.exec(body);
  if (bad) {
    return {
      valid: false,
      chain,
      problem: `'${bad[0]}' at position ${bad.index + 3} is not a hex digit`,
    };
  }
  if (body === body.toLowerCase() || body === body.toUpperCase()) {
    return { valid: true, chain, format: 'hex without checksum' };
  }
  const expected = eip55Checksum(body.toLowerCase());
  if (expected !== body) {
    return {
      valid: false,
      chain,
      problem: `mixed case does not match the EIP-55 checksum (expected 0x${expected}; all lower-case is accepted too)`,
    };
  }
  return { valid: true, chain, format: 'EIP-55 checksummed hex' };
}

function checkBitcoin(address: string): AddressCheck {
  if (/^bc1/i.test(address)) {
    const problem = bech32Problem(address);
    return problem
      ? { valid: false, chain: 'bitcoin', problem }
      : {
          valid: true,
          chain: 'bitcoin',
          format: /^bc1q/i.test(address) ? 'bech32 (segwit v0)' : 'bech32m (taproot)',
        };
  }
  if (!/^[13]/.test(address)) {
    return {
      valid: false,
      chain: 'bitcoin',
      problem: 'it must start with bc1 (segwit), 1 (P2PKH) or 3 (P2SH)',
    };
  }
  const problem = base58CheckProblem(address, [0x00, 0x05], 20);
  return problem
    ? { valid: false, chain: 'bitcoin', problem }
    : {
        valid: true,
        chain: 'bitcoin',
        format: address.startsWith('1') ? 'base58check P2PKH' : 'base58check P2SH',
      };
}

function checkTron(address: string): AddressCheck {
  if (!address.startsWith('T')) return { valid: false, chain: 'tron', problem: 'it must start with T' };
  if (address.length !== 34) {
    return { valid: false, chain: 'tron', problem: `it must be 34 characters long, found ${address.length}` };
  }
  const problem = base58CheckProblem(address, [0x41], 20);
  return problem
    ? { valid: false, chain: 'tron', problem }
    : { valid: true, chain: 'tron', format: 'base58check' };
}

function checkSolana(address: string): AddressCheck {
  const bad = nonBase58(address);
  if (bad) return { valid: false, chain: 'solana', problem: bad };
  const bytes = base58Decode(address)!;
  if (bytes.length !== 32) {
    return {
      valid: false,
      chain: 'solana',
      problem: `it decodes to ${bytes.length} bytes, a public key has 32`,
    };
  }
  return { valid: true, chain: 'solana', format: 'base58 public key' };
}

/** Why a text is not base58, or undefined. */
function nonBase58(text: string): string | undefined {
  if (text.length === 0) return 'it is empty';
  if (BASE58.test(text)) return undefined;
  const index = [...text].findIndex((character) => !BASE58.test(character));
  const character = [...text][index]!;
  const hint = '0OIl'.includes(character) ? ' (base58 leaves out 0, O, I and l)' : '';
  return `'${character}' at position ${index + 1} is not a base58 character${hint}`;
}

/** Why a base58check string fails (characters, checksum, version, length), or undefined. */
function base58CheckProblem(
  text: string,
  versions: readonly number[],
  payloadBytes: number,
): string | undefined {
  const bad = nonBase58(text);
  if (bad) return bad;
  const bytes = base58Decode(text)!;
  if (bytes.length < 5) return 'it is too short to carry a base58check checksum';
  const body = bytes.subarray(0, bytes.length - 4);
  const checksum = sha256(sha256(body));
  for (let index = 0; index < 4; index++) {
    if (checksum[index] !== bytes[body.length + index])
      return 'the base58check checksum does not match (a mistyped character?)';
  }
  const version = body[0]!;
  if (!versions.includes(version)) {
    return `version byte 0x${version.toString(16).padStart(2, '0')} is not ${versions.map((item) => `0x${item.toString(16).padStart(2, '0')}`).join(' or ')}`;
  }
  if (body.length - 1 !== payloadBytes)
    return `the payload is ${body.length - 1} bytes, expected ${payloadBytes}`;
  return undefined;
}

function polymod(values: readonly number[]): number {
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) if ((top >>> bit) & 1) checksum ^= generators[bit]!;
  }
  return checksum >>> 0;
}

/** Why a `bc1…` address fails BIP-173/BIP-350, or undefined. */
function bech32Problem(address: string): string | undefined {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    return 'bech32 addresses must be all lower-case or all upper-case';
  }
  const lower = address.toLowerCase();
  if (lower.length < 14 || lower.length > 74)
    return `a segwit address has 14 to 74 characters, found ${lower.length}`;
  const data: number[] = [];
  for (let index = 3; index < lower.length; index++) {
    const value = BECH32_ALPHABET.indexOf(lower[index]!);
    if (value < 0) {
      return `'${address[index]}' at position ${index + 1} is not a bech32 character (they exclude 1, b, i and o after the bc1 prefix)`;
    }
    data.push(value);
  }
  const hrp = 'bc';
  const expanded = [
    ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...hrp].map((c) => c.charCodeAt(0) & 31),
  ];
  const check = polymod([...expanded, ...data]);
  const version = data[0]!;
  if (version > 16) return `witness version ${version} does not exist (0 to 16)`;
  const expected = version === 0 ? BECH32_CONSTANT : BECH32M_CONSTANT;
  if (check !== expected) {
    if (check === (version === 0 ? BECH32M_CONSTANT : BECH32_CONSTANT)) {
      return version === 0
        ? 'a witness v0 address must use the bech32 checksum, this one uses bech32m'
        : `a witness v${version} address must use the bech32m checksum (BIP-350), this one uses bech32`;
    }
    return 'the bech32 checksum does not match (a mistyped character?)';
  }
  // 5-bit groups to bytes, without the version and the six checksum characters.
  let accumulator = 0;
  let bits = 0;
  const program: number[] = [];
  for (const value of data.slice(1, -6)) {
    accumulator = (accumulator << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      program.push((accumulator >> bits) & 0xff);
    }
  }
  if (bits >= 5 || ((accumulator << (8 - bits)) & 0xff) !== 0)
    return 'the witness program has invalid padding';
  if (program.length < 2 || program.length > 40)
    return `the witness program is ${program.length} bytes (2 to 40 allowed)`;
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    return `a witness v0 program is 20 or 32 bytes, found ${program.length}`;
  }
  return undefined;
}
