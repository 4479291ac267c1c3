import { IDENTITY_KEY_REMOVED_RANGES } from '@birth-lane/contract';

/**
 * The one normalisation rule of the canonical check, mirrored from the SQL function
 * birth_lane.canonical_collection_key (a property test keeps the two in step): drop the invisible
 * characters, NFKC, drop them again, one space for every run of white space, trim, lower-case A-Z
 * only. `Kernel`, ` kernel `, `KERNEL`, the full-width `ｋｅｒｎｅｌ`, `kernel\u2063` and
 * `kern\u034Fel` are all `kernel`.
 *
 * The invisible characters are the identity key's removed class (IDENTITY_KEY_REMOVED_RANGES:
 * Default_Ignorable_Code_Point and White_Space) minus White_Space, which is kept as one space.
 */
const WHITE_SPACE_CLASS =
  '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const hex = (codePoint: number) => `\\u{${codePoint.toString(16)}}`;
const REMOVED_CLASS = `[${IDENTITY_KEY_REMOVED_RANGES.map(([from, to]) =>
  from === to ? hex(from) : `${hex(from)}-${hex(to)}`,
).join('')}]`;
const INVISIBLE = new RegExp(`(?![${WHITE_SPACE_CLASS}])${REMOVED_CLASS}`, 'gu');
const WHITE_SPACE = new RegExp(`[${WHITE_SPACE_CLASS}]+`, 'gu');

export function canonicalCollectionKey(name: string): string {
  return name
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(WHITE_SPACE, ' ')
    .replace(/^ +| +$/g, '')
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
