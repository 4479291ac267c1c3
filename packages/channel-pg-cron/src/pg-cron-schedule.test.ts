import { describe, expect, it } from 'vitest';
import { isScheduleShape, isSecondsSchedule, normaliseSchedule } from './pg-cron-schedule.js';

describe('pg_cron schedule shapes', () => {
  it.each([
    ['*/1 * * * *', true],
    ['0 3 * * 1-5', true],
    ['@hourly', true],
    ['1 seconds', true],
    ['59 seconds', true],
    ['* * * *', false],
    ['* * * * * *', false],
    ['0 seconds', false],
    ['60 seconds', false],
    ['@sometimes', false],
    ["* * * * *'; drop table x; --", false],
    ['', false],
  ])('%j is a schedule shape: %s', (schedule, expected) => {
    expect(isScheduleShape(schedule)).toBe(expected);
  });

  it('tells the sub-minute form apart and normalises white space', () => {
    expect(isSecondsSchedule('59 seconds')).toBe(true);
    expect(isSecondsSchedule('* * * * *')).toBe(false);
    expect(normaliseSchedule('  */5 \t  * * * 1-5 ')).toBe('*/5 * * * 1-5');
  });
});
