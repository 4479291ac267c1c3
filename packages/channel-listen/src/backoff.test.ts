import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay up to the ceiling, each delay in the upper half of its step', () => {
    const lowest = new Backoff(100, 1000, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => lowest.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const highest = new Backoff(100, 1000, () => 1);
    expect([1, 2, 3, 4, 5].map(() => highest.next())).toEqual([100, 200, 400, 800, 1000]);
  });

  it('starts over after reset and counts attempts', () => {
    const backoff = new Backoff(100, 1000, () => 1);
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(2);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(100);
  });

  it('refuses a range that cannot back off', () => {
    expect(() => new Backoff(0, 10)).toThrow(RangeError);
    expect(() => new Backoff(100, 10)).toThrow(/initialMs <= maxMs/);
  });
});
