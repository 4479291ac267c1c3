import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { quoteLiteral } from './quote-literal.js';

describe('quoteLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ['', "''"],
    ["it's", "'it''s'"],
    ["'; drop table x; --", "'''; drop table x; --'"],
    ['^\\d+$', "E'^\\\\d+$'"],
    ["\\'", "E'\\\\'''"],
    ['tab\there', "'tab\there'"],
    ['😀', "'😀'"],
  ])('%j → %s', (value, expected) => {
    expect(quoteLiteral(value)).toBe(expected);
  });

  it('refuses NUL, which PostgreSQL text cannot hold', () => {
    expect(() => quoteLiteral('a\u0000b')).toThrow(ValidationError);
  });
});
