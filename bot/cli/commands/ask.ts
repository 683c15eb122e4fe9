import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { tableToCsv } from '../../render/table.js';
import { setExitCode } from '../exit-code.js';
import { formatOutcomeForTerminal, outcomeToJson } from '../print.js';
import { type GlobalFlags, openRuntime, parseNow, terminalAsker } from '../runtime.js';

/** `analyst ask "QUESTION" [--now T] [--json]`: one question, one answer. */
export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('Answer one question')
    .argument('<question...>', 'the question, in plain English')
    .option('--chart <file>', "save the answer's chart as a PNG")
    .option('--csv <file>', "save the answer's table as CSV")
    .action(async (words: string[], options: { chart?: string; csv?: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const runtime = await openRuntime(flags, { requireData: true });
      try {
        const outcome = await runtime.pipeline.ask({
          question: words.join(' '),
          asker: terminalAsker(runtime.config, flags.role),
          now: parseNow(flags.now),
        });
        process.stdout.write(
          `${flags.json ? JSON.stringify(outcomeToJson(outcome)) : formatOutcomeForTerminal(outcome)}\n`,
        );
        if (options.chart && outcome.answer?.chart) {
          const { renderChartPng } = await import('../../render/chart.js');
          const rendered = await renderChartPng(outcome.answer.chart);
          writeFileSync(options.chart, rendered.png);
          process.stderr.write(`chart: ${options.chart} (${rendered.width}×${rendered.height})\n`);
        } else if (options.chart)
          process.stderr.write('chart: this answer has no chart (time series and breakdowns do)\n');
        if (options.csv && outcome.answer?.table)
          writeFileSync(options.csv, tableToCsv(outcome.answer.table));
        // For scripts: 0 = answered; 2 = the asker must change something (clarifying question, out of
        // scope, bad input); 1 = a system failed.
        if (outcome.error) setExitCode(outcome.error.userError ? 2 : 1);
        else if (outcome.route.tool === 'clarify' || outcome.route.tool === 'none') setExitCode(2);
      } finally {
        await runtime.close();
      }
    });
}
