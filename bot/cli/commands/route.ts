import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import type { ConversationTurn } from '../../conversation-store.js';
import { createOfflineRouter } from '../../router/offline-router.js';
import { setExitCode } from '../exit-code.js';
import { type GlobalFlags, parseNow } from '../runtime.js';

/** `analyst route --jsonl FILE [--now T]`: routes only, one `{id, tool, args}` line per input line. */
export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description('Route questions without running them (lines {id, question, history?} → {id, tool, args})')
    .requiredOption('--jsonl <file>', 'JSONL file of questions')
    .action(async (options: { jsonl: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const now = parseNow(flags.now);
      const router = await createOfflineRouter();
      const lines = readFileSync(options.jsonl, 'utf8').split('\n');
      let failures = 0;
      for (const [index, line] of lines.entries()) {
        if (!line.trim()) continue;
        let item: { id?: unknown; question?: unknown; history?: unknown };
        try {
          item = JSON.parse(line) as typeof item;
        } catch {
          process.stderr.write(`${options.jsonl}:${index + 1}: not JSON, skipped\n`);
          failures++;
          continue;
        }
        if (typeof item.question !== 'string') {
          process.stderr.write(`${options.jsonl}:${index + 1}: no "question" string, skipped\n`);
          failures++;
          continue;
        }
        const history = Array.isArray(item.history) ? (item.history as ConversationTurn[]) : [];
        try {
          const route = await router.route(item.question, { now, history });
          process.stdout.write(`${JSON.stringify({ id: item.id, tool: route.tool, args: route.args })}\n`);
        } catch (error) {
          const message = error instanceof InvalidInputError ? error.message : String(error);
          process.stdout.write(
            `${JSON.stringify({ id: item.id, tool: 'clarify', args: {}, error: message })}\n`,
          );
        }
      }
      if (failures > 0) setExitCode(1);
    });
}
