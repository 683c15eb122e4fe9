import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inScanTransaction,
  plainSource,
  type RiskScanOutcome,
  RULE_SCENARIOS,
  runRiskScan,
} from '../../../models/risk/index.js';
import type { SqlConnection } from '../../../warehouse/connection.js';
import { announceSkip, HAVE_SHARED, pgliteDemo, TEST_NOW } from '../../helpers/demo-fixture.js';

if (!HAVE_SHARED)
  announceSkip(
    'risk scan on the demo warehouse',
    '../shared/data/banking77/train.csv is absent, the demo generator needs it',
  );

describe.runIf(HAVE_SHARED)('risk scan on a small demo warehouse', () => {
  let connection: SqlConnection;
  let outcome: RiskScanOutcome;
  const window = { start: new Date(TEST_NOW.getTime() - 90 * 86_400_000), end: TEST_NOW };

  beforeAll(async () => {
    connection = await pgliteDemo({ scale: 0.02, seed: 7 });
    outcome = await inScanTransaction(connection, (transaction) =>
      runRiskScan(plainSource(transaction), { scenario: 'all', window }),
    );
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('finds every planted case of every rule and nothing else (precision and recall 1)', async () => {
    // Only the test reads the ground truth; the scan never does.
    const { rows } = await connection.query<{ user_id: number; scenario: string }>(
      "SELECT user_id, scenario FROM ground_truth.aml_cases WHERE scenario <> 'outlier'",
    );
    for (const scenario of RULE_SCENARIOS) {
      const planted = rows
        .filter((row) => row.scenario === scenario)
        .map((row) => row.user_id)
        .sort((a, b) => a - b);
      const found = outcome.hits
        .filter((hit) => hit.scenario === scenario)
        .map((hit) => hit.userId)
        .sort((a, b) => a - b);
      expect(planted.length, scenario).toBeGreaterThanOrEqual(3);
      expect(found, scenario).toEqual(planted);
    }
  });

  it('never flags a planted near miss under its own scenario', async () => {
    const { rows } = await connection.query<{ user_id: number; scenario: string }>(
      'SELECT user_id, scenario FROM ground_truth.aml_near_misses',
    );
    for (const row of rows) {
      expect(
        outcome.hits.some((hit) => hit.scenario === row.scenario && hit.userId === row.user_id),
        `${row.scenario} ${row.user_id}`,
      ).toBe(false);
    }
  });

  it('gives the same hits when run again', async () => {
    const again = await runRiskScan(plainSource(connection), { scenario: 'all', window });
    expect(again.hits.map((hit) => [hit.fingerprint, hit.score])).toEqual(
      outcome.hits.map((hit) => [hit.fingerprint, hit.score]),
    );
  });
});
