import { parseChannelSettings } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { httpChannelSettingsSchema } from './http-settings.js';

const parse = (input: unknown) => parseChannelSettings('http', httpChannelSettingsSchema, input);

describe('httpChannelSettingsSchema', () => {
  it('fills in every default but the token', () => {
    expect(parse({ token: 'sixteen-chars-ok' })).toEqual({
      port: 8080,
      host: '127.0.0.1',
      token: 'sixteen-chars-ok',
      keepRuns: 100,
      maxBodyBytes: 65536,
      heartbeatIntervalMs: 5000,
      databaseTimeoutMs: 3000,
      closeGraceMs: 5000,
    });
  });

  it('takes port 0 (a free port, for tests)', () => {
    expect(parse({ token: 'sixteen-chars-ok', port: 0 }).port).toBe(0);
  });

  it('requires a token of at least 16 characters, naming the field and never echoing it', () => {
    expect(() => parse({})).toThrow(/token: is required \(rule: required\)/);
    let message = '';
    try {
      parse({ token: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/token: must be at least 16 characters \(rule: min\)/);
    expect(message).not.toContain('short-secret');
  });

  it('refuses a port out of range and an unknown key, naming each', () => {
    expect(() => parse({ token: 'sixteen-chars-ok', port: 70000, bodyLimit: 5 })).toThrow(
      /http channel settings:[\s\S]*port:[\s\S]*\(input\): .*bodyLimit/,
    );
  });
});
