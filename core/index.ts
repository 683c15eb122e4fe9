export type { Config } from './config.js';
export { configSchema, loadConfig, PROJECT_ROOT, readConfigFileSection, SHARED_DIR } from './config.js';
export {
  AnalystError,
  asAnalystError,
  ConfigurationError,
  closestName,
  editDistance,
  InvalidArgumentsError,
  InvalidInputError,
  messageOf,
  NotAvailableError,
  UnknownNameError,
  WarehouseQueryError,
} from './errors.js';
export {
  canSeePii,
  maskAddress,
  maskEmail,
  maskName,
  maskPhone,
  maskPiiInText,
  maskWalletAddress,
  PII_ROLES,
} from './pii.js';
export type { Progress } from './progress.js';
export { createProgress } from './progress.js';
export type { Random } from './random.js';
export { createRandom, hashString } from './random.js';
