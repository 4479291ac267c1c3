import { describe, expect, it } from 'vitest';
import { IdChunks } from './id-chunks.js';

describe('IdChunks', () => {
  it('covers the range exactly once, leaving the last chunk open when asked', () => {
    const chunks = new IdChunks(5n, 24n, 10n, true);
    expect(chunks.claim()).toEqual({ afterId: '4', untilId: '14' });
    expect(chunks.claim()).toEqual({ afterId: '14', untilId: null });
    expect(chunks.claim()).toBeNull();
  });

  it('keeps the caller bound on the last chunk', () => {
    const chunks = new IdChunks(1n, 15n, 10n, false);
    expect(chunks.claim()).toEqual({ afterId: '0', untilId: '10' });
    expect(chunks.claim()).toEqual({ afterId: '10', untilId: '15' });
    expect(chunks.claim()).toBeNull();
  });
});
