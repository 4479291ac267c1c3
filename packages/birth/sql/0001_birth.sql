-- Why: B1 mints identity roots, and the field mints them from ~192 source-table triggers as well as
-- from services. birth_lane.mint_birth is the one database-side path those triggers call: it
-- checks identity the same way the TypeScript block does (so a trigger cannot mint what the block
-- would refuse), inserts certified=false with no stamp, and is idempotent on entity_code.
-- trg_birth_announce tells LISTENing producers about every birth, whatever path minted it.
create schema if not exists birth_lane;

-- SECURITY DEFINER so a source-table trigger mints whatever role writes the source table, without
-- every writer holding insert on the registry. The function can only do what the birth role may:
-- insert identity and metadata columns; it has no parameter for a stamp, certified or a canonical
-- field. search_path is pinned so a caller cannot redirect the names it uses.
create or replace function birth_lane.mint_birth(
  p_entity_code text,
  p_collection_name text,
  p_dot_origin text,
  p_governance_role text default 'governed',
  p_species_code text default null,
  p_born_at timestamptz default now(),
  p_name text default null,
  p_description text default null,
  p_status text default null
)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  minted_id bigint;
begin
  -- Keep this pattern identical to ENTITY_CODE_PATTERN_SQL in @birth-lane/contract (a unit test checks).
  if p_entity_code is null then
    raise exception using errcode = 'BL001',
      message = 'birth refused: entity_code is required (rule: required)',
      hint = 'Map entity_code to a column that is never null.';
  end if;
  if p_entity_code !~ '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$' then
    raise exception using errcode = 'BL001',
      message = format('birth refused: entity_code %L must look like PREFIX-NNN (upper-case prefix, a dash, at least three digits) (rule: pattern)', p_entity_code);
  end if;
  if p_collection_name is null or btrim(p_collection_name) = '' then
    raise exception using errcode = 'BL001',
      message = format('birth refused for %s: collection_name must not be empty (rule: required)', p_entity_code);
  end if;
  if length(btrim(p_collection_name)) > 128 then
    raise exception using errcode = 'BL001',
      message = format('birth refused for %s: collection_name must be at most 128 characters (rule: max)', p_entity_code);
  end if;
  if p_dot_origin is null or btrim(p_dot_origin) = '' then
    raise exception using errcode = 'BL001',
      message = format('birth refused for %s: dot_origin must not be empty (rule: required)', p_entity_code);
  end if;
  if length(btrim(p_dot_origin)) > 256 then
    raise exception using errcode = 'BL001',
      message = format('birth refused for %s: dot_origin must be at most 256 characters (rule: max)', p_entity_code);
  end if;
  if p_governance_role is null or p_governance_role not in ('governed', 'observed') then
    raise exception using errcode = 'BL001',
      message = format('birth refused for %s: governance_role %L must be one of governed, observed (rule: one_of)',
        p_entity_code, p_governance_role);
  end if;
  -- 'infinity' / '-infinity' would pass every "not in the future" check and break every age
  -- computed from born_at (status: "cannot subtract infinite timestamps").
  if p_born_at is not null and not isfinite(p_born_at) then
    raise exception using errcode = 'BL001', column = 'born_at', constraint = 'birth_born_at_finite',
      message = format('birth refused for %s: born_at %s must be a finite time (rule: finite)', p_entity_code, p_born_at);
  end if;

  insert into public.birth_registry
    (entity_code, collection_name, dot_origin, governance_role, species_code, born_at, name, description, status)
  values
    (p_entity_code, btrim(p_collection_name), btrim(p_dot_origin), p_governance_role, p_species_code,
     coalesce(p_born_at, now()), p_name, p_description, p_status)
  on conflict (entity_code) do nothing
  returning id into minted_id;

  if minted_id is null then
    -- Already born: a new statement, so under READ COMMITTED it also sees a concurrent minter's row.
    select id into minted_id from public.birth_registry where entity_code = p_entity_code;
  end if;
  return minted_id;
end;
$$;

revoke all on function birth_lane.mint_birth(text, text, text, text, text, timestamptz, text, text, text) from public;
grant execute on function birth_lane.mint_birth(text, text, text, text, text, timestamptz, text, text, text)
  to birth_lane_birth;

