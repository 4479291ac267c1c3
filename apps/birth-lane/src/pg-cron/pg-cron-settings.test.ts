import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import {
  assertSettingsFitServer,
  isSecondsSchedule,
  PG_CRON_DEFAULTS,
  parsePgCronFlags,
  pgCronCommand,
  pgCronJobName,
  pgCronVersion,
} from './pg-cron-settings.js';
import { preloadsPgCron } from './pg-cron-target.js';

function issuesOf(work: () => unknown): { field: string; rule: string }[] {
  try {
    work();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.issues.map(({ field, rule }) => ({ field, rule }));
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parsePgCronFlags', () => {
  it('defaults to one call a minute of 2000-row batches for at most 3 s', () => {
    expect(parsePgCronFlags({})).toEqual(PG_CRON_DEFAULTS);
  });

  it('accepts cron fields, macros and second intervals, normalising whitespace', () => {
    expect(parsePgCronFlags({ schedule: '  */5   * * * 1-5 ' }).schedule).toBe('*/5 * * * 1-5');
    expect(parsePgCronFlags({ schedule: '@hourly' }).schedule).toBe('@hourly');
    expect(parsePgCronFlags({ schedule: '30 seconds' }).schedule).toBe('30 seconds');
    expect(parsePgCronFlags({ batchSize: '50000', timeBudgetMs: '100' })).toMatchObject({
      batchSize: 50_000,
      timeBudgetMs: 100,
    });
  });

  it.each([
    ['* * * *'],
    ['* * * * * *'],
    ['0 seconds'],
    ['60 seconds'],
    ['5 secs'],
    ["* * * * *'; drop table x; --"],
    [''],
  ])('refuses the schedule %j naming --schedule', (schedule) => {
    expect(issuesOf(() => parsePgCronFlags({ schedule }))).toEqual([
      { field: '--schedule', rule: 'cron_schedule' },
    ]);
  });

  it.each([
    [{ batchSize: '0' }, '--batch-size', 'min'],
    [{ batchSize: '50001' }, '--batch-size', 'max'],
    [{ batchSize: '1.5' }, '--batch-size', 'pattern'],
    [{ batchSize: '-3' }, '--batch-size', 'pattern'],
    [{ timeBudgetMs: '99' }, '--time-budget-ms', 'min'],
    [{ timeBudgetMs: 'soon' }, '--time-budget-ms', 'pattern'],
  ])('refuses %j naming %s and the rule %s', (flags, field, rule) => {
    expect(issuesOf(() => parsePgCronFlags(flags))).toEqual([{ field, rule }]);
  });
});

describe('assertSettingsFitServer', () => {
  const settings = { schedule: '*/1 * * * *', batchSize: 2000, timeBudgetMs: 3000 };

  it('refuses a seconds schedule before pg_cron 1.5 and allows it from 1.5', () => {
    const seconds = { ...settings, schedule: '5 seconds' };
    expect(
      issuesOf(() => assertSettingsFitServer(seconds, { pgCronVersion: '1.4-1', statementTimeoutMs: 0 })),
    ).toEqual([{ field: '--schedule', rule: 'pg_cron_version' }]);
    expect(() =>
      assertSettingsFitServer(seconds, { pgCronVersion: '1.5', statementTimeoutMs: 0 }),
    ).not.toThrow();
    expect(() =>
      assertSettingsFitServer(seconds, { pgCronVersion: '2.0', statementTimeoutMs: 0 }),
    ).not.toThrow();
    expect(() =>
      assertSettingsFitServer(settings, { pgCronVersion: '1.4-1', statementTimeoutMs: 0 }),
    ).not.toThrow();
  });

  it('keeps the time budget at least 1000 ms under a statement timeout, and any budget without one', () => {
    const server = { pgCronVersion: '1.6', statementTimeoutMs: 5000 };
    expect(() => assertSettingsFitServer({ ...settings, timeBudgetMs: 4000 }, server)).not.toThrow();
    expect(issuesOf(() => assertSettingsFitServer({ ...settings, timeBudgetMs: 4001 }, server))).toEqual([
      { field: '--time-budget-ms', rule: 'inside_statement_timeout' },
    ]);
    expect(() =>
      assertSettingsFitServer({ ...settings, timeBudgetMs: 600_000 }, { ...server, statementTimeoutMs: 0 }),
    ).not.toThrow();
  });

  it("checks the budget against BIRTH_LANE_STATEMENT_TIMEOUT_MS too, the smaller of it and the server's", () => {
    const noServerLimit = { pgCronVersion: '1.6', statementTimeoutMs: 0 };
    const lane = { ...settings, laneStatementTimeoutMs: 5000 };
    expect(() => assertSettingsFitServer({ ...lane, timeBudgetMs: 4000 }, noServerLimit)).not.toThrow();
    expect(issuesOf(() => assertSettingsFitServer({ ...lane, timeBudgetMs: 4001 }, noServerLimit))).toEqual([
      { field: '--time-budget-ms', rule: 'inside_statement_timeout' },
    ]);
    expect(
      issuesOf(() =>
        assertSettingsFitServer(
          { ...lane, timeBudgetMs: 3000 },
          { ...noServerLimit, statementTimeoutMs: 3500 },
        ),
      ),
    ).toEqual([{ field: '--time-budget-ms', rule: 'inside_statement_timeout' }]);
    expect(() =>
      assertSettingsFitServer({ ...lane, laneStatementTimeoutMs: 3500, timeBudgetMs: 3000 }, noServerLimit),
    ).toThrow(/BIRTH_LANE_STATEMENT_TIMEOUT_MS of 3500 ms/);
  });
});

describe('pg_cron names and versions', () => {
  it('parses extension versions', () => {
    expect(isSecondsSchedule('59 seconds')).toBe(true);
    expect(isSecondsSchedule('* * * * *')).toBe(false);
    expect(pgCronVersion('1.4-1')).toEqual([1, 4]);
    expect(pgCronVersion('1.6')).toEqual([1, 6]);
    expect(pgCronVersion('dev')).toBeNull();
  });

  it('names one job per lane database, within 63 bytes', () => {
    expect(pgCronJobName('registry')).toBe('birth-lane-producer:registry');
    const long = 'r'.repeat(63);
    const name = pgCronJobName(long);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name).toBe(pgCronJobName(long));
    expect(name).not.toBe(pgCronJobName(`${'r'.repeat(62)}s`));
  });

  it('writes only validated integers into the job command', () => {
    expect(pgCronCommand({ batchSize: 2000, timeBudgetMs: 3000 })).toBe(
      'call birth_lane.run_producer_from_pg_cron(2000, 3000)',
    );
    expect(() => pgCronCommand({ batchSize: 1.5, timeBudgetMs: 3000 })).toThrow(/positive integer/);
    expect(() => pgCronCommand({ batchSize: 2000, timeBudgetMs: Number.NaN })).toThrow(/positive integer/);
  });

  it.each([
    ['pg_cron', true],
    ['pg_stat_statements, pg_cron', true],
    ['"pg_cron"', true],
    ['$libdir/pg_cron', true],
    ['pg_cron.so', true],
    ['', false],
    ['pg_cronish', false],
    ['pg_stat_statements', false],
  ])('reads shared_preload_libraries %j as preloading pg_cron: %s', (setting, expected) => {
    expect(preloadsPgCron(setting)).toBe(expected);
  });
});
