import type {
  ApprovalAction,
  ApprovalRequest,
  ApprovalRequestInput,
  ApprovalScope,
  QuorumResult,
  VoteInput,
} from '../approval.js';

export interface ApprovalDecision {
  readonly approved: boolean;
  /** The request that carries the approval, when one exists for this action and scope. */
  readonly request: ApprovalRequest | null;
  readonly quorum: QuorumResult | null;
  readonly reason: string;
}

/**
 * The approval gate (S1). `check` answers for exactly one action and scope; an approval for another
 * scope, or for the same scope under another action, never counts. `require` throws an ApprovalError
 * when `check` would say no.
 */
export interface ApprovalGate {
  readonly specificationVersion: 'v1';
  propose(request: ApprovalRequestInput): Promise<ApprovalRequest>;
  vote(vote: VoteInput): Promise<void>;
  check(action: ApprovalAction, scope: ApprovalScope): Promise<ApprovalDecision>;
  require(action: ApprovalAction, scope: ApprovalScope): Promise<ApprovalDecision>;
}
