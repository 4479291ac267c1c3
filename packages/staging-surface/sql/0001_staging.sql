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
