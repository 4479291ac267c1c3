import { ApprovalError } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  planBacklogPass,
  rollbackPass,
  rollbackScope,
  runWorker,
  startPass,
  verifyScope,
} from '../src/index.js';
import { activateDefaultRuleSet, laneLogins, refusal, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
});
afterAll(async () => {
  await logins.drop();
});

interface Stamps {
  id: string;
  pen: string | null;
  stamp: string | null;
  gate: string | null;
  certified: boolean;
}
async function stamps(): Promise<Map<string, Stamps>> {
  const { rows } = await t.db.pool.query<Stamps>(
    `select id::text, inspect_pen::text as pen, inspect_stamp::text as stamp, inspect_gate::text as gate, certified
       from public.birth_registry r order by r.id`,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

async function requestRollback(runId: string): Promise<string> {
  const { rows } = await logins
    .pool('planner')
    .query<{ id: string }>(
      "select birth_lane.request_approval('backlog_rollback', $1::jsonb, 'high', 'undo the pass')::text as id",
      [JSON.stringify(rollbackScope(runId))],
    );
  return rows[0]!.id;
}

describe('rollback by run', () => {
  it('restores the pre-run stamps of uncertified rows and reports the certified ones, with its own approval', async () => {
    await seedRows(t.db, 800, 'RB');
    // Rows a producer had already given PEN before the pass (a valid partial state).
    await t.db.pool.query(`
      begin;
      set local session_replication_role = 'replica';
      update public.birth_registry set inspect_pen = '2025-03-01T00:00:00Z'
       where id % 23 = 0 and inspect_gate is null and governance_role = 'governed';
      commit;`);
    const before = await stamps();
    const ids = [...before.keys()];
    const plan = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: ids[0]!, idTo: ids.at(-1)! },
      { chunkIds: 1000 },
    );
    await logins.approve(plan.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 200 });
    await verifyScope(worker, runId, { chunkIds: 1000 });

    // While it runs, a rollback is refused (pause or let it finish first).
    const early = await requestRollback(runId);
    await logins.approve(early);
    expect((await refusal(rollbackPass(worker, runId, early))).message).toMatch(
      /roll back a pass that is done/,
    );

    expect((await runWorker(worker, runId, { batchSize: 90 })).state).toBe('done');
    const afterPass = await stamps();
    // A later stamp someone else sets on a row where the pass set only PEN: the rollback must not
    // clear the PEN under it (it would leave STAMP without PEN).
    const builtUpon = [...afterPass.values()].find(
      (row) => !before.get(row.id)!.pen && row.pen && !row.stamp && !row.certified,
    )!;
    await t.db.pool.query(
      'update public.birth_registry set inspect_stamp = clock_timestamp() where id = $1::bigint',
      [builtUpon.id],
    );

    // No approval, and an approval for another run, are refused; nothing is cleared.
    expect(ApprovalError.isInstance(await refusal(rollbackPass(worker, runId, '987654')))).toBe(true);
    const other = await requestRollback('00000000-0000-4000-8000-000000000000');
    await logins.approve(other);
    const mismatch = await refusal(rollbackPass(worker, runId, other));
    expect(ApprovalError.isInstance(mismatch) && mismatch.rule).toBe('approval_scope_matches');
    const unapproved = await requestRollback(runId);
    await logins.vote(unapproved, 'president');
    expect((await refusal(rollbackPass(worker, runId, unapproved))).message).toMatch(/quorum/);
    expect((await stamps()).get(builtUpon.id)!.stamp).not.toBeNull();

    const approval = await requestRollback(runId);
    await logins.approve(approval);
    const report = await rollbackPass(worker, runId, approval);

    const after = await stamps();
    const certifiedByPass = [...afterPass.values()].filter(
      (row) => row.certified && !before.get(row.id)!.certified,
    );
    expect(certifiedByPass.length).toBeGreaterThan(300);
    expect(report.certifiedKept).toBe(certifiedByPass.length);
    expect(report.certifiedRowIds).toEqual(certifiedByPass.map((row) => row.id));
    expect(report.builtUponRowIds).toEqual([builtUpon.id]);
    expect(report.message).toMatch(/promotion-level decision/);
    for (const [id, row] of after) {
      if (row.certified) expect(row, `certified row ${id} untouched`).toEqual(afterPass.get(id));
      else if (id === builtUpon.id) expect(row.pen).toBe(afterPass.get(id)!.pen);
      else expect(row, `row ${id} back to its pre-run stamps`).toEqual(before.get(id));
    }
    const cleared = [...afterPass.values()].filter((row) => !row.certified && row.id !== builtUpon.id);
    expect(report.cleared.pen).toBe(cleared.filter((row) => row.pen && !before.get(row.id)!.pen).length);
    expect(report.cleared.pen).toBeGreaterThan(0);
    expect(report.cleared.stamp).toBeGreaterThan(0);

    const evidence = await t.db.pool.query(
      "select payload from birth_lane.evidence where kind = 'note' and check_id = 'backlog.rolled_back' and run_id = $1::uuid",
      [runId],
    );
    expect(evidence.rows[0].payload.payload).toMatchObject({ certifiedKept: certifiedByPass.length });
    // One rollback per pass.
    expect((await refusal(rollbackPass(worker, runId, approval))).message).toMatch(/rolled_back/);
  });
});

describe('rollback of a pass whose batches stamped nothing', () => {
  it('clears what the other batches stamped and finishes (a batch with no stamp time clears nothing)', async () => {
    const { rows: lastRows } = await t.db.pool.query<{ last: string }>(
      'select coalesce(max(id), 0)::text as last from public.birth_registry',
    );
    // 300 rows that all fail PEN (malformed entity code): batches of 100 over them stamp no row.
    await t.db.pool.query(`
      begin;
      set local session_replication_role = 'replica';
      insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role,
                                         born_at, name, description, status)
      select 'nopen' || n, 'fauna', 'SP-MAMMAL', 'dot://nopen/' || n, 'governed', '2025-01-01T00:00:00Z',
             'row ' || n, 'fails PEN', 'active'
        from generate_series(1, 300) n;
      commit;`);
    await seedRows(t.db, 300, 'NP');
    const idFrom = String(BigInt(lastRows[0]!.last) + 1n);
    const before = await stamps();
    const idTo = [...before.keys()].at(-1)!;
    const plan = await planBacklogPass(logins.pool('planner'), { idFrom, idTo }, { chunkIds: 1000 });
    await logins.approve(plan.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 1000 });
    await verifyScope(worker, runId, { chunkIds: 1000 });
    expect((await runWorker(worker, runId, { batchSize: 100 })).state).toBe('done');
    const unstamped = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from birth_lane.backlog_batches where run_id = $1::uuid and stamped_at is null',
      [runId],
    );
    expect(unstamped.rows[0]!.n).toBeGreaterThanOrEqual(2);

    const approval = await requestRollback(runId);
    await logins.approve(approval);
    const report = await rollbackPass(worker, runId, approval);
    expect(report.cleared.pen).toBeGreaterThan(0);
    const after = await stamps();
    for (const [id, row] of after) {
      if (BigInt(id) < BigInt(idFrom) || row.certified) continue;
      expect(row, `row ${id} back to its pre-run stamps`).toEqual(before.get(id));
    }
    const state = await t.db.pool.query<{ state: string }>(
      'select state from birth_lane.backlog_passes where run_id = $1::uuid',
      [runId],
    );
    expect(state.rows[0]!.state).toBe('rolled_back');
  });
});
