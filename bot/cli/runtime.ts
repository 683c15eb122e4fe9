import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, loadConfig, readConfigFileSection, SHARED_DIR } from '../../core/config.js';
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import type { Asker, Role } from '../../tools/define-tool.js';
import { TOOLS } from '../../tools/registry.js';
import { generateDemoWarehouse } from '../../warehouse/demo/generate.js';
import { buildRollups, clearSemanticCaches } from '../../warehouse/semantic/index.js';
import { openStores, type Stores, storeOptionsFromConfig } from '../../warehouse/stores.js';
import { type AskPipeline, createAskPipeline } from '../ask.js';
import { createConversationStore } from '../conversation-store.js';
import { createRouterFromConfig } from '../llm/router-from-config.js';
import {
  type AccessConfig,
  type AccessPolicy,
  accessConfigSchema,
  createAccessPolicy,
} from '../permissions.js';
import { createOfflineRouter } from '../router/offline-router.js';
import type { Router } from '../router/types.js';

/** Flags every command shares. */
export interface GlobalFlags {
  readonly db?: string;
  readonly json?: boolean;
  readonly now?: string;
  readonly role?: string;
}

/** An opened runtime: configuration, stores, router and the ask pipeline. */
export interface Runtime {
  readonly config: Config;
  readonly stores: Stores;
  readonly router: Router;
  readonly pipeline: AskPipeline;
  readonly access: AccessPolicy;
  close(): Promise<void>;
}

/** Parses `--now` (ISO timestamp or date), defaulting to the wall clock. */
export function parseNow(text: string | undefined): Date {
  if (!text) return new Date();
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInputError(
      'now_invalid',
      `--now '${text}' is not a timestamp: use e.g. 2026-11-24T12:00:00Z.`,
    );
  }
  return date;
}

/** The asker of a terminal session: the OS user, with the role from --role or ANALYST_ROLE. */
export function terminalAsker(config: Config, role?: string): Asker {
  const allowed: readonly Role[] = ['analyst', 'compliance', 'support', 'admin'];
  const chosen = (role ?? config.ANALYST_ROLE) as Role;
  if (!allowed.includes(chosen)) {
    throw new InvalidInputError('role_unknown', `Unknown role '${role}'. Roles: ${allowed.join(', ')}.`);
  }
  return { id: process.env['USER'] ?? 'terminal', role: chosen, surface: 'cli' };
}

/** True when the warehouse holds generated (or loaded) data. */
export async function warehouseIsLoaded(stores: Stores): Promise<boolean> {
  try {
    const { rows } = await stores.warehouse.query<{ count: number }>(
      'SELECT COUNT(*) AS count FROM demo_metadata',
    );
    return Number(rows[0]?.count ?? 0) > 0;
  } catch {
    return false;
  }
}

/** Generates the demo warehouse and its rollups, with progress bars. */
export async function generateDemo(
  stores: Stores,
  options: { scale: number; seed: number; now: Date; silent?: boolean },
): Promise<{ counts: Record<string, number>; durationMs: number }> {
  const feedbackCsvPath = resolve(SHARED_DIR, 'data', 'banking77', 'train.csv');
  const outcome = await generateDemoWarehouse(stores.warehouse, {
    scale: options.scale,
    seed: options.seed,
    now: options.now,
    feedbackCsvPath,
    silent: options.silent ?? false,
  });
  const started = performance.now();
  const plans = 20;
  await buildRollups(stores.warehouse, {
    progress: createProgress({
      label: 'rollups',
      total: plans,
      unit: 'tables',
      silent: options.silent ?? false,
    }),
  });
  clearSemanticCaches(stores.warehouse);
  return { counts: outcome.counts, durationMs: outcome.durationMs + (performance.now() - started) };
}

/**
 * Opens configuration, stores and the pipeline. `requireData` makes a missing data directory or an
 * empty warehouse a clear error; `generateIfMissing` builds the demo instead (first `npm start`).
 */
export async function openRuntime(
  flags: GlobalFlags,
  options: { requireData?: boolean; generateIfMissing?: boolean } = {},
): Promise<Runtime> {
  const config = loadConfig();
  const storeOptions = storeOptionsFromConfig(config, flags.db);
  const embedded = !storeOptions.warehouseUrl;
  if (
    embedded &&
    options.requireData &&
    !options.generateIfMissing &&
    storeOptions.dataDir &&
    !existsSync(storeOptions.dataDir)
  ) {
    throw new InvalidInputError(
      'data_directory_missing',
      `No data directory at ${storeOptions.dataDir}. Run 'npm start' (which builds the demo warehouse) or 'analyst demo generate --db ${storeOptions.dataDir}' first.`,
    );
  }
  const stores = await openStores(storeOptions);
  try {
    if (options.requireData || options.generateIfMissing) {
      const loaded = await warehouseIsLoaded(stores);
      if (!loaded && options.generateIfMissing) {
        process.stderr.write(
          'First run: building the demo warehouse (50k users, 1M trades, 10k feedback; about a minute)…\n',
        );
        await generateDemo(stores, { scale: 1, seed: 42, now: parseNow(flags.now) });
      } else if (!loaded) {
        throw new InvalidInputError(
          'warehouse_empty',
          `The warehouse in ${storeOptions.dataDir ?? 'WAREHOUSE_URL'} has no data. Run 'analyst demo generate${flags.db ? ` --db ${flags.db}` : ''}' first.`,
        );
      }
    }
    const access = loadAccessPolicy();
    const router = createRouterFromConfig(config, await createOfflineRouter({ lazy: true }), {
      allowedTools: (toolName, asker) => (asker ? access.check(toolName, asker).allowed : true),
    });
    const pipeline = createAskPipeline({
      warehouse: stores.warehouse,
      app: stores.app,
      router,
      tools: TOOLS,
      conversations: createConversationStore(stores.app),
      maxRows: config.ANALYST_MAX_ROWS,
      statementTimeoutMs: config.ANALYST_STATEMENT_TIMEOUT_MS,
      access,
    });
    return { config, stores, router, pipeline, access, close: () => stores.close() };
  } catch (error) {
    await stores.close();
    throw error;
  }
}

/** The access policy from the `access` section of analyst.config.json (defaults when absent). */
export function loadAccessPolicy(): AccessPolicy {
  const section = readConfigFileSection('access');
  const parsed = accessConfigSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(`access.${issue.path.join('.')}`, issue.message);
  }
  return createAccessPolicy(parsed.data satisfies AccessConfig);
}
