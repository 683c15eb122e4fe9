import type { Command } from 'commander';
import { loadConfig } from '../../../core/config.js';
import { openStores, storeOptionsFromConfig } from '../../../warehouse/stores.js';
import {
  type AlertDeliverer,
  createConsoleDeliverer,
  createOutboxSender,
  createRuleEvaluator,
  createSlackDeliverer,
  DEFAULT_RULES_PATH,
  loadAlertRules,
  outboxCounts,
  runAlertRulesOnce,
} from '../../alerts/index.js';
import { type GlobalFlags, parseNow } from '../runtime.js';

/**
 * `analyst alerts run-once [--now T] [--rules FILE]`: evaluates every rule once, then delivers the
 * outbox (Slack when SLACK_BOT_TOKEN is set, with SLACK_API_URL for another Web API base; the console
 * always).
 */
export function registerAlertsCommand(program: Command): Command {
  const alerts = program.command('alerts').description('Proactive alerts');
  alerts
    .command('run-once')
    .description('Evaluate every alert rule once and deliver through the outbox')
    .option('--rules <file>', 'rules file', DEFAULT_RULES_PATH)
    .action(async (options: { rules: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const now = parseNow(flags.now);
      const rules = loadAlertRules(options.rules);
      const stores = await openStores(storeOptionsFromConfig(loadConfig(), flags.db));
      try {
        const deliverers: Record<string, AlertDeliverer> = {
          console: createConsoleDeliverer({ write: (text) => process.stderr.write(text) }),
        };
        const token = process.env['SLACK_BOT_TOKEN'];
        if (token)
          deliverers['slack'] = createSlackDeliverer({
            botToken: token,
            ...(process.env['SLACK_API_URL'] ? { apiUrl: process.env['SLACK_API_URL'] } : {}),
          });
        const outcomes = await runAlertRulesOnce({
          app: stores.app,
          rules,
          evaluate: createRuleEvaluator(stores),
          now,
        });
        // Rows for a deliverer that is not configured (slack without a token) wait for one that is.
        const sender = createOutboxSender({
          app: stores.app,
          deliverers,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const delivery = await sender.drain({ maxRounds: 50, maxWaitMs: 5000 });
        const counts = await outboxCounts(stores.app);
        if (flags.json)
          process.stdout.write(`${JSON.stringify({ rules: outcomes, delivery, outbox: counts })}\n`);
        else {
          for (const outcome of outcomes) {
            process.stdout.write(
              `${outcome.ruleId}: ${outcome.skipped ? `skipped (${outcome.skipped})` : `${outcome.newHits} new, ${outcome.renotified} re-notified, ${outcome.suppressed} suppressed, ${outcome.resolved} resolved, ${outcome.messages} messages`}\n`,
            );
          }
          process.stdout.write(
            `delivered ${delivery.sent} (reconciled ${delivery.reconciled}, failed ${delivery.failed}); outbox ${JSON.stringify(counts)}\n`,
          );
        }
      } finally {
        await stores.close();
      }
    });
  return alerts;
}
