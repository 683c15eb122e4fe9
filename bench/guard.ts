/**
 * SQL guard figures: blocked rate on the hostile corpus, allowed rate on the legitimate one, and the
 * guard's own overhead per statement (p50/p95/max of `checkSql`, parse + walk + LIMIT rewrite).
 *
 * `npm run bench -- guard [--rounds 20] [--role analyst]`
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSql, createGuardPolicy } from '../warehouse/guard/index.js';

interface CorpusLine {
  readonly id: string;
  readonly sql: string;
}

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../tests/fixtures/sql');

function readCorpus(name: string): CorpusLine[] {
  return readFileSync(resolve(fixtures, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusLine);
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index]!;
}

function option(args: readonly string[], name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1]! : fallback;
}

/** Prints the guard's figures. */
export default async function guardBench(args: string[]): Promise<void> {
  const rounds = Math.max(1, Number(option(args, 'rounds', '20')));
  const policy = createGuardPolicy({ role: option(args, 'role', 'analyst') });
  const hostile = readCorpus('hostile.jsonl');
  const legit = readCorpus('legit.jsonl');

  const blocked = hostile.filter((line) => !checkSql(line.sql, policy).allowed);
  const allowed = legit.filter((line) => checkSql(line.sql, policy).allowed);
  const missed = hostile.filter((line) => checkSql(line.sql, policy).allowed).map((line) => line.id);
  const refused = legit.filter((line) => !checkSql(line.sql, policy).allowed).map((line) => line.id);

  // Warm-up: the first calls pay for JIT compilation, not for the guard's work.
  for (const line of [...hostile, ...legit]) checkSql(line.sql, policy);
  // Wall time is what a caller waits; CPU time is the guard's own cost. They differ when other
  // processes compete for the cores (the load average is printed so the figures can be judged).
  const cpuSamples: number[] = [];
  const timings = (corpus: readonly CorpusLine[]): Float64Array => {
    const samples = new Float64Array(corpus.length * rounds);
    let index = 0;
    for (let round = 0; round < rounds; round++) {
      for (const line of corpus) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        checkSql(line.sql, policy);
        samples[index++] = performance.now() - start;
        const cpu = process.cpuUsage(cpuStart);
        cpuSamples.push((cpu.user + cpu.system) / 1000);
      }
    }
    return samples.sort();
  };
  const report = (label: string, samples: Float64Array): string =>
    `${label.padEnd(8)} n=${String(samples.length).padStart(6)}  p50=${percentile(samples, 0.5).toFixed(3)} ms  p95=${percentile(samples, 0.95).toFixed(3)} ms  p99=${percentile(samples, 0.99).toFixed(3)} ms  max=${samples[samples.length - 1]!.toFixed(3)} ms`;
  const hostileTimes = timings(hostile);
  const legitTimes = timings(legit);
  const both = new Float64Array(hostileTimes.length + legitTimes.length);
  both.set(hostileTimes);
  both.set(legitTimes, hostileTimes.length);
  both.sort();

  const cpu = Float64Array.from(cpuSamples).sort();
  const lines = [
    `SQL guard (role ${policy.role}, max rows ${policy.maxRows}, ${rounds} rounds, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} on ${cpus().length} cores)`,
    `hostile blocked: ${blocked.length}/${hostile.length} = ${((100 * blocked.length) / hostile.length).toFixed(1)}%${missed.length ? `  MISSED: ${missed.join(', ')}` : ''}`,
    `legit allowed:   ${allowed.length}/${legit.length} = ${((100 * allowed.length) / legit.length).toFixed(1)}%${refused.length ? `  REFUSED: ${refused.join(', ')}` : ''}`,
    report('hostile', hostileTimes),
    report('legit', legitTimes),
    report('all', both),
    report('all cpu', cpu),
    `guard overhead p95 ≤ 2 ms: ${percentile(both, 0.95) <= 2 ? 'yes' : 'NO'} (wall), ${percentile(cpu, 0.95) <= 2 ? 'yes' : 'NO'} (cpu)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
