import type { Queryable } from '@birth-lane/contract';
import { backlogErrorFrom } from './backlog-error.js';
import { REVOKE_APPROVAL_SQL } from './sql/pass-queries.js';

/**
 * Withdraws a backlog_pass approval, as the caller's login (which must hold an approver role); the
 * pass running on it stops before its next batch. Recorded, with the reason, in the evidence log.
 */
export async function revokeBacklogApproval(
  db: Queryable,
  approvalId: string,
  reason: string,
): Promise<void> {
  try {
    await db.query(REVOKE_APPROVAL_SQL, [approvalId, reason]);
  } catch (error) {
    throw backlogErrorFrom(error, `revoking approval ${approvalId}`);
  }
}
