import type { ChannelLogger, Queryable } from '@birth-lane/contract';
import type { ConsoleOverview } from './console-ports.js';

export interface OverviewReading {
  readonly overview: ConsoleOverview;
  /** When the reading began: the page shows it, so nobody mistakes a kept reading for a live one. */
  readonly readAt: Date;
}

interface Entry {
  value?: OverviewReading;
  pending?: Promise<OverviewReading>;
}

/**
 * The overview's readings, kept per login. The registry-wide counts are one scan of the registry
 * (what `status` does), far beyond a page's budget on a million rows, so a login's reading is kept
 * for `ttlMs`; after that the kept one is still served while a new one is read in the background
 * (at most one at a time), and only a login with no reading at all waits. Sign-in starts the
 * first reading, so it is usually under way before the first page asks. Per login, because each
 * reading runs as that login: nobody is shown what only someone else's grants could read.
 */
export class OverviewCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly read: (db: Queryable) => Promise<ConsoleOverview>,
    private readonly ttlMs: number,
    private readonly log: ChannelLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a reading for `login` unless a fresh one is kept or one is under way. */
  warm(login: string, db: Queryable): void {
    const entry = this.entry(login);
    if (this.fresh(entry) || entry.pending) return;
    this.start(login, db, entry).catch(() => undefined);
  }

  /** The freshest reading: waits only when there is none; a stale one is served while a new one is read. */
  async get(login: string, db: Queryable): Promise<OverviewReading> {
    const entry = this.entry(login);
    if (entry.value && this.fresh(entry)) return entry.value;
    const pending = entry.pending ?? this.start(login, db, entry);
    if (!entry.value) return pending;
    pending.catch(() => undefined);
    return entry.value;
  }

  private entry(login: string): Entry {
    let entry = this.entries.get(login);
    if (!entry) {
      entry = {};
      this.entries.set(login, entry);
    }
    return entry;
  }

  private fresh(entry: Entry): boolean {
    return entry.value !== undefined && this.now() - entry.value.readAt.getTime() < this.ttlMs;
  }

  private start(login: string, db: Queryable, entry: Entry): Promise<OverviewReading> {
    const readAt = new Date(this.now());
    const pending = this.read(db).then(
      (overview) => {
        entry.value = { overview, readAt };
        return entry.value;
      },
      (error: unknown) => {
        // Kept readings stay as they were (their time is on the page); the caller sees the error.
        this.log.warn({ login, err: error }, 'console overview reading failed');
        throw error;
      },
    );
    entry.pending = pending;
    pending
      .finally(() => {
        if (entry.pending === pending) entry.pending = undefined;
      })
      .catch(() => undefined);
    return pending;
  }
}
