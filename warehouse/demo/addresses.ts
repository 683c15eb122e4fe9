/**
 * On-chain address and transaction-hash formats for the five chains of the demo warehouse, as encoders
 * (the generator builds addresses from random bytes) and validators (the risk tools check what analysts
 * paste). Everything is implemented here on byte arrays: sha256 comes from node:crypto, keccak-256 (for
 * EIP-55 checksums) is implemented below because node:crypto only has the NIST SHA-3 padding.
 *
 * Formats:
 * - ethereum / bsc: `0x` + 40 hex; mixed case must carry a valid EIP-55 checksum, all-lower/upper is valid.
 * - bitcoin: bech32 `bc1q…` (BIP-173, witness v0, 20- or 32-byte program), bech32m `bc1p…` (BIP-350,
 *   witness v1+), or base58check `1…` (P2PKH, version 0x00) / `3…` (P2SH, version 0x05).
 * - tron: base58check with version byte 0x41 (`T…`, 34 characters).
 * - solana: base58 of a 32-byte public key (32–44 characters).
 */
import { createHash } from 'node:crypto';

/** The chains of the demo warehouse (DESIGN.md dimension `chain`). */
export type Chain = 'ethereum' | 'bitcoin' | 'bsc' | 'tron' | 'solana';

/** Every chain, in catalogue order. */
export const CHAINS: readonly Chain[] = ['ethereum', 'bitcoin', 'bsc', 'tron', 'solana'];

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_INDEX = new Int8Array(128).fill(-1);
for (let index = 0; index < BASE58_ALPHABET.length; index++) {
  BASE58_INDEX[BASE58_ALPHABET.charCodeAt(index)] = index;
}
const BECH32_ALPHABET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** SHA-256 of bytes (node:crypto). */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

// ---------------------------------------------------------------------------------------------------
// keccak-256 (the original Keccak padding 0x01 that Ethereum uses, not SHA3-256's 0x06)

const TEXT_ENCODER = new TextEncoder();

const ROUND_CONSTANTS_HIGH = new Uint32Array(24);
const ROUND_CONSTANTS_LOW = new Uint32Array(24);
{
  // The round constants come from a degree-8 LFSR (Keccak reference, section 1.2); computing them avoids
  // 48 hand-copied magic numbers.
  let register = 1;
  for (let round = 0; round < 24; round++) {
    let high = 0;
    let low = 0;
    for (let bit = 0; bit < 7; bit++) {
      if (register & 1) {
        const position = (1 << bit) - 1;
        if (position < 32) low ^= 1 << position;
        else high ^= 1 << (position - 32);
      }
      register = register & 0x80 ? ((register << 1) ^ 0x71) & 0xff : (register << 1) & 0xff;
    }
    ROUND_CONSTANTS_HIGH[round] = high >>> 0;
    ROUND_CONSTANTS_LOW[round] = low >>> 0;
  }
}
const ROTATION = [
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
];

