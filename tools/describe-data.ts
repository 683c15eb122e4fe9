import { z } from 'zod';
import { UnknownNameError } from '../core/errors.js';
import {
  DIMENSION_NAMES,
  type DimensionName,
  describeDimensions,
  describeMetrics,
  dimensionValues,
  type MetricDescription,
} from '../warehouse/semantic/index.js';
import { defineTool, type ExecutedSql, runAuditedQuery } from './define-tool.js';

/** Warehouse tables people may ask about (ground truth and app state are deliberately absent). */
export const DESCRIBED_TABLES = [
  'users',
  'kyc_reviews',
  'assets',
  'products',
  'trades',
  'deposits',
  'withdrawals',
  'logins',
  'address_labels',
  'chain_transfers',
  'user_events',
  'feedback',
  'aml_alerts',
] as const;

/** Input of `describe_data`. */
export const describeDataInput = z.object({
  subject: z
    .string()
    .max(100)
    .optional()
    .describe('A metric, dimension or table to describe; omit for the overview. Example: net_inflow_usd'),
});

/** Result of `describe_data`. */
export interface DescribeDataResult {
  readonly kind: 'describe_data';
  readonly subject: string | undefined;
  readonly metrics: MetricDescription[];
  readonly dimensions: { name: string; description: string; values?: readonly string[]; example: string }[];
  readonly tables: { name: string; columns: { name: string; type: string }[]; approximateRows: number }[];
  readonly sql: ExecutedSql[];
}

/** `describe_data`: what can be asked — metrics with definitions, dimensions with values, tables with columns. */
export const describeDataTool = defineTool({
  name: 'describe_data',
  description:
    'Explain what data the bot can answer from: the metrics (with their exact definitions), the dimensions (with their values) and the warehouse tables (with columns). Give a subject to describe one metric, dimension or table.',
  input: describeDataInput,
  async run(input, context): Promise<DescribeDataResult> {
    const sql: ExecutedSql[] = [];
    const subject = input.subject?.trim().toLowerCase() || undefined;
    const metrics = describeMetrics();
    const dimensions = describeDimensions();
    const tableNames: readonly string[] = DESCRIBED_TABLES;
    if (subject) {
      const known = [...metrics.map((metric) => metric.name), ...DIMENSION_NAMES, ...tableNames];
      if (!known.includes(subject)) {
        throw new UnknownNameError({
          code: 'subject_unknown',
          kind: 'metric, dimension or table',
          input: subject,
          available: known,
        });
      }
    }
    const wantTables = subject ? tableNames.filter((name) => name === subject) : tableNames;
    const tables: DescribeDataResult['tables'] = [];
    if (wantTables.length > 0) {
      const { rows, executed } = await runAuditedQuery<{
        table_name: string;
        column_name: string;
        data_type: string;
      }>(
        context,
        'describe_data',
        `SELECT table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = ANY($1::text[]) ORDER BY table_name, ordinal_position`,
        [wantTables],
      );
      sql.push(executed);
      const counts = await runAuditedQuery<{ name: string; rows: number }>(
        context,
        'describe_data',
        `SELECT c.relname AS name, GREATEST(c.reltuples, 0)::bigint AS rows FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])`,
        [wantTables],
      );
      sql.push(counts.executed);
      const rowCounts = new Map(counts.rows.map((row) => [row.name, Number(row.rows)]));
      for (const name of wantTables) {
        tables.push({
          name,
          columns: rows
            .filter((row) => row.table_name === name)
            .map((row) => ({ name: row.column_name, type: row.data_type })),
          approximateRows: rowCounts.get(name) ?? 0,
        });
      }
    }
    const selectedDimensions = subject
      ? dimensions.filter((dimension) => dimension.name === subject)
      : dimensions;
    // Dimensions whose values live in the data get them listed when asked about one by name.
    const withValues = await Promise.all(
      selectedDimensions.map(async (dimension) =>
        subject && !dimension.values
          ? {
              ...dimension,
              values: await dimensionValues(context.warehouse, dimension.name as DimensionName),
            }
          : dimension,
      ),
    );
    return {
      kind: 'describe_data',
      subject,
      metrics: subject ? metrics.filter((metric) => metric.name === subject) : metrics,
      dimensions: withValues,
      tables,
      sql,
    };
  },
});
