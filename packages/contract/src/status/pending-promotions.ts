import type { Queryable } from '../ports/queryable.js';
import { type PendingPromotionRow, SELECT_PENDING_PROMOTIONS_SQL } from '../sql/select-pending-promotions.js';

export interface PendingPromotions {
  /** Promotion requests whose row is not certified yet. */
  readonly count: number;
  /** The oldest five of them. */
  readonly oldest: readonly {
    readonly requestId: string;
    readonly rowId: string;
    readonly entityCode: string | null;
    readonly requestedAt: string;
    readonly quorumMet: boolean;
    readonly votes: number;
  }[];
}

/** What waits on approvers: the promotion requests of rows not certified yet, oldest first. */
export async function readPendingPromotions(db: Queryable): Promise<PendingPromotions> {
  const { rows } = await db.query<PendingPromotionRow>(SELECT_PENDING_PROMOTIONS_SQL);
  return {
    count: rows[0]?.total ?? 0,
    oldest: rows.map((row) => ({
      requestId: row.id,
      rowId: row.row_id,
      entityCode: row.entity_code,
      requestedAt: row.created_at.toISOString(),
      quorumMet: row.met,
      votes: row.votes,
    })),
  };
}
