/**
 * The risk section of a user profile: a 0–100 risk score from the user's flags (the rule scenarios run
 * live for this one user over the last 90 days, plus alerts still open or acked in the app database,
 * which include outlier hits of earlier scans), the flags with their evidence, the behavioural
 * features, and the accounts linked to this one through shared devices, IPs or on-chain addresses.
 */
import { type AlertStatus, listRiskAlerts } from './alert-store.js';
import { BEHAVIOURAL_FEATURES, computeBehaviouralFeatures } from './features.js';
import { runRiskScan } from './scan.js';
import { round, SqlParameters, toNumber } from './sql.js';
import type { HighRiskList, RiskThresholds } from './thresholds.js';
import type { EvidenceItem, RiskQuery, RiskSource } from './types.js';

/** Days of history the risk section looks at. */
export const USER_RISK_WINDOW_DAYS = 90;
/** A device, IP or address shared by more accounts than this is infrastructure (a café, an exchange), not a link. */
export const MAX_ACCOUNTS_PER_LINK = 25;

/** One flag on the user. */
export interface UserRiskFlag {
  readonly scenario: string;
  readonly score: number;
  readonly rule: string;
  readonly reason: string;
  readonly facts: Readonly<Record<string, number>>;
  /** The first rows of evidence (at most 10). */
  readonly evidence: readonly EvidenceItem[];
  readonly evidenceCount: number;
  readonly firstAt: string;
  readonly lastAt: string;
  /** `scan`: found now; `alert`: an earlier alert still open or acked. */
  readonly source: 'scan' | 'alert';
  readonly alertId: number | null;
  readonly status: AlertStatus | null;
  readonly fingerprint: string;
}

/** An account linked to the user. */
export interface LinkedAccount {
  readonly userId: number;
  readonly devices: readonly string[];
  readonly ips: readonly string[];
  readonly addresses: readonly string[];
  readonly links: number;
}

/** The risk section. */
export interface UserRiskSection {
  /** 0–100: 100 × (1 − Π(1 − s)) over the highest flag score of each scenario. */
  readonly score: number;
  readonly level: 'high' | 'medium' | 'low' | 'none';
  readonly windowDays: number;
  readonly thresholdsVersion: number;
  readonly flags: readonly UserRiskFlag[];
  readonly features: readonly { name: string; label: string; unit: string; value: number | null }[];
  readonly linkedAccounts: readonly LinkedAccount[];
  /** Devices, IPs and addresses left out of the links because too many accounts share them. */
  readonly commonValuesSkipped: number;
}

/** Options of {@link userRiskSection}. */
export interface UserRiskOptions {
  readonly userId: number;
  readonly now: Date;
  readonly thresholds: RiskThresholds;
  readonly highRisk: HighRiskList;
}

/**
 * Builds the risk section of one user: warehouse reads through `warehouse`, alert reads through `app`.
 *
 * @example
 * const risk = await userRiskSection(source, appQuery, { userId: 48213, now, thresholds, highRisk });
 * risk.score; // 87
 */
export async function userRiskSection(
  warehouse: RiskSource,
  app: RiskQuery,
  options: UserRiskOptions,
): Promise<UserRiskSection> {
  const window = {
    start: new Date(options.now.getTime() - USER_RISK_WINDOW_DAYS * 86_400_000),
    end: options.now,
  };
  const scan = await runRiskScan(warehouse, {
    scenario: 'all',
    window,
    thresholds: options.thresholds,
    highRisk: options.highRisk,
    userIds: [options.userId],
  });
  const alerts = await listRiskAlerts(app, { userId: options.userId, withEvidence: true, limit: 50 });
  const byFingerprint = new Map(alerts.map((alert) => [alert.fingerprint, alert]));
  const flags: UserRiskFlag[] = [];
  for (const hit of scan.hits) {
    const alert = byFingerprint.get(hit.fingerprint);
    // A pattern someone already resolved stays resolved; it is not a flag any more.
    if (alert?.status === 'resolved') continue;
    flags.push({
      scenario: hit.scenario,
      score: hit.score,
      rule: hit.rule,
      reason: hit.reason,
      facts: hit.facts,
      evidence: hit.evidence.slice(0, 10),
      evidenceCount: hit.evidence.length,
      firstAt: hit.firstAt,
      lastAt: hit.lastAt,
      source: 'scan',
      alertId: alert?.alertId ?? null,
      status: alert?.status ?? null,
      fingerprint: hit.fingerprint,
    });
  }
  for (const alert of alerts) {
    if (alert.status === 'resolved' || flags.some((flag) => flag.fingerprint === alert.fingerprint)) continue;
    const stored = (alert.evidence ?? {}) as {
      reason?: string;
      facts?: Record<string, number>;
      evidence?: EvidenceItem[];
      firstAt?: string;
      lastAt?: string;
    };
    flags.push({
      scenario: alert.scenario,
      score: alert.score,
      rule: alert.rule,
      reason: stored.reason ?? alert.title,
      facts: stored.facts ?? {},
      evidence: (stored.evidence ?? []).slice(0, 10),
      evidenceCount: stored.evidence?.length ?? 0,
      firstAt: stored.firstAt ?? alert.firstSeen,
      lastAt: stored.lastAt ?? alert.lastSeen,
      source: 'alert',
      alertId: alert.alertId,
      status: alert.status,
      fingerprint: alert.fingerprint,
    });
  }
  flags.sort((a, b) => b.score - a.score || a.scenario.localeCompare(b.scenario));
  const best = new Map<string, number>();
  for (const flag of flags) best.set(flag.scenario, Math.max(best.get(flag.scenario) ?? 0, flag.score));
  const score = Math.round(
    100 * (1 - [...best.values()].reduce((product, value) => product * (1 - value), 1)),
  );
  const level = score >= 70 ? 'high' : score >= 40 ? 'medium' : score > 0 ? 'low' : 'none';

  const { rows } = await computeBehaviouralFeatures(warehouse, {
    window,
    thresholds: options.thresholds,
    userIds: [options.userId],
  });
  const values = rows[0]?.values ?? {};
  const features = BEHAVIOURAL_FEATURES.map((feature) => ({
    name: feature.name,
    label: feature.label,
    unit: feature.unit,
    value:
      values[feature.name] === null || values[feature.name] === undefined
        ? null
        : round(values[feature.name]!, 3),
  }));

  const linked = await linkedAccounts(warehouse, options.userId);
  return {
    score,
    level,
    windowDays: USER_RISK_WINDOW_DAYS,
    thresholdsVersion: options.thresholds.version,
    flags,
    features,
    linkedAccounts: linked.accounts,
    commonValuesSkipped: linked.skipped,
  };
}

