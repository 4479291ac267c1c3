import { BirthLaneError, type Database, type Queryable } from '@birth-lane/contract';

/** Exit code when pg_cron cannot be used on the server (EX_UNAVAILABLE from sysexits.h). */
export const PG_CRON_UNAVAILABLE_EXIT_CODE = 69;

export type PgCronUnavailableReason =
  /** No pg_cron in pg_available_extensions: the OS package is not installed on the server. */
  | 'package_missing'
  /** Installed but not in shared_preload_libraries, so its scheduler is not running. */
  | 'not_preloaded'
  /** Loaded, but `create extension pg_cron` has not been run in cron.database_name. */
  | 'extension_not_created'
  /** This role may read neither cron.database_name nor shared_preload_libraries. */
  | 'not_visible';

const MARKER = Symbol.for('birth-lane.error.PgCronUnavailableError');

/** pg_cron cannot run jobs for this database yet; the message says exactly what to do. */
export class PgCronUnavailableError extends BirthLaneError {
  readonly reason: PgCronUnavailableReason;
  readonly [MARKER] = true;

  constructor(reason: PgCronUnavailableReason, message: string) {
    super('CONFIGURATION_INVALID', message);
    this.name = 'PgCronUnavailableError';
    this.reason = reason;
  }

  static override isInstance(value: unknown): value is PgCronUnavailableError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

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
  // pg_settings, unlike current_setting(), hides superuser-only settings instead of raising.
  const { rows } = await lane.query<{
    database: string;
    major: number;
    available: string | null;
    preload: string | null;
    cron_database: string | null;
    here: string | null;
    statement_timeout: number;
  }>(
    `select current_database() as database,
            current_setting('server_version_num')::int / 10000 as major,
            (select default_version from pg_available_extensions where name = 'pg_cron') as available,
            (select setting from pg_settings where name = 'shared_preload_libraries') as preload,
            (select setting from pg_settings where name = 'cron.database_name') as cron_database,
            (select extversion from pg_extension where extname = 'pg_cron') as here,
            (select setting::int from pg_settings where name = 'statement_timeout') as statement_timeout`,
  );
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

/** Opens a pool on another database of the same server (the app derives it from DATABASE_URL). */
export type OpenDatabaseNamed = (database: string) => Promise<{ db: Database; close(): Promise<void> }>;

/**
 * Finds where pg_cron can schedule jobs for the lane, or throws PgCronUnavailableError saying what
 * to do. Reads only; creates nothing. `close()` of the result releases the extra pool, if any.
 */
export async function resolvePgCronTarget(
  lane: Database,
  openDatabaseNamed: OpenDatabaseNamed,
): Promise<PgCronTarget & { diagnosis: PgCronDiagnosis; close(): Promise<void> }> {
  const diagnosis = await diagnosePgCron(lane);
  const here = diagnosis.laneDatabase;
  const same = { lane, laneDatabase: here, statementTimeoutMs: diagnosis.statementTimeoutMs, diagnosis };
  if (diagnosis.availableVersion === null) throw unavailable('package_missing', diagnosis);
  if (diagnosis.preloaded === false) throw unavailable('not_preloaded', diagnosis);
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
    throw unavailable(diagnosis.preloaded === null ? 'not_visible' : 'not_preloaded', diagnosis);
  }
  if (diagnosis.cronDatabase === here) throw unavailable('extension_not_created', diagnosis);
  const other = await openDatabaseNamed(diagnosis.cronDatabase);
  try {
    const { rows } = await other.db.query<{ version: string | null }>(
      "select (select extversion from pg_extension where extname = 'pg_cron') as version",
    );
    const version = rows[0]?.version ?? null;
    if (version === null) throw unavailable('extension_not_created', diagnosis);
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

function unavailable(reason: PgCronUnavailableReason, d: PgCronDiagnosis): PgCronUnavailableError {
  const cronDatabase = d.cronDatabase ?? d.laneDatabase;
  const install = `install the pg_cron package on the database server: apt-get install -y postgresql-${d.serverMajorVersion}-cron (Debian/Ubuntu; PGDG RPM: pg_cron_${d.serverMajorVersion}); on a managed service, enable pg_cron in its parameter settings instead`;
  const configure = `in postgresql.conf set shared_preload_libraries = 'pg_cron' (append it to any libraries already listed) and cron.database_name = '${cronDatabase}'`;
  const restart = 'restart PostgreSQL (shared_preload_libraries is read only at server start)';
  const create = `connect to database "${cronDatabase}" as a superuser and run: create extension pg_cron;`;
  const steps: Record<PgCronUnavailableReason, { problem: string; todo: string[] }> = {
    package_missing: {
      problem: `pg_cron is not installed on this PostgreSQL ${d.serverMajorVersion} server (pg_available_extensions has no pg_cron)`,
      todo: [install, configure, restart, create],
    },
    not_preloaded: {
      problem: `pg_cron ${d.availableVersion} is installed but not loaded: shared_preload_libraries does not list pg_cron, so its scheduler is not running`,
      todo: [configure, restart, create],
    },
    extension_not_created: {
      problem: `pg_cron is loaded, but the extension has not been created in database "${cronDatabase}" (cron.database_name), where pg_cron keeps its jobs`,
      todo: [
        create,
        ...(cronDatabase === d.laneDatabase
          ? []
          : [
              `the lane's jobs will then be scheduled from there for database "${d.laneDatabase}" (cron.schedule_in_database): the role in DATABASE_URL must be able to connect to "${cronDatabase}" and be a superuser or be granted execute on cron.schedule_in_database`,
            ]),
      ],
    },
    not_visible: {
      problem: `pg_cron is not created in database "${d.laneDatabase}", and this role may not read cron.database_name or shared_preload_libraries to find where it is`,
      todo: [
        'run this command as a superuser, or grant pg_read_all_settings to the role in DATABASE_URL',
        `or point DATABASE_URL at the database named by cron.database_name if the lane lives there`,
      ],
    },
  };
  const { problem, todo } = steps[reason];
  const lines = todo.map((step, index) => `  ${index + 1}. ${step}`);
  return new PgCronUnavailableError(
    reason,
    `${problem}.\nThe pg-cron channel needs pg_cron to run the producer inside PostgreSQL. To enable it:\n${lines.join('\n')}\n` +
      `then run \`birth-lane pg-cron install\` again. Nothing was installed or scheduled.\n` +
      `Until then, host cron can run \`birth-lane run\` (the once channel) on a schedule instead.`,
  );
}
