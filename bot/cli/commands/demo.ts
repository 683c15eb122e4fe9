import type { Command } from 'commander';
import { loadConfig } from '../../../core/config.js';
import { InvalidInputError } from '../../../core/errors.js';
import { openStores, storeOptionsFromConfig } from '../../../warehouse/stores.js';
import { type GlobalFlags, generateDemo, parseNow } from '../runtime.js';

/** `analyst demo generate [--scale N] [--seed S]`: (re)builds the demo warehouse. */
export function registerDemoCommand(program: Command): void {
  const demo = program.command('demo').description('The generated demo warehouse');
  demo
    .command('generate')
    .description('(Re)build the demo warehouse with a fixed seed')
    .option('--scale <n>', 'size multiplier (1 = 50k users, 1M trades, 10k feedback)', '1')
    .option('--seed <n>', 'random seed', '42')
    .action(async (options: { scale: string; seed: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const scale = Number(options.scale);
      const seed = Number(options.seed);
      if (!Number.isFinite(scale) || scale <= 0 || scale > 20) {
        throw new InvalidInputError(
          'scale_invalid',
          `--scale must be a number above 0 and at most 20, got '${options.scale}'.`,
        );
      }
      if (!Number.isInteger(seed))
        throw new InvalidInputError('seed_invalid', `--seed must be an integer, got '${options.seed}'.`);
      const stores = await openStores(storeOptionsFromConfig(loadConfig(), flags.db));
      try {
        const outcome = await generateDemo(stores, {
          scale,
          seed,
          now: parseNow(flags.now),
          silent: flags.json ?? false,
        });
        if (flags.json) process.stdout.write(`${JSON.stringify({ ...outcome, seed, scale })}\n`);
        else {
          const total = Object.values(outcome.counts).reduce((sum, count) => sum + count, 0);
          process.stdout.write(
            `Demo warehouse ready: ${total.toLocaleString('en-US')} rows in ${(outcome.durationMs / 1000).toFixed(1)} s (seed ${seed}, scale ${scale}).\n`,
          );
        }
      } finally {
        await stores.close();
      }
    });
}
