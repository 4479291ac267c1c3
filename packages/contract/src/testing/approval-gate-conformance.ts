import { describe, expect, it } from 'vitest';
import type { ApprovalAction, ApprovalScope } from '../approval.js';
import { ApprovalError, ValidationError } from '../errors.js';
import type { ApprovalGate } from '../ports/approval-gate.js';

let scopeCounter = 0;
/** A scope no other test uses, so tests sharing one gate do not see each other's approvals. */
const freshScope = (): ApprovalScope => ({ conformance: `${process.pid}-${Date.now()}-${scopeCounter++}` });

/** An ApprovalGate must apply the S1 quorum for exactly one action and scope, and never count the proposer. */
export function describeApprovalGateConformance(
  name: string,
  makeGate: () => ApprovalGate | Promise<ApprovalGate>,
): void {
  describe(`ApprovalGate conformance: ${name}`, () => {
    const action: ApprovalAction = 'backlog_pass';

    it('says no when nothing was proposed (silence is not approval)', async () => {
      const gate = await makeGate();
      const decision = await gate.check(action, freshScope());
      expect(decision.approved).toBe(false);
      const error = await gate.require(action, freshScope()).catch((caught: unknown) => caught);
      expect(ApprovalError.isInstance(error)).toBe(true);
      expect((error as ApprovalError).code).toBe('APPROVAL_REQUIRED');
    });

    it('approves high risk with 1 president + 2 ai_council, for that scope and action only', async () => {
      const gate = await makeGate();
      const scope = freshScope();
      const request = await gate.propose({
        action,
        scope,
        risk: 'high',
        proposer: 'alice',
        reason: 'conformance',
      });
      await gate.vote({ requestId: request.id, voter: 'pat', role: 'president', decision: 'approve' });
      await gate.vote({ requestId: request.id, voter: 'c1', role: 'ai_council', decision: 'approve' });
      expect((await gate.check(action, scope)).approved).toBe(false);
      await gate.vote({ requestId: request.id, voter: 'c2', role: 'ai_council', decision: 'approve' });
      expect((await gate.check(action, scope)).approved).toBe(true);
      expect((await gate.check(action, freshScope())).approved).toBe(false);
      expect((await gate.check('gate_flip', scope)).approved).toBe(false);
    });

    it('never counts the proposer, and a reject blocks high risk', async () => {
      const gate = await makeGate();
      const scope = freshScope();
      const request = await gate.propose({
        action,
        scope,
        risk: 'medium',
        proposer: 'pat',
        reason: 'conformance',
      });
      await gate.vote({ requestId: request.id, voter: 'pat', role: 'president', decision: 'approve' });
      expect((await gate.check(action, scope)).approved).toBe(false);

      const highScope = freshScope();
      const high = await gate.propose({
        action,
        scope: highScope,
        risk: 'high',
        proposer: 'alice',
        reason: 'conformance',
      });
      for (const [voter, role] of [
        ['pat', 'president'],
        ['c1', 'ai_council'],
        ['c2', 'ai_council'],
      ] as const) {
        await gate.vote({ requestId: high.id, voter, role, decision: 'approve' });
      }
      await gate.vote({ requestId: high.id, voter: 'c3', role: 'ai_council', decision: 'reject' });
      const error = await gate.require(action, highScope).catch((caught: unknown) => caught);
      expect(ApprovalError.isInstance(error)).toBe(true);
      expect((error as ApprovalError).code).toBe('QUORUM_NOT_MET');
    });

    it('refuses a blanket (empty) scope', async () => {
      const gate = await makeGate();
      const error = await gate
        .propose({ action, scope: {}, risk: 'low', proposer: 'alice', reason: 'conformance' })
        .catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues[0]?.field).toBe('scope');
    });
  });
}
