import { describe, expect, it } from 'vitest';
import { preloadsPgCron } from './pg-cron-target.js';

describe('preloadsPgCron', () => {
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
