import { describe, expect, it } from 'vitest';
import { BatchSizer } from './batch-sizer.js';

describe('BatchSizer', () => {
  const limits = { initial: 1000, min: 100, max: 8000, targetMs: 400 };

  it('grows while full batches run fast, up to the maximum', () => {
    const sizer = new BatchSizer(limits);
    for (let i = 0; i < 10; i += 1) sizer.record(sizer.size, 50);
    expect(sizer.size).toBe(8000);
  });

  it('grows back after one slow batch once a batch twice the size would not be slow', () => {
    const sizer = new BatchSizer(limits);
    sizer.record(1000, 700);
    expect(sizer.size).toBe(500);
    sizer.record(500, 240);
    expect(sizer.size).toBe(1000);
    sizer.record(1000, 260);
    expect(sizer.size).toBe(1000);
  });

  it('does not grow on a short tail batch', () => {
    const sizer = new BatchSizer(limits);
    sizer.record(10, 5);
    expect(sizer.size).toBe(1000);
  });

  it('halves after a slow batch and quarters after a timeout, never below the minimum', () => {
    const sizer = new BatchSizer(limits);
    sizer.record(1000, 900);
    expect(sizer.size).toBe(500);
    sizer.timedOut();
    expect(sizer.size).toBe(125);
    sizer.timedOut();
    expect(sizer.size).toBe(100);
  });
});
