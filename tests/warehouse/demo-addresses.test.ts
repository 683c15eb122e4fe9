import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/random.js';
import { AddressFactory } from '../../warehouse/demo/address-book.js';
import {
  base58CheckDecode,
  base58Decode,
  base58Encode,
  bitcoinBase58Address,
  bitcoinBech32Address,
  CHAINS,
  chainsOfAddress,
  eip55Checksum,
  ethereumAddress,
  isValidAddress,
  isValidBitcoinAddress,
  isValidEthereumAddress,
  isValidSolanaAddress,
  isValidTronAddress,
  keccak256,
  segwitDecode,
  solanaAddress,
  toHex,
  transactionHash,
  tronAddress,
} from '../../warehouse/demo/addresses.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

describe('keccak-256', () => {
  it('matches the published digests', () => {
    expect(toHex(keccak256(''))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(toHex(keccak256('abc'))).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    // 200 bytes: more than one 136-byte block.
    expect(toHex(keccak256('a'.repeat(200)))).toBe(toHex(keccak256(new Uint8Array(200).fill(97))));
  });
});

describe('EIP-55', () => {
  // The test vectors of EIP-55 itself.
  const vectors = [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];

  it('checksums the EIP-55 vectors', () => {
    for (const address of vectors) {
      expect(`0x${eip55Checksum(address.slice(2).toLowerCase())}`).toBe(address);
      expect(ethereumAddress(hex(address.slice(2)), { checksum: true })).toBe(address);
    }
  });

  it('accepts checksummed, lower-case and upper-case addresses and rejects a wrong checksum', () => {
    expect(isValidEthereumAddress(vectors[0]!)).toBe(true);
    expect(isValidEthereumAddress(vectors[0]!.toLowerCase())).toBe(true);
    expect(isValidEthereumAddress(`0x${vectors[0]!.slice(2).toUpperCase()}`)).toBe(true);
    expect(isValidEthereumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false);
    expect(isValidEthereumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae')).toBe(false);
    expect(isValidEthereumAddress('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe(false);
  });
});

describe('bitcoin', () => {
  it('encodes the BIP-173 P2WPKH vector and validates bech32/bech32m checksums', () => {
    const program = hex('751e76e8199196d454941c45d1b3a323f1433bd6');
    expect(bitcoinBech32Address(program)).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(toHex(segwitDecode('bc', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')!.program)).toBe(
      toHex(program),
    );
    expect(isValidBitcoinAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')).toBe(false);
    expect(isValidBitcoinAddress('bc1qw508d6qejxtdg4Y5r3zarvary0c5xw7kv8f3t4')).toBe(false);
    // BIP-350 vector (taproot, bech32m).
    expect(isValidBitcoinAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toBe(
      true,
    );
  });

  it('encodes legacy base58check addresses and rejects a broken checksum', () => {
    const program = hex('751e76e8199196d454941c45d1b3a323f1433bd6');
    expect(bitcoinBase58Address(program, 'p2pkh')).toBe('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH');
    expect(bitcoinBase58Address(program, 'p2sh').startsWith('3')).toBe(true);
    expect(isValidBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toBe(true);
    expect(isValidBitcoinAddress('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toBe(true);
    expect(isValidBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')).toBe(false);
  });
});

describe('base58', () => {
  it('round-trips bytes with leading zeros', () => {
    expect(base58Encode(new Uint8Array([0, 0, 1, 2, 3]))).toBe('11Ldp');
    expect(Array.from(base58Decode('11Ldp')!)).toEqual([0, 0, 1, 2, 3]);
    expect(base58Decode('0OIl')).toBeUndefined();
    const random = createRandom(3);
    for (let round = 0; round < 200; round++) {
      const bytes = Uint8Array.from({ length: random.int(0, 70) }, () =>
        random.next() < 0.1 ? 0 : random.int(0, 255),
      );
      expect(Array.from(base58Decode(base58Encode(bytes))!)).toEqual(Array.from(bytes));
    }
  });

  it('decodes base58check into version and payload', () => {
    const decoded = base58CheckDecode('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH')!;
    expect(decoded.version).toBe(0);
    expect(toHex(decoded.payload)).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
  });
});

describe('tron and solana', () => {
  it('validates the USDT contract on tron and rejects a changed character', () => {
    expect(isValidTronAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')).toBe(true);
    expect(isValidTronAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u')).toBe(false);
    expect(tronAddress(new Uint8Array(20)).startsWith('T')).toBe(true);
  });

  it('validates 32-byte base58 keys', () => {
    expect(isValidSolanaAddress('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v')).toBe(true);
    expect(isValidSolanaAddress('11111111111111111111111111111111')).toBe(true);
    expect(isValidSolanaAddress(base58Encode(new Uint8Array(31).fill(200)))).toBe(false);
    expect(isValidSolanaAddress('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1O')).toBe(false);
    expect(solanaAddress(new Uint8Array(32).fill(7)).length).toBeGreaterThanOrEqual(32);
  });
});

describe('generated addresses', () => {
  it('are valid on their chain and recognised by format', () => {
    const factory = new AddressFactory(createRandom(9));
    for (const chain of CHAINS) {
      for (let round = 0; round < 200; round++) {
        const address = factory.address(chain);
        expect(isValidAddress(chain, address), `${chain} ${address}`).toBe(true);
        expect(chainsOfAddress(address)).toContain(chain);
      }
    }
  });

  it('hashes transactions in each chain notation', () => {
    const bytes32 = new Uint8Array(32).fill(171);
    expect(transactionHash('ethereum', bytes32)).toBe(`0x${'ab'.repeat(32)}`);
    expect(transactionHash('bitcoin', bytes32)).toBe('ab'.repeat(32));
    expect(base58Decode(transactionHash('solana', new Uint8Array(64).fill(1)))!.length).toBe(64);
  });
});
