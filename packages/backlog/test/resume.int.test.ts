import { setTimeout as sleep } from 'node:timers/promises';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  planBacklogPass,
  readPassStatus,
  resumePass,
  runWorker,
  startPass,
  verifyScope,
} from '../src/index.js';
import { spawnWorker } from './spawn-worker.js';
import { activateDefaultRuleSet, laneLogins, SETUP_SQL, seedRows } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);
const ROWS = 1500;

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
});
afterAll(async () => {
  await logins.drop();
});

/** Seeds ROWS fresh rows (the same mix each time) and returns their id range. */
async function freshRows(tag: string): Promise<{ first: bigint; last: bigint }> {
  const before = await t.db.pool.query<{ last: string | null }>(
    'select max(id)::text as last from public.birth_registry',
  );
  await seedRows(t.db, ROWS, tag);
  const after = await t.db.pool.query<{ last: string }>(
    'select max(id)::text as last from public.birth_registry',
  );
  return { first: BigInt(before.rows[0]!.last ?? '0') + 1n, last: BigInt(after.rows[0]!.last) };
}

/**
 * The end state of a range, with ids made relative to its first id (so two ranges seeded with the
 * same mix compare): each stamped stage's rows, certified rows, failure evidence (row, check, how often).
 */
async function endState(range: { first: bigint; last: bigint }) {
  const rows = await t.db.pool.query<{ stage: string; ids: string[] }>(
    `select stage, coalesce(array_agg((id - $1::bigint)::text order by id), '{}') as ids
       from public.birth_registry r
       cross join lateral (values ('pen', r.inspect_pen is not null), ('stamp', r.inspect_stamp is not null),
                                  ('gate', r.inspect_gate is not null), ('certified', r.certified)) v(stage, present)
      where r.id between $1::bigint and $2::bigint and v.present
      group by stage order by stage`,
    [range.first.toString(), range.last.toString()],
  );
  const failures = await t.db.pool.query<{ entry: string }>(
    `select (row_id - $1::bigint) || ':' || check_id || ' x' || count(*) as entry
       from birth_lane.evidence
      where kind in ('inspection_failure', 'ambiguous_row') and row_id between $1::bigint and $2::bigint
      group by row_id, check_id order by row_id, check_id`,
    [range.first.toString(), range.last.toString()],
  );
  return {
    stamped: Object.fromEntries(rows.rows.map((row) => [row.stage, row.ids])),
    failures: failures.rows.map((row) => row.entry),
  };
}

async function approvedPass(range: { first: bigint; last: bigint }): Promise<string> {
  const plan = await planBacklogPass(
    logins.pool('planner'),
    { idFrom: range.first.toString(), idTo: range.last.toString() },
    { chunkIds: 1000 },
  );
  await logins.approve(plan.approvalId);
  const worker = logins.pool('worker');
  const runId = await startPass(worker, plan.approvalId, { sliceIds: 400 });
  expect((await verifyScope(worker, runId, { chunkIds: 1000 })).state).toBe('running');
  return runId;
}

/** No id was taken by two batches of the run: the recorded ranges never overlap and cover every row once. */
async function judgedOnce(runId: string): Promise<{ overlaps: number; taken: number }> {
  const { rows } = await t.db.pool.query<{ overlaps: number; taken: string }>(
    `select (select count(*) from birth_lane.backlog_batches a join birth_lane.backlog_batches b
               on a.run_id = b.run_id and a.after_id < b.after_id and b.after_id < a.through_id
              where a.run_id = $1::uuid)::int as overlaps,
            (select taken::text from birth_lane.backlog_passes where run_id = $1::uuid) as taken`,
    [runId],
  );
  return { overlaps: rows[0]!.overlaps, taken: Number(rows[0]!.taken) };
}

describe('exact resume', () => {
  it('a pass killed by SIGKILL at random points resumes to exactly the uninterrupted result (6 trials)', async () => {
    const reference = await freshRows('REF');
    const referenceRun = await approvedPass(reference);
    expect((await runWorker(logins.pool('worker'), referenceRun, { batchSize: 60 })).state).toBe('done');
    const expected = await endState(reference);
    expect(expected.failures.length).toBeGreaterThan(100);
    expect(expected.failures.every((entry) => entry.endsWith(' x1'))).toBe(true);

    const kills: string[] = [];
    for (let trial = 0; trial < 6; trial += 1) {
      const range = await freshRows(`K${trial}`);
      const runId = await approvedPass(range);
      // Kill the worker at a random moment, two or three times, then let one finish.
      for (let kill = 0; kill < 2 + (trial % 2); kill += 1) {
        const worker = spawnWorker(logins.url('worker'), runId, 60);
        const wanted = 1 + Math.floor(Math.random() * 6);
        const deadline = Date.now() + 20_000;
        while (worker.batches() < wanted && worker.child.exitCode === null && Date.now() < deadline)
          await sleep(5);
        await sleep(Math.floor(Math.random() * 25));
        worker.child.kill('SIGKILL');
        const end = await worker.exited;
        kills.push(`trial ${trial}: killed after ${worker.batches()} batches (${end.signal ?? end.code})`);
        expect(await resumePass(logins.pool('worker'), runId)).toBe('running');
      }
      const last = spawnWorker(logins.url('worker'), runId, 60);
      const end = await last.exited;
      expect(end.code, end.stderr).toBe(0);
      expect(JSON.parse(end.stdout.trim()).state).toBe('done');
      expect(await endState(range)).toEqual(expected);
      expect(await judgedOnce(runId)).toEqual({ overlaps: 0, taken: ROWS });
    }
    expect(kills.filter((line) => line.includes('SIGKILL')).length).toBeGreaterThanOrEqual(12);
  }, 240_000);

  it('two workers in separate processes share one pass and no row is judged twice', async () => {
    const range = await freshRows('TWO');
    const runId = await approvedPass(range);
    // 30 batches of 50 rows, each followed by a 100 ms wait: both workers are alive at once.
    const first = spawnWorker(logins.url('worker'), runId, 50, 100);
    const second = spawnWorker(logins.url('worker'), runId, 50, 100);
    const [one, two] = await Promise.all([first.exited, second.exited]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    // both did work, on different slices
    const slices = (stderr: string) => new Set([...stderr.matchAll(/^batch (slice-\d+)/gm)].map((m) => m[1]));
    expect(first.batches()).toBeGreaterThan(0);
    expect(second.batches()).toBeGreaterThan(0);
    const shared = [...slices(one.stderr)].filter((slice) => slices(two.stderr).has(slice));
    expect(shared).toEqual([]);
    expect(await judgedOnce(runId)).toEqual({ overlaps: 0, taken: ROWS });
    const failures = (await endState(range)).failures;
    expect(failures.every((entry) => entry.endsWith(' x1'))).toBe(true);
    const [status] = await readPassStatus(t.db.pool, { runId });
    expect(status).toMatchObject({ state: 'done', taken: ROWS });
  }, 120_000);

  it('a worker of another login cannot drive the pass', async () => {
    const range = await freshRows('OTH');
    const runId = await approvedPass(range);
    const error = await runWorker(logins.pool('otherWorker'), runId).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/started by .*; its workers run as that login/);
    await t.db.pool.query("update birth_lane.backlog_passes set state = 'stopped' where run_id = $1::uuid", [
      runId,
    ]);
  });
});
