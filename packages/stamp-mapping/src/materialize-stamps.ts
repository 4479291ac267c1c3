import {
  ApprovalError,
  BirthLaneError,
  parseOrThrow,
  type Queryable,
  registryIdSchema,
  SQLSTATE,
  sqlStateOf,
  ValidationError,
} from '@birth-lane/contract';
import { z } from 'zod';
import { type StampMappingDocument, stampMappingDocumentSchema } from './mapping-document.js';
import {
  BEGIN_STAMP_MATERIALISATION_SQL,
  MATERIALIZE_STAMPS_BATCH_SQL,
  SELECT_STAMP_MATERIALISATION_SQL,
} from './sql/materialize-stamps.js';

/** Rows per batch: one batch writes at most this many rows in one UPDATE, far inside a 5 s statement timeout. */
export const DEFAULT_STAMP_BATCH_SIZE = 1000;

export const materializeInputSchema = z.strictObject({
  mapping: stampMappingDocumentSchema,
  approvalId: registryIdSchema,
  fromId: registryIdSchema.optional(),
  toId: registryIdSchema.optional(),
  batchSize: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(5000, 'must be at most 5000')
    .default(DEFAULT_STAMP_BATCH_SIZE),
});
export type MaterializeInput = z.input<typeof materializeInputSchema>;

const jobSchema = z.object({
  approvalRequestId: z.string(),
  mappingHash: z.string(),
  fromId: z.string(),
  toId: z.string(),
  owner: z.string().nullable(),
});

export const stampBatchSchema = z.object({
  approvalRequestId: z.string(),
  rowsWritten: z.number().int(),
  rowIds: z.array(z.string()),
  done: z.boolean(),
  totalWritten: z.number().int(),
  afterId: z.string().optional(),
  throughId: z.string().optional(),
});
export type StampBatch = z.infer<typeof stampBatchSchema>;

export interface MaterializeResult {
  readonly approvalRequestId: string;
  readonly mappingHash: string;
  readonly fromId: string;
  readonly toId: string;
  readonly owner: string | null;
  readonly batches: number;
  readonly rowsWritten: number;
  /** True when this call continued a materialisation an earlier call began (and was interrupted). */
  readonly resumed: boolean;
}

/** Maps the database's refusal (SQLSTATE and the CONSTRAINT rule; never the message) to the lane's errors. */
function materialisationError(error: unknown, approvalId: string): unknown {
  const rule = (error as { constraint?: string }).constraint;
  const reason = error instanceof Error ? error.message : String(error);
  if (sqlStateOf(error) === SQLSTATE.approvalViolation)
    return new ApprovalError(
      rule === 'approval_quorum' ? 'QUORUM_NOT_MET' : 'APPROVAL_REQUIRED',
      'stamp_materialisation',
      `Stamp materialisation with approval request ${approvalId} refused: ${reason}. It needs a high-risk ` +
        'stamp_materialisation request with scope {"mappingHash": <birth-lane stamps check>, "fromId", "toId"' +
        '[, "owner" when OWNER is mapped]} that meets quorum and was never used. Nothing was written.',
      { cause: error, rule },
    );
  if (sqlStateOf(error) === SQLSTATE.laneViolation)
    return new BirthLaneError(
      'CONTRACT_VIOLATION',
      `Stamp materialisation refused: ${reason}. Nothing was written.`,
      {
        cause: error,
      },
    );
  return error;
}

/**
 * Writes the mapped stamps for an approved mapping and row range, batch by batch, each batch its
 * own short transaction (birth_lane.materialize_stamps_batch decides everything: which rows, which
 * values, the promotion pass, the evidence). The first call uses the approval
 * (birth_lane.begin_stamp_materialisation); without quorum it throws ApprovalError and nothing
 * is written. A call with an approval whose materialisation this login began and did not finish
 * resumes it.
 */
export async function materializeStamps(
  db: Queryable,
  input: MaterializeInput,
  options: {
    onStart?: (job: { fromId: string; toId: string }) => void;
    onBatch?: (batch: StampBatch) => void;
  } = {},
): Promise<MaterializeResult> {
  const parsed = parseOrThrow(materializeInputSchema, input, 'stamp materialisation');
  const mapping: StampMappingDocument = parsed.mapping;
  const existing = await db.query<{
    mapping_hash: string;
    from_id: string;
    to_id: string;
    owner: string | null;
    started_by: string;
    finished: boolean;
    login: string;
    asked_hash: string;
  }>(SELECT_STAMP_MATERIALISATION_SQL, [parsed.approvalId, JSON.stringify(mapping)]);
  const begun = existing.rows[0];
  let job: z.infer<typeof jobSchema>;
  let resumed = false;
  if (begun && !begun.finished && begun.started_by === begun.login) {
    // A resume continues exactly what was begun: a different mapping or range is refused, not ignored.
    const issues = [
      begun.asked_hash !== begun.mapping_hash && {
        field: 'mapping',
        rule: 'same_as_begun',
        message: `the mapping's hash is ${begun.asked_hash}; the materialisation begun with approval ${parsed.approvalId} runs mapping ${begun.mapping_hash}`,
      },
      parsed.fromId !== undefined &&
        String(parsed.fromId) !== begun.from_id && {
          field: 'fromId',
          rule: 'same_as_begun',
          message: `from id ${parsed.fromId}; the begun materialisation covers rows ${begun.from_id} to ${begun.to_id}`,
        },
      parsed.toId !== undefined &&
        String(parsed.toId) !== begun.to_id && {
          field: 'toId',
          rule: 'same_as_begun',
          message: `to id ${parsed.toId}; the begun materialisation covers rows ${begun.from_id} to ${begun.to_id}`,
        },
    ].filter((issue) => issue !== false);
    if (issues.length > 0) throw new ValidationError('stamp materialisation resume', issues);
    job = {
      approvalRequestId: parsed.approvalId,
      mappingHash: begun.mapping_hash,
      fromId: begun.from_id,
      toId: begun.to_id,
      owner: begun.owner,
    };
    resumed = true;
  } else {
    try {
      const { rows } = await db.query<{ job: unknown }>(BEGIN_STAMP_MATERIALISATION_SQL, [
        JSON.stringify(mapping),
        parsed.approvalId,
        parsed.fromId ?? null,
        parsed.toId ?? null,
      ]);
      job = jobSchema.parse(rows[0]!.job);
    } catch (error) {
      throw materialisationError(error, parsed.approvalId);
    }
  }
  options.onStart?.(job);
  let batches = 0;
  let rowsWritten = 0;
  for (;;) {
    const { rows } = await db
      .query<{ batch: unknown }>(MATERIALIZE_STAMPS_BATCH_SQL, [parsed.approvalId, parsed.batchSize])
      .catch((error: unknown) => {
        throw materialisationError(error, parsed.approvalId);
      });
    const batch = stampBatchSchema.parse(rows[0]!.batch);
    batches += 1;
    rowsWritten += batch.rowsWritten;
    options.onBatch?.(batch);
    if (batch.done) break;
  }
  return { ...job, batches, rowsWritten, resumed };
}
