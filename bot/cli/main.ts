/**
 * The `analyst` command line (DESIGN.md "Command line"). Every command takes --db, --json and --now;
 * errors print one short line on stderr and exit non-zero.
 */
import { Command } from 'commander';
import { AnalystError, asAnalystError } from '../../core/errors.js';
import { registerAlertsCommand } from './commands/alerts.js';
import { registerAnomalyCommand } from './commands/anomaly.js';
import { registerAskCommand } from './commands/ask.js';
import { registerAuditCommand } from './commands/audit.js';
import { runChat } from './commands/chat.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerRecommendCommand } from './commands/recommend.js';
import { registerRouteCommand } from './commands/route.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSqlCommand } from './commands/sql.js';
import { requestedExitCode, resetExitCode, setExitCode } from './exit-code.js';
import type { GlobalFlags } from './runtime.js';

/** Builds the command tree (exported for tests). */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('analyst')
    .description(
      'Analyst bot for a crypto exchange: ask questions about trading, KYC/AML, on-chain data, recommendations and feedback',
    )
    .option('--db <dir>', 'embedded data directory (default ./.analyst or ANALYST_DATA_DIR)')
    .option('--json', 'machine-readable output')
    .option('--now <timestamp>', 'pretend the current time is this (ISO, UTC)')
    .option('--role <role>', 'your role: analyst, compliance, support, admin')
    .showHelpAfterError()
    .action(async (_options: unknown, command: Command) => {
      await runChat(command.optsWithGlobals<GlobalFlags>());
    });
  registerAskCommand(program);
  registerRouteCommand(program);
  registerDemoCommand(program);
  registerSqlCommand(program);
  registerAnomalyCommand(program);
  registerAuditCommand(program);
  registerServeCommand(program);
  registerAlertsCommand(program);
  registerRecommendCommand(program);
  return program;
}

/** Runs the CLI; a failure prints its message (no stack, no SQL) and sets a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  resetExitCode();
  try {
    await createProgram().parseAsync([...argv]);
  } catch (error) {
    const failure = asAnalystError(error);
    process.stderr.write(`error: ${failure.message}\n`);
    if (process.env['ANALYST_DEBUG'] && !(error instanceof AnalystError && error.isUserError)) {
      process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    }
    setExitCode(failure.isUserError ? 2 : 1);
  }
  process.exitCode = requestedExitCode();
  return requestedExitCode();
}
