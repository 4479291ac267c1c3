import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pausePass,
  planBacklogPass,
  rollbackPass,
  rollbackScope,
  startPass,
  verifyScope,
} from '../src/index.js';
import { activateDefaultRuleSet, idRange, laneLogins, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
  await seedRows(t.db, 600, 'IF');
});
afterAll(async () => {
  await logins.drop();
});

describe('a rollback by a second login while a batch is in flight', () => {
  it('closes the run, and the late batch judges nothing', async () => {
    const { first, last } = await idRange(t.db);
    const plan = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    await logins.approve(plan.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 1000 });
    await verifyScope(worker, runId, { chunkIds: 1000 });
    const claim = (
      await worker.query<{ worker_name: string; lease_token: string }>(
        'select worker_name, lease_token::text from birth_lane.backlog_claim($1::uuid)',
        [runId],
      )
    ).rows[0]!;

    // A slow batch on the slice stands in: the owner holds the slice's cursor row.
    const holder = await t.db.connect();
    await holder.query('begin');
    await holder.query(
      'select 1 from birth_lane.worker_cursor where worker_name = $1 and run_id = $2::uuid for update',
      [claim.worker_name, runId],
    );
    const late = worker.query<{ result: { status: string; taken?: number } }>(
      'select birth_lane.backlog_batch($1::uuid, $2::text, $3::uuid, 500) as result',
      [runId, claim.worker_name, claim.lease_token],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Another backlog login pauses and rolls the pass back on its own approval.
    const other = logins.pool('otherWorker');
    await pausePass(other, runId);
    const { rows } = await logins
      .pool('planner')
      .query<{ id: string }>(
        "select birth_lane.request_approval('backlog_rollback', $1::jsonb, 'high', 'undo the pass')::text as id",
        [JSON.stringify(rollbackScope(runId))],
      );
    await logins.approve(rows[0]!.id);
    await rollbackPass(other, runId, rows[0]!.id);

    await holder.query('commit');
    await holder.end();
    const result = (await late).rows[0]!.result;
    expect(result.status).toBe('rolled_back');
    const after = await t.db.pool.query<{ ended: boolean; batches: number; state: string }>(
      `select r.ended_at is not null as ended, p.state,
              (select count(*)::int from birth_lane.backlog_batches b where b.run_id = p.run_id) as batches
         from birth_lane.backlog_passes p join birth_lane.producer_runs r using (run_id)
        where p.run_id = $1::uuid`,
      [runId],
    );
    expect(after.rows[0]).toEqual({ ended: true, batches: 0, state: 'rolled_back' });
    const stamped = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from public.birth_registry where inspect_pen is not null and id between $1::bigint and $2::bigint',
      [first, last],
    );
    const planted = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from public.birth_registry where inspect_gate is not null and id between $1::bigint and $2::bigint',
      [first, last],
    );
    // Only the seed's planted ambiguous rows (GATE without PEN) carry stamps: nothing was judged.
    expect(stamped.rows[0]!.n).toBe(0);
    expect(planted.rows[0]!.n).toBeGreaterThan(0);
  });
});
