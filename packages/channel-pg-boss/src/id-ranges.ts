export interface IdRange {
  readonly idFrom: string;
  readonly idTo: string;
}

/** Splits [first, last] into consecutive ranges of at most `chunkIds` ids, covering every id once. */
export function planIdRanges(first: bigint, last: bigint, chunkIds: number): IdRange[] {
  if (!Number.isSafeInteger(chunkIds) || chunkIds < 1) {
    throw new RangeError(`chunkIds must be a whole number of at least 1, got ${chunkIds}`);
  }
  const ranges: IdRange[] = [];
  const size = BigInt(chunkIds);
  for (let from = first; from <= last; from += size) {
    const to = from + size - 1n < last ? from + size - 1n : last;
    ranges.push({ idFrom: from.toString(), idTo: to.toString() });
  }
  return ranges;
}
