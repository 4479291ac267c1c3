import type { Queryable } from '@birth-lane/contract';
import { z } from 'zod';
import { type PassRow, SELECT_PASSES_SQL } from './sql/select-passes.js';

const digits = z.string().regex(/^-?[0-9]+$/);
const passRowSchema = z.object({
  run_id: z.string().uuid(),
  approval_id: digits,
  state: z.enum(['verifying', 'running', 'paused', 'done', 'stopped', 'rolling_back', 'rolled_back']),
  id_from: digits,
  id_to: digits,
  walk_to: digits,
  max_rows: digits.nullable(),
  rule_set_version: z.string(),
  rule_set_hash: z.string(),
  in_scope_rows: digits,
  scanned: digits,
  taken: digits,
  batches: digits,
  started_by: z.string(),
  started_at: z.date(),
  last_batch_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  detail: z.string().nullable(),
  rollback_approval_id: digits.nullable(),
  cleared_pen: digits,
  cleared_stamp: digits,
  cleared_gate: digits,
  slices: z.number().int(),
  slices_done: z.number().int(),
});

export interface PassStatus {
  readonly runId: string;
  readonly approvalId: string;
  readonly state: z.infer<typeof passRowSchema>['state'];
  readonly scope: { idFrom: string; idTo: string; walkTo: string; maxRows: string | null };
  readonly ruleSet: { version: string; hash: string };
  readonly inScopeRows: number;
  /** Governed rows judged so far (observed rows walked are in `taken`). */
  readonly scanned: number;
  readonly taken: number;
  readonly batches: number;
  readonly slices: { total: number; done: number };
  readonly startedBy: string;
  readonly startedAt: string;
  readonly lastBatchAt: string | null;
  readonly finishedAt: string | null;
  readonly detail: string | null;
  /** Judged rows per second between the start and the last batch; null before the first batch. */
  readonly rowsPerSecond: number | null;
  /** Seconds left at that rate for the planned in-scope rows; null when unknown or finished. */
  readonly etaSeconds: number | null;
  readonly rollback: { approvalId: string; cleared: { pen: number; stamp: number; gate: number } } | null;
}

/** A stored pass row that does not read as one: reported, never a crash. */
export interface MalformedPass {
  readonly runId: string | null;
  readonly malformed: string;
}

/** One pass (`runId`), or every live pass plus the latest `limit`, read as the caller (birth_lane_reader suffices). */
export async function readPassStatus(
  db: Queryable,
  options: { runId?: string; limit?: number } = {},
): Promise<(PassStatus | MalformedPass)[]> {
  const { rows } = await db.query<PassRow>(SELECT_PASSES_SQL, [options.runId ?? null, options.limit ?? 20]);
  return rows.map((raw) => {
    const parsed = passRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return {
        runId: typeof raw.run_id === 'string' ? raw.run_id : null,
        malformed: `${issue.path.join('.')}: ${issue.message}`,
      };
    }
    return toStatus(parsed.data);
  });
}

export function isMalformedPass(value: PassStatus | MalformedPass): value is MalformedPass {
  return 'malformed' in value;
}

function toStatus(row: z.infer<typeof passRowSchema>): PassStatus {
  const scanned = Number(row.scanned);
  const inScope = Number(row.in_scope_rows);
  const seconds = row.last_batch_at ? (row.last_batch_at.getTime() - row.started_at.getTime()) / 1000 : 0;
  const rate = seconds > 0 && scanned > 0 ? scanned / seconds : null;
  const active = row.state === 'running' || row.state === 'paused' || row.state === 'verifying';
  return {
    runId: row.run_id,
    approvalId: row.approval_id,
    state: row.state,
    scope: { idFrom: row.id_from, idTo: row.id_to, walkTo: row.walk_to, maxRows: row.max_rows },
    ruleSet: { version: row.rule_set_version, hash: row.rule_set_hash },
    inScopeRows: inScope,
    scanned,
    taken: Number(row.taken),
    batches: Number(row.batches),
    slices: { total: row.slices, done: row.slices_done },
    startedBy: row.started_by,
    startedAt: row.started_at.toISOString(),
    lastBatchAt: row.last_batch_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    detail: row.detail,
    rowsPerSecond: rate,
    etaSeconds: active && rate ? Math.max(0, inScope - scanned) / rate : null,
    rollback: row.rollback_approval_id
      ? {
          approvalId: row.rollback_approval_id,
          cleared: {
            pen: Number(row.cleared_pen),
            stamp: Number(row.cleared_stamp),
            gate: Number(row.cleared_gate),
          },
        }
      : null,
  };
}
