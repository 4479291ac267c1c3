export {
  APPROVAL_ACTIONS,
  APPROVER_DATABASE_ROLES,
  APPROVER_ROLES,
  type ApprovalAction,
  type ApprovalRequest,
  type ApprovalRequestInput,
  type ApprovalScope,
  type ApproverRole,
  approvalActionSchema,
  approvalRequestInputSchema,
  approvalRequestSchema,
  approvalScopeSchema,
  approverRoleSchema,
  DEFAULT_EXPIRY_SECONDS,
  effectiveRisk,
  evaluateQuorum,
  MINIMUM_RISK,
  type QuorumRequest,
  type QuorumResult,
  RISKS,
  type Risk,
  riskSchema,
  scopeKey,
  type Vote,
  type VoteDecision,
  type VoteInput,
  voteDecisionSchema,
  voteInputSchema,
  voteSchema,
} from './approval.js';
export { type ApprovalStatus, approvalStatusSchema } from './approval-status.js';
export { BIRTH_PEN_FAILURES_FUNCTION } from './birth-pen-surface.js';
export { canonicalJson, sha256Hex } from './canonical-json.js';
export { type CatalogObjectRef, catalogObjectExists } from './catalog.js';
export {
  type CatalogDiff,
  type CatalogObjectDescription,
  type CatalogSnapshot,
  catalogSnapshotHash,
  DEMO_ROLE_PATTERN,
  diffCatalog,
  isEmptyDiff,
  LANE_ROLE_PATTERN,
  RUNTIME_SCHEMA_PATTERN,
  type SnapshotOptions,
  snapshotCatalog,
} from './catalog-snapshot.js';
export { contractSteps, LANE_ROLES } from './contract-steps.js';
export {
  ApprovalError,
  BirthLaneError,
  DatabaseError,
  ERROR_CODES,
  type ErrorCode,
  sqlStateOf,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export {
  EVIDENCE_KINDS,
  EVIDENCE_WRITERS,
  type EvidenceKind,
  type EvidenceRecord,
  type EvidenceRecordInput,
  evidenceRecordSchema,
  NOTE_TOPIC_PATTERN,
  RESERVED_NOTE_TOPIC_PATTERN,
} from './evidence.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export { compareFootprint, type FootprintComparison, plannedFootprint } from './footprint.js';
export {
  GATE_MODES,
  GATE_SETTINGS,
  type GateMode,
  type GateReading,
  gateModeSchema,
  gateReadingSchema,
} from './gate-mode.js';
export {
  HEARTBEAT_STATES,
  type Heartbeat,
  type HeartbeatState,
  heartbeatSchema,
  heartbeatStateSchema,
} from './heartbeat.js';
export { IDENTITY_KEY_REMOVED_RANGES, identityKey } from './identity-key.js';
export {
  INSPECT_STAGES,
  INSPECT_STATES,
  type InspectClassification,
  type InspectStage,
  type InspectState,
  inspectClassificationSchema,
  inspectStageSchema,
  inspectStateSchema,
  STAMP_COLUMNS,
  type StampColumn,
  type StampSlots,
} from './inspect.js';
export {
  type InstallResult,
  installSteps,
  readSqlFile,
  type SqlStepDefinition,
  sqlStep,
  stepDigest,
} from './install.js';
export { BIRTH_NOTIFY_CHANNEL } from './notify-channel.js';
export { parseOrThrow, toIssues } from './parse.js';
export type { ApprovalDecision, ApprovalGate } from './ports/approval-gate.js';
export type {
  EvidenceFilter,
  EvidenceReading,
  EvidenceSink,
  MalformedEvidence,
  StoredEvidence,
} from './ports/evidence-sink.js';
export type { HashedRuleSet, InspectionCompiler } from './ports/inspection-compiler.js';
export type { Inspector } from './ports/inspector.js';
export type { ListenHandlers, ListenPort, ListenSession } from './ports/listen-port.js';
export type { ProducerChannel, ProducerRunner, ProducerRunOptions } from './ports/producer.js';
export {
  type Database,
  type PooledConnection,
  QUERYABLE_SPECIFICATION_VERSION,
  type Queryable,
  type QueryResult,
  withTransaction,
} from './ports/queryable.js';
export type { Step, StepCheck } from './ports/step.js';
export { PostgresApprovalGate } from './postgres-approval-gate.js';
export { PostgresEvidenceSink } from './postgres-evidence-sink.js';
export {
  BUCKET_ENTRY_LENGTH,
  type BucketEntry,
  bucketEntrySchema,
  type ClaimChanges,
  type ClaimResult,
  claimChangesSchema,
  claimResultSchema,
  FAIL_OPEN_CONDITIONS,
  type FailOpenCondition,
  failOpenConditionSchema,
  NO_TOUCH_CLAIMS,
  type NoTouchClaimId,
  noTouchClaimIdSchema,
  PROOF_VERDICTS,
  type ProductionSnapshot,
  type ProofReport,
  type ProofVerdict,
  productionSnapshotSchema,
  proofReportSchema,
  proofVerdictSchema,
  RECENT_VERSIONS_LIMIT,
  SNAPSHOT_VERSION,
  type SnapshotFigures,
  snapshotFiguresSchema,
  verdictOf,
  WATCHED_GROUPS,
  type WatchedGroup,
  WRITTEN_IDS_LIMIT,
  type WrittenSince,
  writtenSinceSchema,
} from './proof.js';
export {
  type FailureFilter,
  type FailureOnRecord,
  type FailuresOnRecord,
  readFailures,
} from './reading/failures-on-record.js';
export {
  explainRow,
  judge,
  type MalformedRecord,
  type RowStory,
  type RowVerdict,
} from './reading/row-story.js';
export { type RunsOnRecord, readRuns } from './reading/runs-on-record.js';
export {
  type BirthInput,
  type BirthRow,
  birthInputSchema,
  birthRowSchema,
  CANONICAL_COLUMNS,
  ENTITY_CODE_PATTERN,
  ENTITY_CODE_PATTERN_SQL,
  entityCodeSchema,
  GOVERNANCE_ROLES,
  type GovernanceRole,
  governanceRoleSchema,
  INSPECTABLE_FIELDS,
  type InspectableField,
  type InspectableRow,
  inspectableFieldSchema,
  isRegistryIdText,
  MAX_REGISTRY_ID,
  type ParsedBirthInput,
  REGISTRY_COLUMNS,
  REGISTRY_TABLE,
  type RegistryId,
  type RowId,
  registryIdSchema,
  rowIdSchema,
} from './registry-row.js';
export {
  dropRolesIfUnusedSql,
  type GrantRef,
  grantsOnExistingObjects,
  parseGrantRef,
  revokeGrantsSql,
} from './rollback-sql.js';
export {
  type Check,
  type CheckKind,
  checkSchema,
  RULE_SET_STATUSES,
  type RuleSet,
  type RuleSetDocument,
  type RuleSetRef,
  type RuleSetStatus,
  ruleSetHash,
  ruleSetHashSchema,
  ruleSetRefSchema,
  ruleSetSchema,
  ruleSetStatusSchema,
  ruleSetVersionSchema,
} from './rule-set.js';
export {
  CHANNEL_NAMES,
  type ChannelName,
  channelNameSchema,
  RUN_OUTCOMES,
  type RunOutcome,
  type RunReport,
  runOutcomeSchema,
  runReportSchema,
} from './run-report.js';
export { type ChannelLogger, silentLogger } from './runtime/channel-logger.js';
export {
  type ChannelModule,
  channelModuleOf,
  checkModuleChannel,
  runnerForModuleChannel,
} from './runtime/channel-module.js';
export {
  type ChannelDependencies,
  type ChannelFactory,
  parseChannelSettings,
} from './runtime/channel-settings.js';
export { DeadlineError, withDeadline } from './runtime/deadline.js';
export { type HeartbeatOptions, type HeartbeatWriter, startHeartbeat } from './runtime/heartbeat-writer.js';
export {
  assertNoCreatableSearchPath,
  type CreatableSchema,
  findCreatableSchemasOnSearchPath,
  schemasOnSearchPath,
} from './search-path-guard.js';
export { LANE_SEARCH_PATH, LANE_SESSION_OPTIONS } from './session-options.js';
export { BEAT_HEARTBEAT_SQL } from './sql/beat-heartbeat.js';
export { quoteIdentifier, quoteLiteral, quoteQualified } from './sql-identifier.js';
export { SQLSTATE, type SqlState } from './sqlstate.js';
export {
  CONCEPTUAL_STAMPS,
  type ConceptualStamp,
  conceptualStampSchema,
  type StampMapping,
  stampMappingSchema,
} from './stamp-mapping.js';
export { type BacklogByCause, readBacklogByCause } from './status/backlog-by-cause.js';
export {
  type GateSettingsOnRecord,
  type MalformedSetting,
  readGateSettings,
} from './status/gate-settings.js';
export { type PendingPromotions, readPendingPromotions } from './status/pending-promotions.js';
export { type RegistryCounts, readRegistryCounts } from './status/registry-counts.js';
export {
  type MalformedHeartbeat,
  readStandingProducers,
  type StandingProducer,
  type StandingProducersOnRecord,
} from './status/standing-producers.js';
export { type FailingCheck, readTopFailingChecks } from './status/top-failing-checks.js';
export { describeMalformedEvidence, type EvidenceRow, sortEvidenceRows } from './stored-evidence.js';
export { type CheckFailure, checkFailureSchema, type StageVerdict, stageVerdictSchema } from './verdict.js';
