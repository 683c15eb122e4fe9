import type { Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { runAnomalyScoreCommand } from '../../../models/anomaly/index.js';
import type { GlobalFlags } from '../runtime.js';
import { registerAnomalyScanCommand } from './risk.js';

/**
 * `analyst anomaly score FILE.csv --id-col C [--ignore-cols a,b]`: Isolation Forest scores of any numeric
 * CSV; `analyst anomaly scan` (bot/cli/commands/risk.ts): the AML scenarios on the warehouse.
 */
export function registerAnomalyCommand(program: Command): Command {
  const anomaly = program.command('anomaly').description('Anomaly detection');
  anomaly
    .command('score')
    .description(
      'Score the rows of a numeric CSV with an Isolation Forest (lines {id, score}; higher = more anomalous)',
    )
    .argument('<file>', 'CSV file with a header row')
    .requiredOption('--id-col <column>', 'column holding the row id')
    .option('--ignore-cols <columns>', 'comma-separated columns to leave out of the features')
    .option('--explain', 'add the top three features behind each score')
    .option('--seed <n>', 'random seed', '42')
    .option('--trees <n>', 'number of trees', '100')
    .action(
      async (
        file: string,
        options: { idCol: string; ignoreCols?: string; explain?: boolean; seed: string; trees: string },
        command: Command,
      ) => {
        const flags = command.optsWithGlobals<GlobalFlags>();
        const seed = Number(options.seed);
        const trees = Number(options.trees);
        if (!Number.isInteger(seed))
          throw new InvalidInputError('seed_invalid', `--seed must be an integer, got '${options.seed}'.`);
        if (!Number.isInteger(trees) || trees < 1 || trees > 10_000) {
          throw new InvalidInputError(
            'trees_invalid',
            `--trees must be a whole number from 1 to 10000, got '${options.trees}'.`,
          );
        }
        await runAnomalyScoreCommand({
          file,
          idColumn: options.idCol,
          ...(options.ignoreCols
            ? {
                ignoreColumns: options.ignoreCols
                  .split(',')
                  .map((column) => column.trim())
                  .filter(Boolean),
              }
            : {}),
          json: flags.json ?? false,
          explain: options.explain ?? false,
          seed,
          trees,
        });
      },
    );
  registerAnomalyScanCommand(anomaly);
  return anomaly;
}
