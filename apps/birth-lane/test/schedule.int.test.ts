import type { ProducerRunner, Queryable, RunReport } from '@birth-lane/contract';
import { EXIT_CODES } from '@birth-lane/contract';
import { describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { createProducer } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SCHEDULE_QUEUE,
  ScheduleChannel,
  type ScheduleChannelSettings,
} from '../src/channels/schedule-channel.js';
import { type Boss, startBoss, stopBoss } from '../src/jobs/pg-boss.js';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';

/*
 * How these tests make a schedule fire often enough to count fires in seconds, not minutes:
 * pg-boss fires a cron schedule at most once per clock minute (the tick it creates carries a
 * 60-second singleton slot). So the tests use two sources of fires:
 *  - the real cron path once: a "* * * * *" schedule is due at once when instances start (pg-boss
 *    checks whether the current minute's tick was sent), and with the cron monitor and tick mover
 *    at 1 s (pg-boss's cronMonitorIntervalSeconds / cronWorkerIntervalSeconds) it fires within
 *    about a second; both instances run that clock, and it must still create ONE tick;
 *  - then one fire per second driven through `boss.send` to the schedule's queue, which is exactly
 *    what pg-boss's cron does when a tick is due (it sends a job to the queue named like the
 *    schedule). Every fire, whatever its source, is one job in that queue, so "one run per fire"
 *    is checked as: each job of the queue ran exactly one producer run, and no run came without one.
 */

const silent = pino({ level: 'silent' });

