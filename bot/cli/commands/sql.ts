import type { Command } from 'commander';
import { runSqlCheckCommand } from '../../../warehouse/guard/index.js';
import { setExitCode } from '../exit-code.js';
import type { GlobalFlags } from '../runtime.js';

/** `analyst sql check --jsonl FILE [--role R]`: the SQL guard's verdicts, one `{id, allowed, reason}` line each. */
export function registerSqlCommand(program: Command): void {
  const sql = program.command('sql').description('The SQL guard');
  sql
    .command('check')
    .description('Check statements against the SQL guard (lines {id, sql} → {id, allowed, reason})')
    .requiredOption('--jsonl <file>', 'JSONL file of statements')
    .action(async (options: { jsonl: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const summary = await runSqlCheckCommand({ file: options.jsonl, role: flags.role ?? 'analyst' });
      process.stderr.write(
        `${summary.total} statements: ${summary.allowed} allowed, ${summary.denied} denied${summary.invalid ? `, ${summary.invalid} unreadable lines` : ''}\n`,
      );
      if (summary.invalid > 0) setExitCode(1);
    });
}
