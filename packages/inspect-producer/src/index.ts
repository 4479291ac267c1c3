export { createProducer } from './producer.js';
export { ruleSetSteps } from './rule-set-steps.js';
export {
  type CompileOptions,
  compileCheckFailsSql,
  compileStageFailuresSql,
  compileStagePassesSql,
} from './rules/compile-sql.js';
export { defaultRuleSet } from './rules/default-rule-set.js';
export {
  checkFailureMessage,
  createInspector,
  evaluateStage,
  REQUIRED_WHITESPACE,
} from './rules/evaluate.js';
export { compileLinearRegex, type LinearRegex } from './rules/linear-regex.js';
export { parseRuleSetDocument, readRuleSetFile } from './rules/load-rule-set.js';
export { toPostgresRegex, UnportablePatternError, unportablePatternReason } from './rules/portable-regex.js';
export {
  type ActivatedRuleSet,
  type ActiveRuleSet,
  activateRuleSet,
  loadActiveRuleSet,
  type SavedRuleSet,
  saveRuleSet,
} from './rules/rule-set-store.js';
export { assertSupportedRuleSet, ruleSetSupportIssues } from './rules/rule-set-support.js';
export { type BatchResult, producerBatchSql } from './run/batch-sql.js';
export { describeCheck, failureMessageSql } from './run/failure-message-sql.js';
export { PRODUCER_PROCEDURE, producerProcedureSql, producerProcedureStep } from './run/procedure-sql.js';
export {
  type BatchObservation,
  type ProducerTuning,
  type RunProducerOptions,
  runProducer,
} from './run/run-producer.js';
