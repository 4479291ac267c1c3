import { promote } from '@birth-lane/certify-consumer';
import { type Database, type Queryable, REGISTRY_TABLE } from '@birth-lane/contract';
import { voteWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { connectAs } from './demo-activation.js';

export interface DemoPromotions {
  /** Promotion requests that were open when the demo looked (canonical rows waiting for approval). */
  readonly awaiting: number;
  /** Rows certified by an approved promotion in this call. */
  readonly promoted: number;
}

/**
 * DEMO ONLY (`start` on the embedded PostgreSQL): shows the governed path for canonical entities.
 * The certify trigger filed one promotion request per kernel row whose stamps completed; here a
 * demo president and two demo ai_council logins, made for this call only (random names and
 * passwords, valid for an hour, dropped before it returns), each approve every open request
 * through their own login (birth_lane.cast_vote takes the voter from session_user), and each row
 * is then promoted with its approval, which the promotion consumes. Never run it against real
 * data: it approves whatever is open.
 */
export async function promoteWithDemoApprovals(db: Database, url: string): Promise<DemoPromotions> {
  const open = await openPromotionRequests(db);
  if (open.length === 0) return { awaiting: 0, promoted: 0 };
  await voteWithDemoLogins(
    db,
    (login, password) => connectAs(url, login, password),
    open.map((request) => request.requestId),
    'demo: canonical row inspected in order',
  );
  for (const request of open)
    await promote(db, { rowId: request.rowId, approvalRequestId: request.requestId });
  return { awaiting: open.length, promoted: open.length };
}

/** Unused promotion requests for rows that are still uncertified, oldest first. */
async function openPromotionRequests(db: Queryable): Promise<{ requestId: string; rowId: string }[]> {
  const { rows } = await db.query<{ request_id: string; row_id: string }>(
    `select request.id::text as request_id, registry.id::text as row_id
       from birth_lane.approval_requests request
       join ${REGISTRY_TABLE} registry on registry.id = (request.scope ->> 'rowId')::bigint
      where request.action = 'promotion'
        and request.proposer = 'birth_lane.certify_consumer'
        and request.expires_at > now()
        and not registry.certified
        and not exists (select 1 from birth_lane.approval_uses used where used.request_id = request.id)
      order by request.id`,
  );
  return rows.map((row) => ({ requestId: row.request_id, rowId: row.row_id }));
}
