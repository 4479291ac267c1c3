import { parseChannelSettings, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { PG_CRON_DEFAULTS } from './pg-cron-defaults.js';
import { assertSettingsFitServer, pgCronSettingsSchema, pgCronVersion } from './pg-cron-settings.js';

function issuesOf(work: () => unknown): { field: string; rule: string }[] {
  try {
    work();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.issues.map(({ field, rule }) => ({ field, rule }));
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const parse = (input: unknown) => parseChannelSettings('pg-cron', pgCronSettingsSchema, input);

describe('pgCronSettingsSchema', () => {
  it('defaults to one call a minute of 2000-row batches for at most 3 s', () => {
    expect(parse({})).toEqual(PG_CRON_DEFAULTS);
  });

  it('accepts cron fields, macros and second intervals, normalising whitespace', () => {
    expect(parse({ schedule: '  */5   * * * 1-5 ' }).schedule).toBe('*/5 * * * 1-5');
    expect(parse({ schedule: '@hourly' }).schedule).toBe('@hourly');
    expect(parse({ schedule: '30 seconds' }).schedule).toBe('30 seconds');
    expect(parse({ batchSize: 50_000, timeBudgetMs: 100, laneStatementTimeoutMs: 5000 })).toMatchObject({
      batchSize: 50_000,
      timeBudgetMs: 100,
      laneStatementTimeoutMs: 5000,
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
  ])('refuses the schedule %j naming schedule', (schedule) => {
    expect(issuesOf(() => parse({ schedule }))).toEqual([{ field: 'schedule', rule: 'cron_schedule' }]);
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize', 'min'],
    [{ batchSize: 50_001 }, 'batchSize', 'max'],
    [{ batchSize: 1.5 }, 'batchSize', 'type'],
    [{ batchSize: '2000' }, 'batchSize', 'type'],
    [{ timeBudgetMs: 99 }, 'timeBudgetMs', 'min'],
    [{ timeBudgetMs: 600_001 }, 'timeBudgetMs', 'max'],
    [{ laneStatementTimeoutMs: 0 }, 'laneStatementTimeoutMs', 'min'],
    [{ timeBudget: 3000 }, '(input)', 'unknown_key'],
  ])('refuses %j naming %s and the rule %s', (input, field, rule) => {
    expect(issuesOf(() => parse(input))).toEqual([{ field, rule }]);
  });

  it('names the channel in the error', () => {
    expect(() => parse({ batchSize: 0 })).toThrow(/pg-cron channel settings/);
  });
});

describe('assertSettingsFitServer', () => {
  const settings = parse({});

  it('refuses a seconds schedule before pg_cron 1.5 and allows it from 1.5', () => {
    const seconds = { ...settings, schedule: '5 seconds' };
    expect(
      issuesOf(() => assertSettingsFitServer(seconds, { pgCronVersion: '1.4-1', statementTimeoutMs: 0 })),
    ).toEqual([{ field: 'schedule', rule: 'pg_cron_version' }]);
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
      { field: 'timeBudgetMs', rule: 'inside_statement_timeout' },
    ]);
    expect(() =>
      assertSettingsFitServer({ ...settings, timeBudgetMs: 600_000 }, { ...server, statementTimeoutMs: 0 }),
    ).not.toThrow();
  });

  it("checks the budget against the lane's statement timeout too, the smaller of it and the server's", () => {
    const noServerLimit = { pgCronVersion: '1.6', statementTimeoutMs: 0 };
    const lane = { ...settings, laneStatementTimeoutMs: 5000 };
    expect(() => assertSettingsFitServer({ ...lane, timeBudgetMs: 4000 }, noServerLimit)).not.toThrow();
    expect(issuesOf(() => assertSettingsFitServer({ ...lane, timeBudgetMs: 4001 }, noServerLimit))).toEqual([
      { field: 'timeBudgetMs', rule: 'inside_statement_timeout' },
    ]);
    expect(
      issuesOf(() =>
        assertSettingsFitServer(
          { ...lane, timeBudgetMs: 3000 },
          { ...noServerLimit, statementTimeoutMs: 3500 },
        ),
      ),
    ).toEqual([{ field: 'timeBudgetMs', rule: 'inside_statement_timeout' }]);
    expect(() =>
      assertSettingsFitServer({ ...lane, laneStatementTimeoutMs: 3500, timeBudgetMs: 3000 }, noServerLimit),
    ).toThrow(/BIRTH_LANE_STATEMENT_TIMEOUT_MS\) of 3500 ms/);
  });

  it('parses extension versions', () => {
    expect(pgCronVersion('1.4-1')).toEqual([1, 4]);
    expect(pgCronVersion('1.6')).toEqual([1, 6]);
    expect(pgCronVersion('dev')).toBeNull();
  });
});
