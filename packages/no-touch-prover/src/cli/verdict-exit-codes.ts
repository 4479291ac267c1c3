import type { ProofVerdict } from '@birth-lane/contract';
import { EXIT_CODES } from '@birth-lane/contract/cli';

/** Exit code per verdict: 0 only on PASS. */
export const VERDICT_EXIT_CODES = {
  PASS: EXIT_CODES.completed,
  FAIL: EXIT_CODES.proof_failed,
  INCONCLUSIVE: EXIT_CODES.proof_inconclusive,
} as const satisfies Record<ProofVerdict, number>;
