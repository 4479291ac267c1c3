import { RUN_QUEUE } from '@birth-lane/channel-pg-boss';
import type { Queryable, RunReport } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';

/*
 * The queue channel's own behaviour (the exact hand-back of a stopped job's range, enqueue-run's
 * refusal while jobs wait, failed jobs, pg-boss's schema permissions) is tested in
 * @birth-lane/channel-pg-boss. Here: that the app composes it, through the real binary, with the
 * real producer on an installed lane.
 */

/** `count` births; every 5th lacks a name (fails STAMP), every 23rd is observed (out of scope). */
async function seed(db: Queryable, count: number): Promise<void> {
  await db.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status, governance_role)
     select 'ENT-' || lpad(g::text, 7, '0'), 'fauna', 'SP-MAMMAL', 'dot://queue-test',
            case when g % 5 = 0 then null else 'A cat' end, 'A small domesticated mammal.', 'active',
            case when g % 23 = 0 then 'observed' else 'governed' end
       from generate_series(1, $1::int) as g`,
    [count],
  );
}

async function runJobs(db: Queryable) {
  const { rows } = await db.query<{
    id: string;
    state: string;
    data: { parentRunKey: string; idFrom: string; idTo: string };
    output: { runId?: string; handedBackAs?: string } | null;
  }>(
    `select id::text, state::text, data, output from pgboss.job where name = $1::text order by created_on, id`,
    [RUN_QUEUE],
  );
  return rows;
}

async function queueReports(db: Queryable): Promise<RunReport[]> {
  const { rows } = await db.query<{ report: RunReport }>(
    `select payload->'report' as report from birth_lane.evidence
      where kind = 'run_report' and payload->'report'->>'channel' = 'queue' order by id`,
  );
  return rows.map((row) => row.report);
}

/** Checks that every governed row was judged exactly once; returns the governed count. */
async function expectEveryGovernedRowJudgedOnce(db: Queryable, reports: readonly RunReport[]): Promise<void> {
  const { rows } = await db.query<{
    governed: number;
    observed: number;
    unjudged: number;
    certified: number;
    split_stamps: number;
    failing: number;
  }>(
    `select count(*) filter (where governance_role = 'governed')::int as governed,
            count(*) filter (where governance_role = 'observed')::int as observed,
            count(*) filter (where governance_role = 'governed' and inspect_pen is null)::int as unjudged,
            count(*) filter (where certified)::int as certified,
            -- One batch writes all the stamps a row earns with one now(): a row stamped by two
            -- different inspections would show different times.
            count(*) filter (where certified and not (inspect_pen = inspect_stamp and inspect_stamp = inspect_gate))::int as split_stamps,
            count(*) filter (where governance_role = 'governed' and not certified)::int as failing
       from public.birth_registry`,
  );
  const registry = rows[0]!;
  expect(registry.unjudged).toBe(0);
  expect(registry.split_stamps).toBe(0);
  expect(registry.certified + registry.failing).toBe(registry.governed);
  // Each row was scanned by exactly one run: the scans add up to the rows, no more.
  expect(reports.reduce((sum, report) => sum + report.scanned, 0)).toBe(registry.governed);
  expect(reports.reduce((sum, report) => sum + report.skipped, 0)).toBe(registry.observed);
  // One failure record per failing row and check (the evidence log's failure index would refuse a
  // second one anyway; the scan sum above is what shows no row was inspected twice).
  const { rows: failures } = await db.query<{ records: number; distinct_records: number; rows: number }>(
    `select count(*)::int as records, count(distinct (row_id, check_id))::int as distinct_records,
            count(distinct row_id)::int as rows
       from birth_lane.evidence where kind = 'inspection_failure'`,
  );
  expect(failures[0]!.distinct_records).toBe(failures[0]!.records);
  expect(failures[0]!.rows).toBe(registry.failing);
}

async function heartbeatStates(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    `select state from birth_lane.producer_heartbeats where channel = 'queue' order by instance_id`,
  );
  return rows.map((row) => row.state);
}

describe('queue: enqueue-run and two worker processes (the real CLI)', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });
  beforeAll(async () => {
    await seed(t.db.pool, 3000);
  });

  it('splits one run into id-range jobs that two workers share, judging every governed row once', async () => {
    const env = { DATABASE_URL: t.db.connectionString };
    const workers = [0, 1].map(() => startCli(['worker', '--json', '--poll-seconds', '0.5'], env));
    try {
      // Both stand before there is work, so both get a share of it.
      await Promise.all(
        workers.map((worker) => worker.waitFor(({ stderr }) => stderr.includes('"msg":"worker standing"'))),
      );

      const enqueued = await runCli(['enqueue-run', '--chunk-ids', '100', '--json'], env);
      expect(enqueued.code).toBe(0);
      const run = JSON.parse(enqueued.stdout) as {
        queue: string;
        parentRunKey: string;
        jobs: {
          jobId: string;
          parentRunKey: string;
          chunk: number;
          chunks: number;
          idFrom: string;
          idTo: string;
        }[];
      };
      expect(run.queue).toBe(RUN_QUEUE);
      // Ids 1..3000 (the last row, 3000, is governed) in ranges of 100 ids: small jobs, so that
      // the queue outlasts a polling interval and both workers get a share.
      expect(run.jobs).toHaveLength(30);
      run.jobs.forEach((job, index) => {
        expect(job).toMatchObject({
          parentRunKey: run.parentRunKey,
          chunk: index + 1,
          chunks: 30,
          idFrom: String(index * 100 + 1),
          idTo: String((index + 1) * 100),
        });
      });

      await expect
        .poll(async () => (await runJobs(t.db.pool)).filter((job) => job.state === 'completed').length, {
          timeout: 30_000,
        })
        .toBe(30);
      await expect
        .poll(() => workers.flatMap((worker) => worker.output().stdout.trim().split('\n').filter(Boolean)))
        .toHaveLength(30);

      const printed = workers.map((worker) =>
        worker
          .output()
          .stdout.trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RunReport),
      );
      // Both workers took at least one job.
      for (const reports of printed) expect(reports.length).toBeGreaterThanOrEqual(1);
      const reports = await queueReports(t.db.pool);
      expect(reports).toHaveLength(30);
      expect(reports.every((report) => report.outcome === 'completed')).toBe(true);
      expect(
        printed
          .flat()
          .map((report) => report.runId)
          .sort(),
      ).toEqual(reports.map((report) => report.runId).sort());
      // Each job completed with its own run, and each run is tied to the parent run in the evidence log.
      const jobs = await runJobs(t.db.pool);
      expect(jobs.map((job) => job.id).sort()).toEqual(run.jobs.map((job) => job.jobId).sort());
      expect(new Set(jobs.map((job) => job.output?.runId)).size).toBe(30);
      const { rows: notes } = await t.db.pool.query<{ n: number }>(
        `select count(*)::int as n from birth_lane.evidence
          where kind = 'note' and check_id = 'queue.job' and payload->'payload'->>'parentRunKey' = $1::text`,
        [run.parentRunKey],
      );
      expect(notes[0]!.n).toBe(30);

      await expectEveryGovernedRowJudgedOnce(t.db.pool, reports);
      expect(await heartbeatStates(t.db.pool)).toEqual(['idle', 'idle']);
    } finally {
      const exits = await Promise.all(workers.map((worker) => worker.stop()));
      expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
    }
    expect(await heartbeatStates(t.db.pool)).toEqual(['stopped', 'stopped']);
  });
});
