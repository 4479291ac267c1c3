import { REGISTRY_TABLE } from '@birth-lane/contract';

/**
 * Why each piece is the way it is (measured on 1.2 million rows, PostgreSQL 15, 2 cores):
 *  - Per-cell hashes come from the types' own hash-opclass support functions, seeded with the
 *    row's id (`hashtextextended(v, id)`, `jsonb_hash_extended`, …): no text casts (a text cast of
 *    a timestamp or jsonb costs several times a hash), and the same value in another row hashes
 *    differently, so values swapped between rows still show. jsonb hashes its normalised form, so
 *    key order does not matter but any value does.
 *  - timestamptz has no hash function of its own type callable without a time-zone-dependent cast;
 *    `ts - 'epoch'` is an interval, hashed exactly to the microsecond and independent of the
 *    session's TimeZone (`at time zone 'UTC'` took twice as long). Infinite timestamps, which
 *    cannot be subtracted, are hashed as text.
 *  - NULL (and `certified = false`) hashes to 0: a row inserted blank moves only the identity
 *    group, while NULL ↔ value still moves its group (a value hashes to 0 with chance 2^-48).
 *  - The cells of one group are combined with XOR inside the row (no overflow, a change to one cell
 *    changes the combination), shifted to 48 bits, and added up per bucket (addition does not
 *    depend on row order). The position sum multiplies the row's offset in its bucket (< 4096)
 *    by the sum of its six 48-bit hashes (< 2^51): below 2^63, so it stays in bigint arithmetic.
 *  - `offset 0` keeps the planner from inlining the hashes into each aggregate that uses them
 *    (it would compute every hash twice: 2.5 s instead of 1.0 s).
 *  - The scan is a TID range over physical pages: each chunk reads its pages once, in order, and
 *    the per-bucket sums of all chunks simply add up, whatever the physical order of the ids.
 */
const GROUP_HASHES = `
  coalesce(${stamp('inspect_pen')}, 0) >> 16 as h_pen,
  coalesce(${stamp('inspect_stamp')}, 0) >> 16 as h_stamp,
  coalesce(${stamp('inspect_gate')}, 0) >> 16 as h_gate,
  ((case when certified then 3074457345618258599 else 0 end)
    # coalesce(${stamp('certified_at')}, 0)) >> 16 as h_certified,
  (coalesce(hashtextextended(canonical_address, id), 0)
    # coalesce(hashtextextended(owner, id # 1), 0)
    # coalesce(jsonb_hash_extended(jsonb_profile, id # 2), 0)
    # coalesce(hashtextextended(status, id # 3), 0)) >> 16 as h_canonical,
  (hashint8extended(id, 6004799503160661)
    # coalesce(hashtextextended(entity_code, id), 0)
    # coalesce(hashtextextended(collection_name, id # 1), 0)
    # coalesce(hashtextextended(species_code, id # 2), 0)
    # coalesce(hashtextextended(dot_origin, id # 3), 0)
    # coalesce(hashtextextended(governance_role, id # 4), 0)
    # coalesce(${stamp('born_at', 'id # 5')}, 0)
    # coalesce(hashtextextended(name, id # 6), 0)
    # coalesce(hashtextextended(description, id # 7), 0)) >> 16 as h_identity`;

function stamp(column: string, seed = 'id'): string {
  return `case when isfinite(${column}) then interval_hash_extended(${column} - timestamptz 'epoch', ${seed})
    else hashtextextended(${column}::text, ${seed}) end`;
}

function chunkSql(upperBound: boolean): string {
  return `
select (id / $3::bigint)::text as bucket,
       count(*)::text as rows,
       count(inspect_pen)::text as pen_count,
       count(inspect_stamp)::text as stamp_count,
       count(inspect_gate)::text as gate_count,
       count(*) filter (where certified)::text as certified_count,
       count(certified_at)::text as certified_at_count,
       sum(h_pen)::text as sum_pen,
       sum(h_stamp)::text as sum_stamp,
       sum(h_gate)::text as sum_gate,
       sum(h_certified)::text as sum_certified,
       sum(h_canonical)::text as sum_canonical,
       sum(h_identity)::text as sum_identity,
       sum((id % $3::bigint) * (h_pen + h_stamp + h_gate + h_certified + h_canonical + h_identity))::text as position
  from (select id, inspect_pen, inspect_stamp, inspect_gate, certified, certified_at,${GROUP_HASHES}
          from ${REGISTRY_TABLE}
         where ctid >= $1::tid${upperBound ? ' and ctid < $2::tid' : ''}
        offset 0) hashed
 group by 1`;
}

/** One chunk of pages [$1, $2) grouped into buckets of $3 ids; a row per bucket, figures as text. */
export const READ_REGISTRY_CHUNK_SQL = chunkSql(true);
/** The last chunk: from $1 to the end of the table, however far it grew since its size was read. */
export const READ_REGISTRY_TAIL_SQL = chunkSql(false).replaceAll('$3::bigint', '$2::bigint');

export interface RegistryChunkRow {
  bucket: string;
  rows: string;
  pen_count: string;
  stamp_count: string;
  gate_count: string;
  certified_count: string;
  certified_at_count: string;
  sum_pen: string;
  sum_stamp: string;
  sum_gate: string;
  sum_certified: string;
  sum_canonical: string;
  sum_identity: string;
  position: string;
}

/**
 * Planner settings for the snapshot's read-only transaction only (SET LOCAL): the chunk's group
 * count is unknown to the planner, which then sorts 100,000 wide rows instead of hashing a few
 * hundred groups; JIT compiles for longer than a chunk runs; the prover runs its own two sessions
 * instead of parallel workers (a parallel plan cannot keep the hashes from being computed twice).
 */
export const SNAPSHOT_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  enable_sort: 'off',
  work_mem: '64MB',
  jit: 'off',
  max_parallel_workers_per_gather: '0',
};
