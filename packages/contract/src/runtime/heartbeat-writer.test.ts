import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../ports/queryable.js';
import { startHeartbeat } from './heartbeat-writer.js';

/**
 * The writer's ordering and error handling are client-side logic, so a recording stand-in for the
 * database is enough here; what `birth_lane.beat` does with a beat is tested against PostgreSQL.
 * `written` lists the states in the order their writes committed (finished).
 */
function recordingDb(options: { delays?: number[]; failFirst?: number } = {}) {
  const written: string[] = [];
  let calls = 0;
  const db: Queryable = {
    async query(_text, values) {
      const call = calls++;
      await sleep(options.delays?.[call] ?? 0);
      if (call < (options.failFirst ?? 0)) throw new Error(`beat ${call} refused`);
      written.push(String(values?.[4]));
      return { rows: [], rowCount: 1 };
    },
  };
  return { db, written, calls: () => calls };
}

describe('startHeartbeat', () => {
  it('never lets a slow beat commit after a newer one, even one its caller stopped waiting for', async () => {
    // The first (idle) beat takes 200 ms, far past beatTimeoutMs; `running` and `stopped` are asked
    // for meanwhile. Written concurrently, the slow beat would commit last and undo `stopped`.
    const { db, written } = recordingDb({ delays: [200, 0, 0] });
    const errors: unknown[] = [];
    const writer = startHeartbeat(db, 'test', {
      intervalMs: 60_000,
      beatTimeoutMs: 20,
      onError: (error) => errors.push(error),
    });
    await sleep(5); // the slow idle beat is in flight
    void writer.set('running');
    await writer.stop();
    await expect.poll(() => written.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    await sleep(300);
    expect(written.at(-1)).toBe('stopped');
    expect(written[0]).toBe('idle');
    expect(written.slice(written.indexOf('stopped')).every((state) => state === 'stopped')).toBe(true);
    expect(String(errors[0])).toMatch(/heartbeat write did not answer within 20 ms/);
  });

  it('never rejects: a failed beat goes to onError and the next one is written', async () => {
    const { db, written } = recordingDb({ failFirst: 2 });
    const errors: unknown[] = [];
    const writer = startHeartbeat(db, 'test', { intervalMs: 60_000, onError: (error) => errors.push(error) });
    await expect(writer.set('running', '00000000-0000-4000-8000-000000000001')).resolves.toBeUndefined();
    await expect(writer.stop()).resolves.toBeUndefined();
    expect(errors.map(String)).toEqual(['Error: beat 0 refused', 'Error: beat 1 refused']);
    expect(written).toEqual(['stopped']);
  });

  it('lets the caller go after beatTimeoutMs when the database hangs, and piles up no periodic beats', async () => {
    const { db, calls } = recordingDb({ delays: [10_000] });
    const errors: unknown[] = [];
    const writer = startHeartbeat(db, 'test', {
      intervalMs: 10,
      beatTimeoutMs: 50,
      onError: (error) => errors.push(error),
    });
    await sleep(200);
    const began = performance.now();
    await writer.stop();
    expect(performance.now() - began).toBeLessThan(1_000);
    // Only the first beat reached the database: the periodic ones wait for it instead of queueing.
    expect(calls()).toBe(1);
    expect(String(errors[0])).toMatch(/heartbeat write did not answer within 50 ms/);
  });

  it('writes nothing after stop', async () => {
    const { db, written } = recordingDb();
    const writer = startHeartbeat(db, 'test', { intervalMs: 5 });
    await writer.set('running');
    await writer.stop();
    const afterStop = written.length;
    await writer.set('running');
    await sleep(30);
    expect(written).toHaveLength(afterStop);
    expect(written.at(-1)).toBe('stopped');
    expect(writer.state).toBe('stopped');
  });

  it('logs a failed beat at warn when given a logger instead of onError', async () => {
    const { db } = recordingDb({ failFirst: 1 });
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_fields: unknown, message: string) => warnings.push(message),
    };
    const writer = startHeartbeat(db, 'test', { intervalMs: 60_000, logger });
    await writer.stop();
    expect(warnings).toEqual(['heartbeat not written; the next beat tries again']);
  });
});
