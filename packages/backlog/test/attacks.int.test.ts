import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBacklogPass, startPass, verifyScope } from '../src/index.js';
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
let runId = '';

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
  await seedRows(t.db, 300);
  const { first, last } = await idRange(t.db);
  const plan = await planBacklogPass(
    logins.pool('planner'),
    { idFrom: first, idTo: last },
    { chunkIds: 1000 },
  );
  await logins.approve(plan.approvalId);
  runId = await startPass(logins.pool('worker'), plan.approvalId, { sliceIds: 100 });
  await verifyScope(logins.pool('worker'), runId, { chunkIds: 1000 });
});
afterAll(async () => {
  await logins.drop();
});

const TABLES = [
  'birth_lane.backlog_passes',
  'birth_lane.worker_cursor',
  'birth_lane.backlog_batches',
  'birth_lane.backlog_revocations',
  'birth_lane.backlog_rollback_kept',
  'birth_lane.stamp_clear_in_progress',
];

describe('attacks by a worker login (LOGIN role holding birth_lane_backlog)', () => {
  it('cannot write the pass, cursor, batch record, revocations or the clear marker directly', async () => {
    const worker = logins.pool('worker');
    for (const table of TABLES) {
      for (const statement of [`delete from ${table}`, `truncate ${table}`]) {
        expect((await refusal(worker.query(statement))).code, statement).toBe('42501');
      }
    }
    const forged = [
      // a watermark moved ahead, skipping rows
      "update birth_lane.worker_cursor set watermark = '999999999'",
      "update birth_lane.backlog_passes set state = 'done'",
      `insert into birth_lane.stamp_clear_in_progress values (pg_current_xact_id(), '${runId}')`,
      `insert into birth_lane.backlog_batches values ('${runId}', 0, 999999, now())`,
    ];
    for (const statement of forged)
      expect((await refusal(worker.query(statement))).code, statement).toBe('42501');
  });

  it('cannot call the internal functions (close, note, own-pass check) meant only for the definer', async () => {
    const worker = logins.pool('worker');
    for (const call of [
      `select birth_lane.backlog_close('${runId}', 'done', null)`,
      `select birth_lane.backlog_note('${runId}', 'backlog.done', 'x', '{}')`,
      'select birth_lane.consume_approval(1, $$backlog_pass$$, $${"a":"b"}$$::jsonb)',
      `select birth_lane.finish_run('${runId}', 'completed', null)`,
    ]) {
      expect((await refusal(worker.query(call))).code, call).toBe('42501');
    }
  });

  it('a login without the backlog role (or PUBLIC) cannot start, run, pause or roll back a pass', async () => {
    const outsider = logins.pool('outsider');
    for (const call of [
      'select birth_lane.backlog_start(1, 50000)',
      `select birth_lane.backlog_claim('${runId}')`,
      `select birth_lane.backlog_batch('${runId}', 'slice-00001', gen_random_uuid(), 10)`,
      `select birth_lane.backlog_pause('${runId}')`,
      `select birth_lane.backlog_rollback_step('${runId}')`,
    ]) {
      expect((await refusal(outsider.query(call))).code, call).toBe('42501');
    }
  });

  it('a batch with a forged lease token judges nothing', async () => {
    const before = await stampedSet(t.db);
    const { rows } = await logins
      .pool('worker')
      .query('select birth_lane.backlog_batch($1::uuid, $2::text, $3::uuid, 100) as result', [
        runId,
        'slice-00001',
        randomUUID(),
      ]);
    expect(rows[0].result).toEqual({ status: 'lease_lost' });
    expect(await stampedSet(t.db)).toEqual(before);
  });

  it('a stamp-in-INSERT is refused: no INSERT privilege for the worker, the stud guard for anyone else', async () => {
    const insert =
      "insert into public.birth_registry (entity_code, collection_name, inspect_pen, inspect_stamp, inspect_gate, certified) values ('FUSED-001', 'fauna', now(), now(), now(), true)";
    expect((await refusal(logins.pool('worker').query(insert))).code).toBe('42501');
    const owner = await refusal(t.db.pool.query(insert));
    expect(owner.code).toBe('BL001');
  });

  it('a stamp is not cleared outside the sanctioned rollback, even by the owner', async () => {
    await t.db.pool.query(
      'update public.birth_registry set inspect_pen = now() where id = (select min(id) from public.birth_registry where inspect_pen is null and inspect_gate is null)',
    );
    const error = await refusal(
      t.db.pool.query(
        'update public.birth_registry set inspect_pen = null where id = (select min(id) from public.birth_registry where inspect_pen is not null and inspect_stamp is null)',
      ),
    );
    expect((error as { constraint?: string }).constraint).toBe('inspect_stud.stamp_cleared');
    // calling the marker check itself grants nothing: it only reads
    const { rows } = await logins.pool('worker').query('select birth_lane.stamp_clear_sanctioned() as ok');
    expect(rows[0].ok).toBe(false);
  });

  it('revocations are append-only, even for the owner', async () => {
    const { rows } = await t.db.pool.query<{ id: string }>(
      'select approval_id::text as id from birth_lane.backlog_passes where run_id = $1::uuid',
      [runId],
    );
    await logins
      .pool('president')
      .query("select birth_lane.backlog_revoke($1::bigint, 'stop it')", [rows[0]!.id]);
    expect((await refusal(t.db.pool.query('delete from birth_lane.backlog_revocations'))).code).toBe('BL002');
    expect((await refusal(t.db.pool.query('truncate birth_lane.backlog_revocations'))).code).toBe('BL002');
  });
});
