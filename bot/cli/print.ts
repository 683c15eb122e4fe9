import type { AskOutcome } from '../ask.js';
import type { AnswerChart } from '../render/answer.js';
import { renderTextTable } from '../render/table.js';

const SPARK = '▁▂▃▄▅▆▇█';

/** A one-line sparkline of a series, for terminals. */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return '';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return values
    .map((value) =>
      Number.isFinite(value) ? SPARK[max === min ? 3 : Math.round(((value - min) / (max - min)) * 7)] : ' ',
    )
    .join('');
}

/** Horizontal bars for a breakdown, for terminals (the PNG chart is for Slack and Discord). */
export function textBars(chart: AnswerChart, width = 30): string {
  const rows = chart.data.slice(0, 12);
  const values = rows.map((row) => Number(row[chart.y.field] ?? 0));
  const max = Math.max(...values.map((value) => Math.abs(value)), 0);
  const labels = rows.map((row) => String(row[chart.x.field] ?? ''));
  const labelWidth = Math.min(18, Math.max(...labels.map((label) => label.length)));
  return rows
    .map((_, index) => {
      const length = max === 0 ? 0 : Math.round((Math.abs(values[index]!) / max) * width);
      return `${labels[index]!.slice(0, labelWidth).padEnd(labelWidth)} ${values[index]! < 0 ? '-' : ''}${'█'.repeat(length)}`;
    })
    .join('\n');
}

/** Renders an outcome for the terminal: summary, a small chart, the table. */
export function formatOutcomeForTerminal(outcome: AskOutcome): string {
  const parts: string[] = [outcome.text];
  const answer = outcome.answer;
  if (answer?.chart?.kind === 'line') {
    parts.push(sparkline(answer.chart.data.map((row) => Number(row[answer.chart!.y.field] ?? Number.NaN))));
  } else if (answer?.chart?.kind === 'bar') {
    parts.push(textBars(answer.chart));
  }
  if (answer?.table) parts.push(renderTextTable(answer.table, { maxRows: 40 }));
  return parts.join('\n\n');
}

/** The JSON of `analyst ask --json`: {route:{tool,args}, result, answer}. */
export function outcomeToJson(outcome: AskOutcome): Record<string, unknown> {
  return {
    route: { tool: outcome.route.tool, args: outcome.route.args, source: outcome.route.source },
    result: outcome.result ?? null,
    answer: outcome.text,
    row_count: outcome.answer?.rowCount ?? null,
    truncated: outcome.answer?.truncated ?? false,
    error: outcome.error ?? null,
    duration_ms: Math.round(outcome.durationMs * 10) / 10,
  };
}
