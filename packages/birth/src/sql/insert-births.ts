/**
 * Mints a batch in one statement. `$1` is a JSON array of inputs, each carrying its position `i`.
 * The insert skips codes already born; the outer select reads the pre-existing rows from the
 * statement's snapshot (rows the CTE inserts are invisible to it), so each input comes back once,
 * as minted or existing, with the stored identity fields for the conflict report.
 */
export const INSERT_BIRTHS_SQL = `
with input as (
  select *
  from jsonb_to_recordset($1::jsonb) as input(
    i int, entity_code text, collection_name text, dot_origin text, governance_role text,
    species_code text, born_at timestamptz, name text, description text, status text
  )
),
minted as (
  insert into public.birth_registry
    (entity_code, collection_name, dot_origin, governance_role, species_code, born_at, name, description, status)
  select entity_code, collection_name, dot_origin, governance_role, species_code, coalesce(born_at, now()),
         name, description, status
  from input
  order by i
  on conflict (entity_code) do nothing
  returning id, entity_code
)
select input.i,
       minted.id::text as minted_id,
       existing.id::text as existing_id,
       existing.collection_name, existing.dot_origin, existing.governance_role, existing.species_code,
       existing.born_at, existing.name, existing.description, existing.status
from input
left join minted on minted.entity_code = input.entity_code
left join public.birth_registry existing on existing.entity_code = input.entity_code and minted.id is null
order by input.i`;

/**
 * Reads rows a concurrent minter committed after INSERT_BIRTHS_SQL took its snapshot: the insert
 * saw them (and skipped), the snapshot did not. A new statement gets a new snapshot.
 */
export const SELECT_BIRTHS_BY_CODE_SQL = `
select id::text as existing_id, entity_code, collection_name, dot_origin, governance_role, species_code,
       born_at, name, description, status
from public.birth_registry
where entity_code = any($1::text[])`;

export interface StoredBirthFields {
  readonly existing_id: string | null;
  readonly collection_name: string | null;
  readonly dot_origin: string | null;
  readonly governance_role: string | null;
  readonly species_code: string | null;
  readonly born_at: Date | null;
  readonly name: string | null;
  readonly description: string | null;
  readonly status: string | null;
}

export interface InsertBirthsRow extends StoredBirthFields {
  readonly i: number;
  readonly minted_id: string | null;
}

export interface SelectBirthsByCodeRow extends StoredBirthFields {
  readonly entity_code: string;
}
