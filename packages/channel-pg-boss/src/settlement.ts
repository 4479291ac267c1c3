import type { RunReport } from '@birth-lane/contract';
import type { RunJob } from './run-job.js';

/** What becomes of a job once its run has reported. */
export type Settlement =
  | { readonly kind: 'complete' }
  /** The run stopped early: the rest of the range, from `idFrom`, goes back on the queue as a new job. */
  | { readonly kind: 'hand_back'; readonly idFrom: string }
  | { readonly kind: 'fail'; readonly reason: string };

/**
 * What to do with a job once its run has reported. `lastId` is the last id of the run's last
 * committed batch: the run walked its range in id order, so the rest is exactly the ids after it.
 */
export function settlementFor(report: RunReport, job: RunJob, lastId: string | null): Settlement {
  switch (report.outcome) {
    case 'completed':
      return { kind: 'complete' };
    case 'stopped': {
      const next = lastId === null ? BigInt(job.idFrom) : BigInt(lastId) + 1n;
      return next > BigInt(job.idTo) ? { kind: 'complete' } : { kind: 'hand_back', idFrom: next.toString() };
    }
    case 'source_recovery_required':
    case 'failed':
      return { kind: 'fail', reason: report.detail ?? report.outcome };
  }
}
