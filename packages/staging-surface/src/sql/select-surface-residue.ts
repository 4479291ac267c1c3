/**
 * The residue search itself runs in two SECURITY DEFINER functions of the staging install step
 * (sql/0001_staging.sql), with the lane owner's privileges, so a login holding only
 * birth_lane_staging can rule out every birth_lane table. These are the calls to them.
 */

/** Every catalog object that is the surface's schema, lives in it, or is named after it ($1 the id). */
export const SELECT_CATALOG_RESIDUE_SQL =
  'select leftover from birth_lane.staging_surface_residue($1::text) as leftover';

/**
 * The tables whose rows could mention a surface: every table of birth_lane (not the registry:
 * see sql/0001_staging.sql), with its heap size in blocks and whether the search function's
 * owner may read it. Catalog and sizes are readable by any role.
 */
export const SELECT_SEARCHED_TABLES_SQL = `
select c.relname as name,
       pg_catalog.format('%I.%I', n.nspname, c.relname) as qualified,
       (pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint)::text as blocks,
       coalesce(pg_catalog.has_table_privilege(f.proowner, c.oid, 'SELECT'), false) as searchable,
       f.proowner::pg_catalog.regrole::text as searcher
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  -- one row whether or not the function exists: a missing one must stop the check, not empty it
  cross join (select (select p.proowner from pg_catalog.pg_proc p
                       where p.oid = pg_catalog.to_regprocedure('birth_lane.staging_surface_rows_mentioning(text,text,bigint,integer)'))
                     as proowner) f
 where n.nspname = 'birth_lane' and c.relkind = 'r'
 order by 1`;

/**
 * Labels ('id 17', or 'ctid (0,3)' for a table without a bigint id) of at most 5 rows of one
 * birth_lane table ($2, its bare name) within heap blocks [$3, $3 + $4) that mention surface $1.
 */
export const SELECT_ROWS_MENTIONING_SQL =
  'select label from birth_lane.staging_surface_rows_mentioning($1::text, $2::text, $3::bigint, $4::integer) as label';

/** The most heap blocks one call may search (the function refuses more): 16 MB at 8 kB blocks. */
export const MAX_BLOCKS_PER_CALL = 2048;
