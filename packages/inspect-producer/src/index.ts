export { createProducer } from './producer.js';
export { PRODUCER_PROCEDURE, ruleSetSteps } from './rule-set-steps.js';
export { activationSteps } from './rules/activation-steps.js';
export {
  type CompileOptions,
  compileCheckFailsSql,
  compileStageFailuresSql,
  compileStagePassesSql,
} from './rules/compile-sql.js';
export { loadCompiledRuleSet } from './rules/compiled-rule-set.js';
export { defaultRuleSet } from './rules/default-rule-set.js';
export { type BirthPenJudgement, ensureBirthPenJudgement } from './rules/ensure-birth-pen-judgement.js';
export {
  checkFailureMessage,
  createInspector,
  evaluateStage,
  REQUIRED_WHITESPACE,
} from './rules/evaluate.js';
export { inspectionCompiler } from './rules/inspection-compiler.js';
export { compileLinearRegex, type LinearRegex } from './rules/linear-regex.js';
export { parseRuleSetDocument, readRuleSetFile } from './rules/load-rule-set.js';
export { toPostgresRegex, UnportablePatternError, unportablePatternReason } from './rules/portable-regex.js';
export { diffRuleSets, type RuleSetDiff, type StageDiff } from './rules/rule-set-diff.js';
export { previewRuleSet, type RuleSetPreview } from './rules/rule-set-preview.js';
export {
  type ActivatedRuleSet,
  type ActiveRuleSet,
  activateRuleSet,
  activationScope,
  listRuleSets,
  loadActiveRuleSet,
  loadRuleSet,
  type SavedRuleSet,
  type StoredRuleSet,
  type StoredRuleSetSummary,
  saveRuleSet,
} from './rules/rule-set-store.js';
export { assertSupportedRuleSet, ruleSetSupportIssues } from './rules/rule-set-support.js';
export { type BatchInputs, type BatchResult, producerBatchSql } from './run/batch-sql.js';
export { describeCheck, failureMessageSql } from './run/failure-message-sql.js';
export { compileInspectBatch, INSPECT_BATCH_FUNCTION } from './run/inspect-batch-sql.js';
export {
  type BatchObservation,
  type ProducerTuning,
  type RunProducerOptions,
  runProducer,
} from './run/run-producer.js';
