import { describe, expect, it } from 'vitest';
import { AnalystError } from '../../../core/errors.js';
import { chainsForAddress, checkAddress, storedForms, validateAddress } from '../../../models/risk/index.js';
import { eip55Checksum, keccak256, toHex } from '../../../warehouse/demo/addresses.js';

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AnalystError);
    expect((error as AnalystError).code).toBe('address_invalid');
    expect((error as AnalystError).isUserError).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('keccak-256 (Ethereum padding)', () => {
  it('matches the known digests', () => {
    expect(toHex(keccak256(''))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(toHex(keccak256('abc'))).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    // 200 bytes: more than one 136-byte block of the sponge.
    expect(toHex(keccak256('a'.repeat(200)))).toHaveLength(64);
    expect(toHex(keccak256('a'.repeat(200)))).not.toBe(toHex(keccak256('a'.repeat(199))));
  });

  it('produces the EIP-55 test vectors', () => {
    for (const address of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
      '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
    ]) {
      expect(`0x${eip55Checksum(address.slice(2).toLowerCase())}`).toBe(address);
    }
  });
});

describe('address validation', () => {
  it('accepts valid addresses of every chain and infers the chain', () => {
    expect(chainsForAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toEqual(['ethereum', 'bsc']);
    expect(chainsForAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toEqual(['ethereum', 'bsc']);
    expect(chainsForAddress('0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED')).toEqual(['ethereum', 'bsc']);
    for (const address of [
      'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4',
      'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
      '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
      '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
    ]) {
      expect(chainsForAddress(address)).toEqual(['bitcoin']);
    }
    expect(chainsForAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')).toEqual(['tron']);
    expect(chainsForAddress('So11111111111111111111111111111111111111112')).toEqual(['solana']);
    expect(checkAddress('bitcoin', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toEqual(
      {
        valid: true,
        chain: 'bitcoin',
        format: 'bech32m (taproot)',
      },
    );
  });

  it('names the chain and what is wrong', () => {
    expect(messageOf(() => validateAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'ethereum'))).toBe(
      "'0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' is not a valid ethereum address: mixed case does not match the EIP-55 checksum (expected 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed; all lower-case is accepted too).",
    );
    expect(messageOf(() => validateAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe'))).toBe(
      "'0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe' is not a valid ethereum address (the chain its format suggests): it must have 40 hex digits after 0x, found 39.",
    );
    expect(messageOf(() => validateAddress('0xg5aeb6053f3e94c9b9a09f33669435e7ef1beaed', 'bsc'))).toBe(
      "'0xg5aeb6053f3e94c9b9a09f33669435e7ef1beaed' is not a valid bsc address: 'g' at position 3 is not a hex digit.",
    );
    expect(messageOf(() => validateAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'))).toBe(
      "'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5' is not a valid bitcoin address (the chain its format suggests): the bech32 checksum does not match (a mistyped character?).",
    );
    expect(
      messageOf(() =>
        validateAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'bitcoin'),
      ),
    ).toBe(
      "'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd' is not a valid bitcoin address: a witness v1 address must use the bech32m checksum (BIP-350), this one uses bech32.",
    );
    expect(messageOf(() => validateAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'bitcoin'))).toBe(
      "'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh' is not a valid bitcoin address: a witness v0 address must use the bech32 checksum, this one uses bech32m.",
    );
    expect(messageOf(() => validateAddress('bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'bitcoin'))).toBe(
      "'bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' is not a valid bitcoin address: bech32 addresses must be all lower-case or all upper-case.",
    );
    expect(messageOf(() => validateAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'bitcoin'))).toBe(
      "'1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3' is not a valid bitcoin address: the base58check checksum does not match (a mistyped character?).",
    );
    expect(messageOf(() => validateAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0', 'bitcoin'))).toBe(
      "'1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0' is not a valid bitcoin address: '0' at position 34 is not a base58 character (base58 leaves out 0, O, I and l).",
    );
    expect(messageOf(() => validateAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', 'tron'))).toBe(
      "'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u' is not a valid tron address: the base58check checksum does not match (a mistyped character?).",
    );
    // A valid bitcoin address is not a tron one: the version byte says so.
    expect(messageOf(() => validateAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'tron'))).toBe(
      "'1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' is not a valid tron address: it must start with T.",
    );
    expect(messageOf(() => validateAddress('So1111111111111111111111111111111111111111', 'solana'))).toBe(
      "'So1111111111111111111111111111111111111111' is not a valid solana address: it decodes to 31 bytes, a public key has 32.",
    );
    expect(messageOf(() => validateAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'ethereum'))).toBe(
      "'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' is not a valid ethereum address: it must start with 0x.",
    );
  });

  it('looks up EVM addresses in both stored forms', () => {
    expect(storedForms('ethereum', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toEqual([
      '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    ]);
    expect(storedForms('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')).toEqual([
      'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
    ]);
  });
});
