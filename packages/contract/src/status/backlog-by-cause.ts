import type { Queryable } from '../ports/queryable.js';
import { type BacklogByCauseRow, SELECT_BACKLOG_BY_CAUSE_SQL } from '../sql/select-backlog-by-cause.js';

/** Why the uncertified governed rows are not certified yet (they add up to the backlog). */
export interface BacklogByCause {
  /** No stamp and no failure on record under the active rule set: no run has reached them. */
  readonly neverInspected: number;
  /** A failure on record under the active rule set, by the earliest failing stage. */
  readonly failing: { readonly pen: number; readonly stamp: number; readonly gate: number };
  /** Stamps out of order: never continued, never certified; a person must look. */
  readonly ambiguous: number;
  /** All three stamps in order, in a canonical collection: waits for an approved promotion. */
  readonly awaitingPromotion: number;
  /** Part-way through (or failing only under an older rule set): the next run continues them. */
  readonly inProgress: number;
}

/** The backlog by cause; `ruleSetHash` is the active rule set's (null: no failure counts as current). */
export async function readBacklogByCause(db: Queryable, ruleSetHash: string | null): Promise<BacklogByCause> {
  const { rows } = await db.query<BacklogByCauseRow>(SELECT_BACKLOG_BY_CAUSE_SQL, [ruleSetHash]);
  const r = rows[0]!;
  return {
    neverInspected: r.never,
    failing: { pen: r.pen, stamp: r.stamp, gate: r.gate },
    ambiguous: r.ambiguous,
    awaitingPromotion: r.awaiting,
    inProgress: r.progress,
  };
}
