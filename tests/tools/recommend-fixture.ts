/**
 * A small exchange for the recommendation tools, small enough to reason about by hand:
 * - 40 layer-2 fans in DE (tier 0) who trade ARB, OP and POL; half of them also view SOL.
 * - 40 majors traders in US (tier 1) who trade BTC and ETH and subscribe to ETH Staking.
 * - user 1 (DE, tier 0) traded ARB and OP and viewed POL: POL is the obvious next item.
 * - user 2 (US, tier 1) subscribed to ETH Staking and traded BTC.
 * - user 3 (DE, tier 0) and user 4 (FR, tier 3) have no events (cold start).
 */
import { createRandom } from '../../core/random.js';
import type { AuditEntry, AuditSink, ToolContext } from '../../tools/define-tool.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import type { Stores } from '../../warehouse/stores.js';

type Event = [
  userId: number,
  itemId: string,
  itemType: 'asset' | 'product',
  eventType: 'view' | 'trade' | 'subscribe',
];

/** Fills users, assets, products and user_events. */
export async function loadRecommendFixture(warehouse: SqlConnection): Promise<void> {
  const users: [number, string, number][] = [
    [1, 'DE', 0],
    [2, 'US', 1],
    [3, 'DE', 0],
    [4, 'FR', 3],
  ];
  const events: Event[] = [
    [1, 'ARB', 'asset', 'trade'],
    [1, 'OP', 'asset', 'trade'],
    [1, 'POL', 'asset', 'view'],
    [2, 'earn-eth-staking', 'product', 'subscribe'],
    [2, 'BTC', 'asset', 'trade'],
  ];
  for (let n = 0; n < 40; n++) {
    const l2 = 1000 + n;
    users.push([l2, 'DE', 0]);
    events.push([l2, 'ARB', 'asset', 'trade'], [l2, 'OP', 'asset', 'trade'], [l2, 'POL', 'asset', 'trade']);
    if (n % 2 === 0) events.push([l2, 'SOL', 'asset', 'view']);
    const major = 2000 + n;
    users.push([major, 'US', 1]);
    events.push([major, 'BTC', 'asset', 'trade'], [major, 'ETH', 'asset', 'trade']);
    events.push([major, 'earn-eth-staking', 'product', 'subscribe']);
  }
  await warehouse.bulkInsert(
    'users',
    [
      'user_id:integer',
      'email:text',
      'full_name:text',
      'country:text',
      'kyc_level:smallint',
      'vip_tier:smallint',
      'platform:text',
      'status:text',
      'created_at:timestamptz',
    ].map(column),
    users.map(([userId, country, tier]) => [
      userId,
      `u${userId}@example.com`,
      `User ${userId}`,
      country,
      2,
      tier,
      'web',
      'active',
      '2026-01-01T00:00:00Z',
    ]),
  );
  await warehouse.bulkInsert(
    'assets',
    [
      'symbol:text',
      'name:text',
      'category:text',
      'chains:text',
      'price_usd:float8',
      'is_stablecoin:boolean',
    ].map(column),
    [
      ['ARB', 'Arbitrum', 'layer2', 'ethereum', 0.22, false],
      ['OP', 'Optimism', 'layer2', 'ethereum', 0.33, false],
      ['POL', 'Polygon', 'layer2', 'ethereum', 0.14, false],
      ['BTC', 'Bitcoin', 'layer1', 'bitcoin', 90000, false],
      ['ETH', 'Ethereum', 'layer1', 'ethereum', 3000, false],
      ['SOL', 'Solana', 'layer1', 'solana', 140, false],
    ],
  );
  await warehouse.bulkInsert(
    'products',
    ['product_id:text', 'name:text', 'product:text', 'asset:text', 'description:text'].map(column),
    [['earn-eth-staking', 'ETH Staking', 'earn', 'ETH', 'Stake ETH and receive a liquid staking token.']],
  );
  await warehouse.bulkInsert(
    'user_events',
    [
      'event_id:bigint',
      'user_id:integer',
      'item_id:text',
      'item_type:text',
      'event_type:text',
      'created_at:timestamptz',
    ].map(column),
    events.map(([userId, itemId, itemType, eventType], index) => [
      index + 1,
      userId,
      itemId,
      itemType,
      eventType,
      new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString(),
    ]),
  );
}

/** A tool context over the stores, recording audit entries in `entries`. */
export function recommendContext(stores: Stores): ToolContext & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  const audit: AuditSink = {
    async record(entry) {
      entries.push(entry);
    },
  };
  return {
    warehouse: stores.warehouse,
    app: stores.app,
    now: new Date('2026-11-24T12:00:00Z'),
    random: createRandom(1),
    asker: { id: 'test', role: 'analyst', surface: 'test' },
    audit,
    maxRows: 1000,
    statementTimeoutMs: 10_000,
    entries,
  };
}

function column(spec: string): { name: string; type: string } {
  const [name, type] = spec.split(':') as [string, string];
  return { name, type };
}