/** `count` births; every 5th lacks a name (fails STAMP), every 23rd is observed (out of scope). */
async function seed(db: Queryable, count: number, offset = 0): Promise<void> {
  await db.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status, governance_role)
     select 'ENT-' || lpad((g + $2::int)::text, 7, '0'), 'fauna', 'SP-MAMMAL', 'dot://schedule-test',
            case when g % 5 = 0 then null else 'A cat' end, 'A small domesticated mammal.', 'active',
            case when g % 23 = 0 then 'observed' else 'governed' end
       from generate_series(1, $1::int) as g`,
    [count, offset],
  );
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One independent instance: its own pool, its own runner, its own pg-boss. */
function instance(
  connectionString: string,
  settings: ScheduleChannelSettings,
  wrap?: (runner: ProducerRunner) => ProducerRunner,
) {
  const pool = new pg.Pool({ connectionString, max: 4 });
  const reports: RunReport[] = [];
  const channel = new ScheduleChannel(
    {
      pollingIntervalSeconds: 0.5,
      cronMonitorIntervalSeconds: 1,
      cronWorkerIntervalSeconds: 1,
      heartbeatIntervalMs: 200,
      ...settings,
    },
    { db: pool, connectionString, log: silent, onReport: (report) => reports.push(report) },
  );
  const inner = createProducer(pool, { concurrency: 1 });
  const runner = wrap ? wrap(inner) : inner;
  return {
    channel,
    reports,
    start: () => channel.start(runner),
    async stop() {
      await channel.stop();
      await pool.end();
    },
  };
}

async function scheduleJobs(db: Queryable) {
  const { rows } = await db.query<{
    id: string;
    data: Record<string, unknown>;
    state: string;
    output: { runId?: string } | null;
    minute: string;
  }>(
    `select id::text, data, state::text, output, date_trunc('minute', created_on)::text as minute
       from pgboss.job where name = $1::text order by created_on`,
    [SCHEDULE_QUEUE],
  );
  return rows;
}

async function heartbeatStates(db: Queryable, channel: string): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    'select state from birth_lane.producer_heartbeats where channel = $1::text order by instance_id',
    [channel],
  );
  return rows.map((row) => row.state);
}

describe('schedule: two instances, one run per fire', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });
  beforeAll(async () => {
    await seed(t.db.pool, 400);
  });

  it('turns each fire into exactly one producer run across both instances, and stamps the rows', async () => {
    const a = instance(t.db.connectionString, { cron: '* * * * *' });
    const b = instance(t.db.connectionString, { cron: '* * * * *' });
    let driver: Boss | undefined;
    try {
      await Promise.all([a.start(), b.start()]);
      const reports = () => [...a.reports, ...b.reports];
      // The real cron path: due at once, fired by one of the two clocks.
      await waitFor('the cron fire', () => reports().length >= 1);
      expect(reports()[0]).toMatchObject({ channel: 'schedule', outcome: 'completed', scanned: 400 - 17 });

      driver = await startBoss({
        connectionString: t.db.connectionString,
        applicationName: 'schedule-test-clock',
        log: silent,
        supervise: false,
      });
      for (let second = 0; second < 5; second += 1) {
        await driver.send(SCHEDULE_QUEUE, { test: 'tick', second });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await waitFor(
        'every fire to be settled',
        async () => (await driver!.getQueueSize(SCHEDULE_QUEUE, { before: 'completed' })) === 0,
      );
      // Time for a stray second run to show up, were there one.
      await new Promise((resolve) => setTimeout(resolve, 1200));

      const jobs = await scheduleJobs(t.db.pool);
      expect(jobs.every((job) => job.state === 'completed')).toBe(true);
      const cronJobs = jobs.filter((job) => job.data['test'] === undefined);
      expect(cronJobs.length).toBeGreaterThanOrEqual(1);
      // However many minutes the test spanned, both clocks together made one tick per minute.
      const minutes = cronJobs.map((job) => job.minute);
      expect(new Set(minutes).size).toBe(minutes.length);
      expect(jobs.length).toBeGreaterThanOrEqual(6);

      // One run per fire: as many runs as jobs, and each job names its own, distinct run.
      const runIds = reports().map((report) => report.runId);
      expect(new Set(runIds).size).toBe(runIds.length);
      expect(runIds).toHaveLength(jobs.length);
      expect(jobs.map((job) => job.output?.runId).sort()).toEqual([...runIds].sort());
      const { rows: evidence } = await t.db.pool.query<{ n: number }>(
        `select count(*)::int as n from birth_lane.evidence where kind = 'run_report' and payload->'report'->>'channel' = 'schedule'`,
      );
      expect(evidence[0]!.n).toBe(jobs.length);
      // Never two at once: each run started after the one before it ended.
      const ordered = reports().sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime());
      for (let index = 1; index < ordered.length; index += 1) {
        expect(ordered[index]!.startedAt.getTime()).toBeGreaterThanOrEqual(
          ordered[index - 1]!.endedAt.getTime(),
        );
      }

      const { rows: registry } = await t.db.pool.query<{
        certified: number;
        pen_only: number;
        untouched: number;
      }>(
        `select count(*) filter (where certified)::int as certified,
                count(*) filter (where not certified and inspect_pen is not null and inspect_stamp is null)::int as pen_only,
                count(*) filter (where governance_role = 'governed' and inspect_pen is null)::int as untouched
           from public.birth_registry`,
      );
      // 400 rows: 17 observed; 80 nameless (3 of them observed) fail STAMP; the rest certify.
      expect(registry[0]).toEqual({ certified: 400 - 17 - 77, pen_only: 77, untouched: 0 });
      expect(await heartbeatStates(t.db.pool, 'schedule')).toEqual(['idle', 'idle']);
    } finally {
      if (driver) await stopBoss(driver);
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await heartbeatStates(t.db.pool, 'schedule')).toEqual(['stopped', 'stopped']);
  });
});

describe('schedule: overlap and graceful stop', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });
  let driver: Boss;
  // Never due while the tests run, so every fire here is one the test sends.
  const cron = '0 0 1 1 *';
  beforeAll(async () => {
    driver = await startBoss({
      connectionString: t.db.connectionString,
      applicationName: 'schedule-test-clock',
      log: silent,
      supervise: false,
    });
    return () => stopBoss(driver);
  });

  it('never starts a second run while one is going: one tick waits, a further one is dropped', async () => {
    const spans: { began: number; ended: number }[] = [];
    const slow = (inner: ProducerRunner): ProducerRunner => ({
      specificationVersion: 'v1',
      async run(options) {
        const span = { began: Date.now(), ended: Number.POSITIVE_INFINITY };
        spans.push(span);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        try {
          return await inner.run(options);
        } finally {
          span.ended = Date.now();
        }
      },
    });
    const a = instance(t.db.connectionString, { cron }, slow);
    const b = instance(t.db.connectionString, { cron }, slow);
    try {
      await Promise.all([a.start(), b.start()]);
      expect(await driver.send(SCHEDULE_QUEUE, { test: 'first' })).not.toBeNull();
      await waitFor('the first run to start', () => spans.length === 1);
      expect(await driver.send(SCHEDULE_QUEUE, { test: 'second' })).not.toBeNull();
      // One running and one waiting: the stately queue refuses a third.
      expect(await driver.send(SCHEDULE_QUEUE, { test: 'third' })).toBeNull();
      await waitFor(
        'both runs to end',
        () => spans.length === 2 && spans.every((span) => span.ended < Infinity),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(spans).toHaveLength(2);
      expect(spans[1]!.began).toBeGreaterThanOrEqual(spans[0]!.ended);
      expect(a.reports.length + b.reports.length).toBe(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('on stop, lets the run in flight finish its batch, reports it stopped, and settles the tick', async () => {
    await seed(t.db.pool, 3000, 100_000);
    let stopping: Promise<void> | undefined;
    let stoppedAfterReport = false;
    const one = instance(t.db.connectionString, { cron, batchSize: 100 }, (inner) => ({
      specificationVersion: 'v1',
      run: (options) =>
        inner.run({
          ...options,
          // Stop the channel the moment the first batch has committed, as SIGTERM would.
          onProgress: (progress) => {
            options.onProgress?.(progress);
            stopping ??= one.channel.stop();
          },
        }),
    }));
    try {
      await one.start();
      const tick = await driver.send(SCHEDULE_QUEUE, { test: 'stop' });
      await waitFor('the stop to begin', () => stopping !== undefined);
      await stopping!.then(() => {
        stoppedAfterReport = one.reports.length === 1;
      });
      expect(stoppedAfterReport).toBe(true);
      expect(one.reports[0]).toMatchObject({ channel: 'schedule', outcome: 'stopped', scanned: 100 - 4 });
      const { rows } = await t.db.pool.query<{ judged: number }>(
        `select count(*)::int as judged from public.birth_registry where inspect_pen is not null`,
      );
      expect(rows[0]!.judged).toBe(100 - 4);
      const job = (await scheduleJobs(t.db.pool)).find((candidate) => candidate.id === tick);
      expect(job).toMatchObject({ state: 'completed', output: { runId: one.reports[0]!.runId } });
      const { rows: beats } = await t.db.pool.query<{ state: string }>(
        `select state from birth_lane.producer_heartbeats where channel = 'schedule' order by beat_at desc limit 1`,
      );
      expect(beats[0]!.state).toBe('stopped');
    } finally {
      await one.stop();
    }
  });

  it('refuses options it cannot honour, naming the field', () => {
    const deps = { db: t.db.pool, connectionString: t.db.connectionString, log: silent };
    expect(() => new ScheduleChannel({ cron: '*/10 * * * * *' }, deps)).toThrow(/cron: has 6 fields/);
    expect(() => new ScheduleChannel({ cron: '* * * * *', timeZone: 'Mars/Base' }, deps)).toThrow(
      /timeZone:.*Mars\/Base/,
    );
  });

  describeProducerChannelConformance(
    'schedule (pg-boss)',
    () => {
      const pool = t.db.pool;
      return new ScheduleChannel(
        { cron, heartbeatIntervalMs: 200 },
        { db: pool, connectionString: t.db.connectionString, log: silent },
      );
    },
    {
      // A tick, as the cron clock would send one (a real fire can be a minute away).
      provokeRun: async () => {
        await driver.send(SCHEDULE_QUEUE, { test: 'conformance' });
      },
    },
  );
});

describe('birth-lane schedule (the real CLI)', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });
  beforeAll(async () => {
    await seed(t.db.pool, 50);
  });

  it.each([
    [['schedule'], /--cron/],
    [
      ['schedule', '--cron', '*/10 * * * * *'],
      /--cron has 6 fields, but pg-boss fires a schedule at most once a minute/,
    ],
    [['schedule', '--cron', '61 * * * *'], /--cron is not valid: .*61/],
    [['schedule', '--cron', '* * * * *', '--tz', 'Mars/Base'], /--tz "Mars\/Base" is not an IANA time zone/],
  ])('%j exits 64 naming the flag and why', async (args, why) => {
    const result = await runCli(args, { DATABASE_URL: t.db.connectionString });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(why);
  });

  it('stands, fires on the cron, prints each run report with --json, and exits 0 on SIGTERM', async () => {
    const cli = startCli(['schedule', '--cron', '* * * * *', '--json'], {
      DATABASE_URL: t.db.connectionString,
    });
    try {
      // Due at once ("* * * * *"); pg-boss moves the tick within its 5 s cron worker interval.
      await cli.waitFor(({ stdout }) => stdout.includes('"channel":"schedule"'), 30_000);
      const report = JSON.parse(cli.output().stdout.trim().split('\n')[0]!) as RunReport;
      expect(report).toMatchObject({
        channel: 'schedule',
        outcome: 'completed',
        scanned: 48,
        passed: { pen: 48, stamp: 38, gate: 38 },
      });
      expect(cli.output().stderr).toMatch(/"msg":"schedule fired"/);
      await waitFor(
        'the instance to be idle again',
        async () => (await heartbeatStates(t.db.pool, 'schedule')).join() === 'idle',
      );
    } finally {
      const exit = await cli.stop();
      expect(exit.code).toBe(0);
    }
    expect(await heartbeatStates(t.db.pool, 'schedule')).toEqual(['stopped']);
  });
});
