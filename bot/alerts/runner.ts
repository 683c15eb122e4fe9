/**
 * Runs the rules: once (`analyst alerts run-once`), or on their croner schedules under a leader lease
 * (`analyst serve`). Only the leader evaluates rules; the fence is checked before each rule's writes.
 */
import { Cron } from 'croner';
import { asAnalystError } from '../../core/errors.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import { applyRuleEvaluation, type RuleOutcome } from './engine.js';
import type { RuleEvaluator } from './evaluate.js';
import type { LeaderElector } from './leader.js';
import type { AlertRule } from './rules.js';

/** Evaluates every rule once at `now` and writes state + outbox rows; a failing rule is logged, not fatal. */
export async function runAlertRulesOnce(options: {
  app: SqlConnection;
  rules: readonly AlertRule[];
  evaluate: RuleEvaluator;
  now: Date;
  fence?: () => Promise<boolean>;
  log?: (line: string) => void;
}): Promise<RuleOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outcomes: RuleOutcome[] = [];
  for (const rule of options.rules) {
    try {
      const evaluation = await options.evaluate(rule, options.now);
      if (evaluation.skipped) log(`alert rule ${rule.id} skipped: ${evaluation.skipped}`);
      if (options.fence && !(await options.fence())) {
        log(`alert rule ${rule.id}: not the leader any more, results dropped`);
        break;
      }
      outcomes.push(await applyRuleEvaluation(options.app, rule, evaluation, options.now));
    } catch (error) {
      log(`alert rule ${rule.id} failed: ${asAnalystError(error).message}`);
    }
  }
  return outcomes;
}

/** A scheduler running rules on their croner patterns while this instance leads. */
export interface AlertScheduler {
  stop(): void;
}

/** Starts croner jobs (UTC) for every rule; each tick runs only if `elector` says this instance leads. */
export function startAlertScheduler(options: {
  app: SqlConnection;
  rules: readonly AlertRule[];
  evaluate: RuleEvaluator;
  elector: LeaderElector;
  onTick?: () => Promise<void>;
  log?: (line: string) => void;
}): AlertScheduler {
  const stopHeartbeat = options.elector.startHeartbeat((leading) =>
    options.log?.(leading ? 'alert scheduler: leading' : 'alert scheduler: standing by'),
  );
  const jobs = options.rules.map(
    (rule) =>
      new Cron(rule.schedule, { timezone: 'UTC', protect: true, name: `alert-${rule.id}` }, async () => {
        if (!(await options.elector.isLeader())) return;
        await runAlertRulesOnce({
          app: options.app,
          rules: [rule],
          evaluate: options.evaluate,
          now: new Date(),
          fence: () => options.elector.isLeader(),
          ...(options.log ? { log: options.log } : {}),
        });
        await options.onTick?.();
      }),
  );
  return {
    stop() {
      for (const job of jobs) job.stop();
      stopHeartbeat();
    },
  };
}
