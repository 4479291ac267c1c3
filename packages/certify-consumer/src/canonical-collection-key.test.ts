import { describe, expect, it } from 'vitest';
import { canonicalCollectionKey } from './canonical-collection-key.js';

describe('canonicalCollectionKey', () => {
  it.each([
    'kernel',
    'Kernel',
    ' kernel ',
    'KERNEL',
    'kernel\u00a0',
    '\tkernel\n',
    '\uff4b\uff45\uff52\uff4e\uff45\uff4c', // full width
    'ker\u200bnel', // zero-width space
    '\ufeffkernel',
    'kernel\u2063', // invisible separator
    'kern\u034Fel', // combining grapheme joiner
    'kernel\u200E', // left-to-right mark
    'kernel\uFE0F', // variation selector 16
    'ker\u{E0020}nel', // tag space
    'kernel\u180E', // Mongolian vowel separator
    'k\u3164ernel', // Hangul filler
  ])('%j counts as kernel', (name) => {
    expect(canonicalCollectionKey(name)).toBe('kernel');
  });

  it('collapses inner white space to one space and keeps other letters as they are', () => {
    expect(canonicalCollectionKey('Kernel \u3000  Core')).toBe('kernel core');
    expect(canonicalCollectionKey('ÉCOLE')).toBe('École');
  });
});
