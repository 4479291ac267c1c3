import { describe, expect, it } from 'vitest';
import { bearerTokenMatches } from './bearer-token.js';

const TOKEN = 'a-secret-of-sixteen+';

describe('bearerTokenMatches', () => {
  it('accepts the exact token, with the scheme in any case', () => {
    expect(bearerTokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it('refuses a missing header, another scheme, a prefix, an extension and a different token', () => {
    expect(bearerTokenMatches(undefined, TOKEN)).toBe(false);
    expect(bearerTokenMatches('', TOKEN)).toBe(false);
    expect(bearerTokenMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(bearerTokenMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
    expect(bearerTokenMatches('Bearer another-secret-of-16', TOKEN)).toBe(false);
  });

  it('never matches an empty token', () => {
    expect(bearerTokenMatches('Bearer ', '')).toBe(false);
  });
});
