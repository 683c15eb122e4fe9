/**
 * Discord signs every interaction it POSTs: `X-Signature-Ed25519` is the Ed25519 signature of
 * `X-Signature-Timestamp + raw body` under the application's public key. Requests that fail the check
 * must get 401 (Discord itself sends bad signatures to test the endpoint before accepting its URL).
 * Node's crypto verifies Ed25519 natively, so no extra package is needed.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { ConfigurationError } from '../../core/errors.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Verifies interaction signatures. */
export interface InteractionVerifier {
  /**
   * True when `signature` (hex) signs `timestamp + body` and the timestamp (Unix seconds) is within the
   * allowed skew of `nowMs` (replayed requests fail).
   */
  verify(signature: string, timestamp: string, body: Buffer, nowMs?: number): boolean;
}

/**
 * Creates a verifier for `DISCORD_PUBLIC_KEY` (64 hex characters).
 *
 * @param maxSkewSeconds how old (or how far ahead) a timestamp may be; default 300 s.
 */
export function createInteractionVerifier(publicKeyHex: string, maxSkewSeconds = 300): InteractionVerifier {
  if (!/^[0-9a-fA-F]{64}$/.test(publicKeyHex)) {
    throw new ConfigurationError(
      'DISCORD_PUBLIC_KEY',
      'should be the 64-hex-character public key of the Discord application (General Information → Public Key)',
    );
  }
  const key: KeyObject = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  return {
    verify(signature, timestamp, body, nowMs = Date.now()) {
      if (!/^[0-9a-fA-F]{128}$/.test(signature) || !/^\d{1,12}$/.test(timestamp)) return false;
      if (Math.abs(nowMs / 1000 - Number(timestamp)) > maxSkewSeconds) return false;
      try {
        return verify(
          null,
          Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
          key,
          Buffer.from(signature, 'hex'),
        );
      } catch {
        return false;
      }
    },
  };
}
