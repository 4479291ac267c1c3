import { describe, expect, it } from 'vitest';
import { idsChecksum } from './checksum.js';

describe('idsChecksum', () => {
  it('reduces a negative sum into 0 .. 2^64-1, as the database does', () => {
    expect(idsChecksum(2n, -1n)).toBe('2:18446744073709551615');
    expect(idsChecksum(1n, 18446744073709551616n + 5n)).toBe('1:5');
  });
  it('tells sets of one size apart by their sums', () => {
    expect(idsChecksum(3n, 10n)).not.toBe(idsChecksum(3n, 11n));
  });
});
