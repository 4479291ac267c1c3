import { describe, expect, it } from 'vitest';
import { nextBatchSize } from './batch-size.js';

const bounds = { min: 100, max: 20_000, targetMs: 400 };

describe('nextBatchSize', () => {
  it('grows a fast full batch, at most doubling', () => {
    expect(nextBatchSize({ size: 1000, taken: 1000, elapsedMs: 100 }, bounds)).toBe(2000);
    expect(nextBatchSize({ size: 1000, taken: 1000, elapsedMs: 300 }, bounds)).toBe(1333);
  });
  it('shrinks a slow one, at most halving, never below the minimum', () => {
    expect(nextBatchSize({ size: 1000, taken: 1000, elapsedMs: 4000 }, bounds)).toBe(500);
    expect(nextBatchSize({ size: 150, taken: 150, elapsedMs: 4000 }, bounds)).toBe(100);
  });
  it('keeps the size after a short batch (end of a slice)', () => {
    expect(nextBatchSize({ size: 1000, taken: 10, elapsedMs: 5 }, bounds)).toBe(1000);
  });
});
