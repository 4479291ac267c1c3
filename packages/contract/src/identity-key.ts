/**
 * The identity key: two logins with the same key are one person for the quorum rule, so `alice`,
 * `ALICE`, `ａｌｉｃｅ` (fullwidth) and `ali\u200bce` (a zero-width space inside) cannot vote on
 * alice's own request, nor count twice. `birth_lane.identity_key(text)` in sql/0003_approvals.sql is
 * the same rule; a test compares the two on every removed code point and on random names.
 *
 *  1. remove whitespace and invisible characters (IDENTITY_KEY_REMOVED_RANGES),
 *  2. NFKC-normalise (fullwidth and other compatibility forms become their plain letters),
 *  3. remove them again (NFKC can turn a character into a space),
 *  4. lower-case A-Z only.
 *
 * Only ASCII is lower-cased because PostgreSQL's lower() of other letters depends on the database
 * locale, and the two sides must agree on every server. Cross-script look-alikes (Cyrillic `а` for
 * Latin `a`) are not folded: they are different names, and folding them needs a confusables table.
 */

/**
 * Unicode White_Space and the Default_Ignorable_Code_Point set (soft hyphen, combining grapheme
 * joiner, Hangul fillers, Mongolian and variation selectors, zero-width and bidi controls, word
 * joiner and invisible operators, BOM, tags), as inclusive code point ranges.
 */
export const IDENTITY_KEY_REMOVED_RANGES: readonly (readonly [number, number])[] = [
  [0x0009, 0x000d],
  [0x0020, 0x0020],
  [0x0085, 0x0085],
  [0x00a0, 0x00a0],
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x1680, 0x1680],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x206f],
  [0x3000, 0x3000],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfff8],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe0fff],
];

const hex = (codePoint: number) => `\\u{${codePoint.toString(16)}}`;
const REMOVED = new RegExp(
  `[${IDENTITY_KEY_REMOVED_RANGES.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join('')}]`,
  'gu',
);

export function identityKey(name: string): string {
  const stripped = name.replace(REMOVED, '').normalize('NFKC').replace(REMOVED, '');
  return stripped.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
