import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planIdRanges } from './id-ranges.js';

describe('planIdRanges', () => {
  it('splits a span into consecutive ranges of at most chunkIds ids', () => {
    expect(planIdRanges(1n, 10n, 4)).toEqual([
      { idFrom: '1', idTo: '4' },
      { idFrom: '5', idTo: '8' },
      { idFrom: '9', idTo: '10' },
    ]);
    expect(planIdRanges(7n, 7n, 50_000)).toEqual([{ idFrom: '7', idTo: '7' }]);
  });

  it('keeps ids beyond 2^53 exact', () => {
    const first = 9_007_199_254_740_993n;
    expect(planIdRanges(first, first + 2n, 2)).toEqual([
      { idFrom: '9007199254740993', idTo: '9007199254740994' },
      { idFrom: '9007199254740995', idTo: '9007199254740995' },
    ]);
  });

  it('refuses a chunk size below 1', () => {
    expect(() => planIdRanges(1n, 2n, 0)).toThrow(/chunkIds/);
  });

  it('covers every id of the span exactly once, whatever the span and chunk size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 700 }),
        (first, length, chunk) => {
          const ranges = planIdRanges(BigInt(first), BigInt(first + length), chunk);
          let expected = BigInt(first);
          for (const range of ranges) {
            expect(BigInt(range.idFrom)).toBe(expected);
            expect(BigInt(range.idTo) - BigInt(range.idFrom) + 1n <= BigInt(chunk)).toBe(true);
            expected = BigInt(range.idTo) + 1n;
          }
          expect(expected).toBe(BigInt(first + length) + 1n);
        },
      ),
    );
  });
});
