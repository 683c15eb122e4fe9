/**
 * The legacy transaction-monitoring system's alerts (`aml_alerts`): a few per day (growing with the user
 * base), over the whole span, with case-management statuses that depend on age. They give the
 * `aml_alert_count` metric history; they are not the planted ground truth.
 */
import type { Random } from '../../core/random.js';
import type { Population } from './population.js';
import { pickIndex, poisson, roundTo } from './sampling.js';
import { DAY_MS, SPAN_DAYS, type TimeModel } from './time-model.js';

/** Statuses of `aml_alerts.status`. */
export const ALERT_STATUSES = [
  'open',
  'in_review',
  'escalated',
  'closed_false_positive',
  'closed_sar_filed',
] as const;

const SCENARIO_SHARES: readonly (readonly [string, number])[] = [
  ['structuring', 0.22],
  ['rapid_movement', 0.2],
  ['high_risk_jurisdiction', 0.15],
  ['sanctioned_exposure', 0.08],
  ['shared_device', 0.12],
  ['dormant_reactivation', 0.08],
  ['outlier', 0.15],
];

/** A historical alert before it gets an id. */
export interface AlertDraft {
  readonly user: number;
  readonly scenario: string;
  readonly score: number;
  readonly status: string;
  readonly time: number;
}

/** About `4 × scale` alerts a day on average, more as the user base grows. */
export function generateAlerts(
  population: Population,
  time: TimeModel,
  random: Random,
  scale: number,
): AlertDraft[] {
  const alerts: AlertDraft[] = [];
  const growth = Math.log(2.4) / SPAN_DAYS;
  for (let day = 0; day < SPAN_DAYS; day++) {
    const mean = 4 * scale * Math.exp(growth * (day - SPAN_DAYS / 2)) * (day % 7 === 3 ? 0.8 : 1);
    const count = poisson(random, mean);
    for (let index = 0; index < count; index++) {
      const when = time.startMs + (day + random.next()) * DAY_MS;
      if (when >= time.nowMs) continue;
      // Alerts concern users who existed then: users are sorted by sign-up time.
      let low = 0;
      let high = population.count;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (population.created[middle]! < when) low = middle + 1;
        else high = middle;
      }
      if (low === 0) continue;
      const ageDays = (time.nowMs - when) / DAY_MS;
      const statusWeights =
        ageDays < 7
          ? [0.6, 0.35, 0.05, 0, 0]
          : ageDays < 30
            ? [0.1, 0.25, 0.1, 0.5, 0.05]
            : [0, 0, 0.04, 0.86, 0.1];
      alerts.push({
        user: random.int(0, low - 1),
        scenario:
          SCENARIO_SHARES[
            pickIndex(
              random,
              SCENARIO_SHARES.map(([, share]) => share),
            )
          ]![0],
        score: roundTo(0.5 + 0.49 * random.next() ** 1.5, 3),
        status: ALERT_STATUSES[pickIndex(random, statusWeights)]!,
        time: when,
      });
    }
  }
  return alerts.sort((a, b) => a.time - b.time);
}
