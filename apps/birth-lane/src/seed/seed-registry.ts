import { type Queryable, REGISTRY_TABLE } from '@birth-lane/contract';
import type { PoolClient } from 'pg';

/** The demo's canonical collection: `start` configures it, and the seed puts a few hundred rows in it. */
export const DEMO_CANONICAL_COLLECTION = 'kernel';

/** The field's figures: 1,211,557 uncertified births next to 1,402 certified by hand. */
export const FIELD_ROWS = 1_211_557 + 1_402;

/**
 * Seeds `public.birth_registry` with the field's mix, deterministically by id so every run judges
 * the same rows:
 *  - 1,402 certified by the old fused statement (all stamps + certified, no inspection);
 *  - a few hundred ambiguous rows (GATE set without PEN);
 *  - 10 % `observed` (out of scope);
 *  - about 2 % failing PEN, 2 % STAMP and 2 % GATE, each stage for several different reasons;
 *  - one row in a thousand in the canonical collection `kernel` (DEMO_CANONICAL_COLLECTION), which
 *    is never certified automatically but through an approved promotion;
 *  - the rest clean.
 * The lane's triggers are bypassed while seeding (session_replication_role = replica, a superuser
 * setting): the seed reproduces field history, including states the lane now refuses.
 */
export interface SeedProgress {
  /** Rows on file after this call (resumed and new). */
  readonly seededThrough: number;
  readonly targetRows: number;
  /** Rows a previous, interrupted seeding had already written. */
  readonly resumedFrom: number;
  readonly complete: boolean;
}

/** Rows per transaction: small enough that an interrupted seeding loses at most a few seconds. */
export const SEED_CHUNK_ROWS = 50_000;

/** What a seeding left on record: its target and how far it got (null: never seeded here). */
export async function seedState(
  db: Queryable,
): Promise<{ targetRows: number; seededThrough: number; complete: boolean } | null> {
  const { rows: exists } = await db.query<{ present: boolean }>(
    "select to_regclass('birth_lane.demo_seed') is not null as present",
  );
  if (!exists[0]?.present) return null;
  const { rows } = await db.query<{ target_rows: number; seeded_through: string; completed_at: Date | null }>(
    'select target_rows, seeded_through::text as seeded_through, completed_at from birth_lane.demo_seed',
  );
  const row = rows[0];
  return row
    ? {
        targetRows: row.target_rows,
        seededThrough: Number(row.seeded_through),
        complete: row.completed_at !== null,
      }
    : null;
}

/**
 * Seeds the registry, resumably: one transaction per chunk of ids writes the chunk's rows and
 * moves the marker (birth_lane.demo_seed) together, so an interruption (Ctrl-C, a crash, a lost
 * connection) leaves whole chunks and a marker that says where to go on. A second call with the
 * marker incomplete finishes the first one's target. `signal` stops between chunks.
 */
export async function seedRegistry(
  pool: { connect(): Promise<PoolClient> },
  rows: number,
  onChunk?: (done: number) => void,
  options: { signal?: AbortSignal } = {},
): Promise<SeedProgress> {
  const client = await pool.connect();
  try {
    await client.query(`create table if not exists birth_lane.demo_seed (
      singleton boolean primary key default true check (singleton),
      target_rows integer not null,
      seeded_through bigint not null default 0,
      started_at timestamptz not null default now(),
      completed_at timestamptz)`);
    await client.query('revoke all on birth_lane.demo_seed from public');
    await client.query(
      'insert into birth_lane.demo_seed (target_rows) values ($1::int) on conflict (singleton) do nothing',
      [rows],
    );
    const state = (await seedState(client))!;
    const target = state.targetRows;
    const resumedFrom = state.seededThrough;
    if (state.complete) return { seededThrough: target, targetRows: target, resumedFrom, complete: true };
    // Triggers off for this session only: the seed reproduces field history the lane now refuses.
    await client.query('set session_replication_role = replica');
    let through = resumedFrom;
    try {
      for (let from = resumedFrom + 1; from <= target; from += SEED_CHUNK_ROWS) {
        if (options.signal?.aborted) break;
        const to = Math.min(target, from + SEED_CHUNK_ROWS - 1);
        await client.query('begin');
        try {
          await client.query(SEED_SQL, [from, to]);
          await client.query('update birth_lane.demo_seed set seeded_through = $1::bigint', [to]);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
        through = to;
        onChunk?.(to);
      }
    } finally {
      await client.query('set session_replication_role = origin').catch(() => undefined);
    }
    if (through < target) return { seededThrough: through, targetRows: target, resumedFrom, complete: false };
    await client.query(
      `select setval(pg_get_serial_sequence('${REGISTRY_TABLE}', 'id'), (select max(id) from ${REGISTRY_TABLE}))`,
    );
    // The producer's partial index and the planner need fresh statistics after a bulk load.
    await client.query(`vacuum analyze ${REGISTRY_TABLE}`);
    await client.query('update birth_lane.demo_seed set completed_at = now()');
    return { seededThrough: target, targetRows: target, resumedFrom, complete: true };
  } finally {
    client.release();
  }
}

const SEED_SQL = `
insert into ${REGISTRY_TABLE}
  (id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status,
   inspect_pen, inspect_stamp, inspect_gate, certified, certified_at)
select i,
       case when kind = 'pen_code' then 'ent-' || i else 'ENT-' || lpad(i::text, 8, '0') end,
       case when kind = 'pen_collection' then null when kind = 'kernel' then 'kernel' else collection end,
       case when kind = 'gate_species_missing' then null
            when kind = 'kernel' then 'SP-CORE'
            when kind = 'gate_species_wrong' then 'SP-MOSS'
            else species end,
       case when kind = 'pen_origin' then '   ' else 'dot://source/' || (i % 192) end,
       case when kind = 'observed' then 'observed' else 'governed' end,
       case when kind = 'pen_future' then now() + interval '30 days' else now() - (i % 10000) * interval '1 minute' end,
       case when kind = 'stamp_name' then null else 'Entity ' || i end,
       case when kind = 'stamp_description' then 'short' else 'A registered entity of the ' || collection || ' collection.' end,
       case when kind = 'stamp_status' then 'mystery' else 'active' end,
       case when kind = 'certified' then now() - interval '90 days' end,
       case when kind = 'certified' then now() - interval '90 days' end,
       case when kind in ('certified', 'ambiguous') then now() - interval '90 days' end,
       kind = 'certified',
       case when kind = 'certified' then now() - interval '90 days' end
  from (
    select i,
           (array['fauna', 'flora', 'fungi', 'minerals', 'documents'])[1 + i % 5] as collection,
           (array['SP-MAMMAL', 'SP-TREE', 'SP-MUSHROOM', 'SP-OXIDE', 'SP-REPORT'])[1 + i % 5] as species,
           case
             when i % 864 = 7 and i <= 864 * 1402 then 'certified'
             when i % 4000 = 11 then 'ambiguous'
             when i % 10 = 0 then 'observed'
             when i % 50 = 1 then (array['pen_code', 'pen_collection', 'pen_origin', 'pen_future'])[1 + (i / 50) % 4]
             when i % 50 = 3 then (array['stamp_name', 'stamp_description', 'stamp_status'])[1 + (i / 50) % 3]
             when i % 1000 = 17 then 'kernel'
             when i % 50 = 9 then (array['gate_species_missing', 'gate_species_wrong'])[1 + (i / 50) % 2]
             else 'clean'
           end as kind
      from generate_series($1::bigint, $2::bigint) as i
  ) seed`;
