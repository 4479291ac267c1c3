import { describe, expect, it } from 'vitest';
import type { ApprovalAction, ApprovalScope } from '../approval.js';
import { ApprovalError, ValidationError } from '../errors.js';
import type { ApprovalGate } from '../ports/approval-gate.js';

let scopeCounter = 0;
/** A scope no other test uses, so tests sharing one gate do not see each other's approvals. */
const freshScope = (): ApprovalScope => ({ conformance: `${process.pid}-${Date.now()}-${scopeCounter++}` });

/**
 * One gate per person: a gate is bound to its login, so the proposer and each voter need their own.
 * `proposer` may propose; `president` holds the president role and `aiCouncil` the ai_council role.
 */
export interface ApprovalGateCast {
  readonly proposer: ApprovalGate;
  readonly president: ApprovalGate;
  readonly aiCouncil: readonly [ApprovalGate, ApprovalGate];
}

/**
 * An ApprovalGate must apply the S1 quorum for exactly one action and scope, take the voter from
 * its login, refuse the proposer's own vote, and refuse a request below its action's minimum risk.
 */
export function describeApprovalGateConformance(
  name: string,
  makeCast: () => ApprovalGateCast | Promise<ApprovalGateCast>,
): void {
  describe(`ApprovalGate conformance: ${name}`, () => {
    const action: ApprovalAction = 'backlog_pass';

    it('says no when nothing was proposed (silence is not approval)', async () => {
      const { proposer } = await makeCast();
      const decision = await proposer.check(action, freshScope());
      expect(decision.approved).toBe(false);
      const error = await proposer.require(action, freshScope()).catch((caught: unknown) => caught);
      expect(ApprovalError.isInstance(error)).toBe(true);
      expect((error as ApprovalError).code).toBe('APPROVAL_REQUIRED');
    });

    it('approves high risk with 1 president + 2 ai_council, for that scope and action only', async () => {
      const cast = await makeCast();
      const scope = freshScope();
      const request = await cast.proposer.propose({ action, scope, risk: 'high', reason: 'conformance' });
      await cast.president.vote({ requestId: request.id, decision: 'approve' });
      await cast.aiCouncil[0].vote({ requestId: request.id, decision: 'approve' });
      expect((await cast.proposer.check(action, scope)).approved).toBe(false);
      await cast.aiCouncil[1].vote({ requestId: request.id, decision: 'approve' });
      expect((await cast.proposer.check(action, scope)).approved).toBe(true);
      expect((await cast.proposer.check(action, freshScope())).approved).toBe(false);
      expect((await cast.proposer.check('gate_flip', scope)).approved).toBe(false);
      const status = await cast.proposer.status(request.id);
      expect(status?.quorumMet).toBe(true);
      expect(status?.missing).toEqual([]);
    });

    it("refuses the proposer's own vote, and a reject blocks high risk", async () => {
      const cast = await makeCast();
      const own = await cast.president.propose({
        action: 'gate_flip',
        scope: freshScope(),
        risk: 'medium',
        reason: 'conformance',
      });
      const refused = await cast.president
        .vote({ requestId: own.id, decision: 'approve' })
        .catch((caught: unknown) => caught);
      expect(ApprovalError.isInstance(refused)).toBe(true);
      expect((refused as ApprovalError).code).toBe('APPROVAL_REFUSED');

      const highScope = freshScope();
      const high = await cast.proposer.propose({
        action,
        scope: highScope,
        risk: 'high',
        reason: 'conformance',
      });
      await cast.president.vote({ requestId: high.id, decision: 'approve' });
      await cast.aiCouncil[0].vote({ requestId: high.id, decision: 'approve' });
      await cast.aiCouncil[1].vote({ requestId: high.id, decision: 'reject' });
      const error = await cast.proposer.require(action, highScope).catch((caught: unknown) => caught);
      expect(ApprovalError.isInstance(error)).toBe(true);
      expect((error as ApprovalError).code).toBe('QUORUM_NOT_MET');
    });

    it('refuses a blanket (empty) scope and a risk below the action minimum, naming the field', async () => {
      const { proposer } = await makeCast();
      const blanket = await proposer
        .propose({ action, scope: {}, risk: 'high', reason: 'conformance' })
        .catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(blanket)).toBe(true);
      expect((blanket as ValidationError).issues[0]?.field).toBe('scope');
      const tooLow = await proposer
        .propose({ action, scope: freshScope(), risk: 'low', reason: 'conformance' })
        .catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(tooLow)).toBe(true);
      expect((tooLow as ValidationError).issues[0]).toMatchObject({ field: 'risk', rule: 'minimum_risk' });
    });
  });
}
