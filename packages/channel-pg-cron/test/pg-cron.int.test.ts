import { BirthLaneError, type Database, silentLogger, ValidationError } from '@birth-lane/contract';
import { describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { defaultRuleSet, saveRuleSet } from '@birth-lane/inspect-producer';
import { pgCronTestsAvailable, startPgCronCluster, type TemporaryCluster } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabaseNamedFromUrl } from '../src/cron-database.js';
import { createPgCronChannel } from '../src/pg-cron-channel.js';
import { pgCronVersion } from '../src/pg-cron-settings.js';
import { resolvePgCronTarget } from '../src/pg-cron-target.js';
import { readPgCronStatus } from '../src/read-pg-cron-status.js';
import { installLane, pgCronFootprint, SEED_THREE_BIRTHS, saveAndActivate } from './lane.js';

const LANE = 'lane';
/** A second lane database on the same server: its job is kept in LANE's pg_cron (schedule_in_database). */
const OTHER_LANE = 'lane_two';

describe.skipIf(!pgCronTestsAvailable())(
  'the pg-cron channel on a PostgreSQL 15 cluster with pg_cron loaded',
  () => {
    let cluster: TemporaryCluster | undefined;
    let lane: pg.Pool;
    let otherLane: pg.Pool;
    /** '1 seconds' where pg_cron has sub-minute schedules (1.5+); Debian 12 ships 1.4: once a minute. */
    let schedule: string;
    let waitMs: number;

    const channelFor = (db: Database, database: string, settings: Record<string, unknown> = {}) =>
      createPgCronChannel(
        { schedule, ...settings },
        { db, logger: silentLogger, openDatabaseNamed: openDatabaseNamedFromUrl(cluster!.url(database)) },
      );
    const target = async (db: Database, database: string) =>
      resolvePgCronTarget(db, openDatabaseNamedFromUrl(cluster!.url(database)));
    const cronJobs = async () =>
      (await lane.query('select jobname, database, schedule, command from cron.job order by jobname')).rows;

    beforeAll(async () => {
      cluster = await startPgCronCluster({ cronDatabase: LANE, otherDatabases: [OTHER_LANE] });
      lane = new pg.Pool({ connectionString: cluster.url(LANE), max: 3 });
      otherLane = new pg.Pool({ connectionString: cluster.url(OTHER_LANE), max: 3 });
      // An idle pooled session the server ends (57P01, e.g. pg_cron's job connections being reaped
      // or the cluster stopping) must not become an unhandled error that fails the whole run.
      for (const pool of [lane, otherLane]) pool.on('error', () => undefined);
      for (const db of [lane, otherLane]) {
        await installLane(db);
        await db.query(SEED_THREE_BIRTHS);
      }
      // lane_two's rule set is activated once the test that finds it missing has run.
      await saveAndActivate(lane, cluster.url(LANE), defaultRuleSet);
      const { rows } = await lane.query("select extversion from pg_extension where extname = 'pg_cron'");
      const [major, minor] = pgCronVersion(rows[0].extversion)!;
      const seconds = major > 1 || minor >= 5;
      schedule = seconds ? '1 seconds' : '* * * * *';
      // A minute schedule first fires at the next minute boundary.
      waitMs = seconds ? 20_000 : 75_000;
    }, 120_000);

    afterAll(async () => {
      if (cluster && lane) await channelFor(lane, LANE).stop();
      await lane?.end();
      await otherLane?.end();
      await cluster?.stop();
    });

    /** Waits for `probe` to pass; on time-out, says what pg_cron did and what the server logged. */
    async function eventually<T>(what: string, probe: () => Promise<T>): Promise<T> {
      try {
        return await vi.waitFor(probe, { timeout: waitMs, interval: 250 });
      } catch (error) {
        const { rows } = await lane.query('select * from cron.job_run_details order by runid');
        throw new Error(
          `waited ${waitMs} ms for ${what}: ${(error as Error).message}\ncron.job_run_details: ${JSON.stringify(rows)}\n${cluster!.log().slice(-3000)}`,
        );
      }
    }

    async function reportOfStampingRun(db: pg.Pool): Promise<Record<string, unknown>> {
      const { rows } = await db.query<{ stamped: number; report: Record<string, unknown> | null }>(
        `select (select count(*)::int from public.birth_registry where inspect_gate is not null) as stamped,
              (select payload -> 'report' from birth_lane.evidence
                where kind = 'run_report' and payload -> 'report' ->> 'channel' = 'pg-cron'
                  and (payload -> 'report' ->> 'scanned')::int > 0
                order by id desc limit 1) as report`,
      );
      expect(rows[0]).toMatchObject({ stamped: 3, report: expect.anything() });
      return rows[0]!.report!;
    }

    it('refuses to schedule a job that would stamp nothing (no active rule set), installing nothing', async () => {
      const refused = await channelFor(otherLane, OTHER_LANE)
        .start(unusedRunner)
        .catch((error: unknown) => error);
      expect(BirthLaneError.isInstance(refused) && refused.code).toBe('SOURCE_RECOVERY_REQUIRED');
      expect((refused as Error).message).toMatch(
        /No usable active rule set in database "lane_two": no rule set is active .* Nothing was scheduled\./,
      );
      expect(await cronJobs()).toEqual([]);
      expect(await pgCronFootprint(otherLane)).toBe(0);
    });

    it('refuses a schedule pg_cron cannot run and a time budget that cannot fit the statement timeout, changing nothing', async () => {
      // lane_two has an active rule set from here on, and nothing of the channel yet.
      await saveAndActivate(otherLane, cluster!.url(OTHER_LANE), defaultRuleSet);
      const issuesOf = async (settings: Record<string, unknown>) => {
        const error = await channelFor(otherLane, OTHER_LANE, settings)
          .start(unusedRunner)
          .catch((refused: unknown) => refused);
        if (!ValidationError.isInstance(error)) throw error;
        return error.issues;
      };
      expect(await issuesOf({ timeBudgetMs: 4500 })).toEqual([
        expect.objectContaining({
          field: 'timeBudgetMs',
          rule: 'inside_statement_timeout',
          message: expect.stringMatching(/4500 ms .* statement_timeout of 5000 ms/),
        }),
      ]);
      // pg_cron's own parser judges the schedule (in a rolled-back transaction) before any step runs.
      expect(await issuesOf({ schedule: '61 * * * *' })).toEqual([
        expect.objectContaining({
          field: 'schedule',
          rule: 'cron_schedule',
          message: expect.stringMatching(/pg_cron .* rejected '61 \* \* \* \*'/),
        }),
      ]);
      if (schedule === '* * * * *') {
        expect(await issuesOf({ schedule: '5 seconds' })).toEqual([
          expect.objectContaining({ field: 'schedule', rule: 'pg_cron_version' }),
        ]);
      }
      expect(await cronJobs()).toEqual([]);
      expect(await pgCronFootprint(otherLane)).toBe(0);
    });

    it('start schedules the producer and PostgreSQL stamps the births with no Node process', async () => {
      await saveAndActivate(otherLane, cluster!.url(OTHER_LANE), defaultRuleSet);
      const channel = channelFor(lane, LANE);
      await channel.start(unusedRunner);
      expect(channel.installation).toMatchObject({
        jobName: `birth-lane-producer:${LANE}`,
        schedule,
        command: 'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
        cronDatabase: LANE,
        laneDatabase: LANE,
        ruleSet: { version: defaultRuleSet.version },
        applied: ['pg-cron/0001_run_producer_from_pg_cron', 'pg-cron/0002_wrapper_producer_only'],
      });
      // The second lane's job lives in the cron database and runs in its own (schedule_in_database).
      const other = channelFor(otherLane, OTHER_LANE);
      await other.start(unusedRunner);
      expect(other.installation).toMatchObject({ cronDatabase: LANE, laneDatabase: OTHER_LANE });
      expect(await cronJobs()).toEqual([
        {
          jobname: `birth-lane-producer:${LANE}`,
          database: LANE,
          schedule,
          command: 'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
        },
        {
          jobname: `birth-lane-producer:${OTHER_LANE}`,
          database: OTHER_LANE,
          schedule,
          command: 'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
        },
      ]);
      expect(await otherLane.query("select 1 from pg_extension where extname = 'pg_cron'")).toMatchObject({
        rowCount: 0,
      });

      const [report, otherReport] = await Promise.all([
        eventually('pg_cron to stamp the births in lane', () => reportOfStampingRun(lane)),
        eventually('pg_cron to stamp the births in lane_two', () => reportOfStampingRun(otherLane)),
      ]);
      for (const each of [report, otherReport]) {
        expect(each).toMatchObject({
          channel: 'pg-cron',
          outcome: 'completed',
          scanned: 3,
          passed: { pen: 3, stamp: 3, gate: 3 },
          failed: { pen: 0, stamp: 0, gate: 0 },
        });
      }
      // The wrapper beats `idle` with the run's id right after the run commits its report.
      const beat = await eventually('the pg_cron heartbeat to carry a run id', async () => {
        const { rows } = await lane.query(
          "select channel, state, last_run_id from birth_lane.producer_heartbeats where instance_id = 'pg-cron@lane'",
        );
        expect(rows[0]?.last_run_id).toBeTruthy();
        return rows[0];
      });
      expect(beat).toMatchObject({ channel: 'pg-cron', state: 'idle' });

      const laneTarget = await target(lane, LANE);
      const status = await readPgCronStatus(laneTarget).finally(() => laneTarget.close());
      expect(status).toMatchObject({
        cronDatabase: LANE,
        jobs: [{ jobName: `birth-lane-producer:${LANE}`, schedule, active: true, database: LANE }],
        activeRuleSet: { version: defaultRuleSet.version },
        inspectionCompiledFor: { version: defaultRuleSet.version },
        inspectionMatchesActiveRuleSet: true,
        heartbeat: { state: 'idle' },
        runReports: expect.arrayContaining([
          expect.objectContaining({ channel: 'pg-cron', outcome: 'completed', scanned: 3 }),
        ]),
      });
      expect(status.jobRuns.some((run) => run.status === 'succeeded')).toBe(true);
    }, 120_000);

    it('start is idempotent, and the job follows an approved activation with no reinstall', async () => {
      const again = channelFor(lane, LANE);
      await again.start(unusedRunner);
      expect(again.installation?.applied).toEqual([]);
      const { rows: jobs } = await lane.query(
        "select count(*)::int as n from cron.job where database = 'lane'",
      );
      expect(jobs[0].n).toBe(1);

      await saveAndActivate(lane, cluster!.url(LANE), { ...defaultRuleSet, version: '1.0.1' });
      const laneTarget = await target(lane, LANE);
      try {
        expect(await readPgCronStatus(laneTarget)).toMatchObject({
          activeRuleSet: { version: '1.0.1' },
          inspectionCompiledFor: { version: '1.0.1' },
          inspectionMatchesActiveRuleSet: true,
        });
        // One call, as the job makes it: judged under the new rule set without any reinstall.
        await lane.query('call birth_lane.run_producer_from_pg_cron(2000, 3000)');
        const lastReport = async () =>
          (
            await lane.query(
              "select payload -> 'report' as report from birth_lane.evidence where kind = 'run_report' order by id desc limit 1",
            )
          ).rows[0].report;
        expect(await lastReport()).toMatchObject({ channel: 'pg-cron', ruleSetVersion: '1.0.1' });

        // Another rule set made active behind the store's back: the job stamps nothing and says why,
        // and the channel refuses to schedule a job that would stamp nothing.
        await saveRuleSet(lane, { ...defaultRuleSet, version: '1.0.2' });
        await lane.query(
          "update birth_lane.rule_sets set status = case when version = '1.0.2' then 'active' else 'retired' end, activated_at = now()",
        );
        expect(await readPgCronStatus(laneTarget)).toMatchObject({
          activeRuleSet: { version: '1.0.2' },
          inspectionCompiledFor: { version: '1.0.1' },
          inspectionMatchesActiveRuleSet: false,
        });
        await lane.query('call birth_lane.run_producer_from_pg_cron(2000, 3000)');
        expect(await lastReport()).toMatchObject({ channel: 'pg-cron', outcome: 'source_recovery_required' });
        const refused = await channelFor(lane, LANE)
          .start(unusedRunner)
          .catch((error: unknown) => error);
        expect((refused as Error).message).toMatch(
          /compiled for rule set 1\.0\.1 .* not the active rule set 1\.0\.2 .* would stamp nothing/,
        );
      } finally {
        await laneTarget.close();
      }
      // Put the lane right the governed way: a rule set activated with an approval.
      await saveAndActivate(lane, cluster!.url(LANE), { ...defaultRuleSet, version: '1.0.3' });
    });

    it('stop unschedules the job and records the heartbeat as stopped; again, it is a no-op', async () => {
      const other = channelFor(otherLane, OTHER_LANE);
      await other.stop();
      expect((await cronJobs()).map((job) => job.jobname)).toEqual([`birth-lane-producer:${LANE}`]);
      const { rows: beats } = await otherLane.query(
        "select state from birth_lane.producer_heartbeats where instance_id = 'pg-cron@lane_two'",
      );
      expect(beats).toEqual([{ state: 'stopped' }]);
      await other.stop();
      expect((await cronJobs()).map((job) => job.jobname)).toEqual([`birth-lane-producer:${LANE}`]);
    });

    describeProducerChannelConformance(
      'pg-cron',
      () =>
        createPgCronChannel(
          { schedule: '*/5 * * * *', batchSize: 500, timeBudgetMs: 1000 },
          { db: lane, logger: silentLogger },
        ),
      { runsInDatabase: true },
    );

    it('after the channel stops, no job of the lane is left scheduled', async () => {
      const { rows } = await lane.query("select jobname from cron.job where database = 'lane'");
      expect(rows).toEqual([]);
    });
  },
);

/** The channel never calls its runner (the conformance kit checks it); start still takes one. */
const unusedRunner = {
  specificationVersion: 'v1' as const,
  run: () => Promise.reject(new Error('the pg-cron channel runs the producer inside PostgreSQL')),
};
