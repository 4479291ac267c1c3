import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { parseTtl } from './ttl.js';

describe('parseTtl', () => {
  it('reads minutes, hours and days', () => {
    expect([parseTtl('90m'), parseTtl('24h'), parseTtl('7d')]).toEqual([5400, 86_400, 604_800]);
  });

  it.each(['24', '1w', '0h', '-1h', '31d', ''])('refuses %j, naming --ttl', (text) => {
    try {
      parseTtl(text);
      expect.unreachable();
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).subject).toBe('--ttl');
    }
  });
});
