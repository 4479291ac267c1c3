import type { Database, Queryable } from '@birth-lane/contract';
import { pgCronUnavailable } from './pg-cron-unavailable.js';
import {
  DIAGNOSE_PG_CRON_SQL,
  type DiagnosePgCronRow,
  PG_CRON_VERSION_HERE_SQL,
} from './sql/diagnose-pg-cron.js';

/** What the lane database tells about pg_cron, read without privileges beyond connecting. */
export interface PgCronDiagnosis {
  readonly laneDatabase: string;
  readonly serverMajorVersion: number;
  /** The version `create extension pg_cron` would install; null when the OS package is missing. */
  readonly availableVersion: string | null;
  /** pg_cron in the running server's shared_preload_libraries; null when this role may not read it. */
  readonly preloaded: boolean | null;
  /** cron.database_name, where pg_cron keeps every job; null while pg_cron is not loaded or not readable. */
  readonly cronDatabase: string | null;
  /** pg_cron's version in the lane database, null unless the extension was created here. */
  readonly versionInLaneDatabase: string | null;
  /** The session's statement_timeout in ms (0 = none): the job's calls run under the same settings. */
  readonly statementTimeoutMs: number;
}

export async function diagnosePgCron(lane: Queryable): Promise<PgCronDiagnosis> {
  const { rows } = await lane.query<DiagnosePgCronRow>(DIAGNOSE_PG_CRON_SQL);
  const row = rows[0]!;
  return {
    laneDatabase: row.database,
    serverMajorVersion: row.major,
    availableVersion: row.available,
    preloaded: row.preload === null ? null : preloadsPgCron(row.preload),
    cronDatabase: row.cron_database,
    versionInLaneDatabase: row.here,
    statementTimeoutMs: row.statement_timeout,
  };
}

/** `shared_preload_libraries` is a comma-separated list whose entries may be quoted or paths. */
export function preloadsPgCron(setting: string): boolean {
  return setting
    .split(',')
    .map((entry) => entry.trim().replace(/^"|"$/g, ''))
    .some((entry) => entry.replace(/^.*\//, '').replace(/\.so$/, '') === 'pg_cron');
}

/** Where pg_cron jobs for the lane are kept and run: possibly two databases of one server. */
export interface PgCronTarget {
  readonly lane: Database;
  readonly laneDatabase: string;
  /** The database holding the `cron` schema; the lane's own pool when it is the same database. */
  readonly cron: Database;
  readonly cronDatabase: string;
  readonly pgCronVersion: string;
  readonly statementTimeoutMs: number;
}

/** A pool on another database of the same server, and how to end it. */
export interface NamedDatabase {
  readonly db: Database;
  close(): Promise<void>;
}

/** Opens a pool on another database of the same server (see openDatabaseNamedFromUrl). */
export type OpenDatabaseNamed = (database: string) => Promise<NamedDatabase>;

/**
 * Finds where pg_cron can schedule jobs for the lane, or throws PgCronUnavailableError saying what
 * to do. Reads only; creates nothing. `close()` of the result releases the extra pool, if any.
 * `openDatabaseNamed` is called only when cron.database_name names another database.
 */
export async function resolvePgCronTarget(
  lane: Database,
  openDatabaseNamed: OpenDatabaseNamed,
): Promise<PgCronTarget & { diagnosis: PgCronDiagnosis; close(): Promise<void> }> {
  const diagnosis = await diagnosePgCron(lane);
  const here = diagnosis.laneDatabase;
  const same = { lane, laneDatabase: here, statementTimeoutMs: diagnosis.statementTimeoutMs, diagnosis };
  if (diagnosis.availableVersion === null) throw pgCronUnavailable('package_missing', diagnosis);
  if (diagnosis.preloaded === false) throw pgCronUnavailable('not_preloaded', diagnosis);
  // pg_cron can only be created in cron.database_name, so finding it here settles where jobs live.
  if (diagnosis.versionInLaneDatabase !== null) {
    return {
      ...same,
      cron: lane,
      cronDatabase: here,
      pgCronVersion: diagnosis.versionInLaneDatabase,
      close: async () => undefined,
    };
  }
  if (diagnosis.cronDatabase === null) {
    throw pgCronUnavailable(diagnosis.preloaded === null ? 'not_visible' : 'not_preloaded', diagnosis);
  }
  if (diagnosis.cronDatabase === here) throw pgCronUnavailable('extension_not_created', diagnosis);
  const other = await openDatabaseNamed(diagnosis.cronDatabase);
  try {
    const { rows } = await other.db.query<{ version: string | null }>(PG_CRON_VERSION_HERE_SQL);
    const version = rows[0]?.version ?? null;
    if (version === null) throw pgCronUnavailable('extension_not_created', diagnosis);
    return {
      ...same,
      cron: other.db,
      cronDatabase: diagnosis.cronDatabase,
      pgCronVersion: version,
      close: () => other.close(),
    };
  } catch (error) {
    await other.close();
    throw error;
  }
}
