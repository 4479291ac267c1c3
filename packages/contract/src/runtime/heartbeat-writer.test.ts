import { describe, expect, it } from 'vitest';
import type { Queryable } from '../ports/queryable.js';
import { startHeartbeat } from './heartbeat-writer.js';

/**
 * The writer's ordering and error handling are client-side logic, so a recording stand-in for the
 * database is enough here; what `birth_lane.beat` does with a beat is tested against PostgreSQL.
 */
function recordingDb(options: { delays?: number[]; failFirst?: number } = {}) {
  const written: string[] = [];
  let calls = 0;
  const db: Queryable = {
    async query(_text, values) {
      const call = calls++;
      await new Promise((resolve) => setTimeout(resolve, options.delays?.[call] ?? 0));
      if (call < (options.failFirst ?? 0)) throw new Error(`beat ${call} refused`);
      written.push(String(values?.[4]));
      return { rows: [], rowCount: 1 };
    },
  };
  return { db, written };
}

describe('startHeartbeat', () => {
  it('writes states in the order they were set, even when an earlier write is slow', async () => {
    // The first (idle) beat takes 50 ms; `running` and `stopped` are asked for while it is in flight.
    const { db, written } = recordingDb({ delays: [50, 0, 0] });
    const writer = startHeartbeat(db, 'test', { intervalMs: 60_000 });
    const running = writer.set('running');
    const stopped = writer.stop();
    await Promise.all([running, stopped]);
    expect(written.at(-1)).toBe('stopped');
    expect(written.indexOf('running')).toBeLessThan(written.lastIndexOf('stopped'));
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

  it('gives up on a beat that hangs past beatTimeoutMs and reports it', async () => {
    const { db } = recordingDb({ delays: [10_000] });
    const errors: unknown[] = [];
    const writer = startHeartbeat(db, 'test', { beatTimeoutMs: 20, onError: (error) => errors.push(error) });
    await writer.stop();
    expect(String(errors[0])).toMatch(/heartbeat write did not answer within 20 ms/);
  });

  it('writes nothing after stop', async () => {
    const { db, written } = recordingDb();
    const writer = startHeartbeat(db, 'test', { intervalMs: 5 });
    await writer.set('running');
    await writer.stop();
    const afterStop = written.length;
    await writer.set('running');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(written).toHaveLength(afterStop);
    expect(written.at(-1)).toBe('stopped');
    expect(writer.state).toBe('stopped');
  });
});
