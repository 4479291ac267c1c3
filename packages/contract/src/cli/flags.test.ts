import { describe, expect, it } from 'vitest';
import { registryIdFlag, secondsFlag, wholeNumberFlag } from './flags.js';

describe('flag parsers', () => {
  it('wholeNumberFlag keeps to its bounds and names the flag', () => {
    expect(wholeNumberFlag('--rows', 1, 10)('10')).toBe(10);
    expect(() => wholeNumberFlag('--rows', 1, 10)('11')).toThrow(
      '--rows must be a whole number from 1 to 10, got "11"',
    );
    expect(() => wholeNumberFlag('--rows', 1, 10)('1.5')).toThrow(/--rows/);
  });

  it('secondsFlag takes decimals within bounds', () => {
    expect(secondsFlag('--wait', 0.1, 60)('0.5')).toBe(0.5);
    expect(() => secondsFlag('--wait', 0.1, 60)('61')).toThrow(
      '--wait must be a number of seconds from 0.1 to 60',
    );
  });

  it('registryIdFlag takes bigint ids as text and refuses ids beyond the bigint range', () => {
    expect(registryIdFlag('--approval')('9223372036854775807')).toBe('9223372036854775807');
    expect(() => registryIdFlag('--approval')('9223372036854775808')).toThrow(
      /--approval must be a positive whole number/,
    );
    expect(() => registryIdFlag('--approval')('0')).toThrow(/--approval/);
    expect(() => registryIdFlag('--approval')('042')).toThrow(/--approval/);
  });
});
