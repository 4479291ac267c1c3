-- Why: separation by construction. Every staging surface is created, loaded, judged, reported and
-- dropped under one NOLOGIN role, birth_lane_staging, that holds no write privilege on any
-- production table and no EXECUTE on any lane writer (mint_birth, inspect_batch, begin_run,
-- cast_vote, promote, ...). An operator who rehearses under it (even a superuser, through
-- SET ROLE) cannot reach production whatever SQL the rehearsal sends.
--
-- The role gets no CREATE on the database: that would let it create a schema of any name (one on
-- another role's search_path, or a look-alike of birth_lane). Instead one SECURITY DEFINER
-- function creates a schema named bl_stage_<server-generated id>, owned by the staging role, and
-- nothing else. Owning its schema, the role can build the surface inside it and drop it in one
-- DROP SCHEMA ... CASCADE.
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

create or replace function birth_lane.create_staging_schema()
  returns text
  language plpgsql
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_id text;
begin
  -- session_user, not current_user: the login behind a SET ROLE must itself hold the role.
  if not pg_catalog.pg_has_role(session_user, 'birth_lane_staging', 'MEMBER') then
    raise exception using errcode = '42501',
      message = 'login ' || session_user || ' is not a member of birth_lane_staging; no surface was created';
  end if;
  -- The id comes from the server: 12 hex characters of a random uuid, never from the caller.
  v_id := pg_catalog.substr(pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 1, 12);
  execute pg_catalog.format('create schema %I authorization birth_lane_staging', 'bl_stage_' || v_id);
  return v_id;
end
$$;

comment on function birth_lane.create_staging_schema() is
  'Creates one staging surface schema bl_stage_<id> (id chosen by the server) owned by birth_lane_staging, and returns the id.';

revoke all on function birth_lane.create_staging_schema() from public;
grant execute on function birth_lane.create_staging_schema() to birth_lane_staging;

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
