/**
 * The one normalisation rule of the canonical check, mirrored from the SQL function
 * birth_lane.canonical_collection_key (a property test keeps the two in step): NFKC, drop the
 * invisible format characters, one space for every run of white space, trim, lower-case A-Z only.
 * `Kernel`, ` kernel `, `KERNEL` and the full-width `ｋｅｒｎｅｌ` are all `kernel`.
 */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const WHITE_SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

export function canonicalCollectionKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(WHITE_SPACE, ' ')
    .replace(/^ +| +$/g, '')
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
