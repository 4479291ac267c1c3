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
    if (elapsedMs > targetMs * 1.5) {
      this.#size = Math.max(min, Math.floor(this.#size / 2));
    } else if (elapsedMs < targetMs / 2 && taken >= this.#size) {
      this.#size = Math.min(max, this.#size * 2);
    }
  }

  /** A batch hit the statement timeout: try again much smaller. */
  timedOut(): void {
    this.#size = Math.max(this.limits.min, Math.floor(this.#size / 4));
  }
}
