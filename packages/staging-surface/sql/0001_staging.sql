-- Why: separation by construction. Every staging surface is created, loaded, judged, reported and
-- dropped under one NOLOGIN role, birth_lane_staging, that holds no write privilege on any
-- production table and no EXECUTE on any lane writer (mint_birth, inspect_batch, begin_run,
-- cast_vote, promote, ...). An operator who rehearses under it (even a superuser, through
-- SET ROLE) cannot reach production whatever SQL the rehearsal sends.
--
-- The role gets no CREATE on the database: that would let it create a schema of any name (one on
-- another role's search_path, or a look-alike of birth_lane). Instead SECURITY DEFINER functions
-- create, seal and drop surfaces bl_stage_<server-generated id> (below), owned by the lane owner.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'birth_lane_staging') then
    begin
      create role birth_lane_staging nologin;
    exception when duplicate_object or unique_violation then
      null; -- another installer created it first (roles are cluster-wide)
    end;
  end if;
  -- CREATE SCHEMA ... AUTHORIZATION needs the creator (this function's owner) to be a member of
  -- the role; a superuser installer is one implicitly.
  if not (select rolsuper from pg_catalog.pg_roles where rolname = current_user) then
    execute format('grant birth_lane_staging to %I', current_user);
  end if;
end
$$;

-- Read, never write: the fields the inspection reads (copied into a sample), and the stamps and
-- certified flag (a sample is drawn from uncertified rows; the report compares with production).
-- The revoke takes back anything an earlier install or a careless GRANT gave.
revoke all on public.birth_registry from birth_lane_staging;
revoke all on sequence public.birth_registry_id_seq from birth_lane_staging;
grant select (id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name,
              description, status, certified, inspect_pen, inspect_stamp, inspect_gate)
  on public.birth_registry to birth_lane_staging;
revoke all on birth_lane.evidence from birth_lane_staging;
revoke all on sequence birth_lane.evidence_id_seq from birth_lane_staging;

-- A surface attaches production's own stud guard and the append-only refusal to its tables, and
-- classifies stamps with the stud's classifier: those four functions only.
grant usage on schema birth_lane to birth_lane_staging;
grant execute on function birth_lane.fn_birth_inspect_stud(),
  birth_lane.refuse_change_to_append_only(),
  birth_lane.inspect_state(timestamptz, timestamptz, timestamptz),
  birth_lane.inspect_reason(timestamptz, timestamptz, timestamptz)
  to birth_lane_staging;

-- Why (issue 11 review, findings 4 and 5): when the shared role birth_lane_staging owned every
-- surface, any staging login owned every surface: it could rewrite another login's manifest,
-- backdate it into expiry, forge evidence times, disable or drop the append-only and stud
-- triggers, truncate evidence and drop another login's surface; and the bare schema creator left
-- schemas without a manifest that no command could remove. Now:
--   * the lane owner (these functions' owner) owns every surface schema and table, so no staging
--     role can ALTER, DISABLE TRIGGER, TRUNCATE or DROP any of it;
--   * each surface has its own NOLOGIN role bl_stage_<id>, granted to the creating login only and
--     a member of birth_lane_staging (it inherits the read grants, nothing more); surface work runs
--     as that role, so another staging login (not a member) can neither read nor write it;
--   * the manifest (creator = session_user, created_at / expires_at = server time) is written by
--     create_staging_surface only, in the same transaction as the schema: no schema without one;
--   * evidence: INSERT only on the columns a run fills (id and recorded_at are the server's), no
--     UPDATE/DELETE/TRUNCATE; input: INSERT while loading, then, once sealed, UPDATE only of the
--     three candidate stamps under production's stud;
--   * drop_staging_surface drops schema and role in one transaction, for the creator, the lane
--     owner, or any staging member once the surface has expired (server time).
drop function if exists birth_lane.create_staging_schema();

create or replace function birth_lane.create_staging_surface(
  p_rule_set_version text, p_rule_set_hash text, p_rule_set_document jsonb, p_source text,
  p_ttl interval, p_readiness jsonb)
  returns text
  language plpgsql
  volatile
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_id text;
  v_name text;
  v_s text;
  v_id_lit text;
begin
  -- session_user, not current_user: the login behind a SET ROLE must itself hold the role.
  if not pg_catalog.pg_has_role(session_user, 'birth_lane_staging', 'MEMBER') then
    raise exception using errcode = '42501',
      message = 'login ' || session_user || ' is not a member of birth_lane_staging; no surface was created';
  end if;
  if p_rule_set_version is null or p_rule_set_version !~ '^[0-9]+\.[0-9]+\.[0-9]+$' then
    raise exception using errcode = '22023',
      message = 'p_rule_set_version must be a semantic version such as 1.0.0; no surface was created';
  end if;
  if p_rule_set_hash is null or p_rule_set_hash !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = '22023',
      message = 'p_rule_set_hash must be a sha256 hex digest (64 hex characters); no surface was created';
  end if;
  if p_rule_set_document is null or pg_catalog.jsonb_typeof(p_rule_set_document) <> 'object' then
    raise exception using errcode = '22023',
      message = 'p_rule_set_document must be a JSON object (the rule set); no surface was created';
  end if;
  if p_source is null or p_source !~ '^(fixtures:.+|sample:[0-9]+)$' then
    raise exception using errcode = '22023',
      message = 'p_source must be fixtures:<file> or sample:<n>; no surface was created';
  end if;
  if p_ttl is null or p_ttl < interval '1 minute' or p_ttl > interval '30 days' then
    raise exception using errcode = '22023',
      message = 'p_ttl must be between 1 minute and 30 days; no surface was created';
  end if;
  if p_readiness is null or pg_catalog.jsonb_typeof(p_readiness) <> 'array'
     or pg_catalog.jsonb_array_length(p_readiness) <> 8 then
    raise exception using errcode = '22023',
      message = 'p_readiness must be a JSON array of the 8 readiness checks SR-1 … SR-8; no surface was created';
  end if;

  -- The id comes from the server: 12 hex characters of a random uuid, never from the caller.
  v_id := pg_catalog.substr(pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 1, 12);
  v_name := 'bl_stage_' || v_id;
  v_s := pg_catalog.quote_ident(v_name);
  v_id_lit := pg_catalog.quote_literal(v_id);

  -- The surface's own role: no login, no attribute; reads what birth_lane_staging reads.
  execute pg_catalog.format('create role %I nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls in role birth_lane_staging', v_name);
  execute pg_catalog.format('grant %I to %I', v_name, session_user);

  -- Owned by this function's owner (the lane owner), never by a staging role.
  execute pg_catalog.format('create schema %s', v_s);
  execute pg_catalog.format('grant usage on schema %s to birth_lane_staging', v_s);

  execute pg_catalog.format($ddl$
create table %1$s.manifest (
  id text primary key check (id = %2$s),
  creator text not null,
  rule_set_version text not null,
  rule_set_hash text not null,
  rule_set_document jsonb not null,
  source text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  readiness jsonb not null
);
create table %1$s.input (
  id bigint primary key,
  entity_code text,
  collection_name text,
  species_code text,
  dot_origin text,
  governance_role text,
  born_at timestamptz,
  name text,
  description text,
  status text,
  certified boolean not null default false,
  inspect_pen timestamptz,
  inspect_stamp timestamptz,
  inspect_gate timestamptz,
  bad_input jsonb,
  surface_id text not null default %2$s check (surface_id = %2$s),
  designation text not null default 'candidate' check (designation = 'candidate')
);
create table %1$s.evidence (
  id bigint generated always as identity primary key,
  recorded_at timestamptz not null default pg_catalog.clock_timestamp(),
  run_id uuid not null,
  kind text not null check (kind in ('inspection_failure', 'ambiguous_row', 'run_report')),
  row_id bigint,
  stage text check (stage in ('pen', 'stamp', 'gate')),
  check_id text,
  rule_set_hash text not null,
  message text,
  payload jsonb not null default '{}'::jsonb,
  surface_id text not null default %2$s check (surface_id = %2$s),
  designation text not null default 'staging' check (designation = 'staging')
);
create unique index evidence_failure_once on %1$s.evidence (row_id, check_id, rule_set_hash)
  where kind in ('inspection_failure', 'ambiguous_row');
create trigger evidence_append_only before update or delete on %1$s.evidence
  for each row execute function birth_lane.refuse_change_to_append_only();
create trigger evidence_no_truncate before truncate on %1$s.evidence
  for each statement execute function birth_lane.refuse_change_to_append_only();
$ddl$, v_s, v_id_lit);

  -- The manifest: identity and times from the server; nobody but this function writes it.
  execute pg_catalog.format(
    'insert into %s.manifest (id, creator, rule_set_version, rule_set_hash, rule_set_document, source, created_at, expires_at, readiness)
     values ($1, $2, $3, $4, $5, $6, pg_catalog.now(), pg_catalog.now() + $7, $8)', v_s)
    using v_id, session_user::text, p_rule_set_version, p_rule_set_hash, p_rule_set_document, p_source, p_ttl, p_readiness;

  -- Every staging member may list manifests; only the surface's role reads or writes the rest.
  execute pg_catalog.format('grant select on %s.manifest to birth_lane_staging', v_s);
  execute pg_catalog.format(
    'grant select, insert (id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name,
       description, status, certified, inspect_pen, inspect_stamp, inspect_gate, bad_input),
       update (inspect_pen, inspect_stamp, inspect_gate) on %s.input to %I', v_s, v_name);
  execute pg_catalog.format(
    'grant select, insert (run_id, kind, row_id, stage, check_id, rule_set_hash, message, payload) on %s.evidence to %I',
    v_s, v_name);
  return v_id;
end
$$;

comment on function birth_lane.create_staging_surface(text, text, jsonb, text, interval, jsonb) is
  'Creates staging surface bl_stage_<id> (id chosen by the server): its role (granted to session_user), schema, manifest, input and evidence tables, all owned by the lane owner. Returns the id.';

-- After loading: production's stud on the candidate slots (fixture rows may carry historical
-- stamps, which an INSERT through the stud would refuse) and no more INSERT into input. The
-- trigger is the lane owner's: the surface role cannot drop or disable it.
create or replace function birth_lane.seal_staging_surface(p_surface_id text)
  returns void
  language plpgsql
  volatile
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_name text;
begin
  if p_surface_id is null or p_surface_id !~ '^[0-9a-f]{12}$' then
    raise exception using errcode = '22023',
      message = 'p_surface_id must be a staging surface id: 12 hex characters (0-9, a-f); nothing was sealed';
  end if;
  v_name := 'bl_stage_' || p_surface_id;
  if pg_catalog.to_regclass(pg_catalog.format('%I.input', v_name)) is null
     or not exists (select 1 from pg_catalog.pg_roles where rolname = v_name) then
    raise exception using errcode = 'P0002', message = 'no staging surface ' || p_surface_id;
  end if;
  if not pg_catalog.pg_has_role(session_user, v_name, 'MEMBER') then
    raise exception using errcode = '42501',
      message = 'login ' || session_user || ' does not hold ' || v_name || ' (only the surface''s creator seals it); nothing was sealed';
  end if;
  if exists (select 1 from pg_catalog.pg_trigger
              where tgrelid = pg_catalog.format('%I.input', v_name)::pg_catalog.regclass and tgname = 'input_inspect_stud') then
    raise exception using errcode = '55000', message = 'staging surface ' || p_surface_id || ' is already sealed';
  end if;
  execute pg_catalog.format('revoke insert on %I.input from %I', v_name, v_name);
  execute pg_catalog.format(
    'create trigger input_inspect_stud before insert or update on %I.input for each row execute function birth_lane.fn_birth_inspect_stud()',
    v_name);
end
$$;

comment on function birth_lane.seal_staging_surface(text) is
  'Ends loading of staging surface p_surface_id: attaches production''s stud guard to its input and revokes INSERT from its role.';

-- Drops one surface (schema and role) in one transaction. Allowed for its creator, the lane
-- owner, or (once expired, by server time) any staging member; a surface without a readable
-- manifest (made by an earlier install, or reshaped by hand) counts as expired. Refuses, naming
-- them, objects outside the surface that depend on it: CASCADE would remove them unasked.
create or replace function birth_lane.drop_staging_surface(p_surface_id text)
  returns void
  language plpgsql
  volatile
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_name text;
  v_schema pg_catalog.oid;
  v_creator text;
  v_expires timestamptz;
  v_rows bigint := 0;
  v_owner boolean;
  v_dependents text;
begin
  if p_surface_id is null or p_surface_id !~ '^[0-9a-f]{12}$' then
    raise exception using errcode = '22023',
      message = 'p_surface_id must be a staging surface id: 12 hex characters (0-9, a-f); nothing was dropped';
  end if;
  v_owner := pg_catalog.pg_has_role(session_user, current_user, 'MEMBER');
  if not v_owner and not pg_catalog.pg_has_role(session_user, 'birth_lane_staging', 'MEMBER') then
    raise exception using errcode = '42501',
      message = 'login ' || session_user || ' is not a member of birth_lane_staging; nothing was dropped';
  end if;
  v_name := 'bl_stage_' || p_surface_id;
  select oid into v_schema from pg_catalog.pg_namespace where nspname = v_name;
  if v_schema is null and not exists (select 1 from pg_catalog.pg_roles where rolname = v_name) then
    raise exception using errcode = 'P0002', message = 'no staging surface ' || p_surface_id;
  end if;

  if v_schema is not null and pg_catalog.to_regclass(pg_catalog.format('%I.manifest', v_name)) is not null then
    begin
      execute pg_catalog.format('select count(*), min(creator::text), min(expires_at::timestamptz) from %I.manifest', v_name)
        into v_rows, v_creator, v_expires;
    exception when syntax_error_or_access_rule_violation or data_exception then
      v_rows := 0;  -- reshaped by hand: no manifest to honour
    end;
  end if;
  if v_rows = 1 and not v_owner and v_creator is distinct from session_user::text
     and v_expires > pg_catalog.clock_timestamp() then
    raise exception using errcode = '42501',
      message = pg_catalog.format('staging surface %s belongs to %s and expires at %s; only its creator or the lane owner may drop it before then. Nothing was dropped.',
                                  p_surface_id, v_creator, v_expires);
  end if;

  if v_schema is not null then
    -- A run or report still reading the surface holds it; wait a little, never indefinitely. The
    -- locks keep anyone from attaching a new dependent between the check and the drop.
    perform pg_catalog.set_config('lock_timeout', '3s', true);
    if pg_catalog.to_regclass(pg_catalog.format('%I.input', v_name)) is not null then
      execute pg_catalog.format('lock table %I.input in access exclusive mode', v_name);
    end if;
    if pg_catalog.to_regclass(pg_catalog.format('%I.evidence', v_name)) is not null then
      execute pg_catalog.format('lock table %I.evidence in access exclusive mode', v_name);
    end if;
    with inside as (
      select 'pg_catalog.pg_class'::pg_catalog.regclass as classid, c.oid as objid from pg_catalog.pg_class c where c.relnamespace = v_schema
      union all select 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid from pg_catalog.pg_type t where t.typnamespace = v_schema
      union all select 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid from pg_catalog.pg_proc p where p.pronamespace = v_schema
    ),
    dependent as (
      select d.classid, d.objid, d.objsubid,
             case d.classid
               when 'pg_catalog.pg_class'::pg_catalog.regclass then (select c.relnamespace from pg_catalog.pg_class c where c.oid = d.objid)
               when 'pg_catalog.pg_type'::pg_catalog.regclass then (select t.typnamespace from pg_catalog.pg_type t where t.oid = d.objid)
               when 'pg_catalog.pg_proc'::pg_catalog.regclass then (select p.pronamespace from pg_catalog.pg_proc p where p.oid = d.objid)
               when 'pg_catalog.pg_rewrite'::pg_catalog.regclass then
                 (select c.relnamespace from pg_catalog.pg_rewrite r join pg_catalog.pg_class c on c.oid = r.ev_class where r.oid = d.objid)
               when 'pg_catalog.pg_trigger'::pg_catalog.regclass then
                 (select c.relnamespace from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid where g.oid = d.objid)
               when 'pg_catalog.pg_constraint'::pg_catalog.regclass then
                 (select coalesce(c.relnamespace, k.connamespace) from pg_catalog.pg_constraint k
                    left join pg_catalog.pg_class c on c.oid = k.conrelid where k.oid = d.objid)
               when 'pg_catalog.pg_attrdef'::pg_catalog.regclass then
                 (select c.relnamespace from pg_catalog.pg_attrdef a join pg_catalog.pg_class c on c.oid = a.adrelid where a.oid = d.objid)
             end as namespace
        from pg_catalog.pg_depend d
        join inside i on i.classid = d.refclassid and i.objid = d.refobjid
       where d.deptype in ('n', 'a')
    )
    -- a view depends through its _RETURN rule; name the view
    select pg_catalog.string_agg(distinct '  - ' || case when classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                         then (select pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, r.ev_class, 0)
                                 from pg_catalog.pg_rewrite r where r.oid = objid)
                         else pg_catalog.pg_describe_object(classid, objid, objsubid) end, E'\n')
      into v_dependents
      from dependent
     where namespace is distinct from v_schema;
    if v_dependents is not null then
      raise exception using errcode = '2BP01',
        message = pg_catalog.format(E'Refusing to drop staging surface %s: objects outside it depend on it, and a cascading drop would remove them too:\n%s\nNothing was dropped. Remove or rewrite those objects first; nothing outside a surface may lean on it.',
                                    p_surface_id, v_dependents);
    end if;
    execute pg_catalog.format('drop schema %I cascade', v_name);
  end if;
  begin
    execute pg_catalog.format('drop role if exists %I', v_name);
  exception when dependent_objects_still_exist then
    raise exception using errcode = '2BP01',
      message = pg_catalog.format('Refusing to drop staging surface %s: its role %s still owns or holds something outside the surface (%s). Nothing was dropped.',
                                  p_surface_id, v_name, sqlerrm);
  end;
end
$$;

comment on function birth_lane.drop_staging_surface(text) is
  'Drops staging surface p_surface_id (schema and role) for its creator, the lane owner, or any staging member once it has expired.';

revoke all on function birth_lane.create_staging_surface(text, text, jsonb, text, interval, jsonb),
  birth_lane.seal_staging_surface(text), birth_lane.drop_staging_surface(text) from public;
grant execute on function birth_lane.create_staging_surface(text, text, jsonb, text, interval, jsonb),
  birth_lane.seal_staging_surface(text), birth_lane.drop_staging_surface(text) to birth_lane_staging;

-- Why: the residue check after a drop (BAD-15) must look where the staging role cannot: rows of
-- every birth_lane table, some of which no staging or reader role may SELECT. Searching with the
-- operator's own privileges made every drop by a login holding only birth_lane_staging (and
-- birth_lane_reader) report tables it "could not search". These two functions search with the
-- lane owner's privileges instead, and answer only which catalog objects and which rows (by id,
-- never their content) mention one surface id.
--
-- They only read: STABLE, so PostgreSQL refuses any INSERT/UPDATE/DELETE inside them, and
-- readiness SR-7 (no VOLATILE definer callable from staging) keeps its meaning. The surface id
-- must have the server's shape (12 hex characters): no LIKE pattern, no other string is searched
-- for, so the functions cannot be used to probe a table's content for a chosen text.
--
-- public.birth_registry is not searched: the staging role holds no write privilege on it (SR-2
-- checks that before a surface is created) and the pilot's no-touch prover proves it unchanged
-- (NT-1 … NT-4); reading its 1.2 million rows took 13 of the 13.3 s a drop with its check took.
-- The birth_lane tables are searched: a surface id could only get there through a definer
-- function, which is exactly what the check is for.
--
-- statement_timeout counts a whole top-level statement, a function call included, so the row
-- search is not one call: the caller asks for one table's block range at a time (at most 2048
-- blocks, 16 MB of heap), inside one REPEATABLE READ transaction so the ranges see one snapshot.

