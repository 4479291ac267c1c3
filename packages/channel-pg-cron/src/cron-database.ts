import pg from 'pg';
import type { OpenDatabaseNamed } from './pg-cron-target.js';

/**
 * The session setting every lane connection starts with: `search_path = pg_catalog, pg_temp`, so
 * an unqualified name or operator (the `=` in `jobname = $1`) always resolves to the built-in one
 * and a login that can CREATE in `public` cannot plant a look-alike that runs as the installer.
 * The app opens its own pools the same way.
 */
const LANE_SESSION_OPTIONS = '-c search_path=pg_catalog,pg_temp';

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
