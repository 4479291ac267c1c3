import { randomBytes } from 'node:crypto';
import { contractSteps, type Database, type ProductionSnapshot } from '@birth-lane/contract';
import type { TestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';

/** The template: the contract (registry table and lane roles); the prover installs nothing. */
export const SETUP_SQL = contractSteps.map((step) => step.mutation);

/**
 * Writes registry rows `from`…`to` with every watched column in use somewhere: stamps on some,
 * certified on a few, canonical fields and jsonb profiles on others, NULLs everywhere else.
 */
export async function seedRows(db: pg.Pool | pg.Client, from: number, to: number): Promise<void> {
  await db.query(
    `insert into public.birth_registry
       (id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status,
        inspect_pen, inspect_stamp, inspect_gate, certified, certified_at, canonical_address, owner, jsonb_profile)
     select i, 'ENT-' || lpad(i::text, 8, '0'),
            (array['fauna', 'flora', 'fungi'])[1 + i % 3],
            case when i % 11 <> 0 then 'SP-' || (i % 5) end,
            'dot://source/' || (i % 192),
            case when i % 10 = 0 then 'observed' else 'governed' end,
            timestamptz '2026-01-01' + i * interval '1 minute',
            'Entity ' || i,
            case when i % 13 <> 0 then 'description of ' || i end,
            case when i % 17 <> 0 then 'active' end,
            case when i % 3 = 0 then timestamptz '2026-02-01' + i * interval '1 second' end,
            case when i % 6 = 0 then timestamptz '2026-02-02' + i * interval '1 second' end,
            case when i % 12 = 0 then timestamptz '2026-02-03' + i * interval '1 second' end,
            i % 24 = 0,
            case when i % 24 = 0 then timestamptz '2026-02-04' + i * interval '1 second' end,
            case when i % 7 = 0 then 'addr://' || i end,
            case when i % 9 = 0 then 'owner-' || (i % 4) end,
            case when i % 5 = 0 then jsonb_build_object('rank', i % 3, 'tags', jsonb_build_array('a', i)) end
       from generate_series($1::bigint, $2::bigint) as i`,
    [from, to],
  );
  await db.query(
    "select setval(pg_get_serial_sequence('public.birth_registry', 'id'), (select max(id) from public.birth_registry))",
  );
}

/**
 * The figures of a snapshot that describe the data (not which snapshot, when, by whom, how long it
 * took, or what it found written since another one). Compare only snapshots with the same salt.
 */
export function dataOf(snapshot: ProductionSnapshot) {
  const {
    takenAt: _at,
    seconds: _seconds,
    takenBy: _by,
    writeCounters: _counters,
    snapshotId: _id,
    transactionSnapshot: _xact,
    since: _since,
    recentVersions: _recent,
    ...data
  } = snapshot;
  return data;
}

export interface ReaderLogin {
  readonly login: string;
  readonly pool: pg.Pool & Database;
  end(): Promise<void>;
}

/**
 * A LOGIN role (cluster-wide, so a random name) holding `laneRole` (or nothing), with a pool of
 * its own: session_user is the login, as for a person running `birth-lane prove snapshot`.
 */
export async function createLogin(db: TestDatabase, laneRole: string | null): Promise<ReaderLogin> {
  const login = `bl_prover_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await db.pool.query(
    `create role ${login} login password '${password}'${laneRole ? ` in role ${laneRole}` : ''}`,
  );
  const url = new URL(db.connectionString);
  url.username = login;
  url.password = password;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  pool.on('error', () => undefined);
  return {
    login,
    pool,
    async end() {
      await pool.end();
      await db.pool.query(`drop role if exists ${login}`);
    },
  };
}

/**
 * Seeds on a session of its own and waits until the server's statistics show its inserts: they
 * are flushed asynchronously (at the latest when the session ends), and a snapshot taken before
 * they arrive would see the write counters move under a quiet comparison.
 */
export async function seedAndSettle(db: TestDatabase, from: number, to: number): Promise<void> {
  const client = await db.connect();
  try {
    await seedRows(client, from, to);
    await client.query('select pg_stat_force_next_flush()');
    await client.query('select 1');
  } finally {
    await client.end();
  }
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { rows } = await db.pool.query<{ inserted: string }>(
      "select n_tup_ins::text as inserted from pg_stat_user_tables where relid = 'public.birth_registry'::regclass",
    );
    if (Number(rows[0]?.inserted ?? 0) >= to - from + 1) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the statistics never showed the seeded rows');
}