-- Every catalog object that is the surface's schema, lives in it, or is named after it. Array
-- types and composite types of listed relations are left out (they go with their relation).
create or replace function birth_lane.staging_surface_residue(p_surface_id text)
  returns setof text
  language plpgsql
  stable
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_schema text;
begin
  if p_surface_id is null or p_surface_id !~ '^[0-9a-f]{12}$' then
    raise exception using errcode = '22023',
      message = 'p_surface_id must be a staging surface id: 12 hex characters (0-9, a-f); nothing was searched';
  end if;
  v_schema := 'bl_stage_' || p_surface_id;
  return query
  select pg_catalog.format('schema %I', n.nspname)
    from pg_catalog.pg_namespace n where n.nspname = v_schema or pg_catalog.strpos(n.nspname, p_surface_id) > 0
  union all
  select pg_catalog.format('%s %I.%I', case c.relkind when 'r' then 'table' when 'p' then 'table' when 'i' then 'index'
           when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
           else 'relation' end, n.nspname, c.relname)
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = v_schema or pg_catalog.strpos(c.relname, p_surface_id) > 0
  union all
  select pg_catalog.format('function %s', p.oid::pg_catalog.regprocedure)
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = v_schema or pg_catalog.strpos(p.proname, p_surface_id) > 0
  union all
  select pg_catalog.format('type %I.%I', n.nspname, t.typname)
    from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
   where (n.nspname = v_schema or pg_catalog.strpos(t.typname, p_surface_id) > 0)
     and t.typrelid = 0
     and not exists (select 1 from pg_catalog.pg_type e where e.oid = t.typelem and e.typrelid <> 0)
  union all
  select pg_catalog.format('trigger %I on %s', g.tgname, g.tgrelid::pg_catalog.regclass)
    from pg_catalog.pg_trigger g where pg_catalog.strpos(g.tgname, p_surface_id) > 0
  union all
  select pg_catalog.format('role %I', r.rolname)
    from pg_catalog.pg_roles r where pg_catalog.strpos(r.rolname, p_surface_id) > 0
  union all
  select pg_catalog.format('database %I', d.datname)
    from pg_catalog.pg_database d where pg_catalog.strpos(d.datname, p_surface_id) > 0
  union all
  select pg_catalog.format('event trigger %I', e.evtname)
    from pg_catalog.pg_event_trigger e where pg_catalog.strpos(e.evtname, p_surface_id) > 0;