const C_HIGH = new Uint32Array(5);
const C_LOW = new Uint32Array(5);
const B_HIGH = new Uint32Array(25);
const B_LOW = new Uint32Array(25);
/** ρ and π combined: lane `source` moves to PI_TARGET[source], rotated left by ROTATION[source]. */
const PI_TARGET = new Uint8Array(25);
for (let x = 0; x < 5; x++) {
  for (let y = 0; y < 5; y++) PI_TARGET[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
}

function keccakPermute(high: Uint32Array, low: Uint32Array): void {
  // Scratch state is shared: the permutation is synchronous and never re-entered.
  const cHigh = C_HIGH;
  const cLow = C_LOW;
  const bHigh = B_HIGH;
  const bLow = B_LOW;
  for (let round = 0; round < 24; round++) {
    // θ
    for (let x = 0; x < 5; x++) {
      cHigh[x] = high[x]! ^ high[x + 5]! ^ high[x + 10]! ^ high[x + 15]! ^ high[x + 20]!;
      cLow[x] = low[x]! ^ low[x + 5]! ^ low[x + 10]! ^ low[x + 15]! ^ low[x + 20]!;
    }
    for (let x = 0; x < 5; x++) {
      const nextHigh = cHigh[x === 4 ? 0 : x + 1]!;
      const nextLow = cLow[x === 4 ? 0 : x + 1]!;
      const dHigh = cHigh[x === 0 ? 4 : x - 1]! ^ ((nextHigh << 1) | (nextLow >>> 31));
      const dLow = cLow[x === 0 ? 4 : x - 1]! ^ ((nextLow << 1) | (nextHigh >>> 31));
      for (let y = 0; y < 25; y += 5) {
        high[x + y] = high[x + y]! ^ dHigh;
        low[x + y] = low[x + y]! ^ dLow;
      }
    }
    // ρ and π
    for (let source = 0; source < 25; source++) {
      const target = PI_TARGET[source]!;
      const shift = ROTATION[source]!;
      const h = high[source]!;
      const l = low[source]!;
      if (shift === 0) {
        bHigh[target] = h;
        bLow[target] = l;
      } else if (shift < 32) {
        bHigh[target] = (h << shift) | (l >>> (32 - shift));
        bLow[target] = (l << shift) | (h >>> (32 - shift));
      } else if (shift === 32) {
        bHigh[target] = l;
        bLow[target] = h;
      } else {
        const s = shift - 32;
        bHigh[target] = (l << s) | (h >>> (32 - s));
        bLow[target] = (h << s) | (l >>> (32 - s));
      }
    }
    // χ
    for (let y = 0; y < 25; y += 5) {
      const h0 = bHigh[y]!;
      const h1 = bHigh[y + 1]!;
      const h2 = bHigh[y + 2]!;
      const h3 = bHigh[y + 3]!;
      const h4 = bHigh[y + 4]!;
      const l0 = bLow[y]!;
      const l1 = bLow[y + 1]!;
      const l2 = bLow[y + 2]!;
      const l3 = bLow[y + 3]!;
      const l4 = bLow[y + 4]!;
      high[y] = h0 ^ (~h1 & h2);
      high[y + 1] = h1 ^ (~h2 & h3);
      high[y + 2] = h2 ^ (~h3 & h4);
      high[y + 3] = h3 ^ (~h4 & h0);
      high[y + 4] = h4 ^ (~h0 & h1);
      low[y] = l0 ^ (~l1 & l2);
      low[y + 1] = l1 ^ (~l2 & l3);
      low[y + 2] = l2 ^ (~l3 & l4);
      low[y + 3] = l3 ^ (~l4 & l0);
      low[y + 4] = l4 ^ (~l0 & l1);
    }
    // ι
    high[0] = high[0]! ^ ROUND_CONSTANTS_HIGH[round]!;
    low[0] = low[0]! ^ ROUND_CONSTANTS_LOW[round]!;
  }
}

/** Keccak-256 as Ethereum uses it (EIP-55 checksums, function selectors). */
export function keccak256(input: Uint8Array | string): Uint8Array {
  const bytes = typeof input === 'string' ? TEXT_ENCODER.encode(input) : input;
  const rate = 136;
  const blocks = Math.floor(bytes.length / rate) + 1;
  const padded = new Uint8Array(blocks * rate);
  padded.set(bytes);
  padded[bytes.length] = padded[bytes.length]! ^ 0x01;
  padded[padded.length - 1] = padded[padded.length - 1]! ^ 0x80;
  const high = new Uint32Array(25);
  const low = new Uint32Array(25);
  for (let block = 0; block < blocks; block++) {
    const offset = block * rate;
    for (let lane = 0; lane < rate / 8; lane++) {
      const at = offset + lane * 8;
      // Lanes are little-endian 64-bit words.
      low[lane] =
        low[lane]! ^
        (padded[at]! | (padded[at + 1]! << 8) | (padded[at + 2]! << 16) | (padded[at + 3]! << 24));
      high[lane] =
        high[lane]! ^
        (padded[at + 4]! | (padded[at + 5]! << 8) | (padded[at + 6]! << 16) | (padded[at + 7]! << 24));
    }
    keccakPermute(high, low);
  }
  const output = new Uint8Array(32);
  for (let lane = 0; lane < 4; lane++) {
    const l = low[lane]!;
    const h = high[lane]!;
    output[lane * 8] = l & 0xff;
    output[lane * 8 + 1] = (l >>> 8) & 0xff;
    output[lane * 8 + 2] = (l >>> 16) & 0xff;
    output[lane * 8 + 3] = (l >>> 24) & 0xff;
    output[lane * 8 + 4] = h & 0xff;
    output[lane * 8 + 5] = (h >>> 8) & 0xff;
    output[lane * 8 + 6] = (h >>> 16) & 0xff;
    output[lane * 8 + 7] = (h >>> 24) & 0xff;
  }
  return output;
}

// ---------------------------------------------------------------------------------------------------
// base58 and base58check

/** Base58 (Bitcoin alphabet) of bytes; leading zero bytes become leading '1's. */
export function base58Encode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Repeated division of the big-endian number by 58, five base-58 digits per limb (58^5 < 2^30), so
  // the carry (limb × 256 + byte) stays an exact double; five times fewer steps than digit by digit.
  const limbBase = 656_356_768; // 58^5
  const limbs = new Float64Array(Math.ceil(((bytes.length - zeros) * 138) / 500) + 2);
  let used = 0;
  for (let index = zeros; index < bytes.length; index++) {
    let carry = bytes[index]!;
    for (let limb = 0; limb < used; limb++) {
      const value = limbs[limb]! * 256 + carry;
      carry = Math.floor(value / limbBase);
      limbs[limb] = value - carry * limbBase;
    }
    while (carry > 0) {
      limbs[used++] = carry % limbBase;
      carry = Math.floor(carry / limbBase);
    }
  }
  let text = '';
  for (let limb = 0; limb < used; limb++) {
    let value = limbs[limb]!;
    for (let digit = 0; digit < 5; digit++) {
      text = BASE58_ALPHABET[value % 58]! + text;
      value = Math.floor(value / 58);
    }
  }
  // The top limb was padded with leading zero digits ('1'); drop them, then restore real leading zeros.
  let start = 0;
  while (start < text.length && text[start] === '1') start++;
  return '1'.repeat(zeros) + text.slice(start);
}

