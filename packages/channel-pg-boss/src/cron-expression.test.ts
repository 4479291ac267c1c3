import { describe, expect, it } from 'vitest';
import { cronExpressionIssue, timeZoneIssue } from './cron-expression.js';

describe('cronExpressionIssue', () => {
  it.each(['*/5 * * * *', '0 3 * * 1-5', '15,45 * * * *', '@hourly', '@daily', '  * * * * *  '])(
    'accepts %j',
    (expression) => {
      expect(cronExpressionIssue(expression)).toBeNull();
    },
  );

  it.each([
    ['', /must not be empty/],
    ['   ', /must not be empty/],
    ['* * * *', /five fields.*got 4/],
    ['* * * * * * *', /five fields.*got 7/],
    ['*/10 * * * * *', /at most once a minute/],
    ['61 * * * *', /not valid: .*61/],
    ['*/0 * * * *', /not valid/],
    ['bogus', /five fields.*got 1/],
    ['@every5m', /unknown shorthand/],
    ['@DAILY', /unknown shorthand/],
    ['0 0 31 2 *', /not valid/],
  ])('refuses %j saying why', (expression, why) => {
    expect(cronExpressionIssue(expression)).toMatch(why);
  });

  it('checks the expression in the given time zone and refuses an unknown zone', () => {
    expect(cronExpressionIssue('0 9 * * *', 'Europe/Berlin')).toBeNull();
    expect(cronExpressionIssue('0 9 * * *', 'Mars/Base')).toMatch(/Mars\/Base.*IANA/);
    expect(timeZoneIssue('UTC')).toBeNull();
  });
});
