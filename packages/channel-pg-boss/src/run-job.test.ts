import { randomUUID } from 'node:crypto';
import { MAX_REGISTRY_ID } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { runJobSchema } from './run-job.js';

describe('runJobSchema', () => {
  const job = { parentRunKey: randomUUID(), chunk: 1, chunks: 2, idFrom: '10', idTo: '20' };

  it('accepts an id-range job, up to the largest bigint id', () => {
    expect(runJobSchema.parse(job)).toEqual(job);
    const last = { ...job, idTo: MAX_REGISTRY_ID.toString() };
    expect(runJobSchema.parse(last)).toEqual(last);
  });

  it.each([
    [{ ...job, idTo: '9' }, 'idTo'],
    [{ ...job, idFrom: '0' }, 'idFrom'],
    [{ ...job, idFrom: '010' }, 'idFrom'],
    [{ ...job, idFrom: 2 ** 53 + 2 }, 'idFrom'],
    [{ ...job, idTo: (MAX_REGISTRY_ID + 1n).toString() }, 'idTo'],
    [{ ...job, parentRunKey: 'x' }, 'parentRunKey'],
    [{ ...job, extra: true }, ''],
  ])('refuses %o naming %s', (input, field) => {
    const result = runJobSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((issue) => issue.path.join('.') === field)).toBe(true);
  });
});
