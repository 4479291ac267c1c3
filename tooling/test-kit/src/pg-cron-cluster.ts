import { existsSync } from 'node:fs';
import pg from 'pg';
import { postgresBinDir, startTemporaryCluster, type TemporaryCluster } from './temporary-cluster.js';

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

/**
 * A throwaway PostgreSQL 15 cluster with pg_cron loaded, its jobs kept in `cronDatabase` (created,
 * with `create extension pg_cron`), and each of `otherDatabases` created beside it. Every
 * statement runs under a 5 s statement_timeout, the field's limit. Slow to start (initdb): share
 * one per test file.
 */
export async function startPgCronCluster(options: {
  cronDatabase: string;
  otherDatabases?: readonly string[];
}): Promise<TemporaryCluster> {
  if (!existsSync(PG_CRON_LIBRARY)) {
    throw new Error(
      `pg_cron for PostgreSQL 15 is not installed on this machine (${PG_CRON_LIBRARY} is missing): run \`apt-get install -y postgresql-15-cron\` (.ci/run does this in CI)`,
    );
  }
  const cluster = await startTemporaryCluster({
    major: 15,
    settings: {
      shared_preload_libraries: 'pg_cron',
      'cron.database_name': options.cronDatabase,
      // pg_cron's jobs connect through libpq; 'localhost' may resolve to ::1, where nothing listens.
      'cron.host': '127.0.0.1',
      statement_timeout: '5000',
    },
  });
  try {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    try {
      for (const name of [options.cronDatabase, ...(options.otherDatabases ?? [])]) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsupported database name ${name}`);
        await admin.query(`create database ${name}`);
      }
    } finally {
      await admin.end();
    }
    const cron = new pg.Client({ connectionString: cluster.url(options.cronDatabase) });
    await cron.connect();
    try {
      await cron.query('create extension pg_cron');
    } finally {
      await cron.end();
    }
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
