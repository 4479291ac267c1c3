/**
 * What the lane database tells about pg_cron, readable without privileges beyond connecting:
 * pg_settings, unlike current_setting(), hides superuser-only settings instead of raising.
 */
export const DIAGNOSE_PG_CRON_SQL = `select current_database() as database,
        current_setting('server_version_num')::int / 10000 as major,
        (select default_version from pg_available_extensions where name = 'pg_cron') as available,
        (select setting from pg_settings where name = 'shared_preload_libraries') as preload,
        (select setting from pg_settings where name = 'cron.database_name') as cron_database,
        (select extversion from pg_extension where extname = 'pg_cron') as here,
        (select setting::int from pg_settings where name = 'statement_timeout') as statement_timeout`;

export interface DiagnosePgCronRow {
  database: string;
  major: number;
  available: string | null;
  preload: string | null;
  cron_database: string | null;
  here: string | null;
  statement_timeout: number;
}

/** pg_cron's version in the connected database (null: the extension was not created there). */
export const PG_CRON_VERSION_HERE_SQL =
  "select (select extversion from pg_extension where extname = 'pg_cron') as version";
