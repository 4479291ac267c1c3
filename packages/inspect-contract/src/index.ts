export {
  classifyStamps,
  inspectRuleFor,
  isCertifiable,
  type StudClassification,
} from './classify-stamps.js';
export { inspectContractSteps } from './inspect-contract-steps.js';
export { INSPECT_CONTRACT_VERSION } from './inspect-contract-version.js';
export {
  INSPECT_REASONS,
  INSPECT_RULES,
  type InspectReason,
  type InspectRule,
  type StampCondition,
} from './inspect-rules.js';
export { inspectReasonSql, inspectStateSql } from './inspect-sql.js';
export {
  judgeStampTransition,
  STUD_RULES,
  type StampTransitionVerdict,
  type StudRule,
  type StudViolation,
  studViolationOf,
} from './judge-stamp-transition.js';