/** Decodes base58 text, or returns undefined when a character is outside the alphabet. */
export function base58Decode(text: string): Uint8Array | undefined {
  if (text.length === 0) return new Uint8Array(0);
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const bytes = new Uint8Array(Math.ceil(((text.length - zeros) * 733) / 1000) + 1);
  let length = 0;
  for (let index = zeros; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const value = code < 128 ? BASE58_INDEX[code]! : -1;
    if (value < 0) return undefined;
    let carry = value;
    let position = 0;
    for (let byte = bytes.length - 1; (carry !== 0 || position < length) && byte >= 0; byte--) {
      carry += 58 * bytes[byte]!;
      bytes[byte] = carry & 0xff;
      carry >>= 8;
      position++;
    }
    length = position;
  }
  let start = bytes.length - length;
  while (start < bytes.length && bytes[start] === 0) start++;
  const output = new Uint8Array(zeros + bytes.length - start);
  output.set(bytes.subarray(start), zeros);
  return output;
}

/** Base58check: version byte + payload + the first 4 bytes of sha256(sha256(version + payload)). */
export function base58CheckEncode(version: number, payload: Uint8Array): string {
  const body = new Uint8Array(payload.length + 1);
  body[0] = version;
  body.set(payload, 1);
  const checksum = sha256(sha256(body)).subarray(0, 4);
  const full = new Uint8Array(body.length + 4);
  full.set(body);
  full.set(checksum, body.length);
  return base58Encode(full);
}

/** Decodes base58check text into its version and payload, or undefined when the checksum fails. */
export function base58CheckDecode(text: string): { version: number; payload: Uint8Array } | undefined {
  const bytes = base58Decode(text);
  if (!bytes || bytes.length < 5) return undefined;
  const body = bytes.subarray(0, bytes.length - 4);
  const checksum = sha256(sha256(body));
  for (let index = 0; index < 4; index++) {
    if (checksum[index] !== bytes[body.length + index]) return undefined;
  }
  return { version: body[0]!, payload: body.slice(1) };
}