-- The bulk path of the TypeScript block (mintBirths): the same checks as mint_birth, for a whole
-- chunk in one statement, so the birth role needs no INSERT on the registry at all. $1 is a JSON
-- array of inputs, each with its position `i`. Every input is checked first and the first bad
-- one refuses the whole chunk (BL001, naming the input and the rule), so nothing is written. The
-- insert skips codes already born; the outer select reads the pre-existing rows from the
-- statement's snapshot (rows the CTE inserts are invisible to it), so each input comes back
-- once, as minted or existing, with the stored identity fields for the conflict report.
create or replace function birth_lane.mint_births(p_inputs jsonb)
returns table (
  i int, minted_id text, existing_id text, collection_name text, dot_origin text, governance_role text,
  species_code text, born_at timestamptz, name text, description text, status text
)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  bad record;
begin
  if p_inputs is null or jsonb_typeof(p_inputs) <> 'array' then
    raise exception using errcode = 'BL001', message = 'birth refused: the inputs must be a JSON array';
  end if;
  if jsonb_array_length(p_inputs) > 10000 then
    raise exception using errcode = 'BL001',
      message = format('birth refused: %s inputs in one call; at most 10000 (rule: max)', jsonb_array_length(p_inputs));
  end if;

  -- Keep these rules identical to mint_birth's (and so to the TypeScript block's).
  select input.i, input.entity_code,
         case
           when input.entity_code is null then 'entity_code is required (rule: required)'
           when input.entity_code !~ '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$'
             then 'entity_code must look like PREFIX-NNN (upper-case prefix, a dash, at least three digits) (rule: pattern)'
           when input.collection_name is null or btrim(input.collection_name) = ''
             then 'collection_name must not be empty (rule: required)'
           when length(btrim(input.collection_name)) > 128 then 'collection_name must be at most 128 characters (rule: max)'
           when input.dot_origin is null or btrim(input.dot_origin) = '' then 'dot_origin must not be empty (rule: required)'
           when length(btrim(input.dot_origin)) > 256 then 'dot_origin must be at most 256 characters (rule: max)'
           when input.governance_role is null or input.governance_role not in ('governed', 'observed')
             then 'governance_role must be one of governed, observed (rule: one_of)'
           when input.born_at is not null and not isfinite(input.born_at)
             then 'born_at must be a finite time (rule: finite)'
         end as problem
    into bad
    from jsonb_to_recordset(p_inputs) as input(
      i int, entity_code text, collection_name text, dot_origin text, governance_role text, born_at timestamptz)
   where input.entity_code is null
      or input.entity_code !~ '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$'
      or input.collection_name is null or btrim(input.collection_name) = '' or length(btrim(input.collection_name)) > 128
      or input.dot_origin is null or btrim(input.dot_origin) = '' or length(btrim(input.dot_origin)) > 256
      or input.governance_role is null or input.governance_role not in ('governed', 'observed')
      or (input.born_at is not null and not isfinite(input.born_at))
   order by input.i
   limit 1;
  if found then
    raise exception using errcode = 'BL001',
      constraint = case when bad.problem like 'born_at %' then 'birth_born_at_finite' else '' end,
      message = format('birth refused for inputs.%s (%s): %s', bad.i, coalesce(bad.entity_code, 'no entity_code'), bad.problem);
  end if;

  return query
  with input as (
    select *
    from jsonb_to_recordset(p_inputs) as input(
      i int, entity_code text, collection_name text, dot_origin text, governance_role text,
      species_code text, born_at timestamptz, name text, description text, status text
    )
  ),
  minted as (
    insert into public.birth_registry
      (entity_code, collection_name, dot_origin, governance_role, species_code, born_at, name, description, status)
    select entity_code, btrim(collection_name), btrim(dot_origin), governance_role, species_code,
           coalesce(born_at, now()), name, description, status
    from input
    order by i
    on conflict (entity_code) do nothing
    returning id, entity_code
  )
  select input.i,
         minted.id::text,
         existing.id::text,
         existing.collection_name, existing.dot_origin, existing.governance_role, existing.species_code,
         existing.born_at, existing.name, existing.description, existing.status
  from input
  left join minted on minted.entity_code = input.entity_code
  left join public.birth_registry existing on existing.entity_code = input.entity_code and minted.id is null
  order by input.i;
end;
$$;

revoke all on function birth_lane.mint_births(jsonb) from public;
grant execute on function birth_lane.mint_births(jsonb) to birth_lane_birth;

-- mintBirth reports an existing birth together with the fields where the caller's input differs
-- from the stored row; reading them needs the columns the birth role already writes (never the
-- stamps, certified or canonical columns). id and entity_code are granted by the contract.
grant select (collection_name, species_code, dot_origin, governance_role, born_at, name, description, status)
  on public.birth_registry to birth_lane_birth;

-- One notification per inserted row, statement-level over the transition table so a bulk mint of
-- 10,000 rows runs the trigger once. The payload is the registry id as text.
create or replace function birth_lane.fn_birth_announce()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_notify('birth_lane_birth', born.id::text) from born order by born.id;
  return null;
end;
$$;

drop trigger if exists trg_birth_announce on public.birth_registry;
create trigger trg_birth_announce
  after insert on public.birth_registry
  referencing new table as born
  for each statement execute function birth_lane.fn_birth_announce();
