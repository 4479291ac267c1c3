/**
 * Approval requests, newest first, at most 200; with $1 true only the open ones (neither expired
 * nor used). Quorum comes from birth_lane.approval_quorum_met, the rule the database enforces.
 */
export const LIST_APPROVAL_REQUESTS_SQL = `
  select request.id::text as "id", request.action, request.scope, request.risk, request.proposer,
         request.created_at as "createdAt", request.expires_at as "expiresAt",
         request.expires_at <= now() as "expired", used.used_at as "usedAt",
         birth_lane.approval_quorum_met(request.id) as "quorumMet"
    from birth_lane.approval_requests request
    left join birth_lane.approval_uses used on used.request_id = request.id
   where not $1::boolean or (request.expires_at > now() and used.request_id is null)
   order by request.id desc
   limit 200`;

export interface ListedApprovalRequest {
  id: string;
  action: string;
  scope: unknown;
  risk: string;
  proposer: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
  usedAt: Date | null;
  quorumMet: boolean;
}
