import { existsSync } from 'node:fs';
import { EXIT_CODES } from '@birth-lane/contract';
import { describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { defaultRuleSet, saveRuleSet } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCronChannel } from '../src/channels/pg-cron-channel.js';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { installLane } from '../src/lane/install-lane.js';
import { pgCronVersion } from '../src/pg-cron/pg-cron-settings.js';
import {
  PG_CRON_UNAVAILABLE_EXIT_CODE,
  type PgCronTarget,
  resolvePgCronTarget,
} from '../src/pg-cron/pg-cron-target.js';
import { pgCronTestsAvailable } from './pg-cron-availability.js';
import { runCli } from './run-cli.js';
import { startTemporaryCluster, type TemporaryCluster } from './temporary-cluster.js';

const SEED = `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
  values ('ENT-001', 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A small domesticated mammal.', 'active'),
         ('ENT-002', 'fauna', 'SP-MAMMAL', 'dot://b', 'A dog', 'A loyal domesticated mammal.', 'active'),
         ('ENT-003', 'fauna', 'SP-MAMMAL', 'dot://c', 'A cow', 'A large domesticated mammal.', 'active')`;

/** Objects `pg-cron install` creates, counted so "nothing installed" is a number. */
async function pgCronFootprint(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select (to_regprocedure('birth_lane.run_producer_from_pg_cron(integer,integer)') is not null)::int
          + (select count(*)::int from birth_lane.producer_heartbeats where channel = 'pg-cron')
          + (select count(*)::int from birth_lane.applied_steps
              where step_id = 'pg-cron/0001_run_producer_from_pg_cron') as n`,
  );
  return rows[0]!.n;
}

describe('pg-cron on a server without pg_cron (the default test server)', () => {
  const t = useTestDatabase({ setupSql: [] });

  it('refuses bad flags with exit 64 naming the flag, before opening any database', async () => {
    const result = await runCli(['pg-cron', 'install', '--batch-size', '0'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/--batch-size: must be at least 1/);
  });

  it('install and status exit 69 saying exactly how to enable pg_cron, and install nothing', async () => {
    await installLane(t.db.pool);
    const env = { DATABASE_URL: t.db.connectionString };
    const install = await runCli(['pg-cron', 'install'], env);
    expect(install.code).toBe(PG_CRON_UNAVAILABLE_EXIT_CODE);
    // Embedded PostgreSQL has no pg_cron package; a Debian server may have it installed but not loaded.
    const { rows } = await t.db.pool.query(
      "select current_setting('server_version_num')::int / 10000 as major, exists (select 1 from pg_available_extensions where name = 'pg_cron') as available",
    );
    if (rows[0].available) {
      expect(install.stderr).toMatch(/PG_CRON_UNAVAILABLE \(not_preloaded\)/);
    } else {
      expect(install.stderr).toMatch(/PG_CRON_UNAVAILABLE \(package_missing\)/);
      expect(install.stderr).toContain(`apt-get install -y postgresql-${rows[0].major}-cron`);
    }
    expect(install.stderr).toContain("shared_preload_libraries = 'pg_cron'");
    expect(install.stderr).toContain(`cron.database_name = '${t.db.databaseName}'`);
    expect(install.stderr).toMatch(/restart PostgreSQL/);
    expect(install.stderr).toContain('create extension pg_cron;');
    expect(install.stderr).toContain('Nothing was installed or scheduled.');
    expect(await pgCronFootprint(t.db.pool)).toBe(0);

    const status = await runCli(['pg-cron', 'status'], env);
    expect(status.code).toBe(PG_CRON_UNAVAILABLE_EXIT_CODE);
    expect(status.stderr).toMatch(/PG_CRON_UNAVAILABLE/);
  });
});

const PG_CRON_LIBRARY = '/usr/lib/postgresql/15/lib/pg_cron.so';
const LANE = 'lane';
/** A second lane database on the same server: its job is kept in LANE's pg_cron (schedule_in_database). */
const OTHER_LANE = 'lane_two';

describe.skipIf(!pgCronTestsAvailable())('pg-cron on a PostgreSQL 15 cluster with pg_cron loaded', () => {
  let cluster: TemporaryCluster | undefined;
  let lane: pg.Pool;
  let otherLane: pg.Pool;
  let target: PgCronTarget & { close(): Promise<void> };
  /** '1 seconds' where pg_cron has sub-minute schedules (1.5+); Debian 12 ships 1.4: once a minute. */
  let schedule: string;
  let waitMs: number;

  beforeAll(async () => {
    if (!existsSync(PG_CRON_LIBRARY)) {
      throw new Error(
        `pg_cron for PostgreSQL 15 is not installed on this machine (${PG_CRON_LIBRARY} is missing): run \`apt-get install -y postgresql-15-cron\` (.ci/run does this in CI)`,
      );
    }
    cluster = await startTemporaryCluster({
      major: 15,
      settings: {
        shared_preload_libraries: 'pg_cron',
        'cron.database_name': LANE,
        // pg_cron's jobs connect through libpq; 'localhost' may resolve to ::1, where nothing listens.
        'cron.host': '127.0.0.1',
        // The field's limit: every job call must fit inside it.
        statement_timeout: '5000',
      },
    });
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query(`create database ${LANE}`);
    await admin.query(`create database ${OTHER_LANE}`);
    await admin.end();
    lane = new pg.Pool({ connectionString: cluster.url(LANE), max: 3 });
    otherLane = new pg.Pool({ connectionString: cluster.url(OTHER_LANE), max: 3 });
    // An idle pooled session the server ends (57P01, e.g. pg_cron's job connections being reaped
    // or the cluster stopping) must not become an unhandled error that fails the whole run.
    for (const pool of [lane, otherLane]) pool.on('error', () => undefined);
    await lane.query('create extension pg_cron');
    for (const [db, name] of [
      [lane, LANE],
      [otherLane, OTHER_LANE],
    ] as const) {
      await installLane(db);
      await activateWithDemoApprovals(db, cluster.url(name), defaultRuleSet.version);
      await db.query(SEED);
    }
    const { rows } = await lane.query("select extversion from pg_extension where extname = 'pg_cron'");
    const [major, minor] = pgCronVersion(rows[0].extversion)!;
    const seconds = major > 1 || minor >= 5;
    schedule = seconds ? '1 seconds' : '* * * * *';
    // A minute schedule first fires at the next minute boundary.
    waitMs = seconds ? 20_000 : 75_000;
    target = await resolvePgCronTarget(lane, async () => {
      throw new Error('the lane database is the cron database here');
    });
  }, 120_000);

  afterAll(async () => {
    if (cluster && lane) await runCli(['pg-cron', 'uninstall'], { DATABASE_URL: cluster.url(LANE) });
    await target?.close();
    await lane?.end();
    await otherLane?.end();
    await cluster?.stop();
  });

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        const { rows } = await lane.query('select * from cron.job_run_details order by runid');
        throw new Error(
          `timed out after ${waitMs} ms waiting for ${what}; cron.job_run_details: ${JSON.stringify(rows)}\n${cluster!.log().slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function certifiedByPgCron(db: pg.Pool) {
    const { rows } = await db.query<{ certified: number; report: Record<string, unknown> | null }>(
      `select (select count(*)::int from public.birth_registry where certified) as certified,
              (select payload -> 'report' from birth_lane.evidence
                where kind = 'run_report' and payload -> 'report' ->> 'channel' = 'pg-cron'
                  and (payload -> 'report' ->> 'scanned')::int > 0
                order by id desc limit 1) as report`,
    );
    const row = rows[0]!;
    return row.certified === 3 && row.report !== null ? row.report : undefined;
  }

  it('install schedules the producer and PostgreSQL certifies the births with no Node process', async () => {
    const installed = await runCli(['pg-cron', 'install', '--schedule', schedule, '--json'], {
      DATABASE_URL: cluster!.url(LANE),
    });
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    expect(JSON.parse(installed.stdout)).toMatchObject({
      jobName: `birth-lane-producer:${LANE}`,
      schedule,
      command: 'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
      cronDatabase: LANE,
      laneDatabase: LANE,
      ruleSet: { version: defaultRuleSet.version },
      applied: ['pg-cron/0001_run_producer_from_pg_cron'],
    });
    // The second lane's job lives in the cron database and runs in its own (schedule_in_database).
    const other = await runCli(['pg-cron', 'install', '--schedule', schedule], {
      DATABASE_URL: cluster!.url(OTHER_LANE),
    });
    expect(other.stderr).toBe('');
    expect(other.code).toBe(0);
    expect(other.stdout).toContain(`jobs kept in "${LANE}"`);
    const { rows: jobs } = await lane.query(
      'select jobname, database, schedule from cron.job order by jobname',
    );
    expect(jobs).toEqual([
      { jobname: `birth-lane-producer:${LANE}`, database: LANE, schedule },
      { jobname: `birth-lane-producer:${OTHER_LANE}`, database: OTHER_LANE, schedule },
    ]);
    expect(await otherLane.query("select 1 from pg_extension where extname = 'pg_cron'")).toMatchObject({
      rowCount: 0,
    });

    const [report, otherReport] = await Promise.all([
      waitFor('pg_cron to certify the births in lane', () => certifiedByPgCron(lane)),
      waitFor('pg_cron to certify the births in lane_two', () => certifiedByPgCron(otherLane)),
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
    const beat = await waitFor('the pg_cron heartbeat to carry a run id', async () => {
      const { rows } = await lane.query(
        "select channel, last_run_id from birth_lane.producer_heartbeats where instance_id = 'pg-cron@lane' and last_run_id is not null",
      );
      return rows[0];
    });
    expect(beat.channel).toBe('pg-cron');

    const status = await runCli(['pg-cron', 'status', '--json'], { DATABASE_URL: cluster!.url(LANE) });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({
      cronDatabase: LANE,
      jobs: [{ jobName: `birth-lane-producer:${LANE}`, schedule, active: true, database: LANE }],
      inspectionCompiledFor: { version: defaultRuleSet.version },
      inspectionMatchesActiveRuleSet: true,
      runReports: expect.arrayContaining([
        expect.objectContaining({ channel: 'pg-cron', outcome: 'completed' }),
      ]),
    });
    expect(parsed.jobRuns.some((run: { status: string }) => run.status === 'succeeded')).toBe(true);
    const human = await runCli(['pg-cron', 'status'], { DATABASE_URL: cluster!.url(LANE) });
    expect(human.stdout).toMatch(/inspection {4}compiled for the active rule set \(1\.0\.0\)/);
    expect(human.stdout).toMatch(/succeeded in \d+\.\ds: CALL/);
  }, 120_000);

  it('refuses a schedule pg_cron cannot run and a time budget that cannot fit the statement timeout, changing nothing', async () => {
    const before = await lane.query('select jobid, schedule, command from cron.job order by jobid');
    const tooLong = await runCli(['pg-cron', 'install', '--time-budget-ms', '4500'], {
      DATABASE_URL: cluster!.url(LANE),
    });
    expect(tooLong.code).toBe(EXIT_CODES.usage);
    expect(tooLong.stderr).toMatch(/--time-budget-ms: 4500 ms .* statement_timeout of 5000 ms/);
    const bad = await runCli(['pg-cron', 'install', '--schedule', '61 * * * *'], {
      DATABASE_URL: cluster!.url(LANE),
    });
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.stderr).toMatch(/--schedule: pg_cron .* rejected '61 \* \* \* \*'/);
    if (schedule === '* * * * *') {
      const seconds = await runCli(['pg-cron', 'install', '--schedule', '5 seconds'], {
        DATABASE_URL: cluster!.url(LANE),
      });
      expect(seconds.code).toBe(EXIT_CODES.usage);
      expect(seconds.stderr).toMatch(/--schedule: '5 seconds' needs pg_cron 1\.5 or later/);
    }
    expect((await lane.query('select jobid, schedule, command from cron.job order by jobid')).rows).toEqual(
      before.rows,
    );
  });

  it('install is idempotent, and the job follows an approved activation with no reinstall', async () => {
    const again = await runCli(['pg-cron', 'install', '--schedule', schedule, '--json'], {
      DATABASE_URL: cluster!.url(LANE),
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).applied).toEqual([]);
    const { rows: jobs } = await lane.query(
      "select count(*)::int as n from cron.job where database = 'lane'",
    );
    expect(jobs[0].n).toBe(1);

    await saveRuleSet(lane, { ...defaultRuleSet, version: '1.0.1' });
    await activateWithDemoApprovals(lane, cluster!.url(LANE), '1.0.1');
    const followed = JSON.parse(
      (await runCli(['pg-cron', 'status', '--json'], { DATABASE_URL: cluster!.url(LANE) })).stdout,
    );
    expect(followed).toMatchObject({
      inspectionCompiledFor: { version: '1.0.1' },
      inspectionMatchesActiveRuleSet: true,
    });
    await lane.query('call birth_lane.run_producer_from_pg_cron(2000, 3000)');
    const lastReport = async () =>
      (
        await lane.query(
          "select payload -> 'report' as report from birth_lane.evidence where kind = 'run_report' order by id desc limit 1",
        )
      ).rows[0].report;
    expect(await lastReport()).toMatchObject({ channel: 'pg-cron', ruleSetVersion: '1.0.1' });

    // Another rule set made active behind the store's back: the job stamps nothing and says why.
    await saveRuleSet(lane, { ...defaultRuleSet, version: '1.0.2' });
    await lane.query(
      "update birth_lane.rule_sets set status = case when version = '1.0.2' then 'active' else 'retired' end, activated_at = now()",
    );
    const stale = JSON.parse(
      (await runCli(['pg-cron', 'status', '--json'], { DATABASE_URL: cluster!.url(LANE) })).stdout,
    );
    expect(stale.inspectionMatchesActiveRuleSet).toBe(false);
    await lane.query('call birth_lane.run_producer_from_pg_cron(2000, 3000)');
    expect(await lastReport()).toMatchObject({ channel: 'pg-cron', outcome: 'source_recovery_required' });
  });

  it('uninstall unschedules the job and records the heartbeat as stopped; again, it is a no-op', async () => {
    const removed = await runCli(['pg-cron', 'uninstall', '--json'], {
      DATABASE_URL: cluster!.url(OTHER_LANE),
    });
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout).removedJobIds).toHaveLength(1);
    const { rows: jobs } = await lane.query('select jobname from cron.job');
    expect(jobs).toEqual([{ jobname: `birth-lane-producer:${LANE}` }]);
    const { rows: beats } = await otherLane.query(
      "select state from birth_lane.producer_heartbeats where instance_id = 'pg-cron@lane_two'",
    );
    expect(beats).toEqual([{ state: 'stopped' }]);
    const again = await runCli(['pg-cron', 'uninstall'], { DATABASE_URL: cluster!.url(OTHER_LANE) });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no pg_cron job for database "lane_two"/);
  });

  describeProducerChannelConformance(
    'PgCronChannel',
    () => new PgCronChannel(target, { schedule: '*/5 * * * *', batchSize: 500, timeBudgetMs: 1000 }),
    { runsInDatabase: true },
  );

  it('after the channel stops, no job of the lane is left scheduled', async () => {
    const { rows } = await lane.query("select jobname from cron.job where database = 'lane'");
    expect(rows).toEqual([]);
  });
});
