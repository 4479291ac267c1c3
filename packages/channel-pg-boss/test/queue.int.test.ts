import { randomUUID } from 'node:crypto';
import { BirthLaneError, type ProducerRunner, type RunReport, silentLogger } from '@birth-lane/contract';
import { describeProducerChannelConformance, runReportFixture } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRunWith } from '../src/enqueue-run.js';
import { type Boss, stopBoss } from '../src/pg-boss-client.js';
import { createQueueChannel } from '../src/queue-channel.js';
import { RUN_QUEUE } from '../src/run-queue.js';
import {
  CHANNEL_TEST_SETUP,
  heartbeatStates,
  jobsOf,
  seedRegistry,
  startDriver,
  stopAfterFirstBatch,
  walkingRunner,
} from './support.js';

const ROWS = 2000;
const t = useTestDatabase({ setupSql: CHANNEL_TEST_SETUP, name: 'queue' });
let driver: Boss;
beforeAll(async () => {
  await seedRegistry(t.db.pool, ROWS);
  driver = await startDriver(t.db.connectionString, silentLogger);
});
afterAll(() => stopBoss(driver));

/** One worker process, as on another host. */
function worker(runner: ProducerRunner) {
  const reports: { report: RunReport; job: { jobId: string; handedBackAs?: string } }[] = [];
  const channel = createQueueChannel(
    { teamSize: 1, batchSize: 100, pollingIntervalSeconds: 0.5, heartbeatIntervalMs: 200 },
    {
      db: t.db.pool,
      logger: silentLogger,
      connectionString: t.db.connectionString,
      onReport: (report, job) => reports.push({ report, job }),
    },
  );
  return { channel, reports, start: () => channel.start(runner), stop: () => channel.stop() };
}

async function notes(topic: string) {
  const { rows } = await t.db.pool.query<{ run_id: string | null; payload: Record<string, unknown> }>(
    `select run_id::text, payload->'payload' as payload from birth_lane.evidence
      where kind = 'note' and check_id = $1::text order by id`,
    [topic],
  );
  return rows;
}

describe('enqueue-run', () => {
  it('puts one run on the queue as consecutive id ranges with an evidence note, and refuses a second while they wait', async () => {
    const run = await enqueueRunWith(t.db.pool, driver, { chunkIds: 700 });
    expect(run.jobs.map(({ chunk, chunks, idFrom, idTo }) => ({ chunk, chunks, idFrom, idTo }))).toEqual([
      { chunk: 1, chunks: 3, idFrom: '1', idTo: '700' },
      { chunk: 2, chunks: 3, idFrom: '701', idTo: '1400' },
      { chunk: 3, chunks: 3, idFrom: '1401', idTo: '2000' },
    ]);
    const jobs = await jobsOf(t.db.pool, RUN_QUEUE);
    expect(jobs.map((job) => job.id).sort()).toEqual(run.jobs.map((job) => job.jobId).sort());
    expect(jobs.every((job) => job.data['parentRunKey'] === run.parentRunKey)).toBe(true);
    expect(await notes('queue.enqueued')).toMatchObject([
      { payload: { parentRunKey: run.parentRunKey, chunkIds: 700, idFrom: '1', idTo: '2000' } },
    ]);

    const again = enqueueRunWith(t.db.pool, driver, { chunkIds: 700 });
    await expect(again).rejects.toSatisfy(
      (error) => BirthLaneError.isInstance(error) && error.code === 'STOP_CONDITION',
    );
    await expect(again).rejects.toThrow(/3 job\(s\) of an earlier enqueue-run still wait or run/);
    expect(await jobsOf(t.db.pool, RUN_QUEUE)).toHaveLength(3);
    await driver.purgeQueue(RUN_QUEUE);
  });
});

