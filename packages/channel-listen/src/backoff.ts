/**
 * Exponential backoff with jitter for retrying a lost connection or a failed run: the delay
 * doubles from `initialMs` up to `maxMs`, and each delay is drawn from its upper half so that
 * several listeners cut off by one database restart do not all come back in the same instant.
 */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!(initialMs > 0) || !(maxMs >= initialMs))
      throw new RangeError(`backoff needs 0 < initialMs <= maxMs, got ${initialMs} and ${maxMs}`);
  }

  get attempts(): number {
    return this.#attempt;
  }

  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.#attempt = 0;
  }
}
