import { describe, expect, it } from 'vitest';
import { pgCronCommand, pgCronInstanceId, pgCronJobName } from './pg-cron-job-names.js';

describe('the job and its heartbeat, named per lane database', () => {
  it('names one job per lane database, within 63 bytes', () => {
    expect(pgCronJobName('registry')).toBe('birth-lane-producer:registry');
    const long = 'r'.repeat(63);
    const name = pgCronJobName(long);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name).toBe(pgCronJobName(long));
    expect(name).not.toBe(pgCronJobName(`${'r'.repeat(62)}s`));
  });

  it('names the heartbeat as the wrapper procedure does', () => {
    expect(pgCronInstanceId('registry')).toBe('pg-cron@registry');
  });

  it('writes only validated integers into the job command', () => {
    expect(pgCronCommand({ batchSize: 2000, timeBudgetMs: 3000 })).toBe(
      'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
    );
    expect(() => pgCronCommand({ batchSize: 1.5, timeBudgetMs: 3000 })).toThrow(/positive integer/);
    expect(() => pgCronCommand({ batchSize: 2000, timeBudgetMs: Number.NaN })).toThrow(/positive integer/);
  });
});
