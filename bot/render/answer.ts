import type { AddressProfileResult } from '../../tools/address-profile.js';
import type { AlertsListResult } from '../../tools/alerts-list.js';
import type { AnomalyScanResult } from '../../tools/anomaly-scan.js';
import type { ExecutedSql } from '../../tools/define-tool.js';
import type { DescribeDataResult } from '../../tools/describe-data.js';
import type { MetricForecastResult } from '../../tools/metric-forecast.js';
import type { MetricQueryResult } from '../../tools/metric-query.js';
import type { UserProfileResult } from '../../tools/user-profile.js';
import type { ChartSpec } from './chart.js';
import {
  formatChange,
  formatCount,
  formatPercent,
  formatRange,
  formatUsd,
  formatValue,
  type ValueUnit,
} from './format.js';
import {
  renderAddressProfile,
  renderAlertsList,
  renderAnomalyScan,
  userRiskSentences,
} from './risk-answers.js';
import type { TextTable } from './table.js';

/** A chart the answer would like drawn; our own code builds it from the result (never an LLM). */
export type AnswerChart = ChartSpec;

/** A rendered answer: a grounded summary, a table, an optional chart, and the evidence. */
export interface Answer {
  /** One paragraph; every number in it comes from the tool result. */
  readonly summary: string;
  readonly table: TextTable | undefined;
  readonly chart: AnswerChart | undefined;
  /** Rows in the result, and whether the result was cut (limit, row cap). */
  readonly rowCount: number;
  readonly truncated: boolean;
  /** The statements behind the answer, for "how did you get this?". */
  readonly sql: readonly ExecutedSql[];
  /** Definitions of the metrics used, for "how did you get this?". */
  readonly definitions: readonly string[];
}

/** Any tool result the renderer knows; unknown kinds fall back to a generic rendering. */
export type RenderableResult = { readonly kind: string; readonly sql: readonly ExecutedSql[] } & Record<
  string,
  unknown
>;

/** Renders a tool result as an answer. */
export function renderAnswer(result: RenderableResult): Answer {
  switch (result.kind) {
    case 'metric':
      return renderMetric(result as unknown as MetricQueryResult);
    case 'describe_data':
      return renderDescribe(result as unknown as DescribeDataResult);
    case 'user_profile':
      return renderUserProfile(result as unknown as UserProfileResult);
    case 'forecast':
      return renderForecast(result as unknown as MetricForecastResult);
    case 'anomaly_scan':
      return renderAnomalyScan(result as unknown as AnomalyScanResult);
    case 'address_profile':
      return renderAddressProfile(result as unknown as AddressProfileResult);
    case 'alerts_list':
      return renderAlertsList(result as unknown as AlertsListResult);
    default:
      return renderGeneric(result);
  }
}

function unitOf(result: MetricQueryResult): ValueUnit {
  return result.unit;
}

function chartFormat(unit: ValueUnit): 'usd' | 'percent' | 'count' | 'number' {
  return unit === 'usd' ? 'usd' : unit === 'ratio' ? 'percent' : unit === 'count' ? 'count' : 'number';
}

