import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { quoteLiteral } from './sql-identifier.js';

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

  it('wraps plain text in single quotes', () => {
    expect(quoteLiteral('species')).toBe("'species'");
  });

  it('doubles a single quote so it cannot end the literal', () => {
    expect(quoteLiteral("o'brien")).toBe("'o''brien'");
    expect(quoteLiteral("'); drop table public.birth_registry; --")).toBe(
      "'''); drop table public.birth_registry; --'",
    );
  });

  it('uses the E form with doubled backslashes when the value holds a backslash', () => {
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(quoteLiteral("\\'")).toBe("E'\\\\'''");
  });

  it('refuses a NUL character, naming the field', () => {
    const error = (() => {
      try {
        quoteLiteral('a\u0000b', 'mapping.status.literal');
      } catch (caught) {
        return caught;
      }
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues[0]?.field).toBe('mapping.status.literal');
  });
});
