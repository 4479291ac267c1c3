import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinearRegex } from '../src/rules/linear-regex.js';
import { pattern, TRICKY_CHARS } from './regex-arbitraries.js';

const input = fc.array(fc.constantFrom(...TRICKY_CHARS), { maxLength: 10 }).map((parts) => parts.join(''));

describe('compileLinearRegex', () => {
  it('answers exactly what RegExp(pattern, "u").test answers', () => {
    fc.assert(
      fc.property(pattern, fc.array(input, { minLength: 20, maxLength: 20 }), (source, values) => {
        const linear = compileLinearRegex(source);
        const native = new RegExp(source, 'u');
        for (const value of values) {
          if (linear.test(value) !== native.test(value)) {
            throw new Error(`${source} on ${JSON.stringify(value)}: RegExp says ${native.test(value)}`);
          }
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it.each([
    ['^(?=.*\\d)(?!.*\\s).{3,}$', ['ab1', 'a b1', 'abc', '1'], [true, false, false, false]],
    ['(?=^a)a', ['a', 'ba'], [true, false]],
    ['a(?!b)', ['ab', 'ac', 'abac'], [false, true, true]],
    ['(?:a*)*b', ['aaab', 'aaa', ''], [true, false, false]],
    ['x{0}$', ['', 'abc'], [true, true]],
    ['^$', ['', '\n'], [true, false]],
    ['a|', ['', 'zzz'], [true, true]],
  ])('%s', (source, values, expected) => {
    const linear = compileLinearRegex(source);
    expect(values.map((value) => linear.test(value))).toEqual(expected);
    expect(values.map((value) => new RegExp(source, 'u').test(value))).toEqual(expected);
  });

  // RegExp needs minutes (or longer) for these; the evaluator must not hang on a long description.
  it.each([
    ['.+\\S*\\dZ?(?:a|b)$', '😀'.repeat(4096)],
    ['^(a+)+$', `${'a'.repeat(5000)}!`],
    ['^(?:\\s*\\S*)*\\d$', `${'x '.repeat(2048)}`],
    ['^(?=(?:.*a){3}).*$', 'b'.repeat(4096)],
  ])('stays linear on %s over a 4,096-character value', (source, value) => {
    const started = performance.now();
    expect(compileLinearRegex(source).test(value)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses a pattern whose program would be huge', () => {
    expect(() => compileLinearRegex('(?:(?:a{255}){255})')).toThrow(/too large/);
  });
});
