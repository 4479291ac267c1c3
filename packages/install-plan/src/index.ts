export { adoptLegacySteps } from './adopt.js';
export {
  type AppliedStep,
  type ApplyHooks,
  type ApplyOptions,
  type ApplyReport,
  applyBootstrap,
  applyPlan,
} from './apply.js';
export { checkFootprint, type FootprintVerdict, grantsLaneRole } from './footprint-check.js';
export { idleInTransactionSessions, type LedgerState, readLedger } from './install-ledger.js';
export { BOOTSTRAP_STEP_IDS, INSTALL_LEDGER_STEP, installPlanSteps } from './install-plan-steps.js';
export {
  buildInstallPlan,
  type InstallPlan,
  type PlannedStep,
  planFromLedger,
  planHashOf,
  type StepStatus,
} from './plan.js';
export { type RehearsalReport, rehearsalChain, rehearseSteps, type StepRehearsal } from './rehearse.js';
export { type RollbackReport, rollbackStep } from './rollback.js';
export { legacyStepDigest, stepVersionHash } from './step-version.js';
export {
  InstallStopError,
  STOP_CONDITIONS,
  type StopConditionName,
  stopConditionForDatabaseError,
} from './stop-condition.js';
export { type VerifyCheck, type VerifyReport, verifyInstall } from './verify.js';
