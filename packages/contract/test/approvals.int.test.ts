import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPROVER_ROLES, evaluateQuorum, RISKS, type Vote } from '../src/approval.js';
import { contractSteps } from '../src/contract-steps.js';
import { sqlStateOf } from '../src/errors.js';
import { PostgresApprovalGate } from '../src/postgres-approval-gate.js';
import { SQLSTATE } from '../src/sqlstate.js';
import { describeApprovalGateConformance } from '../src/testing/index.js';

const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation) });

describeApprovalGateConformance('PostgresApprovalGate', () => new PostgresApprovalGate(t.db.pool));

describe('approval records', () => {
  it('are append-only: a vote cannot be rewritten', async () => {
    const gate = new PostgresApprovalGate(t.db.pool);
    const request = await gate.propose({
      action: 'gate_flip',
      scope: { mode: 'block' },
      risk: 'low',
      proposer: 'a',
      reason: 'r',
    });
    await gate.vote({ requestId: request.id, voter: 'b', role: 'member', decision: 'reject' });
    const error = await t.db.pool
      .query("update birth_lane.approval_votes set decision = 'approve' where request_id = $1::bigint", [
        request.id,
      ])
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.appendOnlyViolation);
  });

  it('refuse a vote for a request that does not exist, naming requestId', async () => {
    const gate = new PostgresApprovalGate(t.db.pool);
    await expect(
      gate.vote({ requestId: '999999', voter: 'b', role: 'member', decision: 'approve' }),
    ).rejects.toThrow(/requestId/);
  });
});

describe('the SQL quorum function agrees with evaluateQuorum', () => {
  const voters = ['proposer', 'p1', 'p2', 'c1', 'c2', 'c3', 'm1'];
  const voteArbitrary = fc.record({
    voter: fc.constantFrom(...voters),
    role: fc.constantFrom(...APPROVER_ROLES),
    decision: fc.constantFrom('approve' as const, 'reject' as const),
  });

  it('on 300 random vote sets of every risk', async () => {
    const gate = new PostgresApprovalGate(t.db.pool);
    let scopeIndex = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RISKS),
        fc.array(voteArbitrary, { maxLength: 7 }),
        async (risk, votes) => {
          const request = await gate.propose({
            action: 'promotion',
            scope: { rowId: String(++scopeIndex) },
            risk,
            proposer: 'proposer',
            reason: 'property',
          });
          for (const vote of votes) await gate.vote({ requestId: request.id, ...vote });
          const { rows } = await t.db.pool.query<{ met: boolean }>(
            'select birth_lane.approval_quorum_met($1::bigint) as met',
            [request.id],
          );
          const stored = await t.db.pool.query<{
            voter: string;
            role: Vote['role'];
            decision: Vote['decision'];
            cast_at: Date;
          }>(
            'select voter, role, decision, cast_at from birth_lane.approval_votes where request_id = $1::bigint order by id',
            [request.id],
          );
          const expected = evaluateQuorum(
            request,
            stored.rows.map((row) => ({
              requestId: request.id,
              voter: row.voter,
              role: row.role,
              decision: row.decision,
              castAt: row.cast_at,
            })),
          );
          expect(rows[0]?.met).toBe(expected.met);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is false for an unknown request (silence is not approval)', async () => {
    const { rows } = await t.db.pool.query('select birth_lane.approval_quorum_met(-1) as met');
    expect(rows[0].met).toBe(false);
  });
});
