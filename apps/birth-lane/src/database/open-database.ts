import { BirthLaneError, type Database, LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { CliError, describeServer, sqlStateIn, systemErrorCodeIn } from '@birth-lane/contract/cli';
import { EmbeddedDatabaseError, openEmbeddedDatabase } from '@birth-lane/embedded-postgres/database';
import pg from 'pg';
import { errorContext } from '../command-host.js';
import type { AppConfig } from '../config.js';

export interface OpenDatabase {
  readonly pool: pg.Pool & Database;
  readonly url: string;
  /** Where the server came from, for people: `DATABASE_URL` or the embedded data directory. */
  readonly source: string;
  /** True for the embedded PostgreSQL in BIRTH_LANE_DATA_DIR. */
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * The composition root's one way to a database: DATABASE_URL if set, else the embedded PostgreSQL
 * whose data lives in the project (BIRTH_LANE_DATA_DIR), joined if already running and stopped
 * again by close() when this was its last user. The first connection is made here, so an
 * unreachable server or refused login is reported by name (69, 77) before any work starts.
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
    await firstConnection(pool, config.DATABASE_URL, 'DATABASE_URL');
    return {
      pool,
      url: config.DATABASE_URL,
      source: 'DATABASE_URL',
      embedded: false,
      close: () => pool.end(),
    };
  }
  const embedded = await openEmbeddedDatabase(
    config.BIRTH_LANE_DATA_DIR,
    config.BIRTH_LANE_EMBEDDED_PORT,
  ).catch((error: unknown) => {
    throw asLaneError(error);
  });
  const pool = new pg.Pool({ connectionString: embedded.url, max, options: LANE_SESSION_OPTIONS });
  pool.on('error', onIdleError);
  try {
    await firstConnection(pool, embedded.url, 'the embedded PostgreSQL');
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded.release();
    throw error;
  }
  return {
    pool,
    url: embedded.url,
    embedded: true,
    source: `embedded PostgreSQL (data in ${embedded.dataDir}${embedded.startedHere ? '' : ', already running'})`,
    async close() {
      await pool.end();
      await embedded.release();
    },
  };
}

/**
 * The embedded server's own errors as the boundary classifies them: a folder the user must change
 * is a configuration error (64), a server that does not start is unavailable (69).
 */
export function asLaneError(error: unknown): unknown {
  if (!(error instanceof EmbeddedDatabaseError)) return error;
  return error.kind === 'configuration'
    ? new BirthLaneError('CONFIGURATION_INVALID', error.message, { cause: error })
    : new CliError('unavailable', error.message, { cause: error });
}

// Connection refusals matched by SQLSTATE (PostgreSQL answered) or by its absence (it did not).
const INVALID_PASSWORD = '28P01';
const INVALID_AUTHORIZATION = '28000';
const INVALID_CATALOG_NAME = '3D000';

async function firstConnection(pool: pg.Pool, url: string, from: string): Promise<void> {
  try {
    const { rows } = await pool.query<{ login: string }>('select session_user as login');
    errorContext.login = rows[0]?.login;
  } catch (error) {
    const server = describeServer(url);
    const sqlState = sqlStateIn(error);
    if (sqlState === INVALID_PASSWORD || sqlState === INVALID_AUTHORIZATION) {
      throw new CliError(
        'noPermission',
        `${server} refused the login (SQLSTATE ${sqlState}): check the user and password in ${from}.`,
        { cause: error },
      );
    }
    if (sqlState === INVALID_CATALOG_NAME) {
      throw new CliError(
        'unavailable',
        `the database in ${from} does not exist on ${server.replace(/\/[^/]*$/, '')} (SQLSTATE 3D000): create it, or fix the database name.`,
        { cause: error },
      );
    }
    throw new CliError(
      'unavailable',
      `cannot reach the database at ${server} (${from}): ${systemErrorCodeIn(error) ?? sqlState ?? (error instanceof Error && error.message ? error.message : 'no answer')}.\n` +
        (from === 'DATABASE_URL'
          ? 'Is the server running and the host and port in DATABASE_URL right? Unset DATABASE_URL to use the embedded PostgreSQL.'
          : 'See .birth-lane/postgres.log.'),
      { cause: error },
    );
  }
}
