/**
 * Rule evaluators: each kind reads data only through the tool registry or the semantic layer and
 * returns hits. A tool that is not available yet makes the rule skip with a clear log line.
 */
import { AnalystError, NotAvailableError } from '../../core/errors.js';
import { createRandom } from '../../core/random.js';
import { fitSeasonalModel, forecastSeasonal } from '../../models/forecast/index.js';
import type { ToolContext } from '../../tools/define-tool.js';
import { TOOLS } from '../../tools/registry.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { runMetricQuery } from '../../warehouse/semantic/index.js';
import type { AlertHit, RuleEvaluation } from './engine.js';
import type { AlertRule } from './rules.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Evaluates one rule; replaceable in tests and for custom kinds. */
export type RuleEvaluator = (rule: AlertRule, now: Date) => Promise<RuleEvaluation>;

function toolContext(warehouse: SqlConnection, app: SqlConnection, now: Date): ToolContext {
  return {
    warehouse,
    app,
    now,
    random: createRandom(42),
    asker: { id: 'alert-scheduler', role: 'admin', surface: 'alerts' },
    audit: { record: async () => {} },
    maxRows: 500,
    statementTimeoutMs: 60_000,
  };
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
const format = (value: number): string => Math.round(value).toLocaleString('en-US');

async function runTool(
  name: string,
  input: unknown,
  context: ToolContext,
): Promise<Record<string, unknown> | string> {
  const tool = TOOLS[name];
  if (!tool) return `tool ${name} is not registered`;
  try {
    return (await tool.run(tool.input.parse(input), context)) as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof NotAvailableError) return `${name} is not available yet (${error.message})`;
    throw error;
  }
}