describe('queue channel', () => {
  it('on stop, finishes the batch in flight and hands exactly the rest of the range back as a new job', async () => {
    const run = await enqueueRunWith(t.db.pool, driver, { chunkIds: 5000 });
    expect(run.jobs).toHaveLength(1);
    const visited: string[] = [];

    const inner = walkingRunner(t.db.pool, visited);
    const runner = stopAfterFirstBatch(inner, () => first.stop());
    const first = worker(runner);
    await first.start();
    await expect.poll(() => runner.stopping() !== undefined, { timeout: 5_000 }).toBe(true);
    await runner.stopping();

    const [original, rest, ...more] = await jobsOf(t.db.pool, RUN_QUEUE);
    expect(more).toEqual([]);
    expect(original).toMatchObject({
      id: run.jobs[0]!.jobId,
      state: 'completed',
      output: { outcome: 'stopped', scanned: 100, handedBackAs: rest!.id },
    });
    // The first batch took ids 1..100; the rest of the range is exactly what follows.
    expect(rest).toMatchObject({
      state: 'created',
      data: { parentRunKey: run.parentRunKey, chunk: 1, chunks: 1, idFrom: '101', idTo: String(ROWS) },
    });
    expect(first.reports).toMatchObject([{ job: { jobId: original!.id, handedBackAs: rest!.id } }]);

    const second = worker(walkingRunner(t.db.pool, visited));
    try {
      await second.start();
      await expect.poll(async () => (await jobsOf(t.db.pool, RUN_QUEUE))[1]?.state).toBe('completed');
    } finally {
      await second.stop();
    }
    // Every id of the range visited, each exactly once, across the two workers.
    expect(visited.map(Number)).toEqual(Array.from({ length: ROWS }, (_, index) => index + 1));
    // Each job's run is tied to the job and the parent run in the evidence log.
    const reports = [...first.reports, ...second.reports].map(({ report }) => report);
    expect(reports.map((report) => report.outcome)).toEqual(['stopped', 'completed']);
    expect(await notes('queue.job')).toMatchObject([
      { run_id: reports[0]!.runId, payload: { jobId: original!.id, settlement: 'hand_back', idFrom: '1' } },
      { run_id: reports[1]!.runId, payload: { jobId: rest!.id, settlement: 'complete', idFrom: '101' } },
    ]);
    expect(await heartbeatStates(t.db.pool, 'queue')).toEqual(['stopped', 'stopped']);
  });

  it('fails a job that is not an id-range job and a job whose run failed, so pg-boss retries them', async () => {
    await driver.purgeQueue(RUN_QUEUE);
    const failing: ProducerRunner = {
      specificationVersion: 'v1',
      async run(options) {
        const { rows } = await t.db.pool.query<{ run_id: string }>(
          'insert into birth_lane.producer_runs default values returning run_id::text',
        );
        return runReportFixture({
          runId: rows[0]!.run_id,
          channel: options.channel,
          outcome: 'failed',
          detail: 'gone',
        });
      },
    };
    const one = worker(failing);
    try {
      await one.start();
      const bogus = await driver.send(RUN_QUEUE, { idFrom: 'x' });
      const job = { parentRunKey: randomUUID(), chunk: 1, chunks: 1, idFrom: '1', idTo: '10' };
      const failed = await driver.send(RUN_QUEUE, job);
      const settled = async () =>
        (await jobsOf(t.db.pool, RUN_QUEUE))
          .filter((row) => row.state === 'retry')
          .map((row) => row.id)
          .sort();
      await expect.poll(settled, { timeout: 5_000 }).toEqual([bogus, failed].sort());
      const jobs = await jobsOf(t.db.pool, RUN_QUEUE);
      expect(jobs.find((row) => row.id === bogus)?.output).toMatchObject({ message: 'not an id-range job' });
      expect(jobs.find((row) => row.id === failed)?.output).toMatchObject({
        outcome: 'failed',
        reason: 'gone',
      });
    } finally {
      await one.stop();
    }
  });
});

describeProducerChannelConformance(
  'queue (pg-boss worker)',
  () =>
    createQueueChannel(
      { heartbeatIntervalMs: 200, pollingIntervalSeconds: 0.5 },
      { db: t.db.pool, logger: silentLogger, connectionString: t.db.connectionString },
    ),
  {
    // One job of a one-job enqueue-run, straight onto the queue the channel works.
    provokeRun: async () => {
      const job = { parentRunKey: randomUUID(), chunk: 1, chunks: 1, idFrom: '1', idTo: '1' };
      await driver.send(RUN_QUEUE, job);
    },
  },
);
