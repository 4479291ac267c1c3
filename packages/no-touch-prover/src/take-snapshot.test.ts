import { describe, expect, it } from 'vitest';
import { cutIntoChunks } from './take-snapshot.js';

describe('cutIntoChunks', () => {
  it('cuts the pages into chunks of about the rows asked for, the last one open-ended', () => {
    // 100 rows a page: 1,000 rows a chunk is 10 pages.
    expect(cutIntoChunks(35, 3500, 1000)).toEqual([
      { from: 0, to: 10 },
      { from: 10, to: 20 },
      { from: 20, to: 30 },
      { from: 30, to: null },
    ]);
  });

  it('reads an empty or never-analysed table in one open-ended chunk, and never takes zero pages a chunk', () => {
    expect(cutIntoChunks(0, 0, 100_000)).toEqual([{ from: 0, to: null }]);
    expect(cutIntoChunks(3, 3000, 1)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: null },
    ]);
  });
});
