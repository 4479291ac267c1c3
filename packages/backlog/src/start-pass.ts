import type { Queryable } from '@birth-lane/contract';
import { z } from 'zod';
import { backlogErrorFrom } from './backlog-error.js';
import { START_PASS_SQL, VERIFY_SCOPE_SQL } from './sql/pass-queries.js';

export interface StartOptions {
  /** Ids per slice: the unit one worker leases at a time (100 to 10,000,000). */
  readonly sliceIds?: number;
}

/**
 * Starts a pass on an approval: the database checks that it is a backlog_pass request with a
 * plan's bounded scope under the active rule set, and uses it (quorum met without the proposer,
 * not expired, never used before), all in one transaction. Returns the pass's run id. The pass
 * judges nothing until verifyScope has re-checked the in-scope rows.
 */
export async function startPass(
  db: Queryable,
  approvalId: string,
  options: StartOptions = {},
): Promise<string> {
  try {
    const { rows } = await db.query<{ run_id: string }>(START_PASS_SQL, [
      approvalId,
      options.sliceIds ?? 50_000,
    ]);
    return rows[0]!.run_id;
  } catch (error) {
    throw backlogErrorFrom(error, `starting a backlog pass on approval ${approvalId}`);
  }
}

const verifyResultSchema = z.object({
  state: z.string(),
  detail: z.string().nullish(),
  verifiedThrough: z.string().optional(),
  checkTo: z.string().optional(),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

/**
 * Re-checks the in-scope rows against the plan's checksum, one short statement per chunk, until the
 * pass is `running` (same rows, plus any births after the plan) or `stopped` (they changed; the
 * detail says how; nothing was stamped).
 */
export async function verifyScope(
  db: Queryable,
  runId: string,
  options: { chunkIds?: number; onProgress?: (verifiedThrough: bigint, checkTo: bigint) => void } = {},
): Promise<VerifyResult> {
  try {
    for (;;) {
      const { rows } = await db.query<{ result: unknown }>(VERIFY_SCOPE_SQL, [
        runId,
        options.chunkIds ?? 200_000,
      ]);
      const result = verifyResultSchema.parse(rows[0]!.result);
      if (result.state !== 'verifying') return result;
      if (result.verifiedThrough && result.checkTo)
        options.onProgress?.(BigInt(result.verifiedThrough), BigInt(result.checkTo));
    }
  } catch (error) {
    throw backlogErrorFrom(error, `re-checking the scope of backlog pass ${runId}`);
  }
}
