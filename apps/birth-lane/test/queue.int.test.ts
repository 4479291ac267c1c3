import { randomUUID } from 'node:crypto';
import type { ProducerRunner, Queryable, RunReport } from '@birth-lane/contract';
import { EXIT_CODES } from '@birth-lane/contract';
import { describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { createProducer } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { QueueChannel } from '../src/channels/queue-channel.js';
import { enqueueRun, RUN_QUEUE } from '../src/jobs/run-queue.js';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';
import { withBoss } from './with-boss.js';

const silent = pino({ level: 'silent' });

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

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

      await waitFor('every job to complete', async () => {
        const jobs = await runJobs(t.db.pool);
        return jobs.length === 30 && jobs.every((job) => job.state === 'completed');
      });
      await waitFor('both workers to print their reports', () => {
        const lines = workers.flatMap((worker) => worker.output().stdout.trim().split('\n').filter(Boolean));
        return lines.length === 30;
      });

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

describe('queue: stopping mid-job, refusals, conformance', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });
  beforeAll(async () => {
    await seed(t.db.pool, 2000);
  });

  function worker(wrap?: (runner: ProducerRunner) => ProducerRunner) {
    const pool = new pg.Pool({ connectionString: t.db.connectionString, max: 4 });
    const inner = createProducer(pool, { concurrency: 1 });
    const channel = new QueueChannel(
      { teamSize: 1, batchSize: 100, pollingIntervalSeconds: 0.5, heartbeatIntervalMs: 200 },
      { db: pool, connectionString: t.db.connectionString, log: silent },
    );
    return {
      channel,
      start: () => channel.start(wrap ? wrap(inner) : inner),
      async stop() {
        await channel.stop();
        await pool.end();
      },
    };
  }

  it('on stop, finishes the batch in flight and hands the rest of the range back as a new job', async () => {
    const run = await withBoss(t.db.connectionString, 'queue-test', (boss) =>
      enqueueRun(t.db.pool, boss, { chunkIds: 5000 }),
    );
    expect(run.jobs).toHaveLength(1);

    let stopping: Promise<void> | undefined;
    const first = worker((inner) => ({
      specificationVersion: 'v1',
      // Stop the worker the moment the first batch has committed, as SIGTERM would.
      run: (options) =>
        inner.run({
          ...options,
          onProgress: (progress) => {
            options.onProgress?.(progress);
            stopping ??= first.channel.stop();
          },
        }),
    }));
    try {
      await first.start();
      await waitFor('the stop to begin', () => stopping !== undefined);
      await stopping;
    } finally {
      await first.stop();
    }
    const afterStop = await runJobs(t.db.pool);
    expect(afterStop).toHaveLength(2);
    const [original, rest] = afterStop as [(typeof afterStop)[0], (typeof afterStop)[0]];
    expect(original).toMatchObject({
      id: run.jobs[0]!.jobId,
      state: 'completed',
      output: { outcome: 'stopped', scanned: 96, handedBackAs: rest.id },
    });
    // The first batch took ids 1..100; the rest of the range is exactly what follows.
    expect(rest).toMatchObject({
      state: 'created',
      data: { parentRunKey: run.parentRunKey, idFrom: '101', idTo: '2000' },
    });

    const second = worker();
    try {
      await second.start();
      await waitFor('the handed-back job to complete', async () =>
        (await runJobs(t.db.pool)).every((job) => job.state === 'completed'),
      );
    } finally {
      await second.stop();
    }
    const reports = await queueReports(t.db.pool);
    expect(reports.map((report) => report.outcome)).toEqual(['stopped', 'completed']);
    await expectEveryGovernedRowJudgedOnce(t.db.pool, reports);
    expect(await heartbeatStates(t.db.pool)).toEqual(['stopped', 'stopped']);
  });

  it('refuses to enqueue while jobs of an earlier run wait, and refuses bad flags with 64', async () => {
    // The failing rows are still uncertified, so there is work to enqueue (and no worker stands).
    const enqueued = await withBoss(t.db.connectionString, 'queue-test', (boss) =>
      enqueueRun(t.db.pool, boss, { chunkIds: 1000 }),
    );
    expect(enqueued.jobs.length).toBeGreaterThan(0);
    const env = { DATABASE_URL: t.db.connectionString };
    const before = (await runJobs(t.db.pool)).length;
    const refused = await runCli(['enqueue-run'], env);
    expect(refused.code).toBe(EXIT_CODES.failed);
    expect(refused.stderr).toMatch(/job\(s\) of an earlier enqueue-run still wait or run/);
    expect((await runJobs(t.db.pool)).length).toBe(before);

    const badChunk = await runCli(['enqueue-run', '--chunk-ids', '0'], env);
    expect(badChunk.code).toBe(EXIT_CODES.usage);
    expect(badChunk.stderr).toMatch(/--chunk-ids must be a whole number from 1/);
    const badTeam = await runCli(['worker', '--team-size', 'many'], env);
    expect(badTeam.code).toBe(EXIT_CODES.usage);
    expect(badTeam.stderr).toMatch(/--team-size must be a whole number from 1 to 64/);
  });

  describeProducerChannelConformance(
    'queue (pg-boss worker)',
    () =>
      new QueueChannel(
        { heartbeatIntervalMs: 200, pollingIntervalSeconds: 0.5 },
        { db: t.db.pool, connectionString: t.db.connectionString, log: silent },
      ),
    {
      // One job of a one-job enqueue-run, straight onto the queue the channel works.
      provokeRun: async () => {
        const job = { parentRunKey: randomUUID(), chunk: 1, chunks: 1, idFrom: '1', idTo: '1' };
        await withBoss(t.db.connectionString, 'queue-conformance', (boss) => boss.send(RUN_QUEUE, job));
      },
    },
  );
});
