/**
 * Splits the id range a run covers into chunks that concurrent workers claim one at a time, so
 * no two workers walk the same rows (SKIP LOCKED alone would let a worker revisit rows another
 * one has just released). The last chunk stays open-ended unless the caller bounded the range,
 * so births that arrive during the run are still seen.
 */
export class IdChunks {
  #next: bigint;

  constructor(
    first: bigint,
    private readonly last: bigint,
    private readonly chunkSize: bigint,
    private readonly openEnded: boolean,
  ) {
    this.#next = first;
  }

  /** The next unclaimed chunk as [afterId, untilId] (untilId null = no upper bound), or null when all are claimed. */
  claim(): { afterId: string; untilId: string | null } | null {
    if (this.#next > this.last) return null;
    const from = this.#next;
    const to = from + this.chunkSize - 1n;
    this.#next = to + 1n;
    const isLast = to >= this.last;
    return {
      afterId: (from - 1n).toString(),
      untilId: isLast && this.openEnded ? null : (isLast ? this.last : to).toString(),
    };
  }
}
