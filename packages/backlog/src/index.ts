export { backlogErrorFrom, constraintOf } from './backlog-error.js';
export { BACKLOG_ROLE, backlogSteps } from './backlog-steps.js';
export { nextBatchSize } from './batch-size.js';
export { idsChecksum } from './checksum.js';
export { formatPass, formatSeconds } from './format-pass.js';
export { isMalformedPass, type MalformedPass, type PassStatus, readPassStatus } from './pass-status.js';
export { pausePass, resumePass } from './pause-pass.js';
export {
  type BacklogPlan,
  type BacklogScope,
  type PlanOptions,
  planBacklogPass,
  type ScopeCounts,
} from './plan.js';
export { type BacklogPlanInput, backlogPlanInputSchema, parseBacklogPlanInput } from './plan-input.js';
export { revokeBacklogApproval } from './revoke-approval.js';
export { type RollbackReport, rollbackPass, rollbackScope } from './rollback-pass.js';
export { runWorker, type WorkerBatch, type WorkerOptions, type WorkerOutcome } from './run-worker.js';
export { type StartOptions, startPass, type VerifyResult, verifyScope } from './start-pass.js';
export { type MeasuredThroughput, measuredThroughput } from './throughput.js';
