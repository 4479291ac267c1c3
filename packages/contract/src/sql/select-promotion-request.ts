export interface PromotionRequestRow {
  readonly id: string;
  readonly risk: string;
  readonly created_at: Date;
  readonly reason: string;
  readonly met: boolean;
  readonly status: { usedAt?: string | null; missing?: unknown } | null;
}

/**
 * The latest promotion request for one row (parameter: its id as text), found by its scope: the
 * certify consumer files exactly one per row, `{"rowId": "<id>"}`.
 */
export const SELECT_PROMOTION_REQUEST_SQL = `select q.id::text as id, q.risk, q.created_at, q.reason, birth_lane.approval_quorum_met(q.id) as met,
       birth_lane.approval_status(q.id) as status
  from birth_lane.approval_requests q
 where q.action = 'promotion' and q.scope = jsonb_build_object('rowId', $1::text)
 order by q.id desc limit 1`;

export interface ApprovalVoteRow {
  readonly voter: string;
  readonly role: string;
  readonly decision: string;
  readonly cast_at: Date;
}

/** The votes on one approval request (parameter: its id), in the order they were cast. */
export const SELECT_APPROVAL_VOTES_SQL =
  'select voter, role, decision, cast_at from birth_lane.approval_votes where request_id = $1::bigint order by id';
