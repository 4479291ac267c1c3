import { ApprovalError, BirthLaneError, ValidationError } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BacklogPlan,
  planBacklogPass,
  readPassStatus,
  revokeBacklogApproval,
  runWorker,
  startPass,
  verifyScope,
} from '../src/index.js';
import {
  activateDefaultRuleSet,
  idRange,
  laneLogins,
  refusal,
  SETUP_SQL,
  seedRows,
  stampedSet,
} from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
  await seedRows(t.db, 600);
});
afterAll(async () => {
  await logins.drop();
});

/** What a refused or stopped pass must not have touched: stamps, evidence of inspection, passes. */
async function footprint() {
  const { rows } = await t.db.pool.query<{ inspected: string; passes: string }>(
    `select (select count(*) from birth_lane.evidence where kind in ('inspection_failure', 'ambiguous_row'))::text as inspected,
            (select count(*) from birth_lane.backlog_passes)::text as passes`,
  );
  return { ...rows[0]!, stamped: await stampedSet(t.db) };
}

/** A backlog_pass request filed by hand (request_approval as the planner), with whatever scope. */
async function fileScope(scope: BacklogPlan['scope']): Promise<string> {
  const { rows } = await logins
    .pool('planner')
    .query<{ id: string }>(
      "select birth_lane.request_approval('backlog_pass', $1::jsonb, 'high', 'filed by hand', '1 day')::text as id",
      [JSON.stringify(scope)],
    );
  return rows[0]!.id;
}

function constraintRule(error: Error & { rule?: string }): string | undefined {
  return error.rule;
}

async function plan(): Promise<BacklogPlan> {
  const { first, last } = await idRange(t.db);
  return planBacklogPass(logins.pool('planner'), { idFrom: first, idTo: last }, { chunkIds: 1000 });
}

describe('a pass refuses to start, writing nothing', () => {
  let before: Awaited<ReturnType<typeof footprint>>;
  beforeEach(async () => {
    before = await footprint();
  });

  it('without an approval request', async () => {
    const error = await refusal(startPass(logins.pool('worker'), '999999'));
    expect(ApprovalError.isInstance(error) && error.code).toBe('APPROVAL_REQUIRED');
    expect(error.message).toMatch(/no approval request with id 999999/);
    expect(await footprint()).toEqual(before);
  });

  it('on an insufficient quorum (president only, no ai_council)', async () => {
    const planned = await plan();
    await logins.vote(planned.approvalId, 'president');
    const error = await refusal(startPass(logins.pool('worker'), planned.approvalId));
    expect(ApprovalError.isInstance(error) && error.code).toBe('QUORUM_NOT_MET');
    expect(error.message).toMatch(/2 ai_council approval/);
    expect(await footprint()).toEqual({ ...before, passes: before.passes });
  });

  it('on a self-approval: the proposer cannot vote, so quorum is never met by it', async () => {
    const planned = await plan();
    const vote = await refusal(logins.vote(planned.approvalId, 'planner'));
    expect((vote as { code?: string }).code).toBe('BL003');
    // A planner who also holds president and ai_council still cannot count: the proposer never votes.
    await t.db.pool.query(
      `grant birth_lane_president, birth_lane_ai_council to ${logins.people.planner.login}`,
    );
    try {
      expect((await refusal(logins.vote(planned.approvalId, 'planner'))).message).toMatch(
        /proposer never votes/,
      );
    } finally {
      await t.db.pool.query(
        `revoke birth_lane_president, birth_lane_ai_council from ${logins.people.planner.login}`,
      );
    }
    await logins.vote(planned.approvalId, 'council1');
    await logins.vote(planned.approvalId, 'council2');
    const error = await refusal(startPass(logins.pool('worker'), planned.approvalId));
    expect(ApprovalError.isInstance(error) && error.code).toBe('QUORUM_NOT_MET');
    expect(await footprint()).toEqual(before);
  });

  it('on a used approval: one approval, one pass', async () => {
    const planned = await plan();
    await logins.approve(planned.approvalId);
    const runId = await startPass(logins.pool('worker'), planned.approvalId);
    const afterFirst = await footprint();
    const error = await refusal(startPass(logins.pool('worker'), planned.approvalId));
    expect(ApprovalError.isInstance(error) && error.rule).toBe('approval_single_use');
    expect(await footprint()).toEqual(afterFirst);
    // leave nothing running for the next tests
    await t.db.pool.query("update birth_lane.backlog_passes set state = 'stopped' where run_id = $1::uuid", [
      runId,
    ]);
  });

  it('while another live pass covers some of the same ids, leaving the approval unused', async () => {
    const first = await plan();
    await logins.approve(first.approvalId);
    const runId = await startPass(logins.pool('worker'), first.approvalId);
    const second = await plan();
    await logins.approve(second.approvalId);
    const afterFirst = await footprint();
    const error = await refusal(startPass(logins.pool('worker'), second.approvalId));
    expect((error as BirthLaneError).code).toBe('STOP_CONDITION');
    expect(error.message).toMatch(/overlap backlog pass .*the approval was not used/);
    const used = await t.db.pool.query(
      'select count(*)::int as n from birth_lane.approval_uses where request_id = $1::bigint',
      [second.approvalId],
    );
    expect(used.rows[0].n).toBe(0);
    expect(await footprint()).toEqual(afterFirst);
    await t.db.pool.query("update birth_lane.backlog_passes set state = 'stopped' where run_id = $1::uuid", [
      runId,
    ]);
  });

  it('on an approval for another action', async () => {
    const { rows } = await logins
      .pool('planner')
      .query<{ id: string }>(
        "select birth_lane.request_approval('gate_flip', '{\"to\":\"block\"}'::jsonb, 'high', 'x')::text as id",
      );
    await logins.approve(rows[0]!.id);
    const error = await refusal(startPass(logins.pool('worker'), rows[0]!.id));
    expect(ApprovalError.isInstance(error) && error.rule).toBe('approval_action_matches');
    expect(await footprint()).toEqual(before);
  });

  it('on a scope that is not a bounded plan (an approved blanket request)', async () => {
    const { rows } = await logins
      .pool('planner')
      .query<{ id: string }>(
        "select birth_lane.request_approval('backlog_pass', '{\"all\":\"uncertified\"}'::jsonb, 'high', 'everything')::text as id",
      );
    await logins.approve(rows[0]!.id);
    const error = await refusal(startPass(logins.pool('worker'), rows[0]!.id));
    expect(ApprovalError.isInstance(error) && error.rule).toBe('backlog_scope');
    expect(error.message).toMatch(/never unbounded/);
    expect(await footprint()).toEqual(before);
  });

  it('on a scope planned under another rule set', async () => {
    const { first, last } = await idRange(t.db);
    const planned = await plan();
    const forged = { ...planned.scope, ruleSetHash: 'f'.repeat(64) };
    const { rows } = await logins
      .pool('planner')
      .query<{ id: string }>(
        "select birth_lane.request_approval('backlog_pass', $1::jsonb, 'high', 'x')::text as id",
        [JSON.stringify(forged)],
      );
    await logins.approve(rows[0]!.id);
    const error = await refusal(startPass(logins.pool('worker'), rows[0]!.id));
    expect(ApprovalError.isInstance(error) && error.rule).toBe('backlog_scope_rule_set');
    expect(error.message).toMatch(/plan again/);
    expect(first <= last).toBe(true);
    expect(await footprint()).toEqual(before);
  });

  it('on an unbounded request: the plan itself refuses, naming the missing bound, and files nothing', async () => {
    const requests = () => t.db.pool.query('select count(*)::int as n from birth_lane.approval_requests');
    const filed = (await requests()).rows[0].n;
    const error = await refusal(planBacklogPass(logins.pool('planner'), { idFrom: '1' } as never));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues[0]).toMatchObject({ field: 'idTo', rule: 'required' });
    expect((await requests()).rows[0].n).toBe(filed);
    expect(await footprint()).toEqual(before);
  });
});

