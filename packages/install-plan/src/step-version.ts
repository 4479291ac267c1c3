import { canonicalJson, type Step, sha256Hex, stepDigest } from '@birth-lane/contract';
import { plannedFootprint } from './catalog.js';

/**
 * A step version's hash: its id, its risk, its exact SQL both ways and its planned footprint. The
 * risk is in it so an installer cannot declare a lower risk under an approved version: the
 * approval's scope names this hash. An approval
 * names it, a rehearsal proves it, the ledger records it: change any of them and it is another
 * version, which needs its own rehearsal and approval (and an applied one shows as drift).
 */
export function stepVersionHash(step: Step): string {
  return sha256Hex(
    canonicalJson({
      id: step.id,
      risk: step.risk,
      mutation: step.mutation,
      rollback: step.rollback,
      footprint: [...plannedFootprint(step)].sort(),
    }),
  );
}

/** The previous release's fingerprint (birth_lane.applied_steps.digest): id and mutation only. */
export const legacyStepDigest = (step: Step): string => stepDigest(step);
