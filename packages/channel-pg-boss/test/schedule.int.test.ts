import { type ProducerRunner, type RunReport, silentLogger } from '@birth-lane/contract';
import { describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Boss } from '../src/pg-boss-client.js';
import { stopBoss } from '../src/pg-boss-client.js';
import { createScheduleChannel, SCHEDULE_QUEUE, type ScheduleChannel } from '../src/schedule-channel.js';
import type { ScheduleChannelSettings } from '../src/schedule-settings.js';
import {
  CHANNEL_TEST_SETUP,
  heartbeatStates,
  jobsOf,
  recordingLogger,
  seedRegistry,
  startDriver,
  stopAfterFirstBatch,
  walkingRunner,
} from './support.js';

/*
 * pg-boss fires a cron schedule at most once per clock minute (the tick it creates carries a
 * 60-second singleton slot), so these tests use two sources of fires:
 *  - the real cron path once: a "* * * * *" schedule is due at once when instances start (pg-boss
 *    checks whether the current minute's tick was sent), and with the cron monitor and tick mover
 *    at 1 s it fires within about a second; both instances run that clock, and it must still
 *    create ONE tick;
 *  - then ticks sent to the schedule's queue by the test's own pg-boss client, which is exactly
 *    what pg-boss's cron does when a tick is due. Every fire, whatever its source, is one job in
 *    that queue, so "one run per fire" is checked as: each job ran exactly one run, and no run
 *    came without one.
 */

/** Never due while the tests run, so every fire in those tests is one the test sends. */
const NEVER_DUE = '0 0 1 1 *';

const t = useTestDatabase({ setupSql: CHANNEL_TEST_SETUP, name: 'schedule' });
let driver: Boss;
beforeAll(async () => {
  driver = await startDriver(t.db.connectionString, silentLogger);
});
afterAll(() => stopBoss(driver));

/** One independent instance, as on another host: its own pg-boss, its own runner. */
function instance(settings: Partial<ScheduleChannelSettings>, runner: ProducerRunner) {
  const reports: RunReport[] = [];
  const logger = recordingLogger();
  const channel = createScheduleChannel(
    {
      cron: NEVER_DUE,
      pollingIntervalSeconds: 0.5,
      cronMonitorIntervalSeconds: 1,
      cronWorkerIntervalSeconds: 1,
      heartbeatIntervalMs: 200,
      ...settings,
    },
    {
      db: t.db.pool,
      logger,
      connectionString: t.db.connectionString,
      onReport: (report) => reports.push(report),
    },
  ) as ScheduleChannel;
  return { channel, reports, logger, start: () => channel.start(runner), stop: () => channel.stop() };
}

const completedTicks = async () =>
  (await jobsOf(t.db.pool, SCHEDULE_QUEUE)).filter((job) => job.state === 'completed').length;
const stateOf = async (jobId: string) =>
  (await jobsOf(t.db.pool, SCHEDULE_QUEUE)).find((job) => job.id === jobId)?.state;

