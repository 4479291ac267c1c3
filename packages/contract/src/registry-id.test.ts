import { describe, expect, it } from 'vitest';
import { parseOrThrow } from './parse.js';
import { registryIdSchema } from './registry-row.js';

describe('registryIdSchema', () => {
  it('accepts ids up to the bigint maximum, as text', () => {
    expect(registryIdSchema.parse('9223372036854775807')).toBe('9223372036854775807');
    expect(registryIdSchema.parse(42)).toBe('42');
  });

  it('refuses an id one past the bigint maximum, naming the rule', () => {
    expect(() => parseOrThrow(registryIdSchema, '9223372036854775808', 'id')).toThrow(
      /no larger than 9223372036854775807/,
    );
  });

  it('refuses zero, signs, leading zeros and unsafe numbers', () => {
    for (const bad of ['0', '-1', '+1', '007', '1e3', '', 2 ** 53]) {
      expect(registryIdSchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});
