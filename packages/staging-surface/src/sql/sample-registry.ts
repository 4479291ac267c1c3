/**
 * Sampling production, as the staging role: into a session temporary table (the one kind of table
 * a READ ONLY transaction may write), then from there into the surface. The temporary table is
 * created before the read-only transaction and dropped after the copy.
 */
export const CREATE_SAMPLE_TABLE_SQL = `create temporary table staging_sample_rows (
  id bigint, entity_code text, collection_name text, species_code text, dot_origin text, governance_role text,
  born_at timestamptz, name text, description text, status text)`;

/** A random starting id between the registry's ends (each found through the primary key). */
export const SELECT_SAMPLE_START_SQL = `select (lo + floor(random() * (hi - lo + 1)))::bigint::text as start
  from (select (select min(id) from public.birth_registry) as lo, (select max(id) from public.birth_registry) as hi) b
 where lo is not null`;

/**
 * Up to $2 uncertified governed rows from id $1 on (or, for the wrap-around, before id $3), walked
 * along the primary key: no sort of the table. Candidate slots stay empty: samples are judged
 * afresh, never continued from production's stamps.
 */
export const SAMPLE_ROWS_SQL = `insert into staging_sample_rows
select r.id, r.entity_code, r.collection_name, r.species_code, r.dot_origin, r.governance_role, r.born_at, r.name,
       r.description, r.status
  from public.birth_registry r
 where r.id >= $1::bigint and r.id < $3::bigint and r.certified = false and r.governance_role = 'governed'
 order by r.id
 limit $2::int`;

export function copySampleSql(inputTable: string): string {
  return `insert into ${inputTable} (id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at,
                     name, description, status)
  select id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status
    from staging_sample_rows`;
}

export const DROP_SAMPLE_TABLE_SQL = 'drop table if exists staging_sample_rows';
