/** Patterns for property tests: every construct the translator and the linear matcher handle. */
import fc from 'fast-check';

/** Hand-picked patterns exercising every construct the translator rewrites or passes through. */
export const PATTERN_POOL = [
  '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$',
  '^.+$',
  '^.*$',
  '.',
  '^.{2}$',
  '^.{0,10}$',
  '^\\s*$',
  '\\s',
  '\\S',
  '^\\S+$',
  '^\\d+$',
  '\\D',
  '^\\w+$',
  '\\W',
  '[\\s\\d]',
  '[^\\s]',
  '[^\\n]+$',
  '^[a-z]+$',
  '^[^a-z]*$',
  '^(?:active|draft)$',
  '^(?:fauna|flora)',
  'é',
  '😀',
  '^[\\u0041-\\u005A]',
  '\\x41',
  '\\u{1F600}',
  '\\uD83D\\uDE00',
  '\\u2028',
  '\\cJ',
  '^(?=.*\\d)',
  '(?!^SP-)SP',
  'a|',
  '^$',
  '[.]',
  '\\.',
  '[\\-]',
  '[a-c-e]',
  '[--/]',
  '[[:]',
  '[\\]]',
  '\\^|\\$|\\/',
  'x{0}a',
  '^[ -~]*$',
  '[\\u00a0\\u3000]',
  "'",
  '\\\\',
  '(a|b)*c',
  'SP-[A-Z]+',
  '^[A-Z]+-[0-9]{3}$',
  '[\\t\\r]',
  'a*?$',
];

const patternAtom = fc.constantFrom(
  'a',
  'Z',
  '-',
  ' ',
  'é',
  '😀',
  '0',
  '\\.',
  '.',
  '\\d',
  '\\D',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '[a-z]',
  '[^0-9]',
  '[A-Z0-9]',
  '[\\s\\w]',
  '(?:a|b)',
  '[é😀]',
  '(?=\\d)',
  '(?!a)',
  '(?:\\s|é)',
  '(?:a*)',
  '(?:[a-z]|\\d)',
  '(a|)',
);
const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{1,3}', '{2}', '*?', '{0,}');
export const composedPattern = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(patternAtom, quantifier), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
  )
  .map(
    ([start, atoms, end]) =>
      `${start ? '^' : ''}${atoms.map(([atom, q]) => atom + q).join('')}${end ? '$' : ''}`,
  )
  // A quantified lookahead is not valid in u mode; keep only what JavaScript accepts.
  .filter((source) => {
    try {
      new RegExp(source, 'u');
      return true;
    } catch {
      return false;
    }
  });
export const pattern = fc.oneof(fc.constantFrom(...PATTERN_POOL), composedPattern);

/** Characters that split the regex engines and make lengths and trimming interesting. */
export const TRICKY_CHARS = [
  'a',
  'b',
  'c',
  'Z',
  'é',
  'e\u0301',
  '😀',
  '0',
  '9',
  '٣',
  '１',
  '-',
  '_',
  '.',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u2028',
  '\u00a0',
  '\u3000',
  "'",
  '\\',
  '"',
  'SP',
];
