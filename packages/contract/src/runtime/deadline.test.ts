import { describe, expect, it } from 'vitest';
import { DeadlineError, withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('passes the result through when the work is in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'a quick call')).resolves.toBe(7);
  });

  it('passes the work error through', async () => {
    await expect(withDeadline(Promise.reject(new Error('refused')), 1000, 'a call')).rejects.toThrow(
      'refused',
    );
  });

  it('rejects with a DeadlineError naming what and how long', async () => {
    const never = new Promise<never>(() => {});
    const error = await withDeadline(never, 10, 'the health check').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe('the health check did not answer within 10 ms');
  });
});
