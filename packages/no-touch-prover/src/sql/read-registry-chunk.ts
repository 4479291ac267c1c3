import { REGISTRY_TABLE } from '@birth-lane/contract';

/**
 * Why each piece is the way it is (measured on 1.2 million rows, PostgreSQL 15, 2 cores):
 *  - Per-cell hashes come from the types' own hash-opclass support functions (no text casts where
 *    a type has one: a text cast costs several times a hash), seeded per cell. The seed is a hash
 *    of the row's id and the rehearsal's salt (`r`, computed once per row), XORed with the column's
 *    number: two cells never share a seed (the old `id # k` gave row 12's owner and row 13's
 *    canonical_address the same seed, so a value moved between them cancelled out), and without the
 *    salt nobody can compute a compensating edit offline.
 *  - Every hash is of the exact stored value: text bytewise (`collate "C"`: a nondeterministic
 *    collation would hash 'A' and 'a' alike); jsonb by its text form (jsonb's own hash goes by
 *    numeric value, so `1.0` → `1.00` was invisible; the text keeps the scale and has the keys in
 *    jsonb's normalised order); timestamptz as the interval since the epoch, exact to the
 *    microsecond and independent of the session's TimeZone (`at time zone 'UTC'` took twice as
 *    long); infinite timestamps, which cannot be subtracted, as text.
 *  - NULL (and `certified = false`) hashes to 0: a row inserted blank moves only the identity
 *    group, while NULL ↔ value still moves its group (a value hashes to 0 with chance 2^-48).
 *  - The cells of one group are combined with XOR inside the row, shifted to 48 bits, and added up
 *    per bucket (addition does not depend on row order). The position sum multiplies the row's
 *    offset in its bucket (< 4096) by the sum of its six 48-bit hashes (< 2^51): below 2^63.
 *  - `offset 0` keeps the planner from inlining an expression into every use of it (the row seed
 *    into 18 hashes, the hashes into each aggregate): each is computed once per row.
 *  - The scan is a TID range over physical pages: each chunk reads its pages once, in order, and
 *    the per-bucket sums of all chunks simply add up, whatever the physical order of the ids.
 *  - Written since: `age(xmin) <= age(xmin of the before snapshot)` picks the row versions written
 *    by a transaction the before snapshot may not have seen (every older xid is visible to it). A
 *    "before" snapshot lists the ones it did see as `id:xmin` (few: only rows written by
 *    transactions that ended while an older one still ran); an "after" snapshot counts every such
 *    version not on that list: written since. Exact where `pg_visible_in_snapshot` is not (it
 *    calls a subtransaction's xid visible when its parent was still running), and a row the list
 *    lacks (a list cut at its limit, a frozen row's raw xmin wrapped into the window) can only be
 *    counted as written (INCONCLUSIVE), never missed.
 */
const GROUP_HASHES = `
  coalesce(${stamp('inspect_pen', 1)}, 0) >> 16 as h_pen,
  coalesce(${stamp('inspect_stamp', 2)}, 0) >> 16 as h_stamp,
  coalesce(${stamp('inspect_gate', 3)}, 0) >> 16 as h_gate,
  ((case when certified then r # 3074457345618258599 else 0 end)
    # coalesce(${stamp('certified_at', 4)}, 0)) >> 16 as h_certified,
  (coalesce(${text('canonical_address', 5)}, 0)
    # coalesce(${text('owner', 6)}, 0)
    # coalesce(${text('jsonb_profile::text', 7)}, 0)
    # coalesce(${text('status', 8)}, 0)) >> 16 as h_canonical,
  (r
    # coalesce(${text('entity_code', 9)}, 0)
    # coalesce(${text('collection_name', 10)}, 0)
    # coalesce(${text('species_code', 11)}, 0)
    # coalesce(${text('dot_origin', 12)}, 0)
    # coalesce(${text('governance_role', 13)}, 0)
    # coalesce(${stamp('born_at', 14)}, 0)
    # coalesce(${text('name', 15)}, 0)
    # coalesce(${text('description', 16)}, 0)) >> 16 as h_identity`;

/** A text value's hash, bytewise, seeded for this row and column. */
function text(expression: string, column: number): string {
  return `hashtextextended((${expression}) collate "C", r # ${column})`;
}

/** A timestamptz's hash, exact to the microsecond, seeded for this row and column. */
function stamp(column: string, number: number): string {
  return `case when isfinite(${column}) then interval_hash_extended(${column} - timestamptz 'epoch', r # ${number})
    else hashtextextended(${column}::text collate "C", r # ${number}) end`;
}

/** A version the before snapshot ($5: its xmin as a 32-bit xid) may not have seen. */
const RECENT = 'age(xmin) <= age($5::text::xid)';
/** Its key on the before snapshot's list of the recent versions it saw. */
const VERSION_KEY = "id::text || ':' || xmin::text";
/** Written since the before snapshot: recent and not on its list ($6). */
const WRITTEN = `case when ${RECENT} then not ((${VERSION_KEY}) = any ($6::text[])) else false end`;

/**
 * One chunk of pages [$1, $2) (or from $1 to the end of the table, however far it grew since its
 * size was read) grouped into buckets of $3 ids, hashed with salt $4. A "before" snapshot also
 * lists the recent versions it saw (`marked`: `id:xmin`); an "after" one (`since`) the ids written
 * since the before ($5, $6). A row per bucket, figures as text.
 */
export function registryChunkSql(options: { readonly upperBound: boolean; readonly since: boolean }): string {
  const { upperBound, since } = options;
  const mark = since ? WRITTEN : RECENT;
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
       sum((id % $3::bigint) * (h_pen + h_stamp + h_gate + h_certified + h_canonical + h_identity))::text as position,
       count(*) filter (where marked)::text as marked,
       array_agg(marked_as order by id) filter (where marked) as marked_as
  from (select id, inspect_pen, inspect_stamp, inspect_gate, certified, certified_at, marked,
               case when marked then ${since ? 'id::text' : "id::text || ':' || row_xmin::text"} end as marked_as,${GROUP_HASHES}
          from (select *, xmin as row_xmin, hashint8extended(id, $4::bigint) as r, ${mark} as marked
                  from ${REGISTRY_TABLE}
                 where ctid >= $1::tid and ${upperBound ? 'ctid < $2::tid' : '$2::tid is null'}
                offset 0) seeded
        offset 0) hashed
 group by 1`;
}

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
  /** Recent versions seen (a before snapshot) or rows written since (an after one). */
  marked: string;
  /** Their `id:xmin` keys (before) or ids (after), in id order. */
  marked_as: string[] | null;
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
