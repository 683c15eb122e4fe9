import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // PGlite instances are memory-hungry WASM heaps; two workers match the two-core machines.
    maxWorkers: 2,
    typecheck: { enabled: true, include: ['tests/**/*.test-d.ts'] },
  },
});