/** The evaluator of the built-in rule kinds over a warehouse and the app store. */
export function createRuleEvaluator(options: {
  warehouse: SqlConnection;
  app: SqlConnection;
}): RuleEvaluator {
  return async (rule, now) => {
    const context = toolContext(options.warehouse, options.app, now);
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    switch (rule.kind) {
      case 'metric_anomaly': {
        const unit = rule.grain === 'hour' ? HOUR_MS : DAY_MS;
        // The last complete period is judged against a model fitted on the weeks before it.
        const end = Math.floor(now.getTime() / unit) * unit;
        const start = end - rule.lookback_weeks * 7 * DAY_MS - unit;
        const outcome = await runMetricQuery(
          options.warehouse,
          {
            metric: rule.metric,
            time_range: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
            group_by: [rule.grain],
          },
          { now, maxRows: 5000 },
        );
        const values = new Map(
          outcome.rows.map((row) => [
            new Date(
              String(row.period).length === 10 ? `${row.period}T00:00:00Z` : String(row.period),
            ).getTime(),
            Number(row.value ?? 0),
          ]),
        );
        const series = [];
        for (let at = start; at < end - unit; at += unit)
          series.push({ at: new Date(at), value: values.get(at) ?? 0 });
        if (series.length < 14)
          return { hits: [], resolves: false, skipped: `${rule.metric}: too little history` };
        const model = fitSeasonalModel(series, { grain: rule.grain, windowPeriods: series.length });
        const forecast = forecastSeasonal(model, 1, rule.level)[0]!;
        const actual = values.get(end - unit) ?? 0;
        const above = actual > forecast.upper;
        const below = actual < Math.max(0, forecast.lower);
        const fires = (rule.direction !== 'below' && above) || (rule.direction !== 'above' && below);
        if (!fires) return { hits: [], resolves: true };
        const period =
          rule.grain === 'hour'
            ? new Date(end - unit).toISOString().slice(0, 13) + ':00Z'
            : day(new Date(end - unit));
        return {
          resolves: true,
          hits: [
            {
              key: rule.metric,
              title: `${outcome.metric.label} ${above ? 'far above' : 'far below'} normal for ${period}`,
              details: [
                `actual ${format(actual)}`,
                `expected ${format(forecast.value)} (${Math.round(rule.level * 100)}% interval ${format(Math.max(0, forecast.lower))}–${format(forecast.upper)})`,
              ],
              severity: 'warning',
            },
          ],
        };
      }
      case 'aml_scan': {
        const result = await runTool(
          'anomaly_scan',
          {
            scenario: rule.scenario,
            time_range: {
              start: day(new Date(today.getTime() - rule.window_days * DAY_MS)),
              end: day(new Date(today.getTime() + DAY_MS)),
            },
            limit: rule.limit,
          },
          context,
        );
        if (typeof result === 'string') return { hits: [], resolves: false, skipped: result };
        const list = (result['hits'] ?? result['flags'] ?? result['rows'] ?? []) as Array<
          Record<string, unknown>
        >;
        const hits: AlertHit[] = list.map((entry) => {
          const scenario = String(entry['scenario'] ?? rule.scenario);
          const user = String(entry['user_id'] ?? entry['userId'] ?? entry['id'] ?? '?');
          const evidence = entry['evidence'] ?? entry['reason'] ?? entry['explanation'];
          return {
            key: `${scenario}:${user}`,
            title: `${scenario} — user ${user}`,
            details:
              evidence === undefined
                ? []
                : [typeof evidence === 'string' ? evidence : JSON.stringify(evidence).slice(0, 300)],
            severity: scenario === 'sanctioned_exposure' ? 'critical' : 'warning',
            group: scenario,
          };
        });
        return { hits, resolves: false };
      }
      case 'feedback_spike': {
        const result = await runTool(
          'feedback_summary',
          {
            time_range: {
              start: day(new Date(today.getTime() - rule.window_days * DAY_MS)),
              end: day(new Date(today.getTime() + DAY_MS)),
            },
          },
          context,
        );
        if (typeof result === 'string') return { hits: [], resolves: false, skipped: result };
        const spikes = (result['spikes'] ?? []) as Array<Record<string, unknown>>;
        return {
          resolves: true,
          hits: spikes.map((spike) => ({
            key: String(spike['topic'] ?? spike['name'] ?? 'spike'),
            title: `Feedback spike: ${String(spike['topic'] ?? spike['name'] ?? 'a topic')}`,
            details: [JSON.stringify(spike).slice(0, 300)],
            severity: 'warning',
          })),
        };
      }
      case 'kyc_backlog': {
        const outcome = await runMetricQuery(
          options.warehouse,
          {
            metric: 'kyc_pending',
            time_range: { start: day(today), end: day(new Date(today.getTime() + DAY_MS)) },
          },
          { now, maxRows: 10 },
        );
        const pending = Number(outcome.total ?? 0);
        if (pending < rule.threshold) return { hits: [], resolves: true };
        return {
          resolves: true,
          hits: [
            {
              key: 'kyc_pending',
              title: `KYC backlog at ${format(pending)} pending reviews`,
              details: [`threshold ${format(rule.threshold)}`],
              severity: pending >= rule.threshold * 2 ? 'critical' : 'warning',
            },
          ],
        };
      }
      case 'feedback_digest': {
        const result = await runTool(
          'feedback_summary',
          {
            time_range: {
              start: day(new Date(today.getTime() - rule.window_days * DAY_MS)),
              end: day(today),
            },
          },
          context,
        );
        if (typeof result === 'string') return { hits: [], resolves: false, skipped: result };
        const topics = (result['topics'] ?? []) as Array<Record<string, unknown>>;
        return {
          resolves: false,
          hits: [
            {
              // One digest per period: the key is the period's last day.
              key: `digest:${day(today)}`,
              title: `Feedback digest, ${rule.window_days} days to ${day(today)}`,
              details: topics
                .slice(0, 5)
                .map(
                  (topic) =>
                    `${String(topic['name'] ?? topic['label'] ?? 'topic')}: ${String(topic['size'] ?? topic['count'] ?? '')}`,
                ),
              severity: 'info',
            },
          ],
        };
      }
      default:
        throw new AnalystError(
          'alert_rule_kind_unknown',
          `Unknown alert rule kind in rule '${(rule as AlertRule).id}'.`,
        );
    }
  };
}
