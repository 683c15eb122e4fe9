import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import type { SqlConnection } from './connection.js';
import { migrate } from './migrate.js';
import { createPgliteConnection } from './pglite-connection.js';
import { createPostgresConnection } from './postgres-connection.js';
import { APP_MIGRATIONS, WAREHOUSE_MIGRATIONS } from './schema.js';

/** The two connections the bot needs. They are the same object when both use the embedded store. */
export interface Stores {
  readonly warehouse: SqlConnection;
  readonly app: SqlConnection;
  /** Where the embedded store lives, when one is used. */
  readonly dataDir: string | undefined;
  close(): Promise<void>;
}

/** Where to open the stores; the CLI builds this from flags and {@link Config}. */
export interface StoreOptions {
  readonly dataDir?: string;
  readonly databaseUrl?: string | undefined;
  readonly warehouseUrl?: string | undefined;
  /** Use an in-memory PGlite (tests). */
  readonly inMemory?: boolean;
}

/** Builds {@link StoreOptions} from configuration and an optional `--db DIR` flag. */
export function storeOptionsFromConfig(config: Config, dataDirFlag?: string): StoreOptions {
  return {
    dataDir: resolve(dataDirFlag ?? config.ANALYST_DATA_DIR),
    databaseUrl: config.DATABASE_URL,
    warehouseUrl: config.WAREHOUSE_URL,
  };
}

/**
 * Opens the warehouse and app connections and migrates both. The embedded store is opened once and
 * shared, because PGlite allows one instance per directory.
 */
export async function openStores(options: StoreOptions): Promise<Stores> {
  let embedded: SqlConnection | undefined;
  const openEmbedded = async (): Promise<SqlConnection> => {
    embedded ??= await createPgliteConnection(
      options.inMemory ? {} : { dataDir: options.dataDir ?? resolve('.analyst') },
    );
    return embedded;
  };
  const warehouse = options.warehouseUrl ? await openUrl(options.warehouseUrl) : await openEmbedded();
  const app = options.databaseUrl
    ? await createPostgresConnection({ url: options.databaseUrl })
    : await openEmbedded();
  if (warehouse.dialect === 'postgres') await migrate(warehouse, 'warehouse', WAREHOUSE_MIGRATIONS);
  await migrate(app, 'app', APP_MIGRATIONS);
  return {
    warehouse,
    app,
    dataDir: embedded && !options.inMemory ? (options.dataDir ?? resolve('.analyst')) : undefined,
    async close() {
      await warehouse.close();
      if (app !== warehouse) await app.close();
    },
  };
}

async function openUrl(url: string): Promise<SqlConnection> {
  if (url.startsWith('clickhouse://') || url.startsWith('http')) {
    // The ClickHouse connection comes with the distributed-warehouse work; say so instead of failing obscurely.
    const { NotAvailableError } = await import('../core/errors.js');
    throw new NotAvailableError(
      'ClickHouse warehouse',
      'set WAREHOUSE_URL to a postgres:// URL or leave it unset',
    );
  }
  return createPostgresConnection({ url });
}
