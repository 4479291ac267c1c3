import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { contractSteps, LANE_ROLES } from '../src/contract-steps.js';
import { BirthLaneError } from '../src/errors.js';
import { installSteps } from '../src/install.js';

// A bare database: install itself is under test.
const t = useTestDatabase({ setupSql: [] });

async function appliedSteps(): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>(
    "select case when to_regclass('birth_lane.applied_steps') is null then 0 else (select count(*)::int from birth_lane.applied_steps) end as n",
  );
  return rows[0]!.n;
}

describe('install refuses a database where a lane role can CREATE on its search_path', () => {
  it('installs on a clean database', async () => {
    await installSteps(t.db.pool, contractSteps);
    expect(await appliedSteps()).toBe(contractSteps.length);
  });

  it('refuses when a lane role may create in public, naming role, schema and the REVOKE', async () => {
    const before = await appliedSteps();
    await t.db.pool.query(`grant create on schema public to ${LANE_ROLES.producer}`);
    try {
      const error = await installSteps(t.db.pool, contractSteps).catch((caught: unknown) => caught);
      expect(BirthLaneError.isInstance(error) && error.code).toBe('STOP_CONDITION');
      const message = (error as Error).message;
      expect(message).toContain('role birth_lane_producer can CREATE in schema public');
      expect(message).toContain('REVOKE CREATE ON SCHEMA "public" FROM "birth_lane_producer";');
      expect(await appliedSteps()).toBe(before);
    } finally {
      await t.db.pool.query(`revoke create on schema public from ${LANE_ROLES.producer}`);
    }
    await expect(installSteps(t.db.pool, contractSteps)).resolves.toBeDefined();
  });

  it('follows a per-database search_path of the role and a grant to PUBLIC', async () => {
    await t.db.pool.query('create schema lane_scratch');
    await t.db.pool.query('grant create on schema lane_scratch to public');
    await t.db.pool.query(
      `alter role ${LANE_ROLES.reader} in database ${t.db.databaseName} set search_path = lane_scratch, public`,
    );
    try {
      const error = await installSteps(t.db.pool, contractSteps).catch((caught: unknown) => caught);
      expect((error as Error).message).toContain('role birth_lane_reader can CREATE in schema lane_scratch');
      expect((error as Error).message).toContain('REVOKE CREATE ON SCHEMA "lane_scratch" FROM PUBLIC;');
    } finally {
      await t.db.pool.query(
        `alter role ${LANE_ROLES.reader} in database ${t.db.databaseName} reset search_path`,
      );
      await t.db.pool.query('drop schema lane_scratch');
    }
  });
});