/** Accounts sharing a login device, a login IP or an on-chain address (deposit source, withdrawal destination) with the user. */
export async function linkedAccounts(
  source: RiskSource,
  userId: number,
  limit = 20,
): Promise<{ accounts: LinkedAccount[]; skipped: number }> {
  const { dialect } = source;
  const parameters = new SqlParameters(dialect);
  const user = parameters.add(userId, 'integer');
  const rows = await source.query<{
    via: 'device' | 'ip' | 'address';
    value: string;
    user_id: number;
    accounts: number;
  }>(
    `WITH own_devices AS (SELECT DISTINCT device_id FROM logins WHERE user_id = ${user}),
own_ips AS (SELECT DISTINCT ip FROM logins WHERE user_id = ${user}),
own_addresses AS (
  SELECT chain, from_address AS address FROM deposits WHERE user_id = ${user} AND from_address IS NOT NULL
  UNION SELECT chain, to_address FROM withdrawals WHERE user_id = ${user} AND to_address IS NOT NULL
),
shared AS (
  SELECT DISTINCT 'device' AS via, l.device_id AS value, l.user_id FROM logins l JOIN own_devices o ON o.device_id = l.device_id
  UNION
  SELECT DISTINCT 'ip', l.ip, l.user_id FROM logins l JOIN own_ips o ON o.ip = l.ip
  UNION
  SELECT DISTINCT 'address', x.address, x.user_id FROM (
    SELECT user_id, chain, from_address AS address FROM deposits
    UNION ALL SELECT user_id, chain, to_address FROM withdrawals
  ) x JOIN own_addresses o ON o.chain = x.chain AND o.address = x.address
)
SELECT s.via, s.value, s.user_id, COUNT(*) OVER (PARTITION BY s.via, s.value) AS accounts
FROM shared s ORDER BY s.via, s.value, s.user_id`,
    parameters.values,
  );
  const accounts = new Map<number, { devices: Set<string>; ips: Set<string>; addresses: Set<string> }>();
  const skippedValues = new Set<string>();
  for (const row of rows) {
    const other = toNumber(row.user_id);
    if (toNumber(row.accounts) > MAX_ACCOUNTS_PER_LINK) {
      skippedValues.add(`${row.via}:${row.value}`);
      continue;
    }
    if (other === userId) continue;
    let entry = accounts.get(other);
    if (!entry) {
      entry = { devices: new Set(), ips: new Set(), addresses: new Set() };
      accounts.set(other, entry);
    }
    (row.via === 'device' ? entry.devices : row.via === 'ip' ? entry.ips : entry.addresses).add(row.value);
  }
  const list = [...accounts].map(
    ([other, entry]): LinkedAccount => ({
      userId: other,
      devices: [...entry.devices],
      ips: [...entry.ips],
      addresses: [...entry.addresses],
      links: entry.devices.size + entry.ips.size + entry.addresses.size,
    }),
  );
  list.sort((a, b) => b.links - a.links || a.userId - b.userId);
  return { accounts: list.slice(0, limit), skipped: skippedValues.size };
}
