/**
 * The versioned thresholds of the AML scenarios (`models/risk/thresholds.json`) and the high-risk
 * jurisdiction list they point to. Both are data: compliance changes a number or the list without a
 * code change, and every alert records the thresholds version it was raised under.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../core/config.js';
import { ConfigurationError, messageOf } from '../../core/errors.js';

/** Where the default thresholds live. */
export const DEFAULT_THRESHOLDS_FILE = resolve(PROJECT_ROOT, 'models', 'risk', 'thresholds.json');

const positive = z.number().positive();
const ratio = z.number().gt(0).lte(1);
const count = z.number().int().min(1);

/** The shape of the thresholds file. */
export const riskThresholdsSchema = z
  .object({
    version: z.number().int().min(1),
    updated: z.string().optional(),
    note: z.string().optional(),
    structuring: z.object({
      reporting_threshold_usd: positive,
      band_low_usd: positive,
      min_deposits: count.min(2),
      max_span_hours: positive,
    }),
    rapid_movement: z.object({
      max_delay_minutes: positive,
      min_ratio: ratio,
      min_round_trips: count,
      max_span_days: positive,
    }),
    dormant_reactivation: z.object({
      min_gap_days: positive,
      min_ratio: ratio,
      follow_days: positive,
    }),
    high_risk_jurisdiction: z.object({
      list_file: z.string().min(1),
      max_evidence_transfers: count.max(50),
    }),
    sanctioned_exposure: z.object({
      labels: z.array(z.string().min(1)).min(1),
      max_hops: z.number().int().min(0).max(4),
    }),
    shared_device: z.object({ min_accounts: count.min(2) }),
    outlier: z.object({
      features: z.array(z.string().min(1)).min(1),
      trees: count.max(2000),
      max_samples: count,
      seed: z.number().int(),
      top: count.max(500),
      /** Isolation Forest scores near 0.5 mean nothing stands out; hits need at least this. */
      min_score: z.number().min(0).max(1),
    }),
    address_profile: z.object({
      illicit_labels: z.array(z.string().min(1)).min(1),
      max_hops: z.number().int().min(1).max(4),
      fan_out: count.max(200),
      max_paths: count.max(200),
    }),
  })
  .refine((value) => value.structuring.band_low_usd < value.structuring.reporting_threshold_usd, {
    message: 'structuring.band_low_usd must be below structuring.reporting_threshold_usd',
  });

/** Validated thresholds. */
export type RiskThresholds = z.infer<typeof riskThresholdsSchema>;

/** One listed jurisdiction. */
export interface HighRiskJurisdiction {
  readonly code: string;
  readonly name: string;
  /** `call_for_action` (FATF black list) or `increased_monitoring` (grey list). */
  readonly list: string;
}

/** The high-risk jurisdiction list, with its source and date. */
export interface HighRiskList {
  readonly source: string;
  readonly asOf: string;
  readonly jurisdictions: readonly HighRiskJurisdiction[];
  readonly codes: readonly string[];
}

const highRiskFileSchema = z.object({
  source: z.string().min(1),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  jurisdictions: z
    .array(
      z.object({ code: z.string().regex(/^[A-Z]{2}$/), name: z.string().min(1), list: z.string().min(1) }),
    )
    .min(1),
});

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(what, `cannot read ${file}: ${messageOf(error)}`);
  }
}

/**
 * Reads and validates a thresholds file (the default one when no path is given).
 *
 * @throws ConfigurationError naming the file and the first invalid field.
 */
export function loadRiskThresholds(file: string = DEFAULT_THRESHOLDS_FILE): RiskThresholds {
  const parsed = riskThresholdsSchema.safeParse(readJson(file, 'risk thresholds'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(
      'risk thresholds',
      `${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/**
 * Reads the high-risk jurisdiction list a thresholds file points to (paths relative to the project).
 *
 * @throws ConfigurationError when the file is missing or malformed.
 */
export function loadHighRiskList(thresholds: RiskThresholds): HighRiskList {
  const configured = thresholds.high_risk_jurisdiction.list_file;
  const file = isAbsolute(configured) ? configured : resolve(PROJECT_ROOT, configured);
  const parsed = highRiskFileSchema.safeParse(readJson(file, 'high-risk jurisdiction list'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(
      'high-risk jurisdiction list',
      `${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
  }
  const jurisdictions = parsed.data.jurisdictions;
  return {
    source: parsed.data.source,
    asOf: parsed.data.as_of,
    jurisdictions,
    codes: jurisdictions.map((item) => item.code),
  };
}

let cached: { thresholds: RiskThresholds; highRisk: HighRiskList } | undefined;

/** The default thresholds and jurisdiction list, read once per process. */
export function defaultRiskConfig(): { thresholds: RiskThresholds; highRisk: HighRiskList } {
  if (!cached) {
    const thresholds = loadRiskThresholds();
    cached = { thresholds, highRisk: loadHighRiskList(thresholds) };
  }
  return cached;
}
