import { silentLogger } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { createPgCronChannel } from '../src/pg-cron-channel.js';
import { PgCronUnavailableError } from '../src/pg-cron-unavailable.js';
import { installedLaneTemplate, pgCronFootprint } from './lane.js';

/** The test server has no pg_cron loaded: embedded PostgreSQL lacks the package, a Debian server may have it unloaded. */
describe('the pg-cron channel on a server without pg_cron loaded', () => {
  const t = useTestDatabase({ template: installedLaneTemplate });

  it('start refuses with the reason and exactly how to enable pg_cron, and installs nothing', async () => {
    const channel = createPgCronChannel({}, { db: t.db.pool, logger: silentLogger });
    const refused = await channel
      .start({ specificationVersion: 'v1', run: () => Promise.reject() })
      .catch((error: unknown) => error);
    if (!PgCronUnavailableError.isInstance(refused)) throw refused;
    const { rows } = await t.db.pool.query(
      "select current_setting('server_version_num')::int / 10000 as major, exists (select 1 from pg_available_extensions where name = 'pg_cron') as available",
    );
    if (rows[0].available) {
      expect(refused.reason).toBe('not_preloaded');
    } else {
      expect(refused.reason).toBe('package_missing');
      expect(refused.message).toContain(`apt-get install -y postgresql-${rows[0].major}-cron`);
    }
    expect(refused.message).toContain("shared_preload_libraries = 'pg_cron'");
    expect(refused.message).toContain(`cron.database_name = '${t.db.databaseName}'`);
    expect(refused.message).toMatch(/restart PostgreSQL/);
    expect(refused.message).toContain('create extension pg_cron;');
    expect(refused.message).toContain('Nothing was installed or scheduled.');
    expect(await pgCronFootprint(t.db.pool)).toBe(0);
    expect(channel.installation).toBeNull();
  });
});
