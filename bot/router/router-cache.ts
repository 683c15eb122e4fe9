/**
 * A small content-addressed file cache for what the offline router computes at start-up: the exemplar
 * vectors (about 0.9 s of transformer CPU time) and the LSA model fitted on the exemplars (about 1 s).
 * Keys are hashes of everything the bytes depend on, so a changed exemplar or model never reads stale
 * bytes; a cache that cannot be read or written is simply not used.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Bytes by key. */
export interface RouterCache {
  read(key: string): Uint8Array | undefined;
  write(key: string, bytes: Uint8Array): void;
}

/** The default cache folder: `cache/` inside the embedded data directory (`ANALYST_DATA_DIR`, default ./.analyst). */
export function defaultRouterCacheDir(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return resolve(environment['ANALYST_DATA_DIR'] || '.analyst', 'cache');
}

/** A stable key: the hex SHA-256 of the parts, shortened (collisions are not a concern at this size). */
export function cacheKey(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex').slice(0, 24);
}

/**
 * A cache in a folder, created on first write. Writes go to a temporary file renamed into place, so two
 * processes starting together never read half a file.
 */
export function createFileRouterCache(directory: string): RouterCache {
  const path = (key: string) => join(directory, `router-${key.replace(/[^\w.-]/g, '_')}.bin`);
  return {
    read(key) {
      try {
        return new Uint8Array(readFileSync(path(key)));
      } catch {
        return undefined;
      }
    },
    write(key, bytes) {
      try {
        mkdirSync(directory, { recursive: true });
        const temporary = `${path(key)}.${process.pid}.tmp`;
        writeFileSync(temporary, bytes);
        renameSync(temporary, path(key));
      } catch {
        // A read-only or full disk only costs the next start-up the time the cache would have saved.
      }
    },
  };
}

/** Float32 rows as bytes (the cached form of exemplar vectors). */
export function vectorsToBytes(vectors: readonly Float32Array[]): Uint8Array {
  const dimensions = vectors[0]?.length ?? 0;
  const flat = new Float32Array(vectors.length * dimensions);
  for (const [row, vector] of vectors.entries()) flat.set(vector, row * dimensions);
  return new Uint8Array(flat.buffer);
}

/** Bytes back to `count` rows of `dimensions`, or undefined when the length does not fit. */
export function bytesToVectors(
  bytes: Uint8Array,
  count: number,
  dimensions: number,
): Float32Array[] | undefined {
  if (bytes.byteLength !== count * dimensions * 4) return undefined;
  const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return Array.from({ length: count }, (_, row) => flat.subarray(row * dimensions, (row + 1) * dimensions));
}
