import { z } from 'zod';
import { approvalActionSchema, riskSchema, voteDecisionSchema } from './approval.js';
import { inspectStageSchema } from './inspect.js';
import { rowIdSchema } from './registry-row.js';
import { ruleSetHashSchema, ruleSetVersionSchema } from './rule-set.js';
import { runReportSchema } from './run-report.js';

/**
 * The evidence log (S7) is append-only: the database refuses UPDATE, DELETE and TRUNCATE.
 * Evidence records; it never decides. Each kind carries what a reviewer needs and no more.
 * Every kind is written by the one database function that owns it (see EVIDENCE_WRITERS); a
 * TypeScript client appends only `note`, through `birth_lane.append_note`.
 */
const inspectionFailure = z.strictObject({
  kind: z.literal('inspection_failure'),
  runId: z.uuid(),
  rowId: rowIdSchema,
  entityCode: z.string().min(1),
  stage: inspectStageSchema,
  checkId: z.string().min(1),
  ruleSetHash: ruleSetHashSchema,
  message: z.string().min(1),
});
const ambiguousRow = z.strictObject({
  kind: z.literal('ambiguous_row'),
  runId: z.uuid(),
  rowId: rowIdSchema,
  entityCode: z.string().min(1),
  ruleSetHash: ruleSetHashSchema,
  /** Stable reason code from the inspect contract, e.g. `gate_without_stamp`. */
  reason: z.string().min(1),
});
const runReport = z.strictObject({
  kind: z.literal('run_report'),
  report: runReportSchema,
});
const ruleSetActivated = z.strictObject({
  kind: z.literal('rule_set_activated'),
  version: ruleSetVersionSchema,
  hash: ruleSetHashSchema,
  activatedBy: z.string().min(1),
});
const promotionRequested = z.strictObject({
  kind: z.literal('promotion_requested'),
  rowId: rowIdSchema,
  entityCode: z.string().min(1),
  approvalRequestId: rowIdSchema,
});
const approvalScope = z.record(z.string(), z.unknown());
/** Written by birth_lane.request_approval: the proposer is the login that asked. */
const approvalRequested = z.strictObject({
  kind: z.literal('approval_requested'),
  approvalRequestId: rowIdSchema,
  action: approvalActionSchema,
  scope: approvalScope,
  risk: riskSchema,
  proposer: z.string().min(1),
  expiresAt: z.string().min(1),
});
/** Written by birth_lane.cast_vote: the voter is the login that voted. */
const approvalVoted = z.strictObject({
  kind: z.literal('approval_voted'),
  approvalRequestId: rowIdSchema,
  voteId: rowIdSchema,
  voter: z.string().min(1),
  role: z.string().min(1),
  decision: voteDecisionSchema,
});
/** Written by birth_lane.consume_approval when an operation uses an approval (once). */
const approvalUsed = z.strictObject({
  kind: z.literal('approval_used'),
  approvalRequestId: rowIdSchema,
  action: approvalActionSchema,
  scope: approvalScope,
  usedBy: z.string().min(1),
});
export const NOTE_TOPIC_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
/**
 * Topics the lane's own functions write (e.g. `certify.promoted`) and the evidence kinds' names;
 * append_note refuses them by prefix, whatever separator follows (`certify-x`, `run_report`).
 * Keep identical to the check in birth_lane.append_note.
 */
export const RESERVED_NOTE_TOPIC_PATTERN =
  /^(certify|approvals?|rules?|inspect|inspection|install|promotion|run|ambiguous|note|gate|stamps)([._-]|$)/;

/** Anything else a block records (install steps, gate changes, proofs): a named kind with a JSON payload. */
const note = z.strictObject({
  kind: z.literal('note'),
  // Keep identical to the topic check of birth_lane.append_note.
  topic: z.string().regex(NOTE_TOPIC_PATTERN, 'must be a lower-case topic such as install.step'),
  runId: z.uuid().optional(),
  payload: z.record(z.string(), z.unknown()),
});

export const evidenceRecordSchema = z.discriminatedUnion('kind', [
  inspectionFailure,
  ambiguousRow,
  runReport,
  ruleSetActivated,
  promotionRequested,
  note,
  approvalRequested,
  approvalVoted,
  approvalUsed,
]);
export type EvidenceRecord = z.output<typeof evidenceRecordSchema>;
export type EvidenceRecordInput = z.input<typeof evidenceRecordSchema>;
export type EvidenceKind = EvidenceRecord['kind'];

/**
 * Who writes each kind. No lane role may INSERT into birth_lane.evidence; each kind is appended by
 * the database function named here, which sets the id, the time and the writer (session_user).
 */
export const EVIDENCE_WRITERS = {
  inspection_failure: 'birth_lane.inspect_batch',
  ambiguous_row: 'birth_lane.inspect_batch',
  run_report: 'birth_lane.finish_run',
  rule_set_activated: 'rule-set activation (the lane owner, with a rule_set_activation approval)',
  promotion_requested: 'birth_lane.file_promotion_request (from the certify trigger)',
  note: 'birth_lane.append_note',
  approval_requested: 'birth_lane.request_approval',
  approval_voted: 'birth_lane.cast_vote',
  approval_used: 'birth_lane.consume_approval',
} as const satisfies Record<EvidenceKind, string>;
export const EVIDENCE_KINDS = Object.keys(EVIDENCE_WRITERS) as EvidenceKind[];
