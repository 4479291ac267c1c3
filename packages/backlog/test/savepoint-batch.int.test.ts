import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBacklogPass, startPass, verifyScope } from '../src/index.js';
import { activateDefaultRuleSet, idRange, laneLogins, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
  await seedRows(t.db, 400, 'SV');
});
afterAll(async () => {
  await logins.drop();
});

describe('a batch wrapped in a SAVEPOINT by the pass login', () => {
  it('still records the stamp time its stamps carry, so a rollback can find them', async () => {
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
    const client = await worker.connect();
    try {
      const claim = (
        await client.query<{ worker_name: string; lease_token: string }>(
          'select worker_name, lease_token::text from birth_lane.backlog_claim($1::uuid)',
          [runId],
        )
      ).rows[0]!;
      await client.query('begin');
      await client.query('savepoint a');
      await client.query('select birth_lane.backlog_batch($1::uuid, $2::text, $3::uuid, 200)', [
        runId,
        claim.worker_name,
        claim.lease_token,
      ]);
      await client.query('release savepoint a');
      await client.query('commit');
    } finally {
      client.release();
    }
    const { rows } = await t.db.pool.query<{
      stamped_at: string | null;
      after_id: string;
      through_id: string;
    }>(
      'select stamped_at::text, after_id::text, through_id::text from birth_lane.backlog_batches where run_id = $1::uuid',
      [runId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.stamped_at).not.toBeNull();
    // Every PEN the batch set carries the recorded time.
    const pens = await t.db.pool.query<{ n: number; matching: number }>(
      `select count(*)::int as n, count(*) filter (where inspect_pen = $3::timestamptz)::int as matching
         from public.birth_registry where id > $1::bigint and id <= $2::bigint and inspect_pen is not null`,
      [rows[0]!.after_id, rows[0]!.through_id, rows[0]!.stamped_at],
    );
    expect(pens.rows[0]!.n).toBeGreaterThan(0);
    expect(pens.rows[0]!.matching).toBe(pens.rows[0]!.n);
  });
});
