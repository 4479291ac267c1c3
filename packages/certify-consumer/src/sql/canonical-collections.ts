/**
 * Makes the configured set exactly $1 in one statement (so it changes whole or not at all);
 * returns each name added or removed. Names are compared by birth_lane.canonical_collection_key,
 * so `Kernel` replaces nothing when `kernel` is already configured, and two spellings of one key
 * in $1 are one collection (the first given is kept).
 */
export const SET_CANONICAL_COLLECTIONS_SQL = `
  with given as (
    select name, ordinality, birth_lane.canonical_collection_key(name) as key
      from unnest($1::text[]) with ordinality as name
  ),
  wanted as (
    select distinct on (key) name as collection_name, key from given order by key, ordinality
  ),
  removed as (
    delete from birth_lane.canonical_collections
     where not (birth_lane.canonical_collection_key(collection_name) = any (select key from wanted))
    returning collection_name
  ),
  added as (
    insert into birth_lane.canonical_collections (collection_name, note)
    select collection_name, $2::text from wanted
    on conflict ((birth_lane.canonical_collection_key(collection_name))) do nothing
    returning collection_name
  )
  select 'added' as change, collection_name from added
  union all
  select 'removed' as change, collection_name from removed
  order by change, collection_name`;

export const LIST_CANONICAL_COLLECTIONS_SQL = `
  select collection_name, birth_lane.canonical_collection_key(collection_name) as key, added_at, note
    from birth_lane.canonical_collections
   order by key`;

export interface CanonicalCollectionRow {
  collection_name: string;
  key: string;
  added_at: Date;
  note: string | null;
}
