import { randomBytes } from 'node:crypto';
import { planBacklogPass, readPassStatus, startPass, verifyScope } from '@birth-lane/backlog';
import {
  APPROVER_DATABASE_ROLES,
  LANE_ROLES,
  LANE_SESSION_OPTIONS,
  quoteIdentifier,
  quoteLiteral,
  silentLogger,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKLOG_QUEUE,
  enqueueBacklogWorkers,
  standBacklogQueueWorker,
} from '../src/backlog/backlog-queue.js';
import { activeLaneTemplate } from './active-lane-template.js';

// The backlog pass fanned out over pg-boss: jobs on the backlog queue, each running one worker.
const t = useTestDatabase({ template: activeLaneTemplate, name: 'app-backlog-queue' });
const suffix = randomBytes(4).toString('hex');
const PASSWORD = randomBytes(18).toString('hex');
const logins = {
  planner: { login: `bl_bkq_${suffix}_plan`, role: LANE_ROLES.governance },
  worker: { login: `bl_bkq_${suffix}_work`, role: 'birth_lane_backlog' },
  president: { login: `bl_bkq_${suffix}_pres`, role: APPROVER_DATABASE_ROLES.president },
  council1: { login: `bl_bkq_${suffix}_c1`, role: APPROVER_DATABASE_ROLES.ai_council },
  council2: { login: `bl_bkq_${suffix}_c2`, role: APPROVER_DATABASE_ROLES.ai_council },
};
type Person = keyof typeof logins;
const pools = new Map<Person, pg.Pool>();

function urlAs(who: Person): string {
  const url = new URL(t.db.connectionString);
  url.username = logins[who].login;
  url.password = PASSWORD;
  return url.toString();
}
function poolAs(who: Person): pg.Pool {
  let pool = pools.get(who);
  if (!pool) {
    pool = new pg.Pool({ connectionString: urlAs(who), max: 6, options: LANE_SESSION_OPTIONS });
    pool.on('error', () => undefined);
    pools.set(who, pool);
  }
  return pool;
}

beforeAll(async () => {
  for (const { login, role } of Object.values(logins)) {
    await t.db.pool.query(
      `create role ${quoteIdentifier(login)} login password ${quoteLiteral(PASSWORD)} in role ${quoteIdentifier(role)}`,
    );
  }
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status, born_at)
     select 'BKQ-' || lpad(n::text, 6, '0'), 'fauna', 'SP-MAMMAL', 'dot://bkq/' || n,
            case when n % 7 = 0 then null else 'row ' || n end, 'a row for the queue', 'active', '2025-01-01'
       from generate_series(1, 3000) n`,
  );
});
afterAll(async () => {
  for (const pool of pools.values()) await pool.end().catch(() => undefined);
  await t.db.pool.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where usename = any($1::text[])',
    [Object.values(logins).map((person) => person.login)],
  );
  await t.db.pool.query('drop schema if exists pgboss cascade');
  for (const { login } of Object.values(logins))
    await t.db.pool.query(`drop role if exists ${quoteIdentifier(login)}`);
});

describe('backlog pass over pg-boss', () => {
  it('two queue jobs each run a worker on the pass; together they walk it once', async () => {
    const { rows } = await t.db.pool.query<{ first: string; last: string }>(
      'select min(id)::text as first, max(id)::text as last from public.birth_registry',
    );
    const plan = await planBacklogPass(poolAs('planner'), { idFrom: rows[0]!.first, idTo: rows[0]!.last });
    for (const who of ['president', 'council1', 'council2'] as const)
      await poolAs(who).query("select birth_lane.cast_vote($1::bigint, 'approve')", [plan.approvalId]);
    const worker = poolAs('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 200 });
    expect((await verifyScope(worker, runId)).state).toBe('running');

    // pg-boss's own sessions run as the lane owner here (its schema's permissions are the pg-boss
    // channel's topic); the pass's statements run as the worker login (`db`).
    const jobs = await enqueueBacklogWorkers(runId, 2, {
      connectionString: t.db.connectionString,
      sessionOptions: LANE_SESSION_OPTIONS,
      logger: silentLogger,
    });
    expect(jobs).toHaveLength(2);

    const stop = new AbortController();
    const standing = standBacklogQueueWorker(
      { teamSize: 2, signal: stop.signal, pollingIntervalSeconds: 1 },
      {
        db: worker,
        connectionString: t.db.connectionString,
        sessionOptions: LANE_SESSION_OPTIONS,
        logger: silentLogger,
      },
    );
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [status] = await readPassStatus(t.db.pool, { runId });
        if (status && 'state' in status && status.state === 'done') break;
        if (Date.now() > deadline) throw new Error(`pass not done in time: ${JSON.stringify(status)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      stop.abort();
      await standing;
    }
    const [done] = await readPassStatus(t.db.pool, { runId });
    expect(done).toMatchObject({ state: 'done', taken: 3000 });
    const overlaps = await t.db.pool.query<{ n: number }>(
      `select count(*)::int as n from birth_lane.backlog_batches a join birth_lane.backlog_batches b
          on a.run_id = b.run_id and a.after_id < b.after_id and b.after_id < a.through_id where a.run_id = $1::uuid`,
      [runId],
    );
    expect(overlaps.rows[0]!.n).toBe(0);
    const settled = await t.db.pool.query<{ state: string }>(
      'select state::text from pgboss.job where name = $1::text order by created_on',
      [BACKLOG_QUEUE],
    );
    expect(settled.rows.map((row) => row.state)).toEqual(['completed', 'completed']);
  }, 120_000);
});
