/**
 * Risk commands: `analyst anomaly scan` (the AML scenarios on the warehouse, hits stored as alerts) and
 * `analyst risk train` / `analyst risk score` (the supervised risk model on labelled CSV rows).
 */
import type { Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { createRandom } from '../../../core/random.js';
import { RISK_SCENARIOS, runRiskScoreCommand, runRiskTrainCommand } from '../../../models/risk/index.js';
import { AML_SCENARIOS, type AnomalyScanResult, anomalyScanTool } from '../../../tools/anomaly-scan.js';
import type { ToolContext } from '../../../tools/define-tool.js';
import { createAuditLog } from '../../audit-log.js';
import { type GlobalFlags, openRuntime, parseNow, terminalAsker } from '../runtime.js';

/** Days scanned when no --start is given: the window the demo generator plants its cases in. */
export const DEFAULT_SCAN_DAYS = 90;

/**
 * `analyst anomaly scan [--scenario S] [--start T] [--end T] [--limit N]`: runs the scenarios over
 * [start, end) (default the last 90 days up to --now), stores the hits as alerts, and prints them:
 * one JSON object with `--json`, else a line per hit.
 */
export function registerAnomalyScanCommand(anomaly: Command): void {
  anomaly
    .command('scan')
    .description('Run the AML scenarios on the warehouse and store the hits as alerts')
    .option('--scenario <scenario>', `one of ${AML_SCENARIOS.join(', ')}`, 'all')
    .option(
      '--start <time>',
      `window start (date or ISO timestamp, UTC); default ${DEFAULT_SCAN_DAYS} days before --now`,
    )
    .option('--end <time>', 'window end, exclusive; default --now')
    .option('--limit <n>', 'hits to print (all are stored)', '500')
    .action(
      async (
        options: { scenario: string; start?: string; end?: string; limit: string },
        command: Command,
      ) => {
        const flags = command.optsWithGlobals<GlobalFlags>();
        if (!(AML_SCENARIOS as readonly string[]).includes(options.scenario)) {
          throw new InvalidInputError(
            'scenario_unknown',
            `Unknown scenario '${options.scenario}'. Scenarios: ${AML_SCENARIOS.join(', ')}.`,
          );
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
          throw new InvalidInputError(
            'limit_invalid',
            `--limit must be a whole number from 1 to 500, got '${options.limit}'.`,
          );
        }
        const now = parseNow(flags.now);
        const start = options.start ?? new Date(now.getTime() - DEFAULT_SCAN_DAYS * 86_400_000).toISOString();
        const end = options.end ?? now.toISOString();
        const runtime = await openRuntime(flags, { requireData: true });
        try {
          const asker = terminalAsker(runtime.config, flags.role);
          const context: ToolContext = {
            warehouse: runtime.stores.warehouse,
            app: runtime.stores.app,
            now,
            random: createRandom(42),
            asker,
            audit: createAuditLog(runtime.stores.app, asker),
            maxRows: runtime.config.ANALYST_MAX_ROWS,
            statementTimeoutMs: runtime.config.ANALYST_STATEMENT_TIMEOUT_MS,
          };
          const started = performance.now();
          const result = await anomalyScanTool.run(
            anomalyScanTool.input.parse({ scenario: options.scenario, time_range: { start, end }, limit }),
            context,
          );
          const seconds = (performance.now() - started) / 1000;
          if (flags.json) {
            const { sql, ...rest } = result;
            process.stdout.write(
              `${JSON.stringify({ ...rest, seconds: Math.round(seconds * 1000) / 1000, statements: sql.length })}\n`,
            );
          } else {
            process.stdout.write(formatScan(result, seconds));
          }
        } finally {
          await runtime.close();
        }
      },
    );
}

/** Lines for people: the counts, then one line per hit with its reason. */
function formatScan(result: AnomalyScanResult, seconds: number): string {
  const lines = [
    `AML scan ${result.window.start} – ${result.window.end} (thresholds v${result.thresholdsVersion}), ${seconds.toFixed(1)} s: ${result.totalHits} hits; alerts ${result.alerts.raised} new, ${result.alerts.updated} updated`,
    ...result.scenarios.map(
      (item) =>
        `  ${item.scenario.padEnd(24)} ${String(item.hits).padStart(5)}${item.population === undefined ? '' : ` (of ${item.population} users)`}`,
    ),
    '',
    ...result.hits.map(
      (hit) =>
        `${hit.scenario.padEnd(24)} user ${String(hit.userId).padEnd(7)} score ${hit.score.toFixed(3)}  ${hit.reason}${hit.alertId === null ? '' : `  [alert ${hit.alertId}]`}`,
    ),
  ];
  if (result.truncated)
    lines.push(
      `… ${result.totalHits - result.hits.length} more (raise --limit, or see 'analyst ask "open alerts"')`,
    );
  return `${lines.join('\n')}\n`;
}

/**
 * `analyst risk train FILE.csv --id-col C --label-col C --model OUT` and
 * `analyst risk score FILE.csv --id-col C --model M` (lines `{id, score}`, probability of the positive label).
 */
export function registerRiskCommand(program: Command): Command {
  const risk = program.command('risk').description(`Risk models (scenarios: ${RISK_SCENARIOS.join(', ')})`);
  risk
    .command('train')
    .description('Train the supervised risk model (logistic regression) on a labelled CSV')
    .argument('<file>', 'CSV with a header row')
    .requiredOption('--id-col <column>', 'column holding the row id')
    .requiredOption('--label-col <column>', 'column holding the label (two values)')
    .requiredOption('--model <file>', 'where to save the model (JSON)')
    .option(
      '--positive-label <value>',
      'the label value that counts as positive (inferred for 0/1, false/true, no/yes)',
    )
    .option('--ignore-cols <columns>', 'comma-separated columns to leave out of the features')
    .option('--l2 <penalty>', 'L2 penalty on standardised weights', '1')
    .action(
      async (
        file: string,
        options: {
          idCol: string;
          labelCol: string;
          model: string;
          positiveLabel?: string;
          ignoreCols?: string;
          l2: string;
        },
        command: Command,
      ) => {
        const flags = command.optsWithGlobals<GlobalFlags>();
        const l2 = Number(options.l2);
        if (!Number.isFinite(l2) || l2 < 0) {
          throw new InvalidInputError('l2_invalid', `--l2 must be a number ≥ 0, got '${options.l2}'.`);
        }
        await runRiskTrainCommand({
          file,
          idColumn: options.idCol,
          labelColumn: options.labelCol,
          modelPath: options.model,
          l2,
          json: flags.json ?? false,
          ...(options.positiveLabel === undefined ? {} : { positiveLabel: options.positiveLabel }),
          ...(options.ignoreCols
            ? {
                ignoreColumns: options.ignoreCols
                  .split(',')
                  .map((column) => column.trim())
                  .filter(Boolean),
              }
            : {}),
        });
      },
    );
  risk
    .command('score')
    .description(
      'Score CSV rows with a trained risk model: lines {id, score}, the probability of the positive label',
    )
    .argument('<file>', 'CSV with a header row holding the model features')
    .requiredOption('--id-col <column>', 'column holding the row id')
    .requiredOption('--model <file>', 'model written by risk train')
    .action(async (file: string, options: { idCol: string; model: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      await runRiskScoreCommand({
        file,
        idColumn: options.idCol,
        modelPath: options.model,
        json: flags.json ?? false,
      });
    });
  return risk;
}
