import { z } from 'zod';
import { inspectStageSchema } from './inspect.js';
import { rowIdSchema } from './registry-row.js';
import { ruleSetHashSchema, ruleSetVersionSchema } from './rule-set.js';
import { runReportSchema } from './run-report.js';

/**
 * The evidence log (S7) is append-only: the database refuses UPDATE, DELETE and TRUNCATE.
 * Evidence records; it never decides. Each kind carries what a reviewer needs and no more.
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
/** Anything else a block records (install steps, gate changes, proofs): a named kind with a JSON payload. */
const note = z.strictObject({
  kind: z.literal('note'),
  topic: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lower-case topic such as install.step'),
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
]);
export type EvidenceRecord = z.output<typeof evidenceRecordSchema>;
export type EvidenceRecordInput = z.input<typeof evidenceRecordSchema>;
export type EvidenceKind = EvidenceRecord['kind'];
