import type { Queryable } from '@birth-lane/contract';

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
export async function seedRegistry(
  db: Queryable,
  rows: number,
  onChunk?: (done: number) => void,
): Promise<void> {
  const chunk = 200_000;
  await db.query('set session_replication_role = replica');
  try {
    for (let from = 1; from <= rows; from += chunk) {
      const to = Math.min(rows, from + chunk - 1);
      await db.query(SEED_SQL, [from, to]);
      onChunk?.(to);
    }
  } finally {
    await db.query('set session_replication_role = origin');
  }
  await db.query(
    "select setval('public.birth_registry_id_seq', (select max(id) from public.birth_registry))",
  );
  // The producer's partial index and the planner need fresh statistics after a bulk load.
  await db.query('vacuum analyze public.birth_registry');
}

const SEED_SQL = `
insert into public.birth_registry
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
