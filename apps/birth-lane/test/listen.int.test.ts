import type { Queryable } from '@birth-lane/contract';
import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';

// The channel's own behaviour (coalescing, catch-up, reconnecting, stopping) is tested in
// @birth-lane/channel-listen; here, that the app composes it: `birth-lane listen` end to end.

let nextCode = 1;

/** Inserts `count` births that pass every default check, in ONE transaction; returns their ids. */
async function insertBirths(db: Queryable, count: number): Promise<string[]> {
  const first = nextCode;
  nextCode += count;
  const { rows } = await db.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
     select 'ENT-' || lpad(($1::int + i)::text, 8, '0'), 'fauna', 'SP-MAMMAL', 'dot://listen-test', 'A cat',
            'A small domesticated mammal.', 'active'
       from generate_series(0, $2::int - 1) as i
     returning id::text`,
    [first, count],
  );
  return rows.map((row) => row.id);
}

async function uncertified(db: Queryable, ids: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from public.birth_registry where id = any($1::bigint[]) and not certified',
    [ids],
  );
  return rows[0]!.n;
}

async function listenerSessions(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and application_name = 'birth-lane listen'",
  );
  return rows.map((row) => row.pid);
}

describe('birth-lane listen (the CLI)', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });

  it('exits 64 on a bad flag', async () => {
    const result = await runCli(['listen', '--coalesce-ms', '0'], { DATABASE_URL: t.db.connectionString });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/--coalesce-ms must be a whole number from 1 to 10000/);
  });

  it('stands, inspects births, logs JSON, and exits 0 on SIGTERM leaving no listener behind', async () => {
    const before = await insertBirths(t.db.pool, 2);
    const listener = startCli(['listen'], { DATABASE_URL: t.db.connectionString });
    try {
      await listener.waitFor((output) => output.stdout.includes('"channel standing"'), 20_000);
      await expect.poll(() => uncertified(t.db.pool, before), { timeout: 5000 }).toBe(0);
      const born = await insertBirths(t.db.pool, 3);
      await expect.poll(() => uncertified(t.db.pool, born), { timeout: 2000, interval: 5 }).toBe(0);
      expect(await listenerSessions(t.db.pool)).toHaveLength(1);
      const { rows: standing } = await t.db.pool.query<{ state: string }>(
        "select state from birth_lane.producer_heartbeats where channel = 'listen'",
      );
      expect(standing).toHaveLength(1);
      expect(['idle', 'running']).toContain(standing[0]!.state);
    } finally {
      await listener.stop({ timeoutMs: 15_000 });
    }
    const { code, stdout, stderr } = await listener.exited();
    expect(code, stderr).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; channel?: string });
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['channel standing', 'catch-up run finished', 'listen channel stopped']),
    );
    expect(lines.every((line) => line.channel === 'listen')).toBe(true);
    expect(await listenerSessions(t.db.pool)).toHaveLength(0);
    const { rows } = await t.db.pool.query<{ state: string }>(
      "select state from birth_lane.producer_heartbeats where channel = 'listen'",
    );
    expect(rows.map((row) => row.state)).toEqual(['stopped']);
  }, 60_000);
});
