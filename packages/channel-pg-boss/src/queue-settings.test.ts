import { parseChannelSettings, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { queueChannelSettingsSchema } from './queue-settings.js';
import { RUN_JOB_BUDGET_SECONDS } from './run-queue.js';

const parse = (input: unknown) => parseChannelSettings('queue', queueChannelSettingsSchema, input);

describe('queueChannelSettingsSchema', () => {
  it('fills in the defaults', () => {
    expect(parse({})).toEqual({
      teamSize: 1,
      runBudgetSeconds: RUN_JOB_BUDGET_SECONDS,
      pollingIntervalSeconds: 2,
      stopTimeoutMs: 30_000,
    });
  });

  it('refuses a run budget that would outlast the job expiry, and a team too large, naming the field', () => {
    try {
      parse({ teamSize: 65, runBudgetSeconds: RUN_JOB_BUDGET_SECONDS + 1 });
      expect.unreachable();
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues.map(({ field, rule }) => ({ field, rule }))).toEqual([
        { field: 'teamSize', rule: 'max' },
        { field: 'runBudgetSeconds', rule: 'max' },
      ]);
    }
  });
});
