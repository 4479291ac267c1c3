import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pausePass,
  planBacklogPass,
  readPassStatus,
  resumePass,
  runWorker,
  startPass,
  verifyScope,
} from '../src/index.js';
import { spawnWorker } from './spawn-worker.js';
import { activateDefaultRuleSet, idRange, laneLogins, refusal, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
  await seedRows(t.db, 900);
});
afterAll(async () => {
  await logins.drop();
});

describe('pause and resume', () => {
  it('a paused pass holds no open transaction and no lock (pg_stat_activity, pg_locks), and resumes to the end', async () => {
    const { first, last } = await idRange(t.db);
    const plan = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    await logins.approve(plan.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 300 });
    await verifyScope(worker, runId, { chunkIds: 1000 });

    // A worker in its own process, paused by another backlog login after a few batches.
    const child = spawnWorker(logins.url('worker'), runId, 40);
    while (child.batches() < 3 && child.child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    await pausePass(logins.pool('otherWorker'), runId);
    const end = await child.exited;
    expect(end.code, end.stderr).toBe(0);
    expect(JSON.parse(end.stdout.trim()).state).toBe('paused');

    const sessions = await t.db.pool.query<{ state: string | null; xact: boolean }>(
      `select state, xact_start is not null as xact from pg_stat_activity
        where usename = any($1::text[]) and datname = current_database()`,
      [[logins.people.worker.login, logins.people.otherWorker.login]],
    );
    // The pools may keep idle connections; none is inside a transaction. The worker gave its lease back as it left.
    expect(sessions.rows.filter((row) => row.xact || row.state !== 'idle')).toEqual([]);
    const locks = await t.db.pool.query<{ n: number }>(
      `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where a.usename = any($1::text[])`,
      [[logins.people.worker.login, logins.people.otherWorker.login]],
    );
    expect(locks.rows[0]!.n).toBe(0);
    const leases = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from birth_lane.worker_cursor where run_id = $1::uuid and lease_token is not null',
      [runId],
    );
    expect(leases.rows[0]!.n).toBe(0);

    // Paused: a worker judges nothing; pausing twice is refused with the state named.
    const [paused] = await readPassStatus(t.db.pool, { runId });
    expect((await runWorker(worker, runId)).batches).toBe(0);
    expect((await readPassStatus(t.db.pool, { runId }))[0]).toEqual(paused);
    expect((await refusal(pausePass(worker, runId))).message).toMatch(/is paused, not running/);

    expect(await resumePass(worker, runId)).toBe('running');
    expect((await runWorker(worker, runId, { batchSize: 100 })).state).toBe('done');
    const [done] = await readPassStatus(t.db.pool, { runId });
    expect(done).toMatchObject({ state: 'done', taken: 900 });
  });
});
