import { describe, expect, it } from 'vitest';
import type { Database } from '../ports/queryable.js';
import type { HostDatabase } from './command-host.js';
import { withDatabase } from './with-database.js';

function fakeHost() {
  const pool = { query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Database;
  const state = { closed: 0 };
  const database: HostDatabase = {
    pool,
    url: 'postgres://example.invalid/db',
    source: 'test',
    close: async () => {
      state.closed += 1;
    },
  };
  return { state, pool, host: { openDatabase: async () => database } };
}

describe('withDatabase', () => {
  it('gives the work the pool and returns its result, then closes the database', async () => {
    const { host, pool, state } = fakeHost();
    await expect(withDatabase(host, async (db) => (db === pool ? 'the pool' : 'another'))).resolves.toBe(
      'the pool',
    );
    expect(state.closed).toBe(1);
  });

  it('closes the database when the work fails, and lets the failure through', async () => {
    const { host, state } = fakeHost();
    const failure = new Error('refused');
    await expect(
      withDatabase(host, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(state.closed).toBe(1);
  });
});
