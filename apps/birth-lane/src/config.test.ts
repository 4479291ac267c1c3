import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives sensible defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.BIRTH_LANE_DATA_DIR).toBe('.birth-lane');
    expect(config.BIRTH_LANE_CONCURRENCY).toBe(2);
  });

  it('leaves the test kit’s variables and CI’s require-switches alone', () => {
    expect(() =>
      loadConfig({
        BIRTH_LANE_TEST_SERVER: 'embedded',
        BIRTH_LANE_REQUIRE_CHROMIUM: '1',
        BIRTH_LANE_REQUIRE_PG_CRON: '1',
      }),
    ).not.toThrow();
  });

  it('reads the console settings, refusing a wrong one by name', () => {
    const config = loadConfig({ BIRTH_LANE_CONSOLE: '0', BIRTH_LANE_CONSOLE_SESSION_TTL_S: '600' });
    expect(config.BIRTH_LANE_CONSOLE).toBe('0');
    expect(config.BIRTH_LANE_CONSOLE_SESSION_TTL_S).toBe(600);
    expect(loadConfig({}).BIRTH_LANE_CONSOLE_ALLOW_TRUST).toBe('0');
    expect(() => loadConfig({ BIRTH_LANE_CONSOLE_SESSION_TTL_S: '5' })).toThrow(
      /BIRTH_LANE_CONSOLE_SESSION_TTL_S/,
    );
    expect(() => loadConfig({ BIRTH_LANE_CONSOLE_ALLOW_TRUST: 'yes' })).toThrow(
      /BIRTH_LANE_CONSOLE_ALLOW_TRUST/,
    );
  });

  it.each([
    [{ BIRTH_LANE_CONCURENCY: '4' }, 'BIRTH_LANE_CONCURENCY', 'unknown_key'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'pattern'],
    [{ BIRTH_LANE_CONCURRENCY: '0' }, 'BIRTH_LANE_CONCURRENCY', 'min'],
    [{ BIRTH_LANE_HTTP_TOKEN: 'short' }, 'BIRTH_LANE_HTTP_TOKEN', 'min'],
    [{ BIRTH_LANE_LOG_LEVEL: 'loud' }, 'BIRTH_LANE_LOG_LEVEL', 'one_of'],
  ])('refuses %o naming %s', (environment, field, rule) => {
    let caught: unknown;
    try {
      loadConfig(environment);
    } catch (error) {
      caught = error;
    }
    expect(ValidationError.isInstance(caught)).toBe(true);
    const issues = (caught as ValidationError).issues;
    expect(
      issues.some((issue) => issue.rule === rule && (issue.field === field || issue.message.includes(field))),
    ).toBe(true);
  });

  it('ignores the test kit variables and unrelated ones', () => {
    expect(() => loadConfig({ BIRTH_LANE_TEST_SERVER: 'embedded', HOME: '/root' })).not.toThrow();
  });
});
