/**
 * The `outlier` scenario: users whose behaviour is unlike everyone else's in the window, found by an
 * Isolation Forest over per-user features computed in the warehouse, each hit explained by the features
 * that isolated it ("average trade size 10,368× the median") and the rows behind those features.
 *
 * The features (thresholds.json `outlier.features`) describe how someone uses the exchange rather than
 * how much: average trade size, assets traded, time-of-day concentration of trades and logins, distinct
 * withdrawal addresses and chains. Volume features (trade count, USD) mostly rediscover the biggest
 * ordinary customers. The forest samples 4,096 users per tree instead of the usual 256: the behaviours
 * worth a look are rarer than one user in 256, so small samples seldom contain one and cannot isolate it
 * better than the edge of the ordinary crowd.
 */
import {
  columnMedians,
  createFeatureMatrix,
  explainRow,
  fitIsolationForest,
  scoreIsolationForest,
} from '../anomaly/index.js';
import { computeBehaviouralFeatures } from './features.js';
import { fingerprintOf, round, SqlParameters, toIso, toNumber, windowPlaceholders } from './sql.js';
import type { RiskThresholds } from './thresholds.js';
import type { EvidenceItem, RiskHit, RiskSource, RiskWindow } from './types.js';

/** Options of {@link runOutlierScan}. */
export interface OutlierScanOptions {
  readonly window: RiskWindow;
  readonly thresholds: RiskThresholds;
  /** How many of the most anomalous users to return (at most `outlier.top`). */
  readonly limit?: number;
}

/** Hits plus what the model saw. */
export interface OutlierScanResult {
  readonly hits: RiskHit[];
  /** Users scored (active in the window). */
  readonly population: number;
  readonly features: readonly string[];
}

/** The rule text of the outlier scenario. */
export function outlierRuleText(thresholds: RiskThresholds): string {
  const config = thresholds.outlier;
  return `The ${config.top} users an Isolation Forest (${config.trees} trees, ${config.max_samples} users per tree, seed ${config.seed}) finds easiest to isolate on ${config.features.join(', ')} over the period, if their anomaly score is at least ${config.min_score}; not a rule, a ranking to review.`;
}

/**
 * Scores every user active in the window and returns the most anomalous ones, explained.
 *
 * @example
 * const { hits } = await runOutlierScan(source, { window, thresholds });
 * hits[0].explanation; // [{ feature: 'avg_trade_usd', text: 'average trade size 10,368× the median', … }]
 */
export async function runOutlierScan(
  source: RiskSource,
  options: OutlierScanOptions,
): Promise<OutlierScanResult> {
  const config = options.thresholds.outlier;
  const { features, rows } = await computeBehaviouralFeatures(source, {
    window: options.window,
    thresholds: options.thresholds,
    features: config.features,
  });
  const names = features.map((feature) => feature.name);
  if (rows.length === 0) return { hits: [], population: 0, features: names };
  const width = features.length;
  const values = new Float64Array(rows.length * width);
  rows.forEach((row, index) => {
    features.forEach((feature, column) => {
      values[index * width + column] = row.values[feature.name] ?? feature.missing;
    });
  });
  const matrix = createFeatureMatrix(values, rows.length, width);
  const forest = fitIsolationForest(matrix, {
    trees: config.trees,
    maxSamples: config.max_samples,
    seed: config.seed,
  });
  const scores = scoreIsolationForest(forest, matrix);
  const medians = columnMedians(matrix);
  const take = Math.min(config.top, options.limit ?? config.top, rows.length);
  // Ties (identical rows) are broken by user id so the ranking is reproducible.
  const order = Array.from({ length: rows.length }, (_, index) => index).sort(
    (a, b) => scores[b]! - scores[a]! || rows[a]!.userId - rows[b]!.userId,
  );
  const top = order.slice(0, take).filter((index) => scores[index]! >= config.min_score);
  const labels = Object.fromEntries(features.map((feature) => [feature.name, feature.label]));
  const explained = top.map((index) => ({
    index,
    explanation: explainRow(forest, values.subarray(index * width, (index + 1) * width), {
      featureNames: names,
      medians,
      labels,
      top: 3,
    }),
  }));
  const evidence = await outlierEvidence(
    source,
    options.window,
    top.map((index) => rows[index]!.userId),
  );
  const month = options.window.end.toISOString().slice(0, 7);
  const rule = outlierRuleText(options.thresholds);
  const hits = explained.map(({ index, explanation }, rank): RiskHit => {
    const row = rows[index]!;
    const groups = new Set(
      explanation.flatMap((item) => features.find((feature) => feature.name === item.feature)?.groups ?? []),
    );
    const items = (evidence.get(row.userId) ?? []).filter(
      (item) =>
        (item.kind === 'trade' && groups.has('trades')) ||
        (item.kind === 'withdrawal' && groups.has('withdrawals')) ||
        (item.kind === 'login' && groups.has('logins')),
    );
    items.sort((a, b) => a.at.localeCompare(b.at));
    const facts: Record<string, number> = {
      rank: rank + 1,
      population: rows.length,
      anomalyScore: round(scores[index]!),
    };
    for (const feature of features)
      facts[feature.name] = round(row.values[feature.name] ?? feature.missing, 3);
    return {
      scenario: 'outlier',
      userId: row.userId,
      score: round(scores[index]!),
      rule,
      reason: `Isolation Forest score ${round(scores[index]!)} (rank ${rank + 1} of ${rows.length} active users): ${explanation.map((item) => item.text).join('; ')}.`,
      facts,
      evidence: items,
      firstAt: items[0]?.at ?? options.window.start.toISOString(),
      lastAt: items.at(-1)?.at ?? options.window.end.toISOString(),
      fingerprint: fingerprintOf('outlier', `user:${row.userId}`, `month:${month}`),
      explanation: explanation.map((item) => ({
        feature: item.feature,
        contribution: round(item.contribution),
        text: item.text,
      })),
    };
  });
  return { hits, population: rows.length, features: names };
}

