import pg from 'pg';

/**
 * Connects once to check the server is usable by the kit, and returns its version for the log.
 * Fails early with a clear message rather than in every test file.
 */
export async function inspectServer(url: string, source: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; version_num: string; can_create: boolean }>(
      `SELECT current_setting('server_version') AS version,
              current_setting('server_version_num') AS version_num,
              (SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_create`,
    );
    const row = rows[0]!;
    // DROP DATABASE ... WITH (FORCE) needs PostgreSQL 13.
    if (Number(row.version_num) < 130000)
      throw new Error(`PostgreSQL 13 or newer is needed, found ${row.version}`);
    if (!row.can_create) throw new Error('the user in the URL may not create databases (needs CREATEDB)');
    // "15.20 (Debian 15.20-0+deb12u1)" -> "15.20": one short line in the log.
    return row.version.split(' ')[0]!;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`[test-kit] the PostgreSQL server from ${source} is not usable: ${reason}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
