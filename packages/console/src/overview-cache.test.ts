import { silentLogger } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import type { ConsoleOverview } from './console-ports.js';
import { OverviewCache } from './overview-cache.js';

const db = { query: async () => ({ rows: [], rowCount: 0 }) as never };
const overview = (backlog: number) => ({ registry: { backlog } }) as unknown as ConsoleOverview;

describe('OverviewCache', () => {
  it('never reads on get: a login without a reading gets null until the background refresh takes one', async () => {
    let now = 1_000_000;
    let reads = 0;
    const cache = new OverviewCache(
      async () => overview(++reads),
      30_000,
      silentLogger,
      () => now,
    );
    expect(cache.get('ada')).toBeNull();
    expect(cache.get('ada')).toBeNull();
    expect(reads).toBe(0);
    await cache.refresh(new Map([['ada', db]]));
    expect(reads).toBe(1);
    expect(cache.get('ada')!.overview.registry.backlog).toBe(1);
    expect(cache.get('ada')!.readAt.getTime()).toBe(1_000_000);
    // Within the interval a refresh reads nothing; after it, a new reading replaces the kept one.
    now += 10_000;
    await cache.refresh(new Map([['ada', db]]));
    expect(reads).toBe(1);
    now += 20_000;
    await cache.refresh(new Map([['ada', db]]));
    expect(reads).toBe(2);
    expect(cache.get('ada')!.overview.registry.backlog).toBe(2);
    // Another login has its own reading, taken as itself.
    expect(cache.get('bob')).toBeNull();
  });

  it('runs one refresh at a time, the logins one after the other', async () => {
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const cache = new OverviewCache(
      () =>
        new Promise<ConsoleOverview>((resolve) => {
          running += 1;
          most = Math.max(most, running);
          release.push(() => {
            running -= 1;
            resolve(overview(0));
          });
        }),
      30_000,
      silentLogger,
    );
    const sessions = new Map([
      ['ada', db],
      ['bob', db],
    ]);
    const first = cache.refresh(sessions);
    const second = cache.refresh(sessions);
    await second;
    expect(release).toHaveLength(1);
    release[0]!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(release).toHaveLength(2);
    release[1]!();
    await first;
    expect(most).toBe(1);
    expect(cache.get('ada')).not.toBeNull();
    expect(cache.get('bob')).not.toBeNull();
  });

  it('keeps the last reading when one fails, and does not retry before the interval', async () => {
    let now = 1_000_000;
    let fail = false;
    let reads = 0;
    const cache = new OverviewCache(
      async () => {
        reads += 1;
        if (fail) throw new Error('statement timeout');
        return overview(7);
      },
      30_000,
      silentLogger,
      () => now,
    );
    await cache.refresh(new Map([['ada', db]]));
    fail = true;
    now += 30_000;
    await cache.refresh(new Map([['ada', db]]));
    expect(reads).toBe(2);
    expect(cache.get('ada')!.readAt.getTime()).toBe(1_000_000);
    now += 1_000;
    await cache.refresh(new Map([['ada', db]]));
    expect(reads).toBe(2);
  });
});
