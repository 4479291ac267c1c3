import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBacklogPass, runWorker, startPass, verifyScope } from '../src/index.js';
import { activateDefaultRuleSet, idRange, laneLogins, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
});
afterAll(async () => {
  await logins.drop();
});

describe('a row held locked by another session during the pass', () => {
  it('is waited for and judged, not skipped, before the pass says done', async () => {
    await seedRows(t.db, 600, 'LK');
    const { first, last } = await idRange(t.db);
    // A row the pass would stamp PEN on: governed, well-formed, no stamps.
    const { rows } = await t.db.pool.query<{ id: string }>(
      `select id::text from public.birth_registry
        where governance_role = 'governed' and entity_code ~ '^[A-Z]' and name is not null
          and inspect_pen is null and inspect_gate is null
        order by id offset 250 limit 1`,
    );
    const heldId = rows[0]!.id;
    const plan = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    await logins.approve(plan.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 10_000 });
    await verifyScope(worker, runId, { chunkIds: 1000 });

    // Another session holds the row (a metadata edit) longer than the worker's 2 s lock_timeout.
    const holder = await t.db.connect();
    await holder.query('begin');
    await holder.query(
      "update public.birth_registry set description = description || '' where id = $1::bigint",
      [heldId],
    );
    const running = runWorker(worker, runId, { batchSize: 100, idleMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await holder.query('commit');
    await holder.end();
    const outcome = await running;
    expect(outcome.state).toBe('done');

    const held = await t.db.pool.query<{ pen: string | null }>(
      'select inspect_pen::text as pen from public.birth_registry where id = $1::bigint',
      [heldId],
    );
    expect(held.rows[0]!.pen, `row ${heldId} judged after its lock was released`).not.toBeNull();
    // No in-scope row of the range was left unjudged: each has a stamp or failure evidence.
    const unjudged = await t.db.pool.query<{ n: number }>(
      `select count(*)::int as n from public.birth_registry r
        where r.id between $1::bigint and $2::bigint and r.governance_role = 'governed' and not r.certified
          and r.inspect_pen is null
          and not exists (select 1 from birth_lane.evidence e where e.row_id = r.id and e.run_id = $3::uuid)`,
      [first, last, runId],
    );
    expect(unjudged.rows[0]!.n).toBe(0);
  });
});
