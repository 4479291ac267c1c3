import {
  type ApprovalAction,
  type ApprovalRequest,
  type ApprovalRequestInput,
  type ApprovalScope,
  approvalActionSchema,
  approvalRequestInputSchema,
  approvalRequestSchema,
  approvalScopeSchema,
  evaluateQuorum,
  type VoteInput,
  voteInputSchema,
  voteSchema,
} from './approval.js';
import { ApprovalError, ValidationError } from './errors.js';
import { parseOrThrow } from './parse.js';
import type { ApprovalDecision, ApprovalGate } from './ports/approval-gate.js';
import type { Queryable } from './ports/queryable.js';
import { SQLSTATE } from './sqlstate.js';

interface RequestRow {
  id: string;
  action: string;
  scope: unknown;
  risk: string;
  proposer: string;
  reason: string;
  created_at: Date;
}

/** Approvals (S1) stored in `birth_lane.approval_requests` and `birth_lane.approval_votes`. */
export class PostgresApprovalGate implements ApprovalGate {
  readonly specificationVersion = 'v1' as const;

  constructor(private readonly db: Queryable) {}

  async propose(input: ApprovalRequestInput): Promise<ApprovalRequest> {
    const request = parseOrThrow(approvalRequestInputSchema, input, 'approval request');
    const { rows } = await this.db.query<RequestRow>(
      `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason)
       values ($1::text, $2::jsonb, $3::text, $4::text, $5::text)
       returning id::text, action, scope, risk, proposer, reason, created_at`,
      [request.action, JSON.stringify(request.scope), request.risk, request.proposer, request.reason],
    );
    return toRequest(rows[0]!);
  }

  async vote(input: VoteInput): Promise<void> {
    const vote = parseOrThrow(voteInputSchema, input, 'vote');
    try {
      await this.db.query(
        `insert into birth_lane.approval_votes (request_id, voter, role, decision, comment)
         values ($1::bigint, $2::text, $3::text, $4::text, $5::text)`,
        [vote.requestId, vote.voter, vote.role, vote.decision, vote.comment ?? null],
      );
    } catch (error) {
      if ((error as { code?: string }).code === SQLSTATE.foreignKeyViolation) {
        throw new ValidationError('vote', [
          { field: 'requestId', rule: 'exists', message: `no approval request ${vote.requestId}` },
        ]);
      }
      throw error;
    }
  }

  async check(actionInput: ApprovalAction, scopeInput: ApprovalScope): Promise<ApprovalDecision> {
    const action = parseOrThrow(approvalActionSchema, actionInput, 'approval action');
    const scope = parseOrThrow(approvalScopeSchema, scopeInput, 'approval scope');
    const requests = await this.db.query<RequestRow>(
      `select id::text, action, scope, risk, proposer, reason, created_at
         from birth_lane.approval_requests
        where action = $1::text and scope = $2::jsonb
        order by id desc`,
      [action, JSON.stringify(scope)],
    );
    if (requests.rows.length === 0) {
      return {
        approved: false,
        request: null,
        quorum: null,
        reason: `no approval request for ${action} on this scope`,
      };
    }
    let last: ApprovalDecision | undefined;
    for (const row of requests.rows) {
      const request = toRequest(row);
      const votes = await this.db.query<{
        request_id: string;
        voter: string;
        role: string;
        decision: string;
        cast_at: Date;
      }>(
        `select request_id::text, voter, role, decision, cast_at
           from birth_lane.approval_votes where request_id = $1::bigint order by id`,
        [request.id],
      );
      const quorum = evaluateQuorum(
        request,
        votes.rows.map((vote) =>
          parseOrThrow(
            voteSchema,
            {
              requestId: vote.request_id,
              voter: vote.voter,
              role: vote.role,
              decision: vote.decision,
              castAt: vote.cast_at,
            },
            'stored vote',
          ),
        ),
      );
      const decision = {
        approved: quorum.met,
        request,
        quorum,
        reason: `request ${request.id}: ${quorum.reason}`,
      };
      if (quorum.met) return decision;
      last ??= decision;
    }
    return last!;
  }

  async require(action: ApprovalAction, scope: ApprovalScope): Promise<ApprovalDecision> {
    const decision = await this.check(action, scope);
    if (!decision.approved) {
      throw new ApprovalError(
        decision.request ? 'QUORUM_NOT_MET' : 'APPROVAL_REQUIRED',
        action,
        `${action} is not approved for scope ${JSON.stringify(scope)}: ${decision.reason}. ` +
          'Propose it with `birth-lane approvals propose` and collect the votes its risk needs.',
      );
    }
    return decision;
  }
}

function toRequest(row: RequestRow): ApprovalRequest {
  return parseOrThrow(
    approvalRequestSchema,
    {
      id: row.id,
      action: row.action,
      scope: row.scope,
      risk: row.risk,
      proposer: row.proposer,
      reason: row.reason,
      createdAt: row.created_at,
    },
    'stored approval request',
  );
}
