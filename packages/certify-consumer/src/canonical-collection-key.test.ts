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
  ])('%j counts as kernel', (name) => {
    expect(canonicalCollectionKey(name)).toBe('kernel');
  });

  it('collapses inner white space to one space and keeps other letters as they are', () => {
    expect(canonicalCollectionKey('Kernel \u3000  Core')).toBe('kernel core');
    expect(canonicalCollectionKey('ÉCOLE')).toBe('École');
  });
});
