/**
 * Risk: behavioural features computed in the warehouse, the AML rule scenarios and the outlier model,
 * alerts with evidence in the app database, on-chain address profiles with exposure paths, the risk
 * section of user profiles, and the supervised risk model of `analyst risk train/score`.
 *
 * Left out on purpose: the SQL helpers of `sql.ts` (internal to the builders), the individual rule
 * runners (use `RULES` or `runRiskScan`), and `exposureWalk` (use `profileAddress`).
 */
export type { AddressChain, AddressCheck } from './address-format.js';
export { chainsForAddress, checkAddress, storedForms, validateAddress } from './address-format.js';
export type {
  AddressProfile,
  AddressProfileOptions,
  AddressUser,
  ExposurePath,
  ExposureSummary,
  FlowTotals,
} from './address-profile.js';
export { profileAddress } from './address-profile.js';
export type { AlertListOptions, AlertStatus, AlertUpsertOutcome, StoredAlert } from './alert-store.js';
export {
  ALERT_STATUSES,
  countRiskAlerts,
  listRiskAlerts,
  setAlertStatus,
  upsertRiskAlerts,
} from './alert-store.js';
export type { BehaviouralFeature, FeatureGroup, FeatureOptions, FeatureRow } from './features.js';
export {
  BEHAVIOURAL_FEATURES,
  behaviouralFeature,
  buildFeatureQuery,
  computeBehaviouralFeatures,
} from './features.js';
export type { OutlierScanOptions, OutlierScanResult } from './outlier.js';
export { outlierRuleText, runOutlierScan } from './outlier.js';
export type { RiskModel, RiskModelReport, TrainRiskModelOptions } from './risk-model.js';
export {
  loadRiskModel,
  RISK_MODEL_FORMAT,
  riskProbability,
  runRiskScoreCommand,
  runRiskTrainCommand,
  scoreRiskModel,
  trainRiskModel,
} from './risk-model.js';
export type { RuleOptions, RuleRunner } from './rules.js';
export { RULES, ruleText } from './rules.js';
export type { RiskScanOptions, RiskScanOutcome, ScenarioSummary } from './scan.js';
export { inScanTransaction, plainSource, runRiskScan, scenariosOf } from './scan.js';
export type { HighRiskJurisdiction, HighRiskList, RiskThresholds } from './thresholds.js';
export {
  DEFAULT_THRESHOLDS_FILE,
  defaultRiskConfig,
  loadHighRiskList,
  loadRiskThresholds,
  riskThresholdsSchema,
} from './thresholds.js';
export type {
  EvidenceItem,
  RiskHit,
  RiskQuery,
  RiskScenario,
  RiskSource,
  RiskWindow,
  RuleScenario,
} from './types.js';
export { RISK_SCENARIOS, RULE_SCENARIOS } from './types.js';
export type { LinkedAccount, UserRiskFlag, UserRiskOptions, UserRiskSection } from './user-risk.js';
export { linkedAccounts, USER_RISK_WINDOW_DAYS, userRiskSection } from './user-risk.js';