describe('schedule channel: one run per fire', () => {
  it('turns each fire, the cron tick and sent ones, into exactly one run across two instances', async () => {
    const a = instance({ cron: '* * * * *' }, walkingRunner(t.db.pool, []));
    const b = instance({ cron: '* * * * *' }, walkingRunner(t.db.pool, []));
    try {
      await Promise.all([a.start(), b.start()]);
      // The real cron path: due at once, fired by one of the two clocks.
      await expect.poll(completedTicks, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      for (let tick = 1; tick <= 3; tick += 1) {
        const sent = await driver.send(SCHEDULE_QUEUE, { test: 'tick', tick });
        expect(sent).not.toBeNull();
        await expect.poll(() => stateOf(sent!), { timeout: 5_000 }).toBe('completed');
      }
      // Time for a stray second run of some tick to show up, were there one.
      await new Promise((resolve) => setTimeout(resolve, 1000));

      const jobs = await jobsOf(t.db.pool, SCHEDULE_QUEUE);
      expect(jobs.length).toBeGreaterThanOrEqual(4);
      expect(jobs.every((job) => job.state === 'completed')).toBe(true);
      // However many minutes the test spanned, both clocks together made one tick per minute.
      const cronMinutes = jobs.filter((job) => job.data['test'] === undefined).map((job) => job.minute);
      expect(cronMinutes.length).toBeGreaterThanOrEqual(1);
      expect(new Set(cronMinutes).size).toBe(cronMinutes.length);
      // One run per fire: as many runs as jobs, each job naming its own, distinct run.
      const runIds = [...a.reports, ...b.reports].map((report) => report.runId);
      expect(new Set(runIds).size).toBe(jobs.length);
      expect(jobs.map((job) => job.output?.['runId']).sort()).toEqual([...runIds].sort());
      expect(await heartbeatStates(t.db.pool, 'schedule')).toEqual(['idle', 'idle']);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await heartbeatStates(t.db.pool, 'schedule')).toEqual(['stopped', 'stopped']);
  });

  it('never starts a second run while one is going: one tick waits, a further one is dropped', async () => {
    const spans: { began: number; ended: number }[] = [];
    const slow: ProducerRunner = {
      specificationVersion: 'v1',
      async run(options) {
        const span = { began: Date.now(), ended: Number.POSITIVE_INFINITY };
        spans.push(span);
        await new Promise((resolve) => setTimeout(resolve, 700));
        span.ended = Date.now();
        return walkingRunner(t.db.pool, []).run({ ...options, idTo: '0' });
      },
    };
    const a = instance({}, slow);
    const b = instance({}, slow);
    try {
      await Promise.all([a.start(), b.start()]);
      expect(await driver.send(SCHEDULE_QUEUE, { test: 'first' })).not.toBeNull();
      await expect.poll(() => spans.length, { timeout: 5_000 }).toBe(1);
      expect(await driver.send(SCHEDULE_QUEUE, { test: 'second' })).not.toBeNull();
      // One running and one waiting: the stately queue refuses a third.
      expect(await driver.send(SCHEDULE_QUEUE, { test: 'third' })).toBeNull();
      await expect
        .poll(() => spans.length === 2 && spans.every((span) => span.ended < Infinity), { timeout: 5_000 })
        .toBe(true);
      expect(spans[1]!.began).toBeGreaterThanOrEqual(spans[0]!.ended);
      await expect.poll(() => a.reports.length + b.reports.length).toBe(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(spans).toHaveLength(2);
  });

  it('on stop, lets the run in flight finish its batch, reports it stopped and settles the tick; a changed schedule is replaced loudly', async () => {
    await seedRegistry(t.db.pool, 1000);
    const visited: string[] = [];
    const inner = walkingRunner(t.db.pool, visited, { batchSize: 100 });
    const runner = stopAfterFirstBatch(inner, () => one.stop());
    const one = instance({ cron: '0 0 2 1 *' }, runner);
    try {
      await one.start();
      const tick = await driver.send(SCHEDULE_QUEUE, { test: 'stop' });
      await expect.poll(() => runner.stopping() !== undefined, { timeout: 5_000 }).toBe(true);
      await runner.stopping();
      // stop() resolved only after the run reported and its tick was settled.
      expect(one.reports).toMatchObject([{ channel: 'schedule', outcome: 'stopped', scanned: 100 }]);
      expect(visited).toHaveLength(100);
      const job = (await jobsOf(t.db.pool, SCHEDULE_QUEUE)).find((candidate) => candidate.id === tick);
      expect(job).toMatchObject({ state: 'completed', output: { runId: one.reports[0]!.runId } });
      const { rows } = await t.db.pool.query<{ state: string }>(
        `select state from birth_lane.producer_heartbeats where channel = 'schedule' order by beat_at desc limit 1`,
      );
      expect(rows[0]!.state).toBe('stopped');
      // The instances before stored NEVER_DUE; this one replaced it, and said so.
      expect(one.logger.lines.find((line) => line.level === 'warn')).toMatchObject({
        fields: { was: { cron: NEVER_DUE, timeZone: 'UTC' }, now: { cron: '0 0 2 1 *', timeZone: 'UTC' } },
        message: expect.stringMatching(/^replacing the stored schedule/),
      });
      const stored = (await driver.getSchedules()).find((schedule) => schedule.name === SCHEDULE_QUEUE);
      expect(stored).toMatchObject({ cron: '0 0 2 1 *' });
    } finally {
      await one.stop();
    }
  });
});

describeProducerChannelConformance(
  'schedule (pg-boss)',
  () =>
    createScheduleChannel(
      { cron: NEVER_DUE, heartbeatIntervalMs: 200, pollingIntervalSeconds: 0.5 },
      { db: t.db.pool, logger: silentLogger, connectionString: t.db.connectionString },
    ),
  {
    // A tick, as the cron clock would send one (a real fire can be a minute away).
    provokeRun: async () => {
      await driver.send(SCHEDULE_QUEUE, { test: 'conformance' });
    },
  },
);
