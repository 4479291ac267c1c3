/**
 * Every pattern construct the translator handles, against characters chosen to split the two
 * engines if the translation were wrong: each kind of white space and line terminator, digits and
 * letters of other scripts, astral characters, bracket specials. JavaScript's verdict on the
 * original pattern must equal PostgreSQL's on the translation, for every pair.
 */
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { JS_WHITESPACE_CODE_POINTS, toPostgresRegex } from '../src/rules/portable-regex.js';

const t = useTestDatabase({ name: 'portable-regex' });

const PATTERNS = [
  '.',
  '^.$',
  '^.{2}$',
  '\\s',
  '^\\s+$',
  '\\S',
  '^\\S+$',
  '\\d',
  '^\\D+$',
  '\\w',
  '^\\W$',
  '[\\s\\d]',
  '[^\\s]',
  '[^\\w]',
  '[^\\d-]',
  '[^a-z]',
  '^[A-Z]+$',
  '[.]',
  '\\.',
  '[\\-]',
  '[a-c-e]',
  '[--/]',
  '[[:]',
  '[:a:]',
  '[\\]]',
  '[\\\\]',
  '\\^|\\$|\\/',
  '\\x41',
  '\\x41B',
  '\\u00e9',
  '\\u{1F600}',
  '\\uD83D\\uDE00',
  '[\\u{1F600}-\\u{1F64F}]',
  '\\cJ',
  '\\t|\\v|\\f',
  '(?:ab|c)+$',
  '^(?=.*\\d)(?!.*\\s)',
  'a|',
  '^$',
  'x{0}a',
  'a{2,3}?b',
  '^[ -~]*$',
  'é',
  'e\u0301',
  '😀',
  "'",
  '"',
];

const PROBES = [
  ...JS_WHITESPACE_CODE_POINTS.map((codePoint) => String.fromCodePoint(codePoint)),
  '\u0085', // NEL: white space in some locales, never in JavaScript's \s
  '\u180e', // Mongolian vowel separator: white space before Unicode 6.3
  '\u200b', // zero-width space: not white space
  '',
  'a',
  'A',
  'z',
  'é',
  'e\u0301',
  'É',
  'ß',
  'İ',
  '0',
  '٣', // Arabic-Indic three
  '１', // full-width one
  '_',
  '-',
  '.',
  '/',
  ':',
  '[',
  ']',
  '\\',
  '^',
  '$',
  "'",
  '"',
  '=',
  'AB',
  'Aȍ',
  'Б',
  '😀',
  '😀😀',
  '🙏',
  'ab',
  'abab',
  'aab',
  'aaab',
  'c',
  'x1',
  'x 1',
  'HELLO',
  'Hello',
  'a\nb',
  '\na',
  'a\n',
  'ok~',
  '\u0001',
  '\u007f',
];

describe('toPostgresRegex in a real PostgreSQL', () => {
  it('agrees with JavaScript on every pattern and probe', async () => {
    const patterns = PATTERNS.map((pattern, i) => ({ i, pg: toPostgresRegex(pattern) }));
    const probes = PROBES.map((value, j) => ({ j, value }));
    const { rows } = await t.db.pool.query<{ i: number; j: number; matches: boolean }>(
      `select p.i, s.j, (s.value collate "C") ~ p.pg as matches
         from jsonb_to_recordset($1::jsonb) as p(i int, pg text)
        cross join jsonb_to_recordset($2::jsonb) as s(j int, value text)
        order by p.i, s.j`,
      [JSON.stringify(patterns), JSON.stringify(probes)],
    );
    expect(rows).toHaveLength(PATTERNS.length * PROBES.length);
    const disagreements = rows
      .filter((row) => new RegExp(PATTERNS[row.i]!, 'u').test(PROBES[row.j]!) !== row.matches)
      .map((row) => `${PATTERNS[row.i]} on ${JSON.stringify(PROBES[row.j])}: PostgreSQL says ${row.matches}`);
    expect(disagreements).toEqual([]);
  });

  it('would disagree without the translation (the test can tell)', async () => {
    // The raw JavaScript pattern in PostgreSQL: `.` matches a newline there.
    const { rows } = await t.db.pool.query<{ matches: boolean }>("select E'a\\nb' ~ '^a.b$' as matches");
    expect(rows[0]?.matches).toBe(true);
    expect(/^a.b$/u.test('a\nb')).toBe(false);
  });
});
