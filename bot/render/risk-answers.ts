/**
 * Answers for the risk tools: anomaly_scan, address_profile, alerts_list, and the risk sentences of a
 * user profile. Summaries print only numbers of the result, through the format helpers, so the
 * grounding check can find each one; the reasons in words (with their own figures) go in the tables.
 */

import type { AddressProfileResult } from '../../tools/address-profile.js';
import type { AlertsListResult } from '../../tools/alerts-list.js';
import type { AnomalyScanResult } from '../../tools/anomaly-scan.js';
import type { UserProfileResult } from '../../tools/user-profile.js';
import type { Answer } from './answer.js';
import { formatCount, formatRange, formatUsd } from './format.js';

const words = (scenario: string): string => scenario.replaceAll('_', ' ');
/** '1 transfer', '3 transfers'. */
const counted = (count: number, noun: string, plural = `${noun}s`): string =>
  `${formatCount(count)} ${count === 1 ? noun : plural}`;
const score = (value: number): string => value.toFixed(2);
const minute = (iso: string | null): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** "5 rows." / "Showing the first 5 rows; more exist beyond the limit." */
function rowsSentence(count: number, truncated: boolean): string {
  if (truncated) return `Showing the first ${formatCount(count)} rows; more exist beyond the limit.`;
  return `${formatCount(count)} ${count === 1 ? 'row' : 'rows'}.`;
}

/** The answer to an AML scan: counts per scenario, the top hits, and a table of hits with their reasons. */
export function renderAnomalyScan(result: AnomalyScanResult): Answer {
  const period = formatRange(result.window);
  const title = result.scenario === 'all' ? 'AML scan (all scenarios)' : `${words(result.scenario)} scan`;
  const sentences = [
    `${title[0]!.toUpperCase()}${title.slice(1)}, ${period} (thresholds v${result.thresholdsVersion}): ${formatCount(result.totalHits)} ${result.totalHits === 1 ? 'hit' : 'hits'}${
      result.scenarios.length > 1
        ? ` (${result.scenarios.map((item) => `${words(item.scenario)} ${formatCount(item.hits)}`).join(', ')})`
        : ''
    }.`,
  ];
  if (result.totalHits > 0) {
    sentences.push(
      `Stored as ${formatCount(result.alerts.raised)} new and ${formatCount(result.alerts.updated)} updated alerts.`,
    );
    sentences.push(
      `Highest: ${result.hits
        .slice(0, 3)
        .map(
          (hit) =>
            `user ${hit.userId} (${result.scenario === 'all' ? `${words(hit.scenario)}, ` : ''}score ${score(hit.score)})`,
        )
        .join(', ')}.`,
    );
  } else {
    sentences.push('No user matched.');
  }
  const outlier = result.scenarios.find((item) => item.scenario === 'outlier');
  if (outlier?.population !== undefined) {
    sentences.push(`The outlier model compared ${formatCount(outlier.population)} active users.`);
  }
  sentences.push(rowsSentence(result.hits.length, result.truncated));
  const chart =
    result.scenarios.length > 1
      ? {
          kind: 'bar' as const,
          title: `AML hits by scenario, ${period}`,
          x: { field: 'scenario', title: 'scenario', type: 'nominal' as const },
          y: { field: 'hits', title: 'users flagged', format: 'count' as const },
          data: result.scenarios.map((item) => ({ scenario: words(item.scenario), hits: item.hits })),
        }
      : undefined;
  return {
    summary: sentences.join(' '),
    table: {
      headers: ['scenario', 'user', 'score', 'what happened', 'first', 'last', 'evidence rows', 'alert'],
      rows: result.hits.map((hit) => [
        words(hit.scenario),
        String(hit.userId),
        score(hit.score),
        hit.reason,
        minute(hit.firstAt),
        minute(hit.lastAt),
        formatCount(hit.evidence.length),
        hit.alertId === null ? '' : `${hit.alertId} (${hit.alertStatus})`,
      ]),
      numeric: [false, true, true, false, false, false, true, false],
    },
    chart,
    rowCount: result.hits.length,
    truncated: result.truncated,
    sql: result.sql,
    definitions: result.scenarios.map((item) => `${item.scenario}: ${item.rule}`),
  };
}

