import { EXIT_CODES } from '@birth-lane/contract';
import { defaultRuleSet } from '@birth-lane/inspect-producer';
import {
  pgCronTestsAvailable,
  startPgCronCluster,
  type TemporaryCluster,
  useTestDatabase,
} from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { installLane } from '../src/lane/install-lane.js';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli } from './run-cli.js';

/**
 * `birth-lane pg-cron …` through the binary: the app composes the channel package's command line
 * with its host (database, settings, exit codes). The channel's own behaviour, including the job
 * really running inside PostgreSQL, is tested in packages/channel-pg-cron.
 */
const PG_CRON_UNAVAILABLE = EXIT_CODES.unavailable;

describe('birth-lane pg-cron on a server without pg_cron (the default test server)', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });

  it('refuses a bad flag with exit 64 naming the flag, before opening any database', async () => {
    const result = await runCli(['pg-cron', 'install', '--batch-size', '0'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^birth-lane: .*--batch-size must be a whole number from 1 to 50000/);
  });

  it('install exits 69 saying how to enable pg_cron, and installs nothing', async () => {
    const install = await runCli(['pg-cron', 'install'], { DATABASE_URL: t.db.connectionString });
    expect(install.code).toBe(PG_CRON_UNAVAILABLE);
    expect(install.stderr).toMatch(/^birth-lane: PG_CRON_UNAVAILABLE \((not_preloaded|package_missing)\)/);
    expect(install.stderr).toContain(`cron.database_name = '${t.db.databaseName}'`);
    expect(install.stderr).toContain('Nothing was installed or scheduled.');
    const { rows } = await t.db.pool.query(
      "select to_regprocedure('birth_lane.run_producer_from_pg_cron(integer,integer)') is null as absent",
    );
    expect(rows).toEqual([{ absent: true }]);
  });
});

const LANE = 'lane';
/** A second lane database on the same server: its job is kept in LANE's pg_cron. */
const OTHER_LANE = 'lane_two';

describe.skipIf(!pgCronTestsAvailable())(
  'birth-lane pg-cron on a PostgreSQL 15 cluster with pg_cron loaded',
  () => {
    let cluster: TemporaryCluster | undefined;
    const pools: pg.Pool[] = [];
    const cli = (database: string, ...args: string[]) =>
      runCli(['pg-cron', ...args], { DATABASE_URL: cluster!.url(database) });

    beforeAll(async () => {
      cluster = await startPgCronCluster({ cronDatabase: LANE, otherDatabases: [OTHER_LANE] });
      for (const name of [LANE, OTHER_LANE]) {
        const pool = new pg.Pool({ connectionString: cluster.url(name), max: 3 });
        pool.on('error', () => undefined);
        pools.push(pool);
        await installLane(pool);
      }
      // lane_two's rule set is activated by the test that first finds it missing.
      await activateWithDemoApprovals(pools[0]!, cluster.url(LANE), defaultRuleSet.version);
    }, 120_000);

    // The cluster and its jobs go with it: nothing to uninstall.
    afterAll(async () => {
      for (const pool of pools) await pool.end();
      await cluster?.stop();
    });

    it('install schedules the job in the lane database and from there for another lane; with no active rule set, exit 2', async () => {
      const unready = await cli(OTHER_LANE, 'install');
      expect(unready.code).toBe(EXIT_CODES.source_recovery_required);
      expect(unready.stderr).toMatch(/^birth-lane: SOURCE_RECOVERY_REQUIRED: No usable active rule set/);

      const installed = await cli(LANE, 'install', '--json');
      expect(installed.stderr).toBe('');
      expect(installed.code).toBe(0);
      expect(JSON.parse(installed.stdout)).toMatchObject({
        jobName: `birth-lane-producer:${LANE}`,
        schedule: '*/1 * * * *',
        command: 'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
        cronDatabase: LANE,
        laneDatabase: LANE,
        ruleSet: { version: defaultRuleSet.version },
        applied: ['pg-cron/0001_run_producer_from_pg_cron', 'pg-cron/0002_wrapper_producer_only'],
      });

      await activateWithDemoApprovals(pools[1]!, cluster!.url(OTHER_LANE), defaultRuleSet.version);
      const other = await cli(OTHER_LANE, 'install', '--schedule', '*/5 * * * *');
      expect(other.stderr).toBe('');
      expect(other.code).toBe(0);
      expect(other.stdout).toContain(`jobs kept in "${LANE}"`);
      expect(other.stdout).toContain(`compiled for the active rule set ${defaultRuleSet.version}`);
      const { rows: jobs } = await pools[0]!.query('select jobname, database from cron.job order by jobname');
      expect(jobs).toEqual([
        { jobname: `birth-lane-producer:${LANE}`, database: LANE },
        { jobname: `birth-lane-producer:${OTHER_LANE}`, database: OTHER_LANE },
      ]);
    });

    it('refuses a time budget that cannot fit the statement timeout with exit 64, naming the flag', async () => {
      const tooLong = await cli(LANE, 'install', '--time-budget-ms', '4500');
      expect(tooLong.code).toBe(EXIT_CODES.usage);
      expect(tooLong.stderr).toMatch(/--time-budget-ms: 4500 ms .* statement_timeout of 5000 ms/);
    });

    it('status shows the job and what it judges by', async () => {
      const json = await cli(LANE, 'status', '--json');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        cronDatabase: LANE,
        jobs: [{ jobName: `birth-lane-producer:${LANE}`, active: true, database: LANE }],
        inspectionCompiledFor: { version: defaultRuleSet.version },
        inspectionMatchesActiveRuleSet: true,
        heartbeat: { state: 'idle' },
      });
    });

    it('uninstall unschedules the job', async () => {
      const removed = await cli(OTHER_LANE, 'uninstall', '--json');
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.stdout).removedJobIds).toHaveLength(1);
      const { rows: jobs } = await pools[0]!.query('select jobname from cron.job');
      expect(jobs).toEqual([{ jobname: `birth-lane-producer:${LANE}` }]);
    });
  },
);
