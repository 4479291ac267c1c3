import type { ChannelLogger, Queryable } from '@birth-lane/contract';
import type { ConsoleOverview } from './console-ports.js';

export interface OverviewReading {
  readonly overview: ConsoleOverview;
  /** When the reading began: the page shows it, so nobody mistakes a kept reading for a live one. */
  readonly readAt: Date;
}

interface Entry {
  value?: OverviewReading;
  /** When the last reading (kept or failed) began: a failing one is not retried before the interval. */
  attemptedAt: number;
}

/**
 * The overview's readings, kept per login and taken only in the background. The registry-wide
 * counts are one scan of the registry (what `status` does), far beyond a page's budget on a million
 * rows, so no request ever starts one: `get` only returns what is kept, and `refresh` (the server's
 * timer) reads, one login at a time, for the logins that have a live session and no reading
 * younger than `intervalMs`. Signing in and out therefore starts no scan, and at most one scan runs
 * at a time whatever the number of sessions. Per login, because each reading runs as that login:
 * nobody is shown what only someone else's grants could read.
 */
export class OverviewCache {
  private readonly entries = new Map<string, Entry>();
  private refreshing = false;

  constructor(
    private readonly read: (db: Queryable) => Promise<ConsoleOverview>,
    private readonly intervalMs: number,
    private readonly log: ChannelLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The reading kept for `login`, or null when none was taken yet. Never reads. */
  get(login: string): OverviewReading | null {
    return this.entries.get(login)?.value ?? null;
  }

  /** Takes the readings that are due, one after the other, on each login's own session; one pass at a time. */
  async refresh(sessions: ReadonlyMap<string, Queryable>): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      for (const [login, db] of sessions) {
        const entry = this.entries.get(login);
        if (entry && this.now() - entry.attemptedAt < this.intervalMs) continue;
        const began = this.now();
        const next: Entry = { ...(entry?.value ? { value: entry.value } : {}), attemptedAt: began };
        this.entries.set(login, next);
        try {
          next.value = { overview: await this.read(db), readAt: new Date(began) };
        } catch (error) {
          // The kept reading stays as it was (its time is on the page).
          this.log.warn({ login, err: error }, 'console overview reading failed');
        }
      }
    } finally {
      this.refreshing = false;
    }
  }
}
