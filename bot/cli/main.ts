/**
 * The `analyst` command line (DESIGN.md "Command line"). Every command takes --db, --json and --now;
 * errors print one short line on stderr and exit non-zero.
 */
import { Command } from 'commander';
import { AnalystError, asAnalystError } from '../../core/errors.js';
import { registerAnomalyCommand } from './commands/anomaly.js';
import { registerAskCommand } from './commands/ask.js';
import { registerAuditCommand } from './commands/audit.js';
import { runChat } from './commands/chat.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerRouteCommand } from './commands/route.js';
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
  return program;
}

/**
 * Commands whose dependencies are heavy (Slack, Discord, schedulers, model training) are imported only
 * when they run, so `analyst ask` starts fast. `--help` lists them from this table.
 */
const HEAVY_COMMANDS: Readonly<
  Record<string, { description: string; register: (program: Command) => Promise<unknown> }>
> = {
  serve: {
    description: 'Run the Slack and/or Discord bot (from the environment), /healthz and /metrics',
    register: async (program) => (await import('./commands/serve.js')).registerServeCommand(program),
  },
  alerts: {
    description: 'Proactive alerts (run-once)',
    register: async (program) => (await import('./commands/alerts.js')).registerAlertsCommand(program),
  },
  feedback: {
    description: 'Customer feedback: ingest, search, topics',
    register: async (program) => (await import('./commands/feedback.js')).registerFeedbackCommand(program),
  },
  risk: {
    description: 'Supervised risk model: train and score',
    register: async (program) => (await import('./commands/risk.js')).registerRiskCommand(program),
  },
  recommend: {
    description: 'Recommendations: offline evaluation and refresh',
    register: async (program) => (await import('./commands/recommend.js')).registerRecommendCommand(program),
  },
};

/** Runs the CLI; a failure prints its message (no stack, no SQL) and sets a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  resetExitCode();
  try {
    const program = createProgram();
    const name = argv.slice(2).find((word) => !word.startsWith('-'));
    for (const [command, heavy] of Object.entries(HEAVY_COMMANDS)) {
      if (command === name) await heavy.register(program);
      else program.command(command).description(heavy.description);
    }
    await program.parseAsync([...argv]);
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
