export { adoptLegacySteps } from './adopt.js';
export {
  type ApplyHooks,
  type ApplyOptions,
  type ApplyReport,
  type AppliedStep,
  applyBootstrap,
  applyPlan,
} from './apply.js';
export { checkFootprint, type FootprintVerdict, grantsLaneRole } from './footprint-check.js';
export { BOOTSTRAP_STEP_IDS, INSTALL_LEDGER_STEP, installPlanSteps } from './install-plan-steps.js';
export { type LedgerState, idleInTransactionSessions, readLedger } from './install-ledger.js';
export { buildInstallPlan, type InstallPlan, type PlannedStep, planFromLedger, planHashOf, type StepStatus } from './plan.js';
export { type RehearsalReport, rehearsalChain, rehearseSteps, type StepRehearsal } from './rehearse.js';
export { type RollbackReport, rollbackStep } from './rollback.js';
export {
  InstallStopError,
  STOP_CONDITIONS,
  type StopConditionName,
  stopConditionForDatabaseError,
} from './stop-condition.js';
export { legacyStepDigest, stepVersionHash } from './step-version.js';
export { type VerifyCheck, type VerifyReport, verifyInstall } from './verify.js';
