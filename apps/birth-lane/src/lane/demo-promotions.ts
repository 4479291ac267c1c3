import { promote } from '@birth-lane/certify-consumer';
import type { Database, Queryable } from '@birth-lane/contract';
import { DEMO_APPROVERS, ensureDemoApprovers } from '@birth-lane/contract/demo-approvers';
import { connectAs } from './demo-activation.js';

export interface DemoPromotions {
  /** Promotion requests that were open when the demo looked (canonical rows waiting for approval). */
  readonly awaiting: number;
  /** Rows certified by an approved promotion in this call. */
  readonly promoted: number;
}

/**
 * DEMO ONLY (`start` on the embedded PostgreSQL): shows the governed path for canonical entities.
 * The certify trigger filed one promotion request per kernel row whose stamps completed; here the
 * demo president and the two demo ai_council logins each approve every open request through their
 * own login (birth_lane.cast_vote takes the voter from session_user), and each row is then
 * promoted with its approval, which the promotion consumes. Never run it against real data: the
 * demo logins have published passwords.
 */
export async function promoteWithDemoApprovals(db: Database, url: string): Promise<DemoPromotions> {
  const open = await openPromotionRequests(db);
  if (open.length === 0) return { awaiting: 0, promoted: 0 };
  await ensureDemoApprovers(db);
  const voters = DEMO_APPROVERS.filter((approver) => approver.login !== DEMO_APPROVERS[0].login);
  for (const voter of voters) {
    const session = await connectAs(url, voter.login, voter.password);
    try {
      // One statement per voter: every open request gets this login's approve.
      await session.query(
        "select birth_lane.cast_vote(id, 'approve', 'demo: canonical row inspected in order') from unnest($1::bigint[]) as id",
        [open.map((request) => request.requestId)],
      );
    } finally {
      await session.end();
    }
  }
  for (const request of open)
    await promote(db, { rowId: request.rowId, approvalRequestId: request.requestId });
  return { awaiting: open.length, promoted: open.length };
}

/** Unused promotion requests for rows that are still uncertified, oldest first. */
async function openPromotionRequests(db: Queryable): Promise<{ requestId: string; rowId: string }[]> {
  const { rows } = await db.query<{ request_id: string; row_id: string }>(
    `select request.id::text as request_id, registry.id::text as row_id
       from birth_lane.approval_requests request
       join public.birth_registry registry on registry.id = (request.scope ->> 'rowId')::bigint
      where request.action = 'promotion'
        and request.expires_at > now()
        and not registry.certified
        and not exists (select 1 from birth_lane.approval_uses used where used.request_id = request.id)
      order by request.id`,
  );
  return rows.map((row) => ({ requestId: row.request_id, rowId: row.row_id }));
}
