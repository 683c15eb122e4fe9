import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AskPipeline, createAskPipeline } from '../../bot/ask.js';
import { createConversationStore } from '../../bot/conversation-store.js';
import { ungroundedFigures } from '../../bot/render/grounding.js';
import { createOfflineRouter } from '../../bot/router/offline-router.js';
import type { Router } from '../../bot/router/types.js';
import { TOOLS } from '../../tools/registry.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { announceSkip, HAVE_SHARED, pgliteDemo, TEST_NOW } from '../helpers/demo-fixture.js';
import { createScriptedRouter } from '../helpers/scripted-router.js';

const asker = { id: 'tester', role: 'analyst' as const, surface: 'test' };

function pipelineWith(connection: SqlConnection, router: Router): AskPipeline {
  return createAskPipeline({
    warehouse: connection,
    app: connection,
    router,
    tools: TOOLS,
    conversations: createConversationStore(connection),
    maxRows: 1000,
    statementTimeoutMs: 10_000,
  });
}

if (!HAVE_SHARED)
  announceSkip('ask pipeline', '../shared/data/banking77/train.csv is absent, the demo generator needs it');

describe.runIf(HAVE_SHARED)('ask pipeline on the demo warehouse', () => {
  let connection: SqlConnection;
  let pipeline: AskPipeline;
  beforeAll(async () => {
    connection = await pgliteDemo();
    pipeline = pipelineWith(connection, await createOfflineRouter());
  });
  afterAll(async () => {
    await connection?.close();
  });

  const questions = [
    'trading volume by country last week',
    'daily new users since Monday',
    'fee revenue this year vs last year',
    'top 5 assets by trades this month',
    'kyc approval rate by country in October',
    'how big is the KYC backlog today? split by kyc level',
    'net inflow for BTC this week vs the same week last year',
    'avg rating by channel in October',
    'withdrawals weekly over the past 3 months',
    'AML alerts per day, last 30 days',
    'what metrics can I ask about?',
    'how is net_inflow_usd calculated?',
    'pull up user 12',
    'run this: SELECT country, count(*) AS n FROM users GROUP BY country ORDER BY n DESC',
  ];
  for (const question of questions) {
    it(`grounds every figure of the answer to "${question}" in the tool result`, async () => {
      const outcome = await pipeline.ask({ question, asker, now: TEST_NOW });
      expect(outcome.error, outcome.text).toBeUndefined();
      expect(outcome.result).toBeDefined();
      expect(outcome.answer!.summary.length).toBeGreaterThan(10);
      expect(ungroundedFigures(outcome.answer!.summary, outcome.result)).toEqual([]);
      expect(outcome.answer!.summary).toMatch(
        /\d+ rows?\.|Showing the first|^I can answer|^net_inflow_usd|^User \d+/,
      );
    });
  }

  it('flags a figure that is not in the result', () => {
    expect(
      ungroundedFigures('Volume was $4.20M, up 12.0%.', { total: 4_199_000, change: { percent: 0.12 } }),
    ).toEqual([]);
    expect(
      ungroundedFigures('Volume was $5.00M.', { total: 4_199_000 }).map((figure) => figure.text),
    ).toEqual(['$5.00M']);
  });

  it('writes the question, route, tool call and SQL to the audit log', async () => {
    await pipeline.ask({
      question: 'trade count yesterday',
      asker: { ...asker, id: 'auditor' },
      now: TEST_NOW,
    });
    const { rows } = await connection.query<{
      kind: string;
      tool: string | null;
      sql: string | null;
      row_count: number | null;
    }>("SELECT kind, tool, sql, row_count FROM app.audit_log WHERE actor = 'auditor' ORDER BY audit_id");
    expect(rows.map((row) => row.kind)).toEqual(['question', 'route', 'tool_call', 'sql', 'answer']);
    expect(rows[3]!.sql).toMatch(/^SELECT .* FROM rollup_trades_daily r WHERE/);
    expect(rows[3]!.row_count).toBe(1);
    await expect(connection.query("DELETE FROM app.audit_log WHERE actor = 'auditor'")).rejects.toThrow(
      /append-only/,
    );
  });

  it('carries a follow-up over from the conversation', async () => {
    const conversationId = 'thread-1';
    await pipeline.ask({ question: 'number of trades yesterday', asker, now: TEST_NOW, conversationId });
    const followUp = await pipeline.ask({
      question: 'break that down by platform',
      asker,
      now: TEST_NOW,
      conversationId,
    });
    expect(followUp.route).toMatchObject({
      tool: 'metric_query',
      args: {
        metric: 'trade_count',
        time_range: { start: '2026-11-23', end: '2026-11-24' },
        group_by: ['platform'],
      },
    });
    expect(followUp.answer!.rowCount).toBeGreaterThan(0);
  });

  it('answers bad input with a clear message and changes nothing', async () => {
    const before = await connection.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    const scripted = pipelineWith(
      connection,
      createScriptedRouter([
        {
          tool: 'metric_query',
          args: { metric: 'trading_volume', time_range: { start: '2026-11-01', end: '2026-11-08' } },
        },
        {
          tool: 'metric_query',
          args: {
            metric: 'trade_count',
            time_range: { start: '2026-11-01', end: '2026-11-08' },
            filters: { asset: 'DOGGO' },
          },
        },
        {
          tool: 'metric_query',
          args: { metric: 'trade_count', time_range: { start: '2026-11-08', end: '2026-11-01' } },
        },
        { tool: 'sql_query', args: { sql: 'DELETE FROM users' } },
        { tool: 'sql_query', args: { sql: 'SELECT 1; DROP TABLE users' } },
      ]),
    );
    const unknownMetric = await scripted.ask({ question: 'q1', asker, now: TEST_NOW });
    expect(unknownMetric.error?.code).toBe('arguments_invalid');
    expect(unknownMetric.text).toMatch(
      /^Invalid arguments for metric_query: metric: Invalid option: expected one of "trading_volume_usd"\|/,
    );
    const unknownValue = await scripted.ask({ question: 'q2', asker, now: TEST_NOW });
    expect(unknownValue.error?.code).toBe('dimension_value_unknown');
    expect(unknownValue.text).toMatch(/^Unknown asset value 'DOGGO'\. .*Available: .*BTC/);
    const inverted = await scripted.ask({ question: 'q3', asker, now: TEST_NOW });
    expect(inverted.text).toBe(
      'The time range is empty or inverted: start 2026-11-08 is not before end 2026-11-01.',
    );
    const deletion = await scripted.ask({ question: 'q4', asker, now: TEST_NOW });
    expect(deletion.error?.code).toBeDefined();
    expect(deletion.text).toMatch(/^This SQL cannot run: only SELECT statements are allowed/);
    const stacked = await scripted.ask({ question: 'q5', asker, now: TEST_NOW });
    expect(stacked.text).toMatch(/^This SQL cannot run: .*(multiple|one) statement/);
    const after = await connection.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
