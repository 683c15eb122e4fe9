/** Proactive alerts: rules, evaluation, alert state and actions, the outbox, its sender and delivery, leader election. */
export type { AlertAction, AlertState } from './actions.js';
export {
  ALERT_OUTCOMES,
  actionFromButton,
  alertActionSchema,
  applyAlertAction,
  listAlertLabels,
  SNOOZE_DURATIONS,
} from './actions.js';
export type { AlertDeliverer, AlertMessage, DeliveredMessage, SlackDelivererOptions } from './deliverers.js';
export {
  ALERT_METADATA_EVENT,
  createConsoleDeliverer,
  createSlackDeliverer,
  DeliveryRejectedError,
  RateLimitedError,
} from './deliverers.js';
export type { AlertHit, RuleEvaluation, RuleOutcome } from './engine.js';
export { alertFingerprint, applyRuleEvaluation, parseChannel, renderAlertMessage } from './engine.js';
export type { RuleEvaluator } from './evaluate.js';
export { createRuleEvaluator } from './evaluate.js';
export type { LeaderElector, LeaderElectorOptions } from './leader.js';
export { createLeaderElector } from './leader.js';
export type { OutboxEntry, OutboxKind, OutboxRow } from './outbox.js';
export { enqueueOutbox, outboxCounts, outboxIdempotencyKey } from './outbox.js';
export type { AlertRule } from './rules.js';
export { alertRuleSchema, DEFAULT_RULES_PATH, loadAlertRules, parseAlertRules } from './rules.js';
export type { AlertScheduler } from './runner.js';
export { runAlertRulesOnce, startAlertScheduler } from './runner.js';
export type { OutboxSender, OutboxSenderOptions, SendReport } from './sender.js';
export { createOutboxSender } from './sender.js';
