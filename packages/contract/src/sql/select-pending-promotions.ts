import { REGISTRY_TABLE } from '../registry-row.js';

export interface PendingPromotionRow {
  readonly id: string;
  readonly row_id: string;
  readonly entity_code: string | null;
  readonly created_at: Date;
  readonly met: boolean;
  readonly votes: number;
  readonly total: number;
}

/** The oldest promotion requests whose row is not certified yet, with how many there are in all. */
export const SELECT_PENDING_PROMOTIONS_SQL = `select q.id::text as id, q.scope->>'rowId' as row_id, r.entity_code, q.created_at,
       birth_lane.approval_quorum_met(q.id) as met,
       (select count(*)::int from birth_lane.approval_votes v where v.request_id = q.id) as votes,
       count(*) over ()::int as total
  from birth_lane.approval_requests q
  -- by the primary key (a text comparison would scan the registry); a malformed scope matches nothing
  left join ${REGISTRY_TABLE} r
    on r.id = case when q.scope->>'rowId' ~ '^[0-9]{1,18}$' then (q.scope->>'rowId')::bigint end
 where q.action = 'promotion' and coalesce(r.certified, false) = false
 order by q.id
 limit 5`;
