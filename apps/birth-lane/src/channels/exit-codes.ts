import type { RunOutcome } from '@birth-lane/contract';

/**
 * Exit codes of one-shot commands, for host cron and systemd timers. Distinct codes let an
 * operator alert on "no active rule set" differently from "the database went away".
 */
export const EXIT_CODES = {
  completed: 0,
  failed: 1,
  source_recovery_required: 2,
  stopped: 3,
  /** Invalid configuration or flags (EX_USAGE). */
  usage: 64,
} as const satisfies Record<RunOutcome | 'usage', number>;

export function exitCodeFor(outcome: RunOutcome): number {
  return EXIT_CODES[outcome];
}
