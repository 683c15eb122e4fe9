/**
 * The SQL guard: every statement a person or an LLM writes passes `checkSql` before it reaches the
 * warehouse, and runs through `executeGuardedQuery` (READ ONLY, statement timeout, read-only role).
 *
 * Left out on purpose: the parser wrappers, the walker and the LIMIT rewriter are internals; the
 * allow-lists are exported read-only so that `describe_data` and tests can show what is allowed.
 */
export { ALLOWED_FUNCTIONS, ALLOWED_TYPES } from './allow-lists.js';
export type { AllowedVerdict, DeniedVerdict, GuardDenialCode, GuardVerdict } from './check.js';
export { checkSql } from './check.js';
export type { GuardedQueryOptions, GuardedRun, ReadOnlyRoleGrants } from './execute.js';
export { ensureReadOnlyRole, executeGuardedQuery, runGuardedSql, SqlGuardError } from './execute.js';
export type { GuardPolicy, GuardPolicyOptions, GuardTable } from './policy.js';
export {
  createGuardPolicy,
  DEFAULT_RESTRICTED_COLUMNS,
  DEFAULT_TABLES,
  warehouseColumns,
} from './policy.js';
export type { SqlCheckCommandOptions, SqlCheckLine, SqlCheckSummary } from './sql-check-command.js';
export { runSqlCheckCommand } from './sql-check-command.js';