/** The answer to an address profile: verdict, labels, totals, exchange users, and the exposure paths. */
export function renderAddressProfile(result: AddressProfileResult): Answer {
  const sentences = [
    // The address itself stays out of the summary: its digits would read as figures; the table has it.
    `The ${result.chain} address (${result.format}): risk ${result.risk.level}, ${result.risk.reason}.`,
  ];
  if (result.labels.length) {
    sentences.push(
      `Labelled ${result.labels.map((label) => `${label.label}${label.name ? ` (${label.name})` : ''}`).join(', ')}.`,
    );
  }
  if (!result.seen) {
    sentences.push('The warehouse has no transfers, labels or exchange users for it.');
  } else {
    const { incoming, outgoing } = result.onChain;
    sentences.push(
      `On-chain: ${counted(incoming.transfers, 'incoming transfer')} of ${formatUsd(incoming.usd)} and ${formatCount(outgoing.transfers)} outgoing of ${formatUsd(outgoing.usd)}${
        result.onChain.firstSeen
          ? `, first seen ${minute(result.onChain.firstSeen)}, last seen ${minute(result.onChain.lastSeen)}`
          : ''
      }.`,
    );
    const exchange = result.exchange;
    sentences.push(
      exchange.users
        ? `${counted(exchange.users, 'exchange user')} touched it: ${counted(exchange.deposits, 'deposit')} of ${formatUsd(exchange.depositUsd)} from it and ${counted(exchange.withdrawals, 'withdrawal')} of ${formatUsd(exchange.withdrawalUsd)} to it (top: user ${exchange.topUsers
            .map((user) => user.userId)
            .slice(0, 3)
            .join(', user ')}).`
        : 'No exchange user deposited from it or withdrew to it.',
    );
  }
  const exposure = result.exposure;
  sentences.push(
    exposure.summary.length
      ? `Exposure within ${formatCount(exposure.maxHops)} hops: ${exposure.summary
          .map(
            (item) =>
              `${item.direction} ${item.label} at ${formatCount(item.nearestHops)} ${item.nearestHops === 1 ? 'hop' : 'hops'}`,
          )
          .join(', ')}.`
      : `No ${exposure.illicitLabels.join('/')} address within ${formatCount(exposure.maxHops)} hops.`,
  );
  if (exposure.capped) {
    sentences.push(
      `Some addresses have more than ${formatCount(exposure.fanOut)} transfers; the walk followed the largest.`,
    );
  }
  return {
    summary: sentences.join(' '),
    table: {
      headers: ['direction', 'label', 'hops', 'path (money flow)', 'USD on first leg'],
      rows: exposure.paths.map((path) => [
        path.direction,
        `${path.label}${path.name ? ` (${path.name})` : ''}`,
        String(path.hops),
        path.path.join(' → '),
        path.transfers[0]?.amountUsd === undefined ? '' : formatUsd(path.transfers[0].amountUsd),
      ]),
      numeric: [false, false, true, false, true],
    },
    chart: undefined,
    rowCount: exposure.paths.length,
    truncated: false,
    sql: result.sql,
    definitions: [
      `address: ${result.address} on ${result.chain}${result.otherChains.length ? ` (also valid on ${result.otherChains.join(', ')})` : ''}`,
      `exposure: directed paths of at most ${exposure.maxHops} on-chain transfers to or from addresses labelled ${exposure.illicitLabels.join(', ')}, following the ${exposure.fanOut} largest transfers of each address and stopping at labelled addresses`,
    ],
  };
}

/** The answer to an alert list. */
export function renderAlertsList(result: AlertsListResult): Answer {
  const scope = `${result.status ? `${result.status} ` : ''}alerts${result.timeRange ? ` seen ${formatRange(result.timeRange)}` : ''}`;
  const { counts } = result;
  const summary = [
    result.alerts.length
      ? `${formatCount(result.alerts.length)} ${scope}${result.truncated ? ' (the newest)' : ''}.`
      : `No ${scope}.`,
    `Overall: ${formatCount(counts.open)} open, ${formatCount(counts.acked)} acked, ${formatCount(counts.resolved)} resolved.`,
    rowsSentence(result.alerts.length, result.truncated),
  ].join(' ');
  return {
    summary,
    table: {
      headers: ['alert', 'status', 'scenario', 'subject', 'score', 'first seen', 'last seen', 'title'],
      rows: result.alerts.map((alert) => [
        String(alert.alertId),
        alert.status,
        words(alert.scenario),
        alert.subject,
        score(alert.score),
        minute(alert.firstSeen),
        minute(alert.lastSeen),
        alert.title,
      ]),
      numeric: [true, false, false, false, true, false, false, false],
    },
    chart: undefined,
    rowCount: result.alerts.length,
    truncated: result.truncated,
    sql: result.sql,
    definitions: [],
  };
}

/** The risk sentences appended to a user profile's summary. */
export function userRiskSentences(result: UserProfileResult): string {
  const risk = result.risk;
  const flags = risk.flags;
  const parts = [
    flags.length
      ? `Risk score ${formatCount(risk.score)} (${risk.level}) from ${formatCount(flags.length)} ${flags.length === 1 ? 'flag' : 'flags'} in the last ${formatCount(risk.windowDays)} days: ${flags
          .slice(0, 3)
          .map(
            (flag) =>
              `${words(flag.scenario)} (score ${score(flag.score)}${flag.alertId === null ? '' : `, alert ${flag.alertId} ${flag.status}`})`,
          )
          .join(', ')}.`
      : `Risk score ${formatCount(risk.score)}: no AML flag in the last ${formatCount(risk.windowDays)} days.`,
    risk.linkedAccounts.length
      ? `${formatCount(risk.linkedAccounts.length)} linked ${risk.linkedAccounts.length === 1 ? 'account' : 'accounts'} (shared devices, IPs or addresses): user ${risk.linkedAccounts
          .slice(0, 3)
          .map((account) => account.userId)
          .join(', user ')}.`
      : 'No linked accounts.',
  ];
  return parts.join(' ');
}

/** Table rows of a user's flags (the evidence in words), for surfaces that show more than the summary. */
export function userRiskTable(result: UserProfileResult): { headers: string[]; rows: string[][] } {
  return {
    headers: ['scenario', 'score', 'what happened', 'first', 'last', 'alert'],
    rows: result.risk.flags.map((flag) => [
      words(flag.scenario),
      score(flag.score),
      flag.reason,
      minute(flag.firstAt),
      minute(flag.lastAt),
      flag.alertId === null ? '' : `${flag.alertId} (${flag.status})`,
    ]),
  };
}
