import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { identityKey } from './identity-key.js';
import { rowIdSchema } from './registry-row.js';

/** Write-enabled moves that need an approval record for that action and scope (S1). */
export const APPROVAL_ACTIONS = [
  'backlog_pass',
  'backlog_rollback',
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

/**
 * Approver roles. Holding the database role `birth_lane_<role>` is being an approver of that kind;
 * an administrator grants it to a person's own login.
 */
export const APPROVER_ROLES = ['president', 'ai_council', 'approver'] as const;
export const approverRoleSchema = z.enum(APPROVER_ROLES);
export type ApproverRole = z.infer<typeof approverRoleSchema>;
export const APPROVER_DATABASE_ROLES = {
  president: 'birth_lane_president',
  ai_council: 'birth_lane_ai_council',
  approver: 'birth_lane_approver',
} as const satisfies Record<ApproverRole, string>;

/** The least risk each action may be proposed at (`birth_lane.approval_minimum_risk` in SQL). */
export const MINIMUM_RISK = {
  promotion: 'high',
  rule_set_activation: 'high',
  backlog_pass: 'high',
  // Clearing a run's stamps is as weighty as setting them.
  backlog_rollback: 'high',
  stamp_materialisation: 'high',
  gate_flip: 'medium',
  install_step: 'medium',
} as const satisfies Record<ApprovalAction, Risk>;

const RISK_RANK = { low: 1, medium: 2, high: 3 } as const satisfies Record<Risk, number>;

/** The risk a request is judged at: its own, or its action's minimum when that is stronger. */
export function effectiveRisk(action: ApprovalAction, risk: Risk): Risk {
  const minimum = MINIMUM_RISK[action];
  return RISK_RANK[risk] >= RISK_RANK[minimum] ? risk : minimum;
}

/** A login name as stored: kept exactly as written, since the identity key reads every character. */
const principal = z.string().min(1, 'must name who');

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

const MIN_EXPIRY_SECONDS = 60;
const MAX_EXPIRY_SECONDS = 30 * 24 * 3600;
export const DEFAULT_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * What a proposer sends. There is no proposer field: the proposer is the login that calls
 * `birth_lane.request_approval` (session_user), never a name a client types.
 */
export const approvalRequestInputSchema = z
  .strictObject({
    action: approvalActionSchema,
    scope: approvalScopeSchema,
    risk: riskSchema,
    // Only white space or invisible characters (U+200B...) says nothing: the identity key removes
    // exactly those, as birth_lane.request_approval checks.
    reason: z
      .string()
      .trim()
      .min(1, 'must say why')
      .max(4000)
      .refine((reason) => identityKey(reason) !== '', {
        message: 'must say why in visible characters',
        params: { rule: 'visible_reason' },
      }),
    /** How long the request stays open; 60 s to 30 days, 7 days when absent. */
    expiresInSeconds: z.number().int().min(MIN_EXPIRY_SECONDS).max(MAX_EXPIRY_SECONDS).optional(),
  })
  .superRefine((input, context) => {
    if (effectiveRisk(input.action, input.risk) !== input.risk) {
      context.addIssue({
        code: 'custom',
        path: ['risk'],
        message: `${input.action} needs at least ${MINIMUM_RISK[input.action]} risk`,
        params: { rule: 'minimum_risk' },
      });
    }
  });
export type ApprovalRequestInput = z.input<typeof approvalRequestInputSchema>;

/** A stored request, as `birth_lane.approval_requests` holds it. */
export const approvalRequestSchema = z.strictObject({
  id: rowIdSchema,
  action: approvalActionSchema,
  scope: approvalScopeSchema,
  risk: riskSchema,
  proposer: principal,
  reason: z.string().min(1),
  createdAt: z.coerce.date(),
  expiresAt: z.coerce.date(),
});
export type ApprovalRequest = z.output<typeof approvalRequestSchema>;

export const voteDecisionSchema = z.enum(['approve', 'reject']);
export type VoteDecision = z.infer<typeof voteDecisionSchema>;

/**
 * What a voter sends. There is no voter field: the voter is the login that calls
 * `birth_lane.cast_vote`; the role defaults to the strongest approver role that login holds.
 */
export const voteInputSchema = z.strictObject({
  requestId: rowIdSchema,
  decision: voteDecisionSchema,
  role: approverRoleSchema.optional(),
  comment: z.string().max(4000).optional(),
});
export type VoteInput = z.input<typeof voteInputSchema>;

/** A stored vote. `id` (set by the server) orders a voter's votes, as in SQL; castAt is for people. */
export const voteSchema = z.strictObject({
  id: rowIdSchema.optional(),
  requestId: rowIdSchema,
  voter: principal,
  role: approverRoleSchema,
  decision: voteDecisionSchema,
  comment: z.string().nullable().optional(),
  castAt: z.coerce.date(),
});
export type Vote = z.output<typeof voteSchema>;

export interface QuorumResult {
  readonly met: boolean;
  /** Why it is (or is not) met, in words. */
  readonly reason: string;
  /** What is still needed, in the words `birth_lane.approval_status` uses; empty when met. */
  readonly missing: readonly string[];
  readonly counted: {
    readonly president: number;
    readonly aiCouncil: number;
    readonly approvals: number;
    readonly rejects: number;
  };
  /** Votes left out, with why (the proposer's own vote, a vote for another request). */
  readonly ignored: readonly { readonly voter: string; readonly why: string }[];
}

/** The request as the quorum rule needs it; `expiresAt` and `usedAt` absent mean open and unused. */
export interface QuorumRequest {
  readonly id: string;
  /** Absent: judged at `risk` alone (no action minimum), as in unit tests of the bare rule. */
  readonly action?: ApprovalAction;
  readonly risk: Risk;
  readonly proposer: string;
  readonly expiresAt?: Date;
  readonly usedAt?: Date | null;
}

/**
 * The quorum rule of S1; `birth_lane.approval_quorum_met` in SQL is the same rule, and a property
 * test runs both on random vote sets. By the request's effective risk (its own, or its action's
 * minimum when stronger):
 *  - high:   at least one `president` and at least two `ai_council` approvals, and no reject;
 *  - medium: at least one `president` approval;
 *  - low:    at least one approval.
 * Voters are told apart by identityKey(); a vote whose key is the proposer's (or empty) never
 * counts. A voter who rejected counts as one reject until the request closes: a reject stands and
 * cannot be withdrawn. Otherwise each voter's latest vote (the highest id) counts once, in its
 * role. An expired or used request approves nothing. Silence is not approval.
 */
export function evaluateQuorum(
  request: QuorumRequest,
  votes: readonly Vote[],
  now: Date = new Date(),
): QuorumResult {
  const ignored: { voter: string; why: string }[] = [];
  const proposerKey = identityKey(request.proposer);
  const byVoter = new Map<string, { latest: Vote; rejected: boolean }>();
  for (const vote of votes) {
    if (vote.requestId !== request.id) {
      ignored.push({ voter: vote.voter, why: `vote is for request ${vote.requestId}, not ${request.id}` });
      continue;
    }
    const key = identityKey(vote.voter);
    if (key === '') {
      ignored.push({ voter: vote.voter, why: 'the voter name has an empty identity key' });
      continue;
    }
    if (key === proposerKey) {
      ignored.push({ voter: vote.voter, why: 'the proposer never counts as an approver' });
      continue;
    }
    const seen = byVoter.get(key);
    const rejected = (seen?.rejected ?? false) || vote.decision === 'reject';
    byVoter.set(key, { latest: !seen || isLater(vote, seen.latest) ? vote : seen.latest, rejected });
  }
  const counted = { president: 0, aiCouncil: 0, approvals: 0, rejects: 0 };
  for (const { latest, rejected } of byVoter.values()) {
    if (rejected) {
      counted.rejects += 1;
      continue;
    }
    counted.approvals += 1;
    if (latest.role === 'president') counted.president += 1;
    if (latest.role === 'ai_council') counted.aiCouncil += 1;
  }
  const risk = request.action ? effectiveRisk(request.action, request.risk) : request.risk;
  const missing = missingVotes(risk, counted);
  if (request.expiresAt && request.expiresAt.getTime() <= now.getTime())
    missing.push('a request that has not expired');
  if (request.usedAt) missing.push('a request not used before');
  const met = missing.length === 0;
  const reason = met
    ? `${risk} risk: quorum met`
    : counted.approvals + counted.rejects === 0 && missing.length === 1
      ? `${risk} risk: needs ${missing[0]} (silence is not approval)`
      : `${risk} risk: still needs ${missing.join(', ')}`;
  return { met, reason, missing, counted, ignored };
}

/**
 * SQL orders a voter's votes by id alone: ids are set by the server in the order cast_vote
 * serialises them. castAt is not compared: PostgreSQL keeps microseconds, a Date milliseconds, so
 * two votes in one millisecond would sort differently here. A vote without an id is later than an
 * earlier one in the list.
 */
function isLater(vote: Vote, than: Vote): boolean {
  if (vote.id !== undefined && than.id !== undefined) return BigInt(vote.id) > BigInt(than.id);
  return true;
}

function missingVotes(risk: Risk, counted: QuorumResult['counted']): string[] {
  switch (risk) {
    case 'high': {
      const missing: string[] = [];
      if (counted.president < 1) missing.push('1 president approval');
      if (counted.aiCouncil < 2) missing.push(`${2 - counted.aiCouncil} ai_council approval(s)`);
      if (counted.rejects > 0) missing.push(`no reject (${counted.rejects} standing)`);
      return missing;
    }
    case 'medium':
      return counted.president >= 1 ? [] : ['1 president approval'];
    case 'low':
      return counted.approvals >= 1 ? [] : ['1 approval'];
  }
}
