import { LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import pg from 'pg';
import type { OpenDatabaseNamed } from './pg-cron-target.js';

// Every session starts with the lane's search_path (pg_catalog, pg_temp): an unqualified name or
// operator (the `=` in `jobname = $1`) resolves to the built-in one, never to a planted look-alike.

/** The same server and credentials as `url`, another database. */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * Opens pools on other databases of the server `url` points at, with its credentials: how the
 * channel reaches cron.database_name when the lane lives in another database. Each pool is small
 * (a few statements at install, status or uninstall) and ended by its close().
 */
export function openDatabaseNamedFromUrl(url: string, options: { max?: number } = {}): OpenDatabaseNamed {
  return async (database) => {
    const pool = new pg.Pool({
      connectionString: urlForDatabase(url, database),
      max: options.max ?? 2,
      options: LANE_SESSION_OPTIONS,
    });
    // An idle pooled session the server ends must not become an unhandled error.
    pool.on('error', () => undefined);
    return { db: pool, close: () => pool.end() };
  };
}
