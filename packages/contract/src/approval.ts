import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { rowIdSchema } from './registry-row.js';

/** Write-enabled moves that need an approval record for that action and scope (S1). */
export const APPROVAL_ACTIONS = [
  'backlog_pass',
  'gate_flip',
  'stamp_materialisation',
  'promotion',
  'install_step',
  'rule_set_activation',
] as const;
export const approvalActionSchema = z.enum(APPROVAL_ACTIONS);
export type ApprovalAction = z.infer<typeof approvalActionSchema>;

export const RISKS = ['low', 'medium', 'high'] as const;
export const riskSchema = z.enum(RISKS);
export type Risk = z.infer<typeof riskSchema>;

export const APPROVER_ROLES = ['president', 'ai_council', 'member'] as const;
export const approverRoleSchema = z.enum(APPROVER_ROLES);
export type ApproverRole = z.infer<typeof approverRoleSchema>;

const principal = z.string().trim().min(1, 'must name who').max(200);

/**
 * The scope an approval covers, e.g. `{ "rowId": "42" }` or `{ "idFrom": "1", "idTo": "100000" }`.
 * Compared by canonical JSON, so key order does not matter; an empty scope is refused because an
 * approval is never blanket.
 */
export const approvalScopeSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .refine((scope) => Object.keys(scope).length > 0, {
    message: 'must name what is approved; an approval is never blanket',
    params: { rule: 'not_blanket' },
  });
export type ApprovalScope = z.infer<typeof approvalScopeSchema>;

export function scopeKey(scope: ApprovalScope): string {
  return canonicalJson(scope);
}

export const approvalRequestInputSchema = z.strictObject({
  action: approvalActionSchema,
  scope: approvalScopeSchema,
  risk: riskSchema,
  proposer: principal,
  reason: z.string().trim().min(1, 'must say why').max(4000),
});
export type ApprovalRequestInput = z.input<typeof approvalRequestInputSchema>;

export const approvalRequestSchema = approvalRequestInputSchema.extend({
  id: rowIdSchema,
  createdAt: z.coerce.date(),
});
export type ApprovalRequest = z.output<typeof approvalRequestSchema>;

export const voteDecisionSchema = z.enum(['approve', 'reject']);
export type VoteDecision = z.infer<typeof voteDecisionSchema>;

export const voteInputSchema = z.strictObject({
  requestId: rowIdSchema,
  voter: principal,
  role: approverRoleSchema,
  decision: voteDecisionSchema,
  comment: z.string().max(4000).optional(),
});
export type VoteInput = z.input<typeof voteInputSchema>;

export const voteSchema = voteInputSchema.extend({ castAt: z.coerce.date() });
export type Vote = z.output<typeof voteSchema>;

export interface QuorumResult {
  readonly met: boolean;
  /** Why it is (or is not) met, in words. */
  readonly reason: string;
  readonly counted: {
    readonly president: number;
    readonly aiCouncil: number;
    readonly approvals: number;
    readonly rejects: number;
  };
  /** Votes left out, with why (the proposer's own vote, a vote for another request). */
  readonly ignored: readonly { readonly voter: string; readonly why: string }[];
}

/**
 * The quorum rule of S1, by risk:
 *  - high:   at least one `president` and at least two `ai_council` approvals, and no reject;
 *  - medium: at least one `president` approval;
 *  - low:    at least one approval.
 * The proposer never counts. Each voter counts once (their latest vote). Silence is not approval.
 * The SQL function `birth_lane.approval_quorum_met` implements the same rule for database-side paths.
 */
export function evaluateQuorum(
  request: Pick<ApprovalRequest, 'id' | 'risk' | 'proposer'>,
  votes: readonly Vote[],
): QuorumResult {
  const ignored: { voter: string; why: string }[] = [];
  const latestByVoter = new Map<string, Vote>();
  for (const vote of votes) {
    if (vote.requestId !== request.id) {
      ignored.push({ voter: vote.voter, why: `vote is for request ${vote.requestId}, not ${request.id}` });
      continue;
    }
    if (samePrincipal(vote.voter, request.proposer)) {
      ignored.push({ voter: vote.voter, why: 'the proposer never counts as an approver' });
      continue;
    }
    const key = normalisePrincipal(vote.voter);
    const previous = latestByVoter.get(key);
    if (!previous || previous.castAt.getTime() <= vote.castAt.getTime()) latestByVoter.set(key, vote);
  }
  const counted = { president: 0, aiCouncil: 0, approvals: 0, rejects: 0 };
  for (const vote of latestByVoter.values()) {
    if (vote.decision === 'reject') {
      counted.rejects += 1;
      continue;
    }
    counted.approvals += 1;
    if (vote.role === 'president') counted.president += 1;
    if (vote.role === 'ai_council') counted.aiCouncil += 1;
  }
  const verdict = judge(request.risk, counted);
  return { met: verdict.met, reason: verdict.reason, counted, ignored };
}

function judge(risk: Risk, counted: QuorumResult['counted']): { met: boolean; reason: string } {
  switch (risk) {
    case 'high': {
      if (counted.rejects > 0)
        return {
          met: false,
          reason: `high risk: ${counted.rejects} reject(s); a high-risk approval needs no reject`,
        };
      const missing: string[] = [];
      if (counted.president < 1) missing.push('1 president');
      if (counted.aiCouncil < 2) missing.push(`${2 - counted.aiCouncil} more ai_council`);
      return missing.length === 0
        ? { met: true, reason: 'high risk: 1+ president and 2+ ai_council approvals, no reject' }
        : { met: false, reason: `high risk: missing ${missing.join(' and ')} approval(s)` };
    }
    case 'medium':
      return counted.president >= 1
        ? { met: true, reason: 'medium risk: a president approved' }
        : { met: false, reason: 'medium risk: needs a president approval' };
    case 'low':
      return counted.approvals >= 1
        ? { met: true, reason: 'low risk: approved' }
        : { met: false, reason: 'low risk: needs one approval (silence is not approval)' };
  }
}

function normalisePrincipal(name: string): string {
  return name.trim().toLowerCase();
}

function samePrincipal(a: string, b: string): boolean {
  return normalisePrincipal(a) === normalisePrincipal(b);
}
