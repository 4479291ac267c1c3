/** What the listen channel's next run covers. */
export type ListenWork =
  | { readonly kind: 'catch-up' }
  | { readonly kind: 'range'; readonly idFrom: bigint; readonly idTo: bigint; readonly births: number };

/**
 * The births announced since the last run started, folded into one id range, plus whether a
 * catch-up over everything uncertified is owed (at start, after a reconnect). Taking the work
 * empties it, so everything announced while a run is in flight lands in the next run.
 */
export class PendingBirths {
  #catchUp = false;
  #idFrom: bigint | null = null;
  #idTo: bigint | null = null;
  #births = 0;

  get isEmpty(): boolean {
    return !this.#catchUp && this.#births === 0;
  }

  add(id: bigint): void {
    this.#idFrom = this.#idFrom === null || id < this.#idFrom ? id : this.#idFrom;
    this.#idTo = this.#idTo === null || id > this.#idTo ? id : this.#idTo;
    this.#births += 1;
  }

  requestCatchUp(): void {
    this.#catchUp = true;
  }

  /**
   * The next run's work, or null when nothing is owed. A catch-up absorbs any pending range: it
   * runs over every uncertified row with no upper bound, so those births are inside it.
   */
  take(): ListenWork | null {
    let work: ListenWork | null = null;
    if (this.#catchUp) work = { kind: 'catch-up' };
    else if (this.#idFrom !== null && this.#idTo !== null)
      work = { kind: 'range', idFrom: this.#idFrom, idTo: this.#idTo, births: this.#births };
    this.#catchUp = false;
    this.#idFrom = null;
    this.#idTo = null;
    this.#births = 0;
    return work;
  }

  /** Puts back the work of a run that did not complete, so the next run covers it again. */
  restore(work: ListenWork): void {
    if (work.kind === 'catch-up') {
      this.requestCatchUp();
      return;
    }
    this.add(work.idFrom);
    this.add(work.idTo);
    // add() counted two births; the range stands for work.births of them.
    this.#births += work.births - 2;
  }
}