/** The largest trades and withdrawals and the latest logins of each user in the window (five of each). */
async function outlierEvidence(
  source: RiskSource,
  window: RiskWindow,
  userIds: readonly number[],
): Promise<Map<number, EvidenceItem[]>> {
  const byUser = new Map<number, EvidenceItem[]>();
  if (userIds.length === 0) return byUser;
  const { dialect } = source;
  const parameters = new SqlParameters(dialect);
  const { start, end } = windowPlaceholders(parameters, window);
  const users = parameters.add([...userIds], 'integer[]');
  const rows = await source.query<{
    kind: 'trade' | 'withdrawal' | 'login';
    id: number;
    user_id: number;
    amount_usd: number | null;
    at: string;
    asset: string | null;
    chain: string | null;
    address: string | null;
    country: string | null;
  }>(
    `SELECT * FROM (
  SELECT 'trade' AS kind, trade_id AS id, user_id, notional_usd AS amount_usd, executed_at AS at, asset, NULL AS chain,
    NULL AS address, NULL AS country, ${dialect.rowNumber('user_id', 'notional_usd DESC, trade_id')} AS pick
  FROM trades WHERE ${dialect.inArray('user_id', users)} AND executed_at >= ${start} AND executed_at < ${end}
  UNION ALL
  SELECT 'withdrawal', withdrawal_id, user_id, amount_usd, created_at, asset, chain, to_address, NULL,
    ${dialect.rowNumber('user_id', 'amount_usd DESC, withdrawal_id')}
  FROM withdrawals WHERE ${dialect.inArray('user_id', users)} AND status = 'completed' AND created_at >= ${start} AND created_at < ${end}
  UNION ALL
  SELECT 'login', login_id, user_id, NULL, created_at, NULL, NULL, NULL, country,
    ${dialect.rowNumber('user_id', 'created_at DESC, login_id')}
  FROM logins WHERE ${dialect.inArray('user_id', users)} AND created_at >= ${start} AND created_at < ${end}
) ranked WHERE pick <= 5 ORDER BY user_id, at`,
    parameters.values,
  );
  for (const row of rows) {
    const userId = toNumber(row.user_id);
    let list = byUser.get(userId);
    if (!list) {
      list = [];
      byUser.set(userId, list);
    }
    list.push({
      kind: row.kind,
      id: toNumber(row.id),
      at: toIso(row.at),
      ...(row.amount_usd === null ? {} : { amountUsd: toNumber(row.amount_usd) }),
      ...(row.asset ? { asset: row.asset } : {}),
      ...(row.chain ? { chain: row.chain } : {}),
      ...(row.address ? { address: row.address } : {}),
      ...(row.country ? { country: row.country } : {}),
      note:
        row.kind === 'trade'
          ? 'one of the five largest trades in the period'
          : row.kind === 'withdrawal'
            ? 'one of the five largest withdrawals in the period'
            : 'one of the five latest logins in the period',
    });
  }
  return byUser;
}