function describeFilters(filters: Record<string, readonly (string | number)[]>): string {
  const parts = Object.entries(filters).map(
    ([name, values]) => `${name} ${values.length === 1 ? `= ${values[0]}` : `in ${values.join(', ')}`}`,
  );
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function rowLabel(row: Record<string, unknown>, dimensions: readonly string[]): string {
  const prefixes: Record<string, string> = { kyc_level: 'KYC level ', vip_tier: 'VIP tier ' };
  return dimensions
    .map((dimension) => `${prefixes[dimension] ?? ''}${String(row[dimension] ?? '(none)')}`)
    .join(' / ');
}

function renderMetric(result: MetricQueryResult): Answer {
  const unit = unitOf(result);
  const grainWords: Record<string, string> = {
    hour: 'Hourly',
    day: 'Daily',
    week: 'Weekly',
    month: 'Monthly',
  };
  const headline = `${result.grain ? `${grainWords[result.grain]} ${result.label.toLowerCase()}` : result.label}${
    result.dimensions.length ? ` by ${result.dimensions.join(' and ')}` : ''
  }, ${formatRange(result.timeRange)}${describeFilters(result.filters)}`;
  const sentences: string[] = [];
  const rows = result.rows;
  if (!result.grain && result.dimensions.length === 0) {
    sentences.push(`${headline}: ${formatValue(result.total, unit)}.`);
  } else if (rows.length === 0) {
    sentences.push(`${headline}: no data in this period.`);
  } else if (result.dimensions.length > 0 && !result.grain) {
    const top = rows
      .slice(0, 3)
      .map((row) => `${rowLabel(row, result.dimensions)} ${formatValue(row.value, unit)}`)
      .join(', ');
    sentences.push(
      `${headline}: overall ${formatValue(result.total, unit)}. ${result.order === undefined ? 'Largest' : result.order === 'asc' ? 'Lowest' : 'Highest'}: ${top}.`,
    );
  } else {
    const valued = rows.filter((row) => row.value !== null);
    const highest = valued.reduce(
      (best, row) => ((row.value ?? 0) > (best.value ?? 0) ? row : best),
      valued[0]!,
    );
    const lowest = valued.reduce(
      (best, row) => ((row.value ?? 0) < (best.value ?? 0) ? row : best),
      valued[0]!,
    );
    const label = (row: typeof highest): string =>
      `${row.period}${result.dimensions.length ? ` ${rowLabel(row, result.dimensions)}` : ''}`;
    sentences.push(
      `${headline}: overall ${formatValue(result.total, unit)}; highest ${label(highest)} (${formatValue(highest.value, unit)}), lowest ${label(lowest)} (${formatValue(lowest.value, unit)}).`,
    );
  }
  if (result.previousRange && result.change) {
    const percent =
      result.change.percent === null
        ? ''
        : ` (${result.change.percent >= 0 ? '+' : ''}${formatPercent(result.change.percent)})`;
    sentences.push(
      `Against ${formatValue(result.previousTotal ?? null, unit)} in ${formatRange(result.previousRange)}: ${formatChange(result.change.absolute, unit)}${unit === 'ratio' ? '' : percent}.`,
    );
  } else if (result.previousRange) {
    sentences.push(`No comparable value for ${formatRange(result.previousRange)}.`);
  }
  sentences.push(rowSentence(rows.length, result.truncated));
  const headers = [
    ...(result.grain ? ['period'] : []),
    ...result.dimensions,
    result.metric,
    ...(result.previousRange ? ['previous', 'change', 'change %'] : []),
  ];
  const tableRows = rows.map((row) => [
    ...(result.grain ? [String(row.period)] : []),
    ...result.dimensions.map((dimension) => String(row[dimension] ?? '(none)')),
    formatValue(row.value, unit),
    ...(result.previousRange
      ? [
          formatValue(row.previous_value ?? null, unit),
          row.change === null || row.change === undefined ? 'n/a' : formatChange(row.change, unit),
          row.change_pct === null || row.change_pct === undefined ? 'n/a' : formatPercent(row.change_pct),
        ]
      : []),
  ]);
  const grouped = result.grain !== undefined || result.dimensions.length > 0;
  const table: TextTable | undefined = grouped
    ? {
        headers,
        rows: tableRows,
        numeric: headers.map((_, index) => index >= (result.grain ? 1 : 0) + result.dimensions.length),
      }
    : result.previousRange
      ? { headers, rows: tableRows, numeric: headers.map(() => true) }
      : undefined;
  const yTitle = `${result.label}${unit === 'usd' ? ' (USD)' : ''}`;
  let chart: AnswerChart | undefined;
  if (result.grain && rows.length > 1 && result.dimensions.length === 0) {
    chart = {
      kind: 'line',
      title: headline,
      x: {
        field: 'period',
        title: '',
        type: 'temporal',
        grain: result.grain as 'hour' | 'day' | 'week' | 'month',
      },
      y: { field: 'value', title: yTitle, format: chartFormat(unit) },
      ...(result.previousRange
        ? {
            compare: {
              field: 'previous_value',
              title: `${formatRange(result.previousRange)}`,
              currentTitle: formatRange(result.timeRange),
            },
          }
        : {}),
      data: rows.map((row) => ({ ...row })),
    };
  } else if (!result.grain && result.dimensions.length === 1 && rows.length > 1) {
    const dimension = result.dimensions[0]!;
    chart = {
      kind: 'bar',
      title: headline,
      x: { field: dimension, title: '', type: 'nominal' },
      y: { field: 'value', title: yTitle, format: chartFormat(unit) },
      data: rows.map((row) => ({ ...row, [dimension]: String(row[dimension]) })),
    };
  }
  return {
    summary: sentences.join(' '),
    table,
    chart,
    rowCount: rows.length,
    truncated: result.truncated,
    sql: result.sql,
    definitions: [
      `${result.metric}: ${result.description}${result.rollup ? ` (answered from the daily rollup ${result.rollup})` : ''}`,
    ],
  };
}

/** "5 rows." / "Showing the first 5 rows; more exist (limit or row cap)." */
export function rowSentence(rowCount: number, truncated: boolean): string {
  if (truncated) return `Showing the first ${formatCount(rowCount)} rows; more exist beyond the limit.`;
  return `${formatCount(rowCount)} ${rowCount === 1 ? 'row' : 'rows'}.`;
}

function renderForecast(result: MetricForecastResult): Answer {
  const unit = result.unit;
  const first = result.forecast[0]!;
  const last = result.forecast[result.forecast.length - 1]!;
  const highest = result.forecast.reduce((best, point) => (point.value > best.value ? point : best), first);
  const lowest = result.forecast.reduce((best, point) => (point.value < best.value ? point : best), first);
  const range = formatRange({
    start: first.period,
    end: new Date(Date.parse(`${last.period}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10),
  });
  const summary = [
    `Forecast of ${result.label.toLowerCase()}${describeFilters(result.filters)} for ${range}${
      result.forecastTotal === undefined ? '' : `: ${formatValue(result.forecastTotal, unit)} in total`
    }.`,
    `Highest ${highest.period} (${formatValue(highest.value, unit)}, ${formatPercent(result.level, 0)} interval ${formatValue(highest.lower, unit)} to ${formatValue(highest.upper, unit)}); lowest ${lowest.period} (${formatValue(lowest.value, unit)}).`,
    `Model: ${result.model}.`,
    rowSentence(result.forecast.length, false),
  ].join(' ');
  const data = [
    ...result.history.slice(-28).map((point) => ({ period: point.period, value: point.value })),
    ...result.forecast.map((point) => ({
      period: point.period,
      forecast: point.value,
      lower: point.lower,
      upper: point.upper,
    })),
  ];
  return {
    summary,
    table: {
      headers: ['day', 'forecast', 'lower', 'upper'],
      rows: result.forecast.map((point) => [
        point.period,
        formatValue(point.value, unit),
        formatValue(point.lower, unit),
        formatValue(point.upper, unit),
      ]),
      numeric: [false, true, true, true],
    },
    chart: {
      kind: 'line',
      title: `Forecast: ${result.label}${describeFilters(result.filters)}`,
      subtitle: `History and ${result.horizonDays}-day forecast; shaded: ${formatPercent(result.level, 0)} prediction interval`,
      x: { field: 'period', title: '', type: 'temporal', grain: 'day' },
      y: { field: 'value', title: result.label, format: chartFormat(unit) },
      band: { lower: 'lower', upper: 'upper' },
      compare: { field: 'forecast', title: 'Forecast', currentTitle: 'Actual' },
      data,
    },
    rowCount: result.forecast.length,
    truncated: false,
    sql: result.sql,
    definitions: [
      `${result.metric}: forecast with ${result.model}; ${formatPercent(result.level, 0)} prediction intervals from the residual spread`,
    ],
  };
}

function renderDescribe(result: DescribeDataResult): Answer {
  if (result.subject && result.metrics.length === 1) {
    const metric = result.metrics[0]!;
    return {
      summary: `${metric.name} (${metric.label}, ${metric.unit}): ${metric.description}. Definition: ${metric.definition}. Can be broken down by ${metric.dimensions.join(', ')}.`,
      table: undefined,
      chart: undefined,
      rowCount: 1,
      truncated: false,
      sql: result.sql,
      definitions: [metric.definition],
    };
  }
  if (result.subject && result.tables.length === 1) {
    const table = result.tables[0]!;
    return {
      summary: `Table ${table.name}: about ${formatCount(table.approximateRows)} rows, ${formatCount(table.columns.length)} columns.`,
      table: {
        headers: ['column', 'type'],
        rows: table.columns.map((column) => [column.name, column.type]),
        numeric: [false, false],
      },
      chart: undefined,
      rowCount: table.columns.length,
      truncated: false,
      sql: result.sql,
      definitions: [],
    };
  }
  if (result.subject && result.dimensions.length === 1) {
    const dimension = result.dimensions[0]!;
    return {
      summary: `Dimension ${dimension.name}: ${dimension.description}.${dimension.values ? ` Values: ${dimension.values.join(', ')}.` : ''}`,
      table: undefined,
      chart: undefined,
      rowCount: dimension.values?.length ?? 0,
      truncated: false,
      sql: result.sql,
      definitions: [],
    };
  }
  return {
    summary: `I can answer ${formatCount(result.metrics.length)} metrics, broken down by ${result.dimensions
      .map((dimension) => dimension.name)
      .join(
        ', ',
      )} or by hour/day/week/month, and look up users, addresses, AML scenarios, recommendations and customer feedback. Ask "how is net_inflow_usd calculated?" for a definition.`,
    table: {
      headers: ['metric', 'unit', 'meaning'],
      rows: result.metrics.map((metric) => [metric.name, metric.unit, metric.description]),
      numeric: [false, false, false],
    },
    chart: undefined,
    rowCount: result.metrics.length,
    truncated: false,
    sql: result.sql,
    definitions: result.metrics.map((metric) => `${metric.name}: ${metric.definition}`),
  };
}

function renderUserProfile(result: UserProfileResult): Answer {
  const user = result.user;
  const latestKyc = result.kyc[0];
  const sharedDevices = result.devices.filter((device) => device.otherAccounts > 0);
  const summary = [
    `User ${user.userId} (${user.fullName}, ${user.email}${user.phone ? `, ${user.phone}` : ''}) from ${user.country}, KYC level ${user.kycLevel}, VIP tier ${user.vipTier}, account ${user.status}, since ${user.createdAt.slice(0, 10)}.`,
    latestKyc
      ? `Latest KYC review: ${latestKyc.status} (level ${latestKyc.level}, submitted ${latestKyc.submittedAt.slice(0, 10)}${latestKyc.rejectReason ? `, reason: ${latestKyc.rejectReason}` : ''}).`
      : 'No KYC reviews on file.',
    `Trading: ${formatUsd(result.trading.last30Days.usd)} over ${formatCount(result.trading.last30Days.count)} trades in the last ${result.trading.windowDays} days, ${formatUsd(result.trading.lifetime.usd)} lifetime.`,
    `Deposits ${formatUsd(result.flows.depositsLifetime.usd)} and withdrawals ${formatUsd(result.flows.withdrawalsLifetime.usd)} lifetime (net ${formatUsd(result.flows.netLifetimeUsd)}).`,
    sharedDevices.length
      ? `${formatCount(sharedDevices.length)} of the user's devices are also used by other accounts.`
      : 'No device shared with other accounts.',
    result.risk ? userRiskSentences(result) : '',
    user.masked ? 'Contact details are masked for your role.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    summary,
    table: {
      headers: ['login at', 'ip', 'device', 'country', 'platform'],
      rows: result.recentLogins.map((login) => [
        login.at.slice(0, 16).replace('T', ' '),
        login.ip,
        login.device,
        login.country,
        login.platform,
      ]),
      numeric: [false, false, false, false, false],
    },
    chart: undefined,
    rowCount: result.recentLogins.length,
    truncated: false,
    sql: result.sql,
    definitions: [],
  };
}

function renderGeneric(result: RenderableResult): Answer {
  const rows = Array.isArray(result['rows']) ? (result['rows'] as Record<string, unknown>[]) : [];
  const headers = rows.length ? Object.keys(rows[0]!) : [];
  const truncated = result['truncated'] === true;
  return {
    summary: `${typeof result['summary'] === 'string' ? `${result['summary']} ` : ''}${rowSentence(rows.length, truncated)}`,
    table: rows.length
      ? {
          headers,
          rows: rows.map((row) => headers.map((header) => cellText(row[header]))),
          numeric: headers.map((header) => typeof rows[0]![header] === 'number'),
        }
      : undefined,
    chart: undefined,
    rowCount: rows.length,
    truncated,
    sql: result.sql,
    definitions: [],
  };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? formatCount(value)
      : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
