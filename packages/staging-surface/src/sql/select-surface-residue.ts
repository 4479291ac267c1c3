/**
 * Every catalog object that is the surface's schema, lives in it, or is named after it ($1 the
 * schema name, $2 a LIKE pattern holding the surface id). Each row is one leftover, in words.
 * Array types and composite types of listed relations are left out (they go with their relation).
 */
export const SELECT_CATALOG_RESIDUE_SQL = `
select pg_catalog.format('schema %I', n.nspname) as leftover
  from pg_catalog.pg_namespace n where n.nspname = $1::text or n.nspname like $2::text
union all
select pg_catalog.format('%s %I.%I', case c.relkind when 'r' then 'table' when 'p' then 'table' when 'i' then 'index'
         when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
         else 'relation' end, n.nspname, c.relname)
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1::text or c.relname like $2::text
union all
select pg_catalog.format('function %s', p.oid::regprocedure)
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname = $1::text or p.proname like $2::text
union all
select pg_catalog.format('type %I.%I', n.nspname, t.typname)
  from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
 where (n.nspname = $1::text or t.typname like $2::text)
   and t.typrelid = 0
   and not exists (select 1 from pg_catalog.pg_type e where e.oid = t.typelem and e.typrelid <> 0)
union all
select pg_catalog.format('trigger %I on %s', g.tgname, g.tgrelid::regclass)
  from pg_catalog.pg_trigger g where g.tgname like $2::text
union all
select pg_catalog.format('role %I', r.rolname) from pg_catalog.pg_roles r where r.rolname like $2::text
union all
select pg_catalog.format('database %I', d.datname) from pg_catalog.pg_database d where d.datname like $2::text
union all
select pg_catalog.format('event trigger %I', e.evtname) from pg_catalog.pg_event_trigger e where e.evtname like $2::text`;

/** The shared tables whose rows could mention a surface: every table of birth_lane, and the registry. */
export const SELECT_SHARED_TABLES_SQL = `
select pg_catalog.format('%I.%I', n.nspname, c.relname) as name,
       exists (select 1 from pg_catalog.pg_attribute a
                where a.attrelid = c.oid and a.attname = 'id' and a.atttypid = 'bigint'::regtype and not a.attisdropped) as has_id
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and (n.nspname = 'birth_lane' or (n.nspname = 'public' and c.relname = 'birth_registry'))
 order by 1`;

/**
 * Rows of one shared table whose any column mentions the pattern ($1), within ids ($2, $3]
 * (tables with a bigint id are walked in chunks so each statement stays short), at most 5 ids.
 */
export function selectRowsMentioningSql(table: string, hasId: boolean): string {
  const range = hasId ? ' and t.id > $2::bigint and t.id <= $3::bigint' : '';
  const shown = hasId ? 't.id::text' : "'(no id)'";
  return `select ${shown} as id from ${table} t where pg_catalog.to_jsonb(t)::text like $1::text${range} limit 5`;
}

export function selectIdBoundsSql(table: string): string {
  return `select coalesce(min(id), 0)::text as lo, coalesce(max(id), 0)::text as hi from ${table}`;
}
