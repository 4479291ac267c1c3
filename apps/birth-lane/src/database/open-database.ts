import type { Database } from '@birth-lane/contract';
import pg from 'pg';
import type { AppConfig } from '../config.js';
import { startEmbeddedDatabase } from './embedded-database.js';
import { LANE_SESSION_OPTIONS } from './session-options.js';

export interface OpenDatabase {
  readonly pool: pg.Pool & Database;
  readonly url: string;
  /** Where the server came from, for people: `DATABASE_URL` or the embedded data directory. */
  readonly source: string;
  /** True for the embedded PostgreSQL in the project (a demo and development server, never real data). */
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * The composition root's one way to a database: DATABASE_URL if set, else an embedded PostgreSQL
 * whose data lives in the project (BIRTH_LANE_DATA_DIR), stopped again by close().
 */
export async function openDatabase(
  config: AppConfig,
  options: { poolSize?: number } = {},
): Promise<OpenDatabase> {
  const max = options.poolSize ?? Math.max(4, config.BIRTH_LANE_CONCURRENCY + 2);
  // pg emits 'error' on the pool when the server ends an idle session (a restart, a failover,
  // pg_terminate_backend). Unhandled, that would crash a standing channel; the pool replaces the
  // session on next use, so it is reported and otherwise ignored.
  const onIdleError = (error: Error) =>
    process.stderr.write(`birth-lane: idle database session lost: ${error.message}\n`);
  if (config.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max, options: LANE_SESSION_OPTIONS });
    pool.on('error', onIdleError);
    return {
      pool,
      url: config.DATABASE_URL,
      source: 'DATABASE_URL',
      embedded: false,
      close: () => pool.end(),
    };
  }
  const embedded = await startEmbeddedDatabase(config.BIRTH_LANE_DATA_DIR, config.BIRTH_LANE_EMBEDDED_PORT);
  const pool = new pg.Pool({ connectionString: embedded.url, max, options: LANE_SESSION_OPTIONS });
  pool.on('error', onIdleError);
  return {
    pool,
    url: embedded.url,
    source: `embedded PostgreSQL (data in ${embedded.dataDir})`,
    embedded: true,
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}
