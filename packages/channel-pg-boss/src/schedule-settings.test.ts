import { parseChannelSettings, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { scheduleChannelSettingsSchema } from './schedule-settings.js';

const parse = (input: unknown) => parseChannelSettings('schedule', scheduleChannelSettingsSchema, input);
const issuesOf = (input: unknown) => {
  try {
    parse(input);
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.issues.map(({ field, rule }) => ({ field, rule }));
    throw error;
  }
  return [];
};

describe('scheduleChannelSettingsSchema', () => {
  it('fills in the defaults', () => {
    expect(parse({ cron: ' */5 * * * * ' })).toEqual({
      cron: '*/5 * * * *',
      timeZone: 'UTC',
      runBudgetSeconds: 14 * 60,
      pollingIntervalSeconds: 2,
      stopTimeoutMs: 30_000,
    });
  });

  it('refuses an expression pg-boss cannot fire and an unknown zone, naming each field', () => {
    expect(issuesOf({ cron: '*/10 * * * * *' })).toEqual([{ field: 'cron', rule: 'cron' }]);
    expect(() => parse({ cron: '*/10 * * * * *' })).toThrow(/cron: has 6 fields/);
    // Both wrong: both named, the expression judged in UTC.
    expect(issuesOf({ cron: '61 * * * *', timeZone: 'Mars/Base' })).toEqual([
      { field: 'timeZone', rule: 'time_zone' },
      { field: 'cron', rule: 'cron' },
    ]);
    expect(() => parse({ cron: '* * * * *', timeZone: 'Mars/Base' })).toThrow(/timeZone:.*Mars\/Base/);
  });

  it('refuses settings out of bounds or unknown, naming the field', () => {
    expect(issuesOf({ cron: '@hourly', runBudgetSeconds: 0, batchSize: 50_001, tz: 'UTC' })).toEqual(
      expect.arrayContaining([
        { field: 'runBudgetSeconds', rule: 'min' },
        { field: 'batchSize', rule: 'max' },
        { field: '(input)', rule: 'unknown_key' },
      ]),
    );
  });
});