describe('a pass stops, writing nothing further', () => {
  it('when the in-scope rows changed since the plan beyond new births', async () => {
    const planned = await plan();
    await logins.approve(planned.approvalId);
    // A row in scope disappears from the backlog (certified by hand, as the fused shortcut did).
    await t.db.pool
      .query(
        `update public.birth_registry set certified = true, certified_at = now()
        where id = (select min(id) from public.birth_registry where not certified and governance_role = 'governed')`,
      )
      .catch(async () => {
        // The certified-pair guard refuses a client certifying: plant the change with triggers off.
        const client = await t.db.connect();
        await client.query('begin');
        await client.query("set local session_replication_role = 'replica'");
        await client.query(`update public.birth_registry set certified = true, certified_at = now()
        where id = (select min(id) from public.birth_registry where not certified and governance_role = 'governed')`);
        await client.query('commit');
        await client.end();
      });
    const before = await footprint();
    const worker = logins.pool('worker');
    const runId = await startPass(worker, planned.approvalId, { sliceIds: 200 });
    const result = await verifyScope(worker, runId, { chunkIds: 1000 });
    expect(result.state).toBe('stopped');
    expect(result.detail).toMatch(/not the approved ones/);
    expect((await runWorker(worker, runId)).state).toBe('stopped');
    expect({ ...(await footprint()), passes: before.passes }).toEqual(before);
  });

  it('plans no range past the highest id, and a scope reaching past it is refused at start (approval unused)', async () => {
    const { first, last } = await idRange(t.db);
    const planError = await refusal(
      planBacklogPass(logins.pool('planner'), { idFrom: first, idTo: '900000000' }, { chunkIds: 1000 }),
    );
    expect(ValidationError.isInstance(planError) && planError.issues.map((issue) => issue.field)).toEqual([
      'idTo',
    ]);
    // The same scope filed by hand: the server refuses it at start, whatever the client wrote.
    const honest = await plan();
    const beyond = await fileScope({ ...honest.scope, idTo: '900000000' });
    await logins.approve(beyond);
    const before = await footprint();
    const error = await refusal(startPass(logins.pool('worker'), beyond));
    expect(ApprovalError.isInstance(error) && error.rule).toBe('backlog_scope_beyond_registry');
    expect(await footprint()).toEqual(before);
    const used = await t.db.pool.query(
      'select 1 from birth_lane.approval_uses where request_id = $1::bigint',
      [beyond],
    );
    expect(used.rowCount).toBe(0);
    // A highest id written below the range's end (so its top would pass as "new births") is refused too.
    const lowHighest = await fileScope({ ...honest.scope, highestId: String(BigInt(last) - 100n) });
    await logins.approve(lowHighest);
    expect(constraintRule(await refusal(startPass(logins.pool('worker'), lowHighest)))).toBe(
      'backlog_scope_beyond_registry',
    );
  });

  it('on a revoked approval, before any work and without using it', async () => {
    const planned = await plan();
    await logins.approve(planned.approvalId);
    await revokeBacklogApproval(logins.pool('council1'), planned.approvalId, 'wrong range');
    const before = await footprint();
    const error = await refusal(startPass(logins.pool('worker'), planned.approvalId));
    expect(ApprovalError.isInstance(error) && error.rule).toBe('approval_revoked');
    expect(await footprint()).toEqual(before);
    const used = await t.db.pool.query(
      'select 1 from birth_lane.approval_uses where request_id = $1::bigint',
      [planned.approvalId],
    );
    expect(used.rowCount).toBe(0);
  });

  it('stops, unstamped, a forged scope whose counts no plan produced (the server re-counts the whole range)', async () => {
    const honest = await plan();
    const forged = await fileScope({ ...honest.scope, idsChecksum: '0:0', inScopeRows: '0' });
    await logins.approve(forged);
    const before = await footprint();
    const worker = logins.pool('worker');
    const runId = await startPass(worker, forged, { sliceIds: 200 });
    const result = await verifyScope(worker, runId, { chunkIds: 1000 });
    expect(result.state).toBe('stopped');
    expect(result.detail).toMatch(/not the approved ones/);
    expect((await runWorker(worker, runId)).state).toBe('stopped');
    expect({ ...(await footprint()), passes: before.passes }).toEqual(before);
  });

  it('when its approval expires mid-run', async () => {
    const { first, last } = await idRange(t.db);
    const planned = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    // request_approval allows 1 minute at the least; a fixture with the same scope and a 3 s life,
    // written as the owner, stands in for an approval that runs out during the pass.
    const { rows } = await t.db.pool.query<{ id: string }>(
      `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason, expires_at)
       values ('backlog_pass', $1::jsonb, 'high', $2::text, 'short-lived', now() + interval '3 seconds')
       returning id::text`,
      [JSON.stringify(planned.scope), logins.people.planner.login],
    );
    const shortLived = rows[0]!.id;
    await logins.approve(shortLived);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, shortLived, { sliceIds: 200 });
    await verifyScope(worker, runId, { chunkIds: 1000 });
    let batches = 0;
    const outcome = await runWorker(worker, runId, {
      batchSize: 100,
      minBatchSize: 100,
      maxBatchSize: 100,
      onBatch: async () => {
        batches += 1;
        if (batches === 1) await new Promise((resolve) => setTimeout(resolve, 3500));
      },
    });
    expect(outcome.state).toBe('stopped');
    expect(outcome.detail).toMatch(/expired at .*; the pass stopped before its next batch/);
    expect(outcome.batches).toBe(1);
  });

  it('when its approval is revoked mid-run: the batch in flight commits, no later one runs', async () => {
    const { first, last } = await idRange(t.db);
    const planned = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    await logins.approve(planned.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, planned.approvalId, { sliceIds: 200 });
    await verifyScope(worker, runId, { chunkIds: 1000 });
    // The worker's own login cannot revoke (no approver role); an approver can.
    const forbidden = await refusal(revokeBacklogApproval(logins.pool('worker'), planned.approvalId, 'no'));
    expect(BirthLaneError.isInstance(forbidden)).toBe(true);
    let batches = 0;
    let afterRevoke: Awaited<ReturnType<typeof footprint>> | null = null;
    const outcome = await runWorker(worker, runId, {
      batchSize: 100,
      minBatchSize: 100,
      maxBatchSize: 100,
      onBatch: async () => {
        batches += 1;
        if (batches === 2) {
          await revokeBacklogApproval(logins.pool('council1'), planned.approvalId, 'wrong range');
          afterRevoke = await footprint();
        }
      },
    });
    expect(outcome.state).toBe('stopped');
    expect(outcome.detail).toMatch(/revoked by .* \(wrong range\)/);
    expect(outcome.batches).toBe(2);
    expect(await footprint()).toEqual(afterRevoke);
    const [status] = await readPassStatus(t.db.pool, { runId });
    expect(status).toMatchObject({ state: 'stopped', batches: 2 });
    const stoppedReport = await t.db.pool.query(
      "select payload->'report'->>'outcome' as outcome from birth_lane.evidence where kind = 'run_report' and run_id = $1::uuid",
      [runId],
    );
    expect(stoppedReport.rows[0].outcome).toBe('stopped');
    // A second worker finds the pass stopped and judges nothing.
    expect((await runWorker(worker, runId)).batches).toBe(0);
  });
});
