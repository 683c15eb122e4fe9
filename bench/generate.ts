/**
 * `npm run bench -- generate [--scale 1] [--seed 42]`: generates the demo warehouse into a fresh
 * embedded store in a temporary directory and prints the total seconds and, per table, rows and the
 * rows per second of its load (the in-memory simulation is timed separately).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SHARED_DIR } from '../core/config.js';
import { generateDemoWarehouse } from '../warehouse/demo/generate.js';
import { createPgliteConnection } from '../warehouse/pglite-connection.js';

export default async function generateBench(args: string[]): Promise<void> {
  const option = (name: string, fallback: number): number => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? Number(args[index + 1]) : fallback;
  };
  const scale = option('scale', 1);
  const seed = option('seed', 42);
  const directory = mkdtempSync(join(tmpdir(), 'analyst-demo-bench-'));
  const connection = await createPgliteConnection({ dataDir: directory });
  try {
    const timings: { table: string; rows: number; seconds: number }[] = [];
    const result = await generateDemoWarehouse(connection, {
      scale,
      seed,
      now: new Date('2026-11-24T12:00:00Z'),
      feedbackCsvPath: resolve(SHARED_DIR, 'data/banking77/train.csv'),
      onTableLoaded: (table, rows, seconds) => timings.push({ table, rows, seconds }),
    });
    const total = Object.values(result.counts).reduce((sum, count) => sum + count, 0);
    process.stdout.write(`demo generation, scale ${scale}, seed ${seed}, embedded PGlite in ${directory}\n`);
    process.stdout.write(
      `total: ${(result.durationMs / 1000).toFixed(1)} s for ${total.toLocaleString('en-US')} rows (${Math.round(total / (result.durationMs / 1000)).toLocaleString('en-US')} rows/s overall)\n`,
    );
    process.stdout.write(
      `phases: ${Object.entries(result.phases)
        .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
        .join(', ')}\n`,
    );
    process.stdout.write('table                          rows       load s     rows/s\n');
    for (const { table, rows, seconds } of timings) {
      process.stdout.write(
        `${table.padEnd(30)} ${String(rows).padStart(10)} ${seconds.toFixed(2).padStart(8)} ${Math.round(
          rows / Math.max(seconds, 1e-6),
        )
          .toLocaleString('en-US')
          .padStart(11)}\n`,
      );
    }
    process.stdout.write(
      `load average while running: ${(await import('node:os'))
        .loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} (2 cores shared)\n`,
    );
  } finally {
    await connection.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
