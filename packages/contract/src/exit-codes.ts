import type { RunOutcome } from './run-report.js';

/**
 * Exit codes of every command, for people, host cron and systemd timers. Distinct codes let an
 * operator alert on "no active rule set" differently from "the database went away". The 6x/7x
 * codes are the BSD sysexits ones, so shells and supervisors already know them.
 */
export const EXIT_CODES = {
  completed: 0,
  failed: 1,
  source_recovery_required: 2,
  stopped: 3,
  /** A no-touch proof found a change to production attributable to the rehearsal (verdict FAIL). */
  proof_failed: 4,
  /** A no-touch proof could not decide: an unattributable change or missing staging evidence. */
  proof_inconclusive: 5,
  /** An install stop condition halted (it is named in the message and in --json); the step was rolled back. */
  stop_condition: 6,
  /** Invalid configuration or flags (EX_USAGE). */
  usage: 64,
  /** The database cannot be reached, or the lane is not installed in it (EX_UNAVAILABLE). */
  unavailable: 69,
  /** A bug or an unexpected error: the message says so; --debug prints the stack (EX_SOFTWARE). */
  internal: 70,
  /** The database refused for lack of a privilege; the message names the GRANT (EX_NOPERM). */
  noPermission: 77,
} as const satisfies Record<
  | RunOutcome
  | 'usage'
  | 'unavailable'
  | 'internal'
  | 'noPermission'
  | 'proof_failed'
  | 'proof_inconclusive'
  | 'stop_condition',
  number
>;

export function exitCodeFor(outcome: RunOutcome): number {
  return EXIT_CODES[outcome];
}
