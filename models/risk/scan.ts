/**
 * Runs AML scenarios over a window: the rules (one statement each) and the outlier model, in one
 * read-only warehouse transaction with the dialect's scan settings. Returns every hit, highest score
 * first, with per-scenario counts and timings.
 */
import type { SqlConnection } from '../../warehouse/connection.js';
import { dialectFor } from '../../warehouse/dialect.js';
import { outlierRuleText, runOutlierScan } from './outlier.js';
import { RULES, ruleText } from './rules.js';
import { defaultRiskConfig, type HighRiskList, type RiskThresholds } from './thresholds.js';
import {
  RISK_SCENARIOS,
  type RiskHit,
  type RiskScenario,
  type RiskSource,
  type RiskWindow,
  RULE_SCENARIOS,
  type RuleScenario,
} from './types.js';

/** Options of {@link runRiskScan}. */
export interface RiskScanOptions {
  /** Scenarios to run, or `all`. */
  readonly scenario: RiskScenario | 'all';
  readonly window: RiskWindow;
  /** Defaults: `models/risk/thresholds.json` and the list it points to. */
  readonly thresholds?: RiskThresholds;
  readonly highRisk?: HighRiskList;
  /** Only these users (rules only; the outlier model needs everyone to compare against). */
  readonly userIds?: readonly number[];
}

/** What one scenario found. */
export interface ScenarioSummary {
  readonly scenario: RiskScenario;
  readonly rule: string;
  readonly hits: number;
  readonly durationMs: number;
  /** Outlier model: users scored. */
  readonly population?: number;
}

/** Hits of a scan, highest score first, and a summary per scenario. */
export interface RiskScanOutcome {
  readonly hits: RiskHit[];
  readonly scenarios: ScenarioSummary[];
  readonly thresholdsVersion: number;
  readonly window: RiskWindow;
}

/** The scenarios `all` stands for (the outlier model is skipped when the scan is limited to users). */
export function scenariosOf(scenario: RiskScenario | 'all', userIds?: readonly number[]): RiskScenario[] {
  if (scenario !== 'all') return [scenario];
  return userIds ? [...RULE_SCENARIOS] : [...RISK_SCENARIOS];
}

/**
 * Runs the scenarios against `source` (inside whatever transaction the caller opened; see
 * {@link inScanTransaction}).
 *
 * @example
 * const outcome = await inScanTransaction(warehouse, (transaction) =>
 *   runRiskScan(plainSource(transaction), { scenario: 'all', window }));
 */
export async function runRiskScan(source: RiskSource, options: RiskScanOptions): Promise<RiskScanOutcome> {
  const defaults = options.thresholds && options.highRisk ? undefined : defaultRiskConfig();
  const thresholds = options.thresholds ?? defaults!.thresholds;
  const highRisk = options.highRisk ?? defaults!.highRisk;
  const hits: RiskHit[] = [];
  const scenarios: ScenarioSummary[] = [];
  for (const scenario of scenariosOf(options.scenario, options.userIds)) {
    const started = performance.now();
    if (scenario === 'outlier') {
      const outcome = await runOutlierScan(source, { window: options.window, thresholds });
      hits.push(...outcome.hits);
      scenarios.push({
        scenario,
        rule: outlierRuleText(thresholds),
        hits: outcome.hits.length,
        durationMs: performance.now() - started,
        population: outcome.population,
      });
      continue;
    }
    const found = await RULES[scenario as RuleScenario](source, {
      window: options.window,
      thresholds,
      highRisk,
      ...(options.userIds ? { userIds: options.userIds } : {}),
    });
    hits.push(...found);
    scenarios.push({
      scenario,
      rule: ruleText(scenario as RuleScenario, thresholds, highRisk),
      hits: found.length,
      durationMs: performance.now() - started,
    });
  }
  hits.sort((a, b) => b.score - a.score || a.userId - b.userId || a.scenario.localeCompare(b.scenario));
  return { hits, scenarios, thresholdsVersion: thresholds.version, window: options.window };
}

/**
 * Runs `work` in a read-only transaction with the dialect's settings for heavy scans (a larger sort
 * memory on PostgreSQL), so the scan cannot write and its settings end with it.
 */
export async function inScanTransaction<T>(
  connection: SqlConnection,
  work: (transaction: SqlConnection) => Promise<T>,
): Promise<T> {
  const dialect = dialectFor(connection.dialect);
  return connection.transaction(
    async (transaction) => {
      for (const setting of dialect.scanSettings) await transaction.exec(setting);
      return work(transaction);
    },
    { readOnly: true },
  );
}

/** A {@link RiskSource} that runs statements on a connection directly (benches, tests, the CLI). */
export function plainSource(connection: SqlConnection): RiskSource {
  return {
    dialect: dialectFor(connection.dialect),
    query: async <Row>(sql: string, params: readonly unknown[]) =>
      (await connection.query<Row>(sql, params)).rows,
  };
}
