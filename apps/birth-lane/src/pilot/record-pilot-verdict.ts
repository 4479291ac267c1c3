import { type Queryable, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import type { PilotResult } from './run-pilot.js';

/** The note topic the console's Pilots page reads. */
export const PILOT_VERDICT_TOPIC = 'pilot.verdict';

const claimVerdict = (holds: boolean | null) =>
  holds === true ? 'PASS' : holds === false ? 'FAIL' : 'INCONCLUSIVE';

/**
 * Records the pilot's verdict in the evidence log (birth_lane.append_note: the server sets the id,
 * the time and the writer), with each NT claim's numbers, so the console can show it later. Only
 * after the proof's after-snapshot: the note is not part of what the proof compared. A login that
 * may not append notes gets the verdict on stdout as always and a line saying it was not recorded.
 */
export async function recordPilotVerdict(
  db: Queryable,
  result: PilotResult,
  markdown: string | undefined,
): Promise<{ recorded: true } | { recorded: false; reason: string }> {
  const { staging, proof } = result;
  const payload = {
    verdict: proof.verdict,
    surfaceId: result.surfaceId,
    ruleSetVersion: staging.manifest.ruleSetVersion,
    ruleSetHash: staging.manifest.ruleSetHash,
    sample: staging.counts.rows,
    wouldPass: staging.counts.passed.gate,
    ...(markdown ? { markdown } : {}),
    claims: proof.claims.map((claim) => ({
      id: claim.id,
      verdict: claimVerdict(claim.holds),
      detail: `${claim.detail}; before ${JSON.stringify(claim.before)}, after ${JSON.stringify(claim.after)}`,
    })),
  };
  try {
    await db.query('select birth_lane.append_note($1::text, $2::jsonb)', [
      PILOT_VERDICT_TOPIC,
      JSON.stringify(payload),
    ]);
    return { recorded: true };
  } catch (error) {
    const state = sqlStateOf(error);
    if (state !== SQLSTATE.insufficientPrivilege && state !== SQLSTATE.undefinedFunction) throw error;
    return { recorded: false, reason: (error as Error).message };
  }
}
