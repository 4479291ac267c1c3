/**
 * Makes the configured set exactly $1 in one statement (so it changes whole or not at all);
 * returns each name added or removed.
 */
export const SET_CANONICAL_COLLECTIONS_SQL = `
  with wanted as (
    select distinct name as collection_name from unnest($1::text[]) as name
  ),
  removed as (
    delete from birth_lane.canonical_collections
     where not (collection_name = any ($1::text[]))
    returning collection_name
  ),
  added as (
    insert into birth_lane.canonical_collections (collection_name, note)
    select collection_name, $2::text from wanted
    on conflict (collection_name) do nothing
    returning collection_name
  )
  select 'added' as change, collection_name from added
  union all
  select 'removed' as change, collection_name from removed
  order by change, collection_name`;

export const LIST_CANONICAL_COLLECTIONS_SQL = `
  select collection_name, added_at, note
    from birth_lane.canonical_collections
   order by collection_name`;

export interface CanonicalCollectionRow {
  collection_name: string;
  added_at: Date;
  note: string | null;
}
