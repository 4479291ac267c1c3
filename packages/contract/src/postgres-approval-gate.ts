import {
  type ApprovalAction,
  type ApprovalRequest,
  type ApprovalRequestInput,
  type ApprovalScope,
  approvalActionSchema,
  approvalRequestInputSchema,
  approvalRequestSchema,
  approvalScopeSchema,
  DEFAULT_EXPIRY_SECONDS,
  evaluateQuorum,
  type VoteInput,
  voteInputSchema,
} from './approval.js';
import { type ApprovalStatus, approvalStatusSchema } from './approval-status.js';
import { ApprovalError, sqlStateOf } from './errors.js';
import { parseOrThrow } from './parse.js';
import type { ApprovalDecision, ApprovalGate } from './ports/approval-gate.js';
import type { Queryable } from './ports/queryable.js';
import { SQLSTATE } from './sqlstate.js';

/**
 * Approvals (S1) through the database functions `birth_lane.request_approval`, `cast_vote` and
 * `approval_status`. The proposer and the voter are the login of `db` (session_user): give each
 * person's gate a connection made with their own login. The database decides; this class only
 * validates input early and turns refusals (SQLSTATE BL003) into ApprovalErrors naming the rule.
 */
export class PostgresApprovalGate implements ApprovalGate {
  readonly specificationVersion = 'v1' as const;

  constructor(private readonly db: Queryable) {}

  async propose(input: ApprovalRequestInput): Promise<ApprovalRequest> {
    const request = parseOrThrow(approvalRequestInputSchema, input, 'approval request');
    const { rows } = await this.refusalsAsErrors(request.action, () =>
      this.db.query<{ id: string }>(
        `select birth_lane.request_approval($1::text, $2::jsonb, $3::text, $4::text,
                make_interval(secs => $5::integer))::text as id`,
        [
          request.action,
          JSON.stringify(request.scope),
          request.risk,
          request.reason,
          request.expiresInSeconds ?? DEFAULT_EXPIRY_SECONDS,
        ],
      ),
    );
    const status = await this.status(rows[0]!.id);
    return toRequest(status!);
  }

  async vote(input: VoteInput): Promise<string> {
    const vote = parseOrThrow(voteInputSchema, input, 'vote');
    const { rows } = await this.refusalsAsErrors('vote', () =>
      this.db.query<{ id: string }>(
        'select birth_lane.cast_vote($1::bigint, $2::text, $3::text, $4::text)::text as id',
        [vote.requestId, vote.decision, vote.comment ?? null, vote.role ?? null],
      ),
    );
    return rows[0]!.id;
  }

  async status(requestId: string): Promise<ApprovalStatus | null> {
    const { rows } = await this.db.query<{ status: unknown }>(
      'select birth_lane.approval_status($1::bigint) as status',
      [requestId],
    );
    const status = rows[0]?.status;
    return status == null ? null : parseOrThrow(approvalStatusSchema, status, 'stored approval status');
  }

  /** The newest request for this action and scope that approves it now, else the newest one. */
  async check(actionInput: ApprovalAction, scopeInput: ApprovalScope): Promise<ApprovalDecision> {
    const action = parseOrThrow(approvalActionSchema, actionInput, 'approval action');
    const scope = parseOrThrow(approvalScopeSchema, scopeInput, 'approval scope');
    const { rows } = await this.db.query<{ id: string }>(
      // `r.id`, the bigint column: a bare `id` in ORDER BY is the text output column ("9" > "10").
      `select r.id::text as id from birth_lane.approval_requests r
        where r.action = $1::text and r.scope = $2::jsonb
        order by birth_lane.approval_quorum_met(r.id) desc, r.id desc
        limit 1`,
      [action, JSON.stringify(scope)],
    );
    const status = rows[0] ? await this.status(rows[0].id) : null;
    if (!status) {
      return {
        approved: false,
        request: null,
        quorum: null,
        reason: `no approval request for ${action} on this scope`,
      };
    }
    const request = toRequest(status);
    // The database's verdict decides; evaluateQuorum (the same rule) explains it in words.
    const quorum = evaluateQuorum(
      { ...request, usedAt: status.usedAt },
      status.votes.map((vote) => ({ ...vote, requestId: request.id })),
    );
    return {
      approved: status.quorumMet,
      request,
      quorum,
      reason: `request ${request.id}: ${status.quorumMet ? 'quorum met' : `still needs ${status.missing.join(', ')}`}`,
    };
  }

  async require(action: ApprovalAction, scope: ApprovalScope): Promise<ApprovalDecision> {
    const decision = await this.check(action, scope);
    if (!decision.approved) {
      throw new ApprovalError(
        decision.request ? 'QUORUM_NOT_MET' : 'APPROVAL_REQUIRED',
        action,
        `${action} is not approved for scope ${JSON.stringify(scope)}: ${decision.reason}. ` +
          'Propose it with `birth-lane approvals request` and collect the votes its risk needs.',
      );
    }
    return decision;
  }

  private async refusalsAsErrors<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.approvalViolation) throw error;
      const rule = (error as { constraint?: string }).constraint;
      const message = `${(error as Error).message}${rule ? ` (rule: ${rule})` : ''}`;
      throw new ApprovalError('APPROVAL_REFUSED', action, message, { cause: error, rule });
    }
  }
}

function toRequest(status: ApprovalStatus): ApprovalRequest {
  return parseOrThrow(
    approvalRequestSchema,
    {
      id: status.id,
      action: status.action,
      scope: status.scope,
      risk: status.risk,
      proposer: status.proposer,
      reason: status.reason,
      createdAt: status.createdAt,
      expiresAt: status.expiresAt,
    },
    'stored approval request',
  );
}
