import type {
  ApprovalAction,
  ApprovalRequest,
  ApprovalRequestInput,
  ApprovalScope,
  QuorumResult,
  VoteInput,
} from '../approval.js';
import type { ApprovalStatus } from '../approval-status.js';

export interface ApprovalDecision {
  readonly approved: boolean;
  /** The request that carries the approval, when one exists for this action and scope. */
  readonly request: ApprovalRequest | null;
  readonly quorum: QuorumResult | null;
  readonly reason: string;
}

/**
 * The approval gate (S1), bound to one login: the proposer of `propose` and the voter of `vote` are
 * whoever the connection is logged in as, never a name passed in. `check` answers for exactly one
 * action and scope; an approval for another scope, or for the same scope under another action,
 * never counts. `require` throws an ApprovalError when `check` would say no. Using (consuming) an
 * approval is not part of the port: the operation that needs it does that inside the database.
 */
export interface ApprovalGate {
  readonly specificationVersion: 'v1';
  propose(request: ApprovalRequestInput): Promise<ApprovalRequest>;
  /** Casts the caller's vote; returns the vote id. */
  vote(vote: VoteInput): Promise<string>;
  status(requestId: string): Promise<ApprovalStatus | null>;
  check(action: ApprovalAction, scope: ApprovalScope): Promise<ApprovalDecision>;
  require(action: ApprovalAction, scope: ApprovalScope): Promise<ApprovalDecision>;
}
