import { existsSync } from 'node:fs';
import { pgCronSteps } from '@birth-lane/channel-pg-cron';
import type { Step } from '@birth-lane/contract';
import { postgresBinDir, startTemporaryCluster, type TemporaryCluster } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { checkStep, type StepReport } from './footprint-check.js';

/**
 * The same per-step check as install-footprints.int.test.ts, on a cluster of its own: no other
 * database holds the lane's roles, so the steps that create roles really create them and their
 * rollbacks must really drop them. Needs PostgreSQL 15's own binaries (initdb), which npm cannot
 * provide: without them the file is skipped, saying so; with BIRTH_LANE_REQUIRE_PG_CRON=1 (.ci/run
 * installs postgresql-15 for the pg_cron tests) it runs and fails naming what is missing.
 */
const initdb = `${postgresBinDir(15)}/initdb`;
const available = existsSync(initdb) || process.env['BIRTH_LANE_REQUIRE_PG_CRON'] === '1';
if (!available)
  process.stderr.write(
    `[birth-lane tests] fresh-cluster footprint test SKIPPED: missing ${initdb} (apt-get install -y postgresql-15)\n`,
  );

const steps: readonly Step[] = [...laneSteps, ...pgCronSteps];

describe.skipIf(!available)(
  'every install step on a cluster of its own: roles created and dropped exactly',
  () => {
    let cluster: TemporaryCluster;
    let pool: pg.Pool;
    beforeAll(async () => {
      cluster = await startTemporaryCluster({ major: 15 });
      pool = new pg.Pool({ connectionString: cluster.url('postgres'), max: 1 });
    });
    afterAll(async () => {
      await pool?.end();
      await cluster?.stop();
    });

    it('each step: diff == plan, rollback == pre-step catalog (roles included), re-apply == first apply', async () => {
      const problems: StepReport[] = [];
      const createdRoles: string[] = [];
      for (const step of steps) {
        const { report } = await checkStep(pool, step, { sharedCluster: false });
        const { rows } = await pool.query<{ rolname: string }>(
          "select rolname from pg_roles where rolname like 'birth\\_lane\\_%' order by rolname",
        );
        for (const { rolname } of rows) if (!createdRoles.includes(rolname)) createdRoles.push(rolname);
        if (
          report.unplanned.length +
            report.unrealised.length +
            report.notRestored.length +
            report.reapplyDiffers.length >
          0
        )
          problems.push(report);
      }
      expect(problems).toEqual([]);
      // The roles really were created here (and, above, dropped by each rollback before re-applying).
      expect(createdRoles.sort()).toEqual([
        'birth_lane_ai_council',
        'birth_lane_approver',
        'birth_lane_backlog',
        'birth_lane_birth',
        'birth_lane_governance',
        'birth_lane_president',
        'birth_lane_producer',
        'birth_lane_promoter',
        'birth_lane_reader',
        'birth_lane_staging',
      ]);
    });
  },
);
