import { describe, expect, it } from 'vitest';
import { JS_WHITESPACE_CODE_POINTS, toPostgresRegex, unportablePatternReason } from './portable-regex.js';

describe('toPostgresRegex', () => {
  it.each([
    ['^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$', '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$'],
    ['^.+$', '^[^\\u000a\\u000d\\u2028\\u2029]+$'],
    ['^\\d{3}$', '^[0-9]{3}$'],
    ['\\W', '[^A-Za-z0-9_]'],
    ['[\\w.]', '[A-Za-z0-9_\\u002e]'],
    ['\\.', '\\u002e'],
    ['\\x41\\u00e9\\u{1F600}\\uD83D\\uDE00', 'A\\u00e9\\U0001f600\\U0001f600'],
    ['\\cJ', '\\u000a'],
    ['[a-c-e]', '[a-c\\u002de]'],
    ['[--/]', '[\\u002d-\\u002f]'],
    ['[[:]', '[\\u005b\\u003a]'],
    ['(?:ab|c)(?=d)(?!e)', '(?:ab|c)(?=d)(?!e)'],
    ['a{2,255}?', 'a{2,255}?'],
    ['😀.', '😀[^\\u000a\\u000d\\u2028\\u2029]'],
  ])('%s → %s', (pattern, expected) => {
    expect(toPostgresRegex(pattern)).toBe(expected);
  });

  it('spells \\s as the exact set JavaScript matches', () => {
    expect(toPostgresRegex('\\s')).toBe(
      `[${JS_WHITESPACE_CODE_POINTS.map((cp) => `\\u${cp.toString(16).padStart(4, '0')}`).join('')}]`,
    );
  });

  it.each([
    ['^[^]$', /empty class/],
    ['[]', /empty class/],
    ['[\\S]', /\\S inside brackets/],
    ['[^\\D]', /\\D inside brackets/],
    ['a{256}', /up to 255/],
    ['a{1,300}', /up to 255/],
    ['\\0', /NUL/],
    ['\\x00', /NUL/],
    ['\\uD800', /lone surrogate/],
  ])('refuses %s', (pattern, reason) => {
    expect(unportablePatternReason(pattern)).toMatch(reason);
  });

  it('refuses pattern modifiers: invalid on this engine, and group syntax PostgreSQL reads differently on newer ones', () => {
    expect(() => toPostgresRegex('(?i:a)')).toThrow(/group syntax|not a valid regular expression/);
  });

  it('reports an invalid JavaScript pattern instead of translating it', () => {
    expect(unportablePatternReason('[')).toMatch(/not a valid regular expression/);
    expect(unportablePatternReason('^ok$')).toBeNull();
  });
});

describe('JS_WHITESPACE_CODE_POINTS', () => {
  it('is exactly what this JavaScript engine matches with \\s in u mode', () => {
    const matched: number[] = [];
    const whitespace = /^\s$/u;
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      if (whitespace.test(String.fromCodePoint(codePoint))) matched.push(codePoint);
    }
    expect(matched).toEqual(JS_WHITESPACE_CODE_POINTS);
  });
});
