/**
 * What the risk scans produce: hits with their evidence, in the shape an investigator's case file and
 * the alert store need. Everything here is plain data (JSON-safe), so hits can be stored as jsonb and
 * returned by tools unchanged.
 */
import type { SqlDialect } from '../../warehouse/dialect.js';

/** The rule scenarios (DESIGN.md `anomaly_scan.scenario`), without `outlier` and `all`. */
export const RULE_SCENARIOS = [
  'structuring',
  'rapid_movement',
  'dormant_reactivation',
  'high_risk_jurisdiction',
  'sanctioned_exposure',
  'shared_device',
] as const;
/** One rule scenario. */
export type RuleScenario = (typeof RULE_SCENARIOS)[number];

/** Every scenario a scan can run. */
export const RISK_SCENARIOS = [...RULE_SCENARIOS, 'outlier'] as const;
/** A rule scenario or the outlier model. */
export type RiskScenario = (typeof RISK_SCENARIOS)[number];

/** A row behind a hit: a transaction, a login, an on-chain transfer, or a point in time. */
export interface EvidenceItem {
  readonly kind: 'deposit' | 'withdrawal' | 'trade' | 'login' | 'chain_transfer' | 'activity';
  /** The row's id in its table (`deposit_id`, `login_id`, …); absent for an `activity` marker. */
  readonly id?: number;
  /** ISO timestamp, UTC. */
  readonly at: string;
  readonly amountUsd?: number;
  readonly asset?: string;
  readonly chain?: string;
  /** The counterparty address of a transfer (deposit source, withdrawal destination, chain hop). */
  readonly address?: string;
  readonly toAddress?: string;
  readonly ip?: string;
  readonly device?: string;
  readonly country?: string;
  /** Why this row is evidence, in words ("withdrew 96.2% of it 41 minutes later"). */
  readonly note?: string;
}

/** One flagged user in one scenario. */
export interface RiskHit {
  readonly scenario: RiskScenario;
  readonly userId: number;
  /** 0–1, higher = more serious (see each scenario for how it is built). */
  readonly score: number;
  /** The rule, in words, with its thresholds. */
  readonly rule: string;
  /** What this user did, in words. */
  readonly reason: string;
  /** The key figures of the hit (counts, sums, hours), as numbers. */
  readonly facts: Readonly<Record<string, number>>;
  /** The rows that triggered the hit, oldest first. */
  readonly evidence: readonly EvidenceItem[];
  /** First and last evidence time (ISO). */
  readonly firstAt: string;
  readonly lastAt: string;
  /** Deduplication key of the alert this hit raises (same pattern → same fingerprint on every rescan). */
  readonly fingerprint: string;
  /** Outlier hits: the features that isolated the user. */
  readonly explanation?: readonly { feature: string; contribution: number; text: string }[];
}

/** A half-open UTC window [start, end). */
export interface RiskWindow {
  readonly start: Date;
  readonly end: Date;
}

/** Runs one statement and returns its rows; tools pass an audited runner, benches a plain one. */
export type RiskQuery = <Row = Record<string, unknown>>(
  sql: string,
  params: readonly unknown[],
) => Promise<Row[]>;

/** Where a scan reads from. */
export interface RiskSource {
  readonly query: RiskQuery;
  readonly dialect: SqlDialect;
}
