import { existsSync } from 'node:fs';
import { postgresBinDir } from './temporary-cluster.js';

export const PG_CRON_LIBRARY = '/usr/lib/postgresql/15/lib/pg_cron.so';

/**
 * Whether the pg_cron tests can run here: they need PostgreSQL 15's own binaries and the
 * postgresql-15-cron package, which npm cannot provide. Absent, they are skipped with the reason
 * printed, so the README's test command passes on any fresh machine; with
 * BIRTH_LANE_REQUIRE_PG_CRON=1 (set by .ci/run after installing the package) they run anyway and
 * fail, naming what is missing, instead of being skipped.
 */
export function pgCronTestsAvailable(): boolean {
  const missing: string[] = [];
  const initdb = `${postgresBinDir(15)}/initdb`;
  if (!existsSync(initdb)) missing.push(`${initdb} (apt-get install -y postgresql-15)`);
  if (!existsSync(PG_CRON_LIBRARY))
    missing.push(`${PG_CRON_LIBRARY} (apt-get install -y postgresql-15-cron)`);
  if (missing.length === 0) return true;
  if (process.env['BIRTH_LANE_REQUIRE_PG_CRON'] === '1') return true;
  process.stderr.write(
    `[birth-lane tests] pg_cron tests SKIPPED: missing ${missing.join(' and ')}. ` +
      'Install it and set BIRTH_LANE_REQUIRE_PG_CRON=1 to require them (.ci/run does).\n',
  );
  return false;
}