end
$$;

comment on function birth_lane.staging_surface_residue(text) is
  'Residue check (BAD-15): the catalog objects that are, live in or are named after staging surface p_surface_id (12 hex characters).';

-- The rows of one birth_lane table, within heap blocks [p_first_block, p_first_block + p_blocks),
-- whose text form mentions the surface id: at most 5, each named by its id (or its ctid where the
-- table has no bigint id). The row's text form ((r.*)::text, about twice as fast as
-- to_jsonb(r)::text) holds each column's output text; quoting there only doubles " and \, never a
-- hex character, so a column holds the id exactly when the row's text does. A TID range scan reads
-- only the blocks asked for, whatever the table's keys.
create or replace function birth_lane.staging_surface_rows_mentioning(
  p_surface_id text, p_table text, p_first_block bigint, p_blocks integer)
  returns setof text
  language plpgsql
  stable
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_table pg_catalog.regclass;
  v_label text;
begin
  if p_surface_id is null or p_surface_id !~ '^[0-9a-f]{12}$' then
    raise exception using errcode = '22023',
      message = 'p_surface_id must be a staging surface id: 12 hex characters (0-9, a-f); nothing was searched';
  end if;
  select c.oid into v_table
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'birth_lane' and c.relname = p_table and c.relkind = 'r';
  if v_table is null then
    raise exception using errcode = '22023',
      message = 'p_table must name a table of the birth_lane schema (its bare name); nothing was searched';
  end if;
  if p_blocks is null or p_blocks < 1 or p_blocks > 2048 then
    raise exception using errcode = '22023',
      message = 'p_blocks must be between 1 and 2048 (one call stays well inside a statement timeout); nothing was searched';
  end if;
  if p_first_block is null or p_first_block < 0 or p_first_block + p_blocks > 4294967295 then
    raise exception using errcode = '22023',
      message = 'p_first_block must be a heap block number (0 or more, the range within 2^32 - 1); nothing was searched';
  end if;
  if not pg_catalog.has_table_privilege(v_table, 'SELECT') then
    raise exception using errcode = '42501',
      message = pg_catalog.format('the residue search''s owner %s cannot read %s; nothing was searched', current_user, v_table);
  end if;
  v_label := case when exists (select 1 from pg_catalog.pg_attribute a
                                where a.attrelid = v_table and a.attname = 'id'
                                  and a.atttypid = 'pg_catalog.int8'::pg_catalog.regtype and not a.attisdropped)
                  then $l$'id ' || r.id$l$ else $l$'ctid ' || r.ctid$l$ end;
  return query execute pg_catalog.format(
    'select %s from %s r where r.ctid >= $2 and r.ctid < $3 and pg_catalog.strpos((r.*)::text, $1) > 0 limit 5',
    v_label, v_table)
    using p_surface_id,
          pg_catalog.format('(%s,0)', p_first_block)::pg_catalog.tid,
          pg_catalog.format('(%s,0)', p_first_block + p_blocks)::pg_catalog.tid;
end
$$;

comment on function birth_lane.staging_surface_rows_mentioning(text, text, bigint, integer) is
  'Residue check (BAD-15): ids (or ctids) of at most 5 rows of birth_lane.<p_table> within the given heap blocks that mention staging surface p_surface_id.';

revoke all on function birth_lane.staging_surface_residue(text),
  birth_lane.staging_surface_rows_mentioning(text, text, bigint, integer) from public;
grant execute on function birth_lane.staging_surface_residue(text),
  birth_lane.staging_surface_rows_mentioning(text, text, bigint, integer) to birth_lane_staging;
