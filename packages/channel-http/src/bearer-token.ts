import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the expected token in constant time. Both sides
 * are hashed first so the comparison takes the same time whatever the length of the guess, and
 * the length of the real token does not leak either.
 */
export function bearerTokenMatches(authorization: string | undefined, expected: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const presented = match?.[1] ?? '';
  const same = timingSafeEqual(digest(presented), digest(expected));
  // An empty presented token never matches, even if someone configured an empty one.
  return same && presented.length > 0;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