// ---------------------------------------------------------------------------------------------------
// bech32 / bech32m (BIP-173, BIP-350)

function bech32Polymod(values: readonly number[]): number {
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) {
      if ((top >>> bit) & 1) checksum ^= generators[bit]!;
    }
  }
  return checksum >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const values: number[] = [];
  for (let index = 0; index < hrp.length; index++) values.push(hrp.charCodeAt(index) >> 5);
  values.push(0);
  for (let index = 0; index < hrp.length; index++) values.push(hrp.charCodeAt(index) & 31);
  return values;
}

function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let accumulator = 0;
  let bits = 0;
  const output: number[] = [];
  const mask = (1 << to) - 1;
  for (let index = 0; index < data.length; index++) {
    const value = data[index]!;
    if (value < 0 || value >> from !== 0) return undefined;
    accumulator = (accumulator << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      output.push((accumulator >> bits) & mask);
    }
  }
  if (pad) {
    if (bits > 0) output.push((accumulator << (to - bits)) & mask);
  } else if (bits >= from || ((accumulator << (to - bits)) & mask) !== 0) {
    return undefined;
  }
  return output;
}

/** A segwit address: bech32 for witness version 0, bech32m for versions 1–16. */
export function segwitEncode(hrp: string, witnessVersion: number, program: Uint8Array): string {
  const data = [witnessVersion, ...convertBits(program, 8, 5, true)!];
  const constant = witnessVersion === 0 ? BECH32_CONST : BECH32M_CONST;
  const polymod = bech32Polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ constant;
  let text = `${hrp}1`;
  for (const value of data) text += BECH32_ALPHABET[value]!;
  for (let index = 0; index < 6; index++) text += BECH32_ALPHABET[(polymod >>> (5 * (5 - index))) & 31]!;
  return text;
}

/** Decodes a segwit address for `hrp`, checking case, checksum variant and program length. */
export function segwitDecode(
  hrp: string,
  address: string,
): { witnessVersion: number; program: Uint8Array } | undefined {
  if (address.length > 90 || address.length < 8) return undefined;
  const lower = address.toLowerCase();
  if (address !== lower && address !== address.toUpperCase()) return undefined;
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || lower.slice(0, separator) !== hrp || lower.length - separator - 1 < 6)
    return undefined;
  const data: number[] = [];
  for (const character of lower.slice(separator + 1)) {
    const value = BECH32_ALPHABET.indexOf(character);
    if (value < 0) return undefined;
    data.push(value);
  }
  const polymod = bech32Polymod([...hrpExpand(hrp), ...data]);
  const witnessVersion = data[0]!;
  if (witnessVersion > 16) return undefined;
  if (polymod !== (witnessVersion === 0 ? BECH32_CONST : BECH32M_CONST)) return undefined;
  const program = convertBits(data.slice(1, -6), 5, 8, false);
  if (!program || program.length < 2 || program.length > 40) return undefined;
  if (witnessVersion === 0 && program.length !== 20 && program.length !== 32) return undefined;
  return { witnessVersion, program: Uint8Array.from(program) };
}

// ---------------------------------------------------------------------------------------------------
// Per-chain encoders

/** An Ethereum/BSC address from 20 bytes, EIP-55 checksummed or lower-case. */
export function ethereumAddress(bytes: Uint8Array, options: { checksum: boolean }): string {
  const hex = toHex(bytes);
  return `0x${options.checksum ? eip55Checksum(hex) : hex}`;
}

/** Applies the EIP-55 mixed-case checksum to 40 lower-case hex characters (without 0x). */
export function eip55Checksum(lowerHex: string): string {
  const hash = keccak256(lowerHex);
  let text = '';
  for (let index = 0; index < 40; index++) {
    const character = lowerHex[index]!;
    const nibble = (hash[index >> 1]! >> (index & 1 ? 0 : 4)) & 15;
    text += nibble >= 8 ? character.toUpperCase() : character;
  }
  return text;
}

