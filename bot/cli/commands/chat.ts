import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { AskOutcome } from '../../ask.js';
import { tableToCsv } from '../../render/table.js';
import { formatOutcomeForTerminal } from '../print.js';
import { type GlobalFlags, openRuntime, parseNow, terminalAsker } from '../runtime.js';

const HELP = `Ask in plain English, for example:
  trading volume by country last week
  top 5 assets by fees this month vs previous period
  daily new users since Monday
  pull up user 48213
  what metrics can I ask about?
Commands: /sql (how did you get this?), /csv FILE (export the last table), /chart FILE.png (save the last chart), /help, /quit`;

const EXPLAIN =
  /^(how did you (get|calculate|compute) (this|that)\??|show (me )?the sql\??|\/sql|\/explain)$/i;

/** Shows the SQL and metric definitions behind an answer. */
export function explainOutcome(outcome: AskOutcome | undefined): string {
  if (!outcome?.answer) return 'Nothing to explain yet: ask a question first.';
  const statements = outcome.answer.sql.map(
    (statement, index) =>
      `-- statement ${index + 1}: ${statement.rowCount} rows in ${statement.durationMs.toFixed(1)} ms\n${statement.sql}${
        statement.params.length ? `\n-- parameters: ${JSON.stringify(statement.params)}` : ''
      }`,
  );
  return [
    `Route: ${outcome.route.tool} ${JSON.stringify(outcome.route.args)}`,
    ...outcome.answer.definitions.map((definition) => `Definition: ${definition}`),
    ...statements,
  ].join('\n\n');
}

/** The interactive terminal chat (`analyst`, `npm start`). */
export async function runChat(flags: GlobalFlags): Promise<void> {
  const runtime = await openRuntime(flags, { generateIfMissing: true });
  const asker = terminalAsker(runtime.config, flags.role);
  const conversationId = `cli-${randomUUID()}`;
  const input = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  process.stdout.write(
    `Exchange analyst — ${HELP.split('\n')[0]} Type /help for examples, /quit to leave.\n`,
  );
  let last: AskOutcome | undefined;
  try {
    for (;;) {
      let line: string;
      try {
        line = (await input.question('analyst> ')).trim();
      } catch {
        break; // stdin closed
      }
      if (!line) continue;
      if (line === '/quit' || line === '/exit' || line === 'exit' || line === 'quit') break;
      if (line === '/help' || line === 'help') {
        process.stdout.write(`${HELP}\n`);
        continue;
      }
      if (EXPLAIN.test(line)) {
        process.stdout.write(`${explainOutcome(last)}\n`);
        continue;
      }
      if (line.startsWith('/csv')) {
        const file = line.slice(4).trim() || 'answer.csv';
        if (!last?.answer?.table) process.stdout.write('No table to export yet.\n');
        else {
          writeFileSync(file, tableToCsv(last.answer.table));
          process.stdout.write(`Wrote ${last.answer.table.rows.length} rows to ${file}\n`);
        }
        continue;
      }
      if (line.startsWith('/chart')) {
        const file = line.slice(6).trim() || 'chart.png';
        if (!last?.answer?.chart)
          process.stdout.write(
            'No chart for the last answer (charts come with time series and breakdowns).\n',
          );
        else {
          const { renderChartPng } = await import('../../render/chart.js');
          const rendered = await renderChartPng(last.answer.chart);
          writeFileSync(file, rendered.png);
          process.stdout.write(
            `Wrote a ${rendered.width}×${rendered.height} chart to ${file}${rendered.notes.length ? ` (${rendered.notes.join(' ')})` : ''}\n`,
          );
        }
        continue;
      }
      const outcome = await runtime.pipeline.ask({
        question: line,
        asker,
        now: parseNow(flags.now),
        conversationId,
      });
      if (outcome.answer) last = outcome;
      process.stdout.write(`${formatOutcomeForTerminal(outcome)}\n`);
    }
  } finally {
    input.close();
    await runtime.close();
  }
}
