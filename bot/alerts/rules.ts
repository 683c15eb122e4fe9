/**
 * Alert rules, from a JSON file (`bot/alerts/rules.json` by default) validated with zod. Each rule has a
 * kind, a croner schedule (UTC), channels (`slack:C0123`, `console:name`), a re-notify interval and kind
 * options.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';

const common = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .describe('Stable rule id (part of fingerprints). Example: withdrawals-hourly'),
  schedule: z.string().min(9).describe('Cron pattern, UTC. Example: "5 * * * *" (hourly at :05)'),
  channels: z
    .array(z.string().regex(/^[a-z]+:[^\s]+$/))
    .min(1)
    .describe('Where to post: deliverer:channel. Example: ["slack:C0RISK", "console:ops"]'),
  renotify_minutes: z
    .number()
    .int()
    .min(5)
    .max(10_080)
    .default(240)
    .describe('Post again while still firing after this many minutes.'),
  max_hits_per_message: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .describe('Hits listed in one grouped message.'),
  enabled: z.boolean().default(true),
};

/** One rule. */
export const alertRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    ...common,
    kind: z.literal('metric_anomaly'),
    metric: z.string().describe('Semantic-layer metric. Example: withdrawal_volume_usd'),
    grain: z.enum(['hour', 'day']).default('hour'),
    lookback_weeks: z.number().int().min(2).max(12).default(4),
    level: z.number().min(0.8).max(0.999).default(0.99).describe('Prediction interval level.'),
    direction: z.enum(['above', 'below', 'both']).default('above'),
  }),
  z.object({
    ...common,
    kind: z.literal('aml_scan'),
    scenario: z.enum([
      'structuring',
      'rapid_movement',
      'dormant_reactivation',
      'high_risk_jurisdiction',
      'sanctioned_exposure',
      'shared_device',
      'outlier',
      'all',
    ]),
    window_days: z.number().int().min(1).max(90).default(1),
    limit: z.number().int().min(1).max(500).default(50),
  }),
  z.object({
    ...common,
    kind: z.literal('feedback_spike'),
    window_days: z.number().int().min(1).max(30).default(1),
  }),
  z.object({
    ...common,
    kind: z.literal('kyc_backlog'),
    threshold: z.number().int().min(1).describe('Alert when pending KYC reviews reach this many.'),
  }),
  z.object({
    ...common,
    kind: z.literal('feedback_digest'),
    window_days: z.number().int().min(1).max(31).default(7),
  }),
]);

/** A validated rule. */
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** The rules file. */
export const alertRulesFileSchema = z
  .object({ rules: z.array(alertRuleSchema) })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    for (const rule of file.rules) {
      if (seen.has(rule.id))
        context.addIssue({ code: 'custom', message: `duplicate rule id '${rule.id}'`, path: ['rules'] });
      seen.add(rule.id);
    }
  });

/** The default rules file shipped with the bot. */
export const DEFAULT_RULES_PATH = resolve(dirname(fileURLToPath(import.meta.url)), 'rules.json');

/** Parses and validates rules; a bad file is an {@link InvalidInputError} naming each problem. */
export function parseAlertRules(value: unknown, source = 'rules'): AlertRule[] {
  const parsed = alertRulesFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InvalidInputError(
      'alert_rules_invalid',
      `Alert rules in ${source} are invalid: ${problems.join('; ')}.`,
    );
  }
  return parsed.data.rules.filter((rule) => rule.enabled);
}

/** Reads and validates a rules file. */
export function loadAlertRules(path: string = DEFAULT_RULES_PATH): AlertRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InvalidInputError('alert_rules_missing', `No alert rules file at ${path}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      'alert_rules_invalid',
      `Alert rules in ${path} are not JSON: ${(error as Error).message}.`,
    );
  }
  return parseAlertRules(json, path);
}
