/**
 * The catalog facts behind readiness SR-1 … SR-7, read in one statement (in a READ ONLY
 * transaction, as the staging role). Privileges are asked of the staging role by name, so the
 * answer is the same whoever runs it. Surface schemas (bl_stage_*) are the staging role's own and
 * are left out; everything else in the database counts as production.
 */
export const SELECT_READINESS_SQL = `
with staging as (select oid from pg_catalog.pg_roles where rolname = 'birth_lane_staging'),
production_relation as (
  select c.oid, c.relkind, pg_catalog.format('%I.%I', n.nspname, c.relname) as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
     and n.nspname not in ('pg_catalog', 'information_schema')
     and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
     and n.nspname not like 'bl\\_stage\\_%'
)
select
  (select count(*) from staging)::int as role_exists,
  pg_catalog.to_regprocedure('birth_lane.create_staging_surface(text,text,jsonb,text,interval,jsonb)') is not null
    and pg_catalog.to_regprocedure('birth_lane.seal_staging_surface(text)') is not null
    and pg_catalog.to_regprocedure('birth_lane.drop_staging_surface(text)') is not null as creator_exists,
  pg_catalog.to_regprocedure('birth_lane.staging_surface_residue(text)') is not null
    and pg_catalog.to_regprocedure('birth_lane.staging_surface_rows_mentioning(text,text,bigint,integer)') is not null
    as residue_search_exists,
  pg_catalog.to_regprocedure('birth_lane.fn_birth_inspect_stud()') is not null as stud_exists,
  pg_catalog.to_regprocedure('birth_lane.refuse_change_to_append_only()') is not null as append_only_exists,
  pg_catalog.to_regprocedure('birth_lane.inspect_state(timestamptz,timestamptz,timestamptz)') is not null as classifier_exists,
  pg_catalog.to_regclass('public.birth_registry') is not null as registry_exists,
  -- SR-2: every write privilege the staging role holds on a production relation
  coalesce((select pg_catalog.array_agg(p.name || ' ' || p.privilege order by p.name, p.privilege) from (
    select r.name, w.privilege
      from production_relation r
      cross join lateral (values ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) w(privilege)
     where (select count(*) from staging) = 1
       -- CASE, not AND: the planner may evaluate AND's operands in any order, and the privilege
       -- functions refuse a relation of the wrong kind
       and case when r.relkind = 'S' then false
                when w.privilege in ('INSERT', 'UPDATE', 'REFERENCES')
                then pg_catalog.has_any_column_privilege('birth_lane_staging', r.oid, w.privilege)
                else pg_catalog.has_table_privilege('birth_lane_staging', r.oid, w.privilege) end
    union all
    select r.name, 'USAGE/UPDATE (sequence)'
      from production_relation r
     where (select count(*) from staging) = 1
       and case when r.relkind = 'S' then pg_catalog.has_sequence_privilege('birth_lane_staging', r.oid, 'USAGE, UPDATE')
                else false end
  ) p), '{}') as production_writes,
  -- SR-2: attributes or memberships that would reach past the role's own privileges
  coalesce((select pg_catalog.array_remove(array[
      case when a.rolsuper then 'SUPERUSER' end, case when a.rolbypassrls then 'BYPASSRLS' end,
      case when a.rolcreaterole then 'CREATEROLE' end, case when a.rolcreatedb then 'CREATEDB' end,
      case when a.rolcanlogin then 'LOGIN' end], null)
      from pg_catalog.pg_roles a where a.rolname = 'birth_lane_staging'), '{}') as role_attributes,
  coalesce((select pg_catalog.array_agg(g.rolname::text order by g.rolname)
      from pg_catalog.pg_auth_members m join pg_catalog.pg_roles g on g.oid = m.roleid
     where m.member = (select oid from staging)), '{}') as member_of,
  -- SR-3: anything the staging role owns outside a surface schema would survive a surface drop
  coalesce((select pg_catalog.array_agg(o.name order by o.name) from (
    select pg_catalog.format('schema %I', n.nspname) as name from pg_catalog.pg_namespace n
     where n.nspowner = (select oid from staging) and n.nspname not like 'bl\\_stage\\_%'
    union all
    select pg_catalog.format('relation %I.%I', n.nspname, c.relname) from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relowner = (select oid from staging) and n.nspname not like 'bl\\_stage\\_%'
       -- a surface table's TOAST table lives in pg_toast, and goes with its table
       and n.nspname not like 'pg\\_temp%' and n.nspname not like 'pg\\_toast%'
    union all
    select pg_catalog.format('function %s', p.oid::regprocedure) from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where p.proowner = (select oid from staging) and n.nspname not like 'bl\\_stage\\_%'
  ) o), '{}') as owned_outside,
  -- SR-4: what the report's comparison and a before/after proof need to read
  (select count(*) = 1 from staging)
    and pg_catalog.to_regclass('public.birth_registry') is not null
    and pg_catalog.has_column_privilege('birth_lane_staging', 'public.birth_registry', 'inspect_pen', 'SELECT')
    and pg_catalog.has_column_privilege('birth_lane_staging', 'public.birth_registry', 'inspect_stamp', 'SELECT')
    and pg_catalog.has_column_privilege('birth_lane_staging', 'public.birth_registry', 'inspect_gate', 'SELECT')
    and pg_catalog.has_column_privilege('birth_lane_staging', 'public.birth_registry', 'certified', 'SELECT')
    as production_readable,
  -- SR-5: the stud a surface attaches, and its contract version
  case when pg_catalog.to_regprocedure('birth_lane.inspect_contract_version()') is not null
       then birth_lane.inspect_contract_version() end as contract_version,
  (select count(*) = 1 from staging)
    and pg_catalog.to_regprocedure('birth_lane.fn_birth_inspect_stud()') is not null
    and pg_catalog.has_function_privilege('birth_lane_staging', 'birth_lane.fn_birth_inspect_stud()', 'EXECUTE')
    as stud_executable,
  -- SR-6: readiness itself writes nothing
  pg_catalog.current_setting('transaction_read_only') = 'on' as read_only,
  -- SR-7: lane writers the role could call: every VOLATILE SECURITY DEFINER function, besides the
  -- staging step's own surface create/seal/drop (they write only bl_stage_* and its role). An invoker's function can do no more than the role itself, and
  -- PostgreSQL refuses INSERT/UPDATE/DELETE inside a STABLE or IMMUTABLE one (so a read-only
  -- definer such as birth_lane.promotion_pass_active, executable by PUBLIC, or the staging step's
  -- own residue search, is no way out; made VOLATILE, the search is listed like any other)
  coalesce((select pg_catalog.array_agg(p.oid::regprocedure::text order by 1)
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where (select count(*) from staging) = 1
       and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'bl\\_stage\\_%'
       and p.prosecdef and p.provolatile = 'v'
       and p.oid is distinct from pg_catalog.to_regprocedure('birth_lane.create_staging_surface(text,text,jsonb,text,interval,jsonb)')
       and p.oid is distinct from pg_catalog.to_regprocedure('birth_lane.seal_staging_surface(text)')
       and p.oid is distinct from pg_catalog.to_regprocedure('birth_lane.drop_staging_surface(text)')
       and pg_catalog.has_function_privilege('birth_lane_staging', p.oid, 'EXECUTE')), '{}') as callable_writers`;

export interface ReadinessRow {
  role_exists: number;
  creator_exists: boolean;
  residue_search_exists: boolean;
  stud_exists: boolean;
  append_only_exists: boolean;
  classifier_exists: boolean;
  registry_exists: boolean;
  production_writes: string[];
  role_attributes: string[];
  member_of: string[];
  owned_outside: string[];
  production_readable: boolean;
  contract_version: string | null;
  stud_executable: boolean;
  read_only: boolean;
  callable_writers: string[];
}
