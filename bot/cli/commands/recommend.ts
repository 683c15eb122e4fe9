import type { Command } from 'commander';
import { refreshRecommendations, runRecommendEvalCommand } from '../../../models/recommend/index.js';
import { type GlobalFlags, openRuntime, parseNow } from '../runtime.js';

/** `analyst recommend eval …` (offline evaluation) and `analyst recommend refresh` (precompute top-k). */
export function registerRecommendCommand(program: Command): void {
  const recommend = program.command('recommend').description('Recommendations');
  recommend
    .command('eval')
    .description(
      'Offline evaluation on a MovieLens-format file, or on the warehouse user_events when none is given',
    )
    .option('--movielens <file>', 'tab-separated `user item rating time` file')
    .option('--k <n>', 'cut-off', '10')
    .option('--seed <n>', 'split seed', '42')
    .option('--model <name>', 'popularity, item-knn, als or ease (default ease)')
    .option('--split <kind>', 'stratified (75/25 per user), temporal or temporal-global', 'stratified')
    .action(
      async (
        options: { movielens?: string; k: string; seed: string; model?: string; split: string },
        command: Command,
      ) => {
        const flags = command.optsWithGlobals<GlobalFlags>();
        const common = {
          k: options.k,
          seed: options.seed,
          model: options.model,
          split: options.split,
          json: flags.json ?? false,
        };
        if (options.movielens) {
          await runRecommendEvalCommand({ ...common, movielens: options.movielens });
          return;
        }
        const runtime = await openRuntime(flags, { requireData: true });
        try {
          await runRecommendEvalCommand({ ...common, warehouse: runtime.stores.warehouse });
        } finally {
          await runtime.close();
        }
      },
    );
  recommend
    .command('refresh')
    .description(
      'Train the default model on user_events and store top-k per user and similar items in the app database',
    )
    .action(async (_options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const runtime = await openRuntime(flags, { requireData: true });
      try {
        const summary = await refreshRecommendations(
          { warehouse: runtime.stores.warehouse, app: runtime.stores.app },
          { now: parseNow(flags.now), silent: flags.json ?? false },
        );
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } finally {
        await runtime.close();
      }
    });
}
