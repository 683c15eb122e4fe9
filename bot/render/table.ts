/** A table ready to render on any surface: headers, string cells, right-aligned numeric columns. */
export interface TextTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns holding numbers (right-aligned). */
  readonly numeric: readonly boolean[];
}

/** Renders a table with box-drawing-free ASCII so it survives Slack code blocks and terminals. */
export function renderTextTable(table: TextTable, options: { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 50;
  const rows = table.rows.slice(0, maxRows);
  const widths = table.headers.map((header, column) =>
    Math.min(40, Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length))),
  );
  const cell = (text: string, column: number): string => {
    const width = widths[column]!;
    const clipped = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    return table.numeric[column] ? clipped.padStart(width) : clipped.padEnd(width);
  };
  const lines = [
    table.headers.map((header, column) => cell(header, column)).join('  '),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map((row) => row.map((text, column) => cell(text, column)).join('  ')),
  ];
  if (table.rows.length > rows.length)
    lines.push(`… ${table.rows.length - rows.length} more rows (use --json or CSV for all)`);
  return lines.map((line) => line.trimEnd()).join('\n');
}

/** CSV of a table (RFC 4180 quoting). */
export function tableToCsv(table: TextTable): string {
  const quote = (text: string): string => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return [table.headers, ...table.rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}
