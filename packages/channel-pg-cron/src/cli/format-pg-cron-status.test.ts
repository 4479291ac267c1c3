import { runReportFixture } from '@birth-lane/contract/testing';
import { describe, expect, it } from 'vitest';
import type { PgCronStatus } from '../read-pg-cron-status.js';
import { formatPgCronStatus } from './format-pg-cron-status.js';

const NOW = new Date('2026-01-01T00:01:00Z');
const HASH = '1e4dd7457bb3'.padEnd(64, '0');

const status: PgCronStatus = {
  pgCronVersion: '1.4-1',
  cronDatabase: 'registry',
  laneDatabase: 'registry',
  jobs: [
    {
      jobId: '7',
      jobName: 'birth-lane-producer:registry',
      schedule: '*/1 * * * *',
      command: 'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
      database: 'registry',
      username: 'lane_admin',
      active: true,
    },
  ],
  jobRuns: [
    {
      runId: '3',
      jobId: '7',
      status: 'succeeded',
      returnMessage: 'CALL',
      startTime: new Date('2026-01-01T00:00:01Z'),
      endTime: new Date('2026-01-01T00:00:01.25Z'),
    },
  ],
  activeRuleSet: { version: '1.0.0', hash: HASH },
  inspectionCompiledFor: { version: '1.0.0', hash: HASH },
  inspectionMatchesActiveRuleSet: true,
  heartbeat: { state: 'idle', beatAt: new Date('2026-01-01T00:00:48Z'), lastRunId: null },
  runReports: [
    runReportFixture({
      channel: 'pg-cron',
      scanned: 2,
      passed: { pen: 2, stamp: 2, gate: 2 },
      failed: { pen: 0, stamp: 0, gate: 0 },
    }),
  ],
};

describe('formatPgCronStatus', () => {
  it('shows the job, what it judges by, its heartbeat, its runs and their reports', () => {
    expect(formatPgCronStatus(status, NOW).split('\n')).toEqual([
      'pg_cron       1.4-1, jobs kept in database "registry"; lane database "registry"',
      'job           #7 birth-lane-producer:registry \'*/1 * * * *\' active, as lane_admin in "registry"',
      '              call birth_lane.run_producer_from_pg_cron(2000, 3000)',
      'rule set      1.0.0 (1e4dd7457bb3…)',
      'inspection    compiled for the active rule set (1.0.0)',
      'heartbeat     idle, beat 12s ago',
      'job runs      (cron.job_run_details, newest first)',
      '  2026-01-01T00:00:01.000Z succeeded in 0.3s: CALL',
      "run reports   (evidence, channel 'pg-cron', newest first)",
      '  2026-01-01T00:00:02.500Z completed  scanned 2, passed 2/2/2, failed 0/0/0',
    ]);
  });

  it('says when the job stamps nothing, and why', () => {
    const stale = formatPgCronStatus(
      {
        ...status,
        activeRuleSet: { version: '1.0.2', hash: 'b'.repeat(64) },
        inspectionMatchesActiveRuleSet: false,
      },
      NOW,
    );
    expect(stale).toContain(
      'inspection    STALE: compiled for rule set 1.0.0, not the active one; the job stamps nothing',
    );
    const none = formatPgCronStatus(
      {
        ...status,
        jobs: [],
        jobRuns: [],
        runReports: [],
        heartbeat: null,
        activeRuleSet: { error: 'no rule set is active' },
        inspectionCompiledFor: { version: null, hash: null },
        inspectionMatchesActiveRuleSet: false,
      },
      NOW,
    );
    expect(none.split('\n')).toEqual([
      'pg_cron       1.4-1, jobs kept in database "registry"; lane database "registry"',
      'job           none scheduled (run `birth-lane pg-cron install`)',
      'rule set      NONE ACTIVE: no rule set is active',
      'inspection    NOT COMPILED: no rule set has been activated; the job stamps nothing',
      'heartbeat     none yet',
      'job runs      none yet',
      'run reports   none yet',
    ]);
  });
});
