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
