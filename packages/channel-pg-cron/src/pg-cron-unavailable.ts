import { BirthLaneError } from '@birth-lane/contract';

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

/** What the explanation needs to know about the server. */
export interface PgCronSituation {
  readonly laneDatabase: string;
  readonly serverMajorVersion: number;
  readonly availableVersion: string | null;
  readonly cronDatabase: string | null;
}

/** The error for `reason`, listing the steps still missing, in order, with the exact settings. */
export function pgCronUnavailable(
  reason: PgCronUnavailableReason,
  d: PgCronSituation,
): PgCronUnavailableError {
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
