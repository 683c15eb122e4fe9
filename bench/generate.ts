/**
 * `npm run bench -- generate [--scale 1] [--seed 42]`: generates the demo warehouse into a fresh
 * embedded store in a temporary directory and prints the total seconds, the seconds of each phase
 * (in-memory simulation, COPY, index builds, ANALYZE), and per table the rows, load seconds and rows/s.
 * Wall times depend on what else runs on the machine, so CPU seconds of this process are printed next
 * to them, with the load average.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
  const cpuSince = (mark: NodeJS.CpuUsage): number => {
    const used = process.cpuUsage(mark);
    return (used.user + used.system) / 1e6;
  };
  const loadBefore = loadavg()[0]!;
  try {
    const tables: { table: string; rows: number; seconds: number; cpu: number }[] = [];
    const phases: { phase: string; seconds: number; cpu: number }[] = [];
    const start = process.cpuUsage();
    let tableMark = process.cpuUsage();
    let phaseMark = process.cpuUsage();
    const result = await generateDemoWarehouse(connection, {
      scale,
      seed,
      now: new Date('2026-11-24T12:00:00Z'),
      feedbackCsvPath: resolve(SHARED_DIR, 'data/banking77/train.csv'),
      onTableLoaded: (table, rows, seconds) => {
        tables.push({ table, rows, seconds, cpu: cpuSince(tableMark) });
        tableMark = process.cpuUsage();
      },
      onPhaseDone: (phase, seconds) => {
        phases.push({ phase, seconds, cpu: cpuSince(phaseMark) });
        phaseMark = process.cpuUsage();
        tableMark = process.cpuUsage();
      },
    });
    const cpu = cpuSince(start);
    const total = Object.values(result.counts).reduce((sum, count) => sum + count, 0);
    const seconds = result.durationMs / 1000;
    const lines = [
      `demo generation, scale ${scale}, seed ${seed}, embedded PGlite (data directory ${directory})`,
      `total: ${seconds.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, ${total.toLocaleString('en-US')} rows, ${Math.round(total / seconds).toLocaleString('en-US')} rows/s`,
      `load average (1 min) before ${loadBefore.toFixed(1)}, after ${loadavg()[0]!.toFixed(1)}, on ${(await import('node:os')).cpus().length} cores`,
      '',
      'phase            wall s    CPU s',
      ...phases.map(
        (item) =>
          `${item.phase.padEnd(14)} ${item.seconds.toFixed(1).padStart(8)} ${item.cpu.toFixed(1).padStart(8)}`,
      ),
      '',
      'table                               rows   load s    CPU s       rows/s',
      ...tables.map(
        (item) =>
          `${item.table.padEnd(30)} ${String(item.rows).padStart(10)} ${item.seconds.toFixed(2).padStart(8)} ${item.cpu.toFixed(2).padStart(8)} ${Math.round(
            item.rows / Math.max(item.seconds, 1e-6),
          )
            .toLocaleString('en-US')
            .padStart(12)}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await connection.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
