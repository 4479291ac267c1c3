import { silentLogger, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { createListenChannel } from './create-listen-channel.js';
import { listenChannelSettingsSchema } from './listen-settings.js';

const issuesOf = (input: unknown) => {
  const error = (() => {
    try {
      createListenChannel(input as never, {
        db: { query: async () => ({ rows: [], rowCount: 0 }) },
        logger: silentLogger,
        listen: {
          specificationVersion: 'v1',
          open: async () => ({ ping: async () => {}, close: async () => {} }),
        },
      });
    } catch (caught) {
      return caught;
    }
    return null;
  })();
  expect(ValidationError.isInstance(error)).toBe(true);
  return (error as ValidationError).issues.map((issue) => [issue.field, issue.rule]);
};

describe('listenChannelSettingsSchema', () => {
  it('fills in today’s defaults', () => {
    expect(listenChannelSettingsSchema.parse({})).toEqual({
      coalesceMs: 5,
      retryInitialMs: 100,
      retryMaxMs: 30_000,
      pingIntervalMs: 10_000,
      pingTimeoutMs: 5_000,
      heartbeatIntervalMs: 5_000,
      idleAfterMs: 1_000,
      summaryIntervalMs: 60_000,
    });
  });

  it('keeps what it is given', () => {
    expect(listenChannelSettingsSchema.parse({ coalesceMs: 100, batchSize: 500 })).toMatchObject({
      coalesceMs: 100,
      batchSize: 500,
    });
  });

  it('refuses bad settings through createListenChannel, naming each field and rule', () => {
    expect(issuesOf({ coalesceMs: -1, batchSize: 0, pingIntervalMs: 1.5, idleAfterMs: '1000' })).toEqual([
      ['coalesceMs', 'min'],
      ['batchSize', 'min'],
      ['pingIntervalMs', 'type'],
      ['idleAfterMs', 'type'],
    ]);
    expect(issuesOf({ coalesceMS: 5 })).toEqual([['(input)', 'unknown_key']]);
  });

  it('refuses a retry ceiling below the first retry delay', () => {
    expect(issuesOf({ retryInitialMs: 500, retryMaxMs: 100 })).toEqual([['retryMaxMs', 'min']]);
  });
});
