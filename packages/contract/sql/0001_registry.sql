-- Why: birth_registry is the one table every block meets at (brief section 2). Blocks never call
-- each other; they read and write these columns under the rules the lane's triggers enforce.
-- Created only if absent, so installing over a field registry leaves its rows untouched.
create schema if not exists birth_lane;

create table if not exists public.birth_registry (
  id bigserial primary key,
  entity_code text not null,
  collection_name text,
  species_code text,
  dot_origin text,
  governance_role text not null default 'governed',
  born_at timestamptz default now(),
  name text,
  description text,
  status text,
  inspect_pen timestamptz,
  inspect_stamp timestamptz,
  inspect_gate timestamptz,
  certified boolean not null default false,
  certified_at timestamptz,
  canonical_address text,
  owner text,
  jsonb_profile jsonb,
  constraint birth_registry_entity_code_key unique (entity_code),
  constraint birth_registry_governance_role_check check (governance_role in ('governed', 'observed'))
);

-- The producer walks uncertified rows by id (counting observed ones as skipped); this partial
-- index keeps that walk cheap however many certified rows the registry holds.
create index if not exists birth_registry_uncertified_idx
  on public.birth_registry (id)
  where certified = false;
