import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigurationError } from './errors.js';

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, 'should look like postgres://user:password@host:5432/database');
const warehouseUrl = z
  .string()
  .regex(
    /^(postgres(ql)?|clickhouse|https?):\/\/.+/,
    'should look like postgres://user:password@host:5432/db or clickhouse://user:password@host:8123/db',
  );

/** Every setting, with where it comes from. Environment variables win over `analyst.config.json`. */
export const configSchema = z.object({
  ANALYST_DATA_DIR: z.string().min(1).describe('Embedded store directory, default ./.analyst'),
  DATABASE_URL: postgresUrl
    .optional()
    .describe('App state (conversations, alerts, audit, vectors) on PostgreSQL'),
  WAREHOUSE_URL: warehouseUrl.optional().describe('Warehouse on PostgreSQL or ClickHouse'),
  EMBEDDING_MODEL_DIR: z.string().min(1).optional().describe('A transformers.js model folder'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url('should be a URL such as http://127.0.0.1:11434/v1').optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive('should be a positive number of milliseconds')
    .default(20_000),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'should start with xoxb-').optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'should start with xapp-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'should be the 64-hex-character public key of the Discord application')
    .optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'should be the numeric application id').optional(),
  ANALYST_ROLE: z.enum(['analyst', 'compliance', 'support', 'admin']).default('analyst'),
  ANALYST_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  ANALYST_MAX_ROWS: z.coerce.number().int().positive().max(100_000).default(1000),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
});

/** Validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** The project root (where package.json lives), used to find `../shared` and defaults. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `../shared` beside the project, where models and data sets live. */
export const SHARED_DIR = resolve(PROJECT_ROOT, '..', 'shared');

/**
 * Reads configuration from `analyst.config.json` (optional, in the working directory) and the
 * environment, validates it, and throws a {@link ConfigurationError} naming the variable at fault.
 */
export function loadConfig(
  environment: Record<string, string | undefined> = process.env,
  configFile = resolve(process.cwd(), 'analyst.config.json'),
): Config {
  let fromFile: Record<string, unknown> = {};
  if (existsSync(configFile)) {
    try {
      fromFile = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigurationError(configFile, `is not valid JSON (${(error as Error).message})`);
    }
  }
  const merged: Record<string, unknown> = { ANALYST_DATA_DIR: './.analyst', ...fromFile };
  for (const key of Object.keys(configSchema.shape)) {
    const value = environment[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = issue.path.join('.') || 'configuration';
    throw new ConfigurationError(variable, issue.message);
  }
  return parsed.data;
}

/**
 * A section of `analyst.config.json` that is not an environment variable (e.g. `access`: roles and
 * channels), or undefined when the file or the section is absent.
 */
export function readConfigFileSection(
  name: string,
  configFile = resolve(process.cwd(), 'analyst.config.json'),
): unknown {
  if (!existsSync(configFile)) return undefined;
  try {
    return (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>)[name];
  } catch (error) {
    throw new ConfigurationError(configFile, `is not valid JSON (${(error as Error).message})`);
  }
}
