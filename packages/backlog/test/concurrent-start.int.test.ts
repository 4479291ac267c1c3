import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBacklogPass, readPassStatus, runWorker, startPass, verifyScope } from '../src/index.js';
import { activateDefaultRuleSet, idRange, laneLogins, refusal, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
  await seedRows(t.db, 400, 'CS');
});
afterAll(async () => {
  await logins.drop();
});

describe('two overlapping starts in concurrent transactions', () => {
  it('start one pass; the other is refused and its approval stays unused', async () => {
    const { first, last } = await idRange(t.db);
    const planA = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    const planB = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    await logins.approve(planA.approvalId);
    await logins.approve(planB.approvalId);

    const a = await logins.pool('worker').connect();
    const b = await logins.pool('otherWorker').connect();
    try {
      await a.query('begin');
      await a.query('select birth_lane.backlog_start($1::bigint, 1000)', [planA.approvalId]);
      // B starts while A's transaction is still open: B's overlap check cannot see A's pass yet.
      await b.query('begin');
      const startB = b.query('select birth_lane.backlog_start($1::bigint, 1000)', [planB.approvalId]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await a.query('commit');
      const error = await refusal(startB);
      expect((error as { constraint?: string }).constraint).toBe('backlog_pass_overlaps');
      await b.query('rollback');
    } finally {
      a.release();
      b.release();
    }
    const live = await t.db.pool.query<{ approval_id: string }>(
      "select approval_id::text from birth_lane.backlog_passes where state in ('verifying', 'running', 'paused')",
    );
    expect(live.rows.map((row) => row.approval_id)).toEqual([planA.approvalId]);
    const used = await t.db.pool.query(
      'select 1 from birth_lane.approval_uses where request_id = $1::bigint',
      [planB.approvalId],
    );
    expect(used.rowCount).toBe(0);
  });

  it('status shows every live pass, however many newer ones finished', async () => {
    const live = await t.db.pool.query<{ run_id: string }>(
      "select run_id::text from birth_lane.backlog_passes where state in ('verifying', 'running', 'paused')",
    );
    expect(live.rows).toHaveLength(1);
    const { last } = await idRange(t.db);
    await seedRows(t.db, 50, 'CN');
    const newer = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: String(BigInt(last) + 1n), idTo: (await idRange(t.db)).last },
      { chunkIds: 1000 },
    );
    await logins.approve(newer.approvalId);
    const other = logins.pool('otherWorker');
    const runId = await startPass(other, newer.approvalId, { sliceIds: 1000 });
    await verifyScope(other, runId, { chunkIds: 1000 });
    expect((await runWorker(other, runId)).state).toBe('done');
    const shown = await readPassStatus(t.db.pool, { limit: 1 });
    expect(shown.map((pass) => ('runId' in pass ? pass.runId : null)).sort()).toEqual(
      [live.rows[0]!.run_id, runId].sort(),
    );
  });
});
