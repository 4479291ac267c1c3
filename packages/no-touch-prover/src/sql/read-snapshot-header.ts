import { REGISTRY_TABLE } from '@birth-lane/contract';

/**
 * Read first in the snapshot's transaction (which fixes its view of the data): who and where, the
 * table's size in pages (to cut it into chunks) and its row estimate (for progress), the max id.
 * The size is read after the transaction's snapshot is taken, so no page holding a row this
 * snapshot sees lies beyond it; the last chunk is open-ended anyway.
 */
export const READ_SNAPSHOT_HEADER_SQL = `
select session_user::text as taken_by,
       current_database()::text as database,
       current_setting('server_version') as server_version,
       pg_relation_size('${REGISTRY_TABLE}'::regclass) / current_setting('block_size')::bigint as pages,
       greatest(c.reltuples, 0)::float8 as estimated_rows,
       (select max(id) from ${REGISTRY_TABLE})::text as max_id
  from pg_catalog.pg_class c
 where c.oid = '${REGISTRY_TABLE}'::regclass`;

export interface SnapshotHeaderRow {
  taken_by: string;
  database: string;
  server_version: string;
  pages: string;
  estimated_rows: number;
  max_id: string | null;
}

/** The oid of a table by its (quoted, qualified) name, or null when it does not exist. */
export const RESOLVE_TABLE_SQL = 'select to_regclass($1::text)::oid::text as oid';

/**
 * The server's own write counters of the given tables (pg_stat_user_tables) and the database's
 * committed transactions. Statistics reach these views asynchronously (a backend flushes them at
 * most once a second, later when idle), so they can lag a write by seconds.
 */
export const READ_WRITE_COUNTERS_SQL = `
select relid::text as oid, n_tup_ins::text as inserted, n_tup_upd::text as updated, n_tup_del::text as deleted
  from pg_catalog.pg_stat_user_tables
 where relid = any($1::oid[])`;

export const READ_XACT_COMMIT_SQL = `
select xact_commit::text as xact_commit from pg_catalog.pg_stat_database where datname = current_database()`;
