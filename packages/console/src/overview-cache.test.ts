import { silentLogger } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import type { ConsoleOverview } from './console-ports.js';
import { OverviewCache } from './overview-cache.js';

const db = { query: async () => ({ rows: [], rowCount: 0 }) as never };
const overview = (backlog: number) => ({ registry: { backlog } }) as unknown as ConsoleOverview;

/** A reader whose readings the test resolves by hand, counting how many were started. */
function manualReader() {
  const started: ((value: ConsoleOverview) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  return {
    started,
    failures,
    read: () =>
      new Promise<ConsoleOverview>((resolve, reject) => {
        started.push(resolve);
        failures.push(reject);
      }),
  };
}

describe('OverviewCache', () => {
  it('waits for the first reading, then serves it while fresh without reading again', async () => {
    let now = 1_000_000;
    const reader = manualReader();
    const cache = new OverviewCache(reader.read, 30_000, silentLogger, () => now);
    const first = cache.get('ann', db);
    expect(reader.started).toHaveLength(1);
    reader.started[0]!(overview(10));
    expect((await first).overview.registry.backlog).toBe(10);
    now += 29_000;
    expect((await cache.get('ann', db)).overview.registry.backlog).toBe(10);
    expect(reader.started).toHaveLength(1);
  });

  it('serves a stale reading at once while one new reading runs, then the new one', async () => {
    let now = 1_000_000;
    const reader = manualReader();
    const cache = new OverviewCache(reader.read, 30_000, silentLogger, () => now);
    const first = cache.get('ann', db);
    reader.started[0]!(overview(10));
    await first;
    now += 31_000;
    expect((await cache.get('ann', db)).overview.registry.backlog).toBe(10);
    expect((await cache.get('ann', db)).overview.registry.backlog).toBe(10);
    expect(reader.started).toHaveLength(2);
    reader.started[1]!(overview(7));
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = await cache.get('ann', db);
    expect(fresh.overview.registry.backlog).toBe(7);
    expect(fresh.readAt.getTime()).toBe(now);
  });

  it('keeps each login apart: one login’s reading is never served to another', async () => {
    const reader = manualReader();
    const cache = new OverviewCache(reader.read, 30_000, silentLogger);
    const ann = cache.get('ann', db);
    const bob = cache.get('bob', db);
    expect(reader.started).toHaveLength(2);
    reader.started[0]!(overview(1));
    reader.started[1]!(overview(2));
    expect((await ann).overview.registry.backlog).toBe(1);
    expect((await bob).overview.registry.backlog).toBe(2);
  });

  it('passes a failed first reading on to the page, and reads again on the next request', async () => {
    const reader = manualReader();
    const cache = new OverviewCache(reader.read, 30_000, silentLogger);
    const first = cache.get('ann', db);
    reader.failures[0]!(new Error('permission denied'));
    await expect(first).rejects.toThrow('permission denied');
    await new Promise((resolve) => setImmediate(resolve));
    const second = cache.get('ann', db);
    expect(reader.started).toHaveLength(2);
    reader.started[1]!(overview(3));
    expect((await second).overview.registry.backlog).toBe(3);
  });

  it('warm starts a reading once; the first page then waits on that same reading', async () => {
    const reader = manualReader();
    const cache = new OverviewCache(reader.read, 30_000, silentLogger);
    cache.warm('ann', db);
    cache.warm('ann', db);
    const page = cache.get('ann', db);
    expect(reader.started).toHaveLength(1);
    reader.started[0]!(overview(5));
    expect((await page).overview.registry.backlog).toBe(5);
  });
});
