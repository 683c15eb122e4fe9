/**
 * `npm run bench -- risk [--db DIR] [--regenerate] [--runs 3]`
 *
 * Figures of the risk issue on the embedded store at default scale (the demo warehouse of the metrics
 * bench, generated with seed 42 when missing):
 * - precision and recall of each rule scenario against `ground_truth.aml_cases` over the generator's
 *   window, and how many planted near misses were flagged (targets ≥ 0.9, ≥ 0.9, 0);
 * - precision@50 of the outlier model against `ground_truth.outliers` (target ≥ 0.8);
 * - the wall time of a full scan of all scenarios (target ≤ 10 s), with the CPU time of this process
 *   (PGlite runs in it) to show what the machine's load adds, and the same scan through the
 *   anomaly_scan tool (audit log and alert storage included);
 * - address_profile latency on a few addresses.
 * Only this bench reads the ground truth; the scan never does.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDemo, warehouseIsLoaded } from '../bot/cli/runtime.js';
import { PROJECT_ROOT } from '../core/config.js';
import { createRandom } from '../core/random.js';
import {
  defaultRiskConfig,
  inScanTransaction,
  plainSource,
  profileAddress,
  type RiskScanOutcome,
  RULE_SCENARIOS,
  runRiskScan,
} from '../models/risk/index.js';
import { anomalyScanTool } from '../tools/anomaly-scan.js';
import { openStores } from '../warehouse/stores.js';

const NOW = new Date('2026-11-24T12:00:00Z');

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export default async function riskBench(args: string[]): Promise<void> {
  const dataDir = resolve(option(args, 'db') ?? join(PROJECT_ROOT, '.analyst-bench'));
  const runs = Number(option(args, 'runs') ?? 3);
  if (args.includes('--regenerate')) rmSync(dataDir, { recursive: true, force: true });
  const stores = await openStores({ dataDir });
  try {
    if (!(await warehouseIsLoaded(stores))) {
      const started = performance.now();
      await generateDemo(stores, { scale: 1, seed: 42, now: NOW });
      console.log(
        `demo generation (scale 1, seed 42): ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const warehouse = stores.warehouse;
    const metadata = Object.fromEntries(
      (
        await warehouse.query<{ key: string; value: string }>('SELECT key, value FROM demo_metadata')
      ).rows.map((row) => [row.key, row.value]),
    );
    const now = new Date(metadata['now'] ?? NOW.toISOString());
    const window = {
      start: new Date(metadata['aml_window_start'] ?? now.getTime() - 90 * 86_400_000),
      end: now,
    };
    console.log(
      `risk bench on ${dataDir} (scale ${metadata['scale']}, seed ${metadata['seed']}), window ${window.start.toISOString()} – ${window.end.toISOString()}, thresholds v${defaultRiskConfig().thresholds.version}`,
    );

    // Full scans: wall and CPU time.
    let outcome: RiskScanOutcome | undefined;
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      outcome = await inScanTransaction(warehouse, (transaction) =>
        runRiskScan(plainSource(transaction), { scenario: 'all', window }),
      );
      walls.push((performance.now() - started) / 1000);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1e6);
    }
    const result = outcome!;

    // Quality against the planted truth.
    const truth = (
      await warehouse.query<{ user_id: number; scenario: string }>(
        'SELECT user_id, scenario FROM ground_truth.aml_cases',
      )
    ).rows;
    const nearMisses = (
      await warehouse.query<{ user_id: number; scenario: string }>(
        'SELECT user_id, scenario FROM ground_truth.aml_near_misses',
      )
    ).rows;
    console.log('scenario                  hits  planted  precision  recall  near misses flagged  seconds');
    let allPass = true;
    for (const scenario of RULE_SCENARIOS) {
      const planted = new Set(truth.filter((row) => row.scenario === scenario).map((row) => row.user_id));
      const found = new Set(result.hits.filter((hit) => hit.scenario === scenario).map((hit) => hit.userId));
      const truePositives = [...found].filter((user) => planted.has(user)).length;
      const precision = found.size ? truePositives / found.size : 0;
      const recall = planted.size ? truePositives / planted.size : 0;
      const misses = nearMisses.filter((row) => row.scenario === scenario && found.has(row.user_id)).length;
      const seconds = (result.scenarios.find((item) => item.scenario === scenario)?.durationMs ?? 0) / 1000;
      allPass &&= precision >= 0.9 && recall >= 0.9;
      console.log(
        `${scenario.padEnd(24)} ${String(found.size).padStart(5)} ${String(planted.size).padStart(8)} ${precision.toFixed(3).padStart(10)} ${recall.toFixed(3).padStart(7)} ${String(misses).padStart(20)} ${seconds.toFixed(2).padStart(8)}`,
      );
    }
    const outliers = new Set(
      (await warehouse.query<{ user_id: number }>('SELECT user_id FROM ground_truth.outliers')).rows.map(
        (row) => row.user_id,
      ),
    );
    const ranked = result.hits.filter((hit) => hit.scenario === 'outlier');
    const top = ranked.slice(0, 50);
    const precisionAt50 = top.filter((hit) => outliers.has(hit.userId)).length / 50;
    const outlierSummary = result.scenarios.find((item) => item.scenario === 'outlier');
    console.log(
      `outlier                  ${String(ranked.length).padStart(5)} ${String(outliers.size).padStart(8)}  precision@50 ${precisionAt50.toFixed(2)} (target ≥ 0.8) over ${outlierSummary?.population ?? 0} active users, ${((outlierSummary?.durationMs ?? 0) / 1000).toFixed(2)} s`,
    );
    console.log(`rule scenarios: precision and recall ≥ 0.9 for each: ${allPass ? 'yes' : 'NO'}`);
    console.log(
      `full scan of all scenarios (${runs} runs): median ${median(walls).toFixed(2)} s wall (first ${walls[0]!.toFixed(2)} s, target ≤ 10 s), median ${median(cpus).toFixed(2)} s CPU of this process; load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
    );

    // The same scan through the tool: audit log, alert upsert and result shaping included.
    const started = performance.now();
    const audit = { async record() {} };
    const scan = await anomalyScanTool.run(
      anomalyScanTool.input.parse({
        scenario: 'all',
        time_range: { start: window.start.toISOString(), end: window.end.toISOString() },
      }),
      {
        warehouse,
        app: stores.app,
        now,
        random: createRandom(42),
        asker: { id: 'bench', role: 'compliance', surface: 'bench' },
        audit,
        maxRows: 1000,
        statementTimeoutMs: 60_000,
      },
    );
    console.log(
      `anomaly_scan tool, all scenarios: ${((performance.now() - started) / 1000).toFixed(2)} s, ${scan.totalHits} hits, alerts ${scan.alerts.raised} new / ${scan.alerts.updated} updated, ${scan.sql.length} statements`,
    );

    // Address profiles: the addresses behind a few sanctioned-exposure hits, and a hot wallet.
    const addresses = [
      ...new Set(
        result.hits
          .filter((hit) => hit.scenario === 'sanctioned_exposure')
          .flatMap((hit) =>
            hit.evidence.filter((item) => item.kind !== 'chain_transfer').map((item) => item.address),
          )
          .filter((address): address is string => address !== undefined),
      ),
    ].slice(0, 8);
    const hotWallet = (
      await warehouse.query<{ address: string }>(
        "SELECT address FROM address_labels WHERE label = 'exchange' AND source = 'internal' ORDER BY chain, address LIMIT 1",
      )
    ).rows[0]?.address;
    if (hotWallet) addresses.push(hotWallet);
    const { thresholds } = defaultRiskConfig();
    const latencies: number[] = [];
    let exposed = 0;
    for (const address of addresses) {
      const profileStarted = performance.now();
      const profile = await profileAddress(plainSource(warehouse), { address, thresholds });
      latencies.push(performance.now() - profileStarted);
      if (profile.exposure.paths.length > 0 || profile.labels.length > 0) exposed++;
    }
    console.log(
      `address_profile on ${addresses.length} addresses: median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; ${exposed} with a label or an exposure path within ${thresholds.address_profile.max_hops} hops`,
    );
  } finally {
    await stores.close();
  }
}