/** A native segwit P2WPKH Bitcoin address (`bc1q…`) from a 20-byte key hash. */
export function bitcoinBech32Address(bytes: Uint8Array): string {
  return segwitEncode('bc', 0, bytes);
}

/** A legacy Bitcoin address from a 20-byte hash: P2PKH (`1…`) or P2SH (`3…`). */
export function bitcoinBase58Address(bytes: Uint8Array, kind: 'p2pkh' | 'p2sh'): string {
  return base58CheckEncode(kind === 'p2pkh' ? 0x00 : 0x05, bytes);
}

/** A Tron address (`T…`) from 20 bytes. */
export function tronAddress(bytes: Uint8Array): string {
  return base58CheckEncode(0x41, bytes);
}

/** A Solana address (base58 public key) from 32 bytes. */
export function solanaAddress(bytes: Uint8Array): string {
  return base58Encode(bytes);
}

/** A transaction hash in the chain's usual notation: 0x+64 hex (EVM), 64 hex (bitcoin, tron), base58 of 64 bytes (solana). */
export function transactionHash(chain: Chain, bytes: Uint8Array): string {
  if (chain === 'solana') return base58Encode(bytes.length === 64 ? bytes : padTo(bytes, 64));
  const hex = toHex(bytes.length === 32 ? bytes : padTo(bytes, 32).subarray(0, 32));
  return chain === 'ethereum' || chain === 'bsc' ? `0x${hex}` : hex;
}

function padTo(bytes: Uint8Array, length: number): Uint8Array {
  const output = new Uint8Array(length);
  output.set(bytes.subarray(0, length));
  return output;
}

// ---------------------------------------------------------------------------------------------------
// Validators

/** `0x` + 40 hex; mixed case must match EIP-55, all-lower and all-upper are accepted. */
export function isValidEthereumAddress(address: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return false;
  const body = address.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  return eip55Checksum(body.toLowerCase()) === body;
}

/** bech32/bech32m `bc1…` or base58check `1…`/`3…` with a valid checksum. */
export function isValidBitcoinAddress(address: string): boolean {
  if (/^bc1/i.test(address)) return segwitDecode('bc', address) !== undefined;
  if (!/^[13]/.test(address)) return false;
  const decoded = base58CheckDecode(address);
  return (
    decoded !== undefined &&
    decoded.payload.length === 20 &&
    (decoded.version === 0x00 || decoded.version === 0x05)
  );
}

/** base58check with version 0x41 and a 20-byte payload (`T…`). */
export function isValidTronAddress(address: string): boolean {
  if (!/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(address)) return false;
  const decoded = base58CheckDecode(address);
  return decoded !== undefined && decoded.version === 0x41 && decoded.payload.length === 20;
}

/** base58 that decodes to exactly 32 bytes. */
export function isValidSolanaAddress(address: string): boolean {
  if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(address)) return false;
  return base58Decode(address)?.length === 32;
}

/** Whether `address` is valid on `chain`. */
export function isValidAddress(chain: Chain, address: string): boolean {
  switch (chain) {
    case 'ethereum':
    case 'bsc':
      return isValidEthereumAddress(address);
    case 'bitcoin':
      return isValidBitcoinAddress(address);
    case 'tron':
      return isValidTronAddress(address);
    case 'solana':
      return isValidSolanaAddress(address);
  }
}

/**
 * The chains an address is valid on, most specific first. EVM addresses are valid on both ethereum and
 * bsc (the format cannot tell them apart); a Tron address also decodes as base58 but never to 32 bytes.
 */
export function chainsOfAddress(address: string): Chain[] {
  if (isValidEthereumAddress(address)) return ['ethereum', 'bsc'];
  if (isValidBitcoinAddress(address)) return ['bitcoin'];
  if (isValidTronAddress(address)) return ['tron'];
  if (isValidSolanaAddress(address)) return ['solana'];
  return [];
}
