import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('the guard covers LOGIN members of lane and approver roles and the database owner (review H1)', () => {
  const created: string[] = [];
  const role = async (suffix: string, grants: string) => {
    const name = `bl_guard_${suffix}_${randomBytes(4).toString('hex')}`;
    await t.db.pool.query(`create role ${name} ${grants}`);
    created.push(name);
    return name;
  };
  afterAll(async () => {
    const { rows } = await t.db.pool.query<{ me: string }>('select current_user::text as me');
    await t.db.pool.query(`alter database ${t.db.databaseName} owner to ${rows[0]!.me}`);
    for (const name of created.reverse()) {
      await t.db.pool.query(`revoke all on schema public from ${name}`).catch(() => undefined);
      await t.db.pool.query(`drop role if exists ${name}`);
    }
  });

  async function refusal(): Promise<string> {
    const before = await appliedSteps();
    const error = await installSteps(t.db.pool, contractSteps).catch((caught: unknown) => caught);
    expect(BirthLaneError.isInstance(error) && error.code).toBe('STOP_CONDITION');
    expect(await appliedSteps()).toBe(before);
    return (error as Error).message;
  }

  it('refuses when a LOGIN holding birth_lane_birth owns the database (pg_database_owner owns public)', async () => {
    await installSteps(t.db.pool, contractSteps); // the lane roles exist
    const { rows } = await t.db.pool.query<{ me: string }>('select current_user::text as me');
    const owner = await role('owner', `login in role ${LANE_ROLES.birth}`);
    await t.db.pool.query(`alter database ${t.db.databaseName} owner to ${owner}`);
    try {
      const message = await refusal();
      expect(message).toContain(`role ${owner} can CREATE in schema public`);
      expect(message).toContain('through pg_database_owner');
      expect(message).toContain(`member of ${LANE_ROLES.birth}, and the database owner`);
      expect(message).toContain('ALTER SCHEMA "public" OWNER TO <an administrator>');
    } finally {
      await t.db.pool.query(`alter database ${t.db.databaseName} owner to ${rows[0]!.me}`);
    }
    await expect(installSteps(t.db.pool, contractSteps)).resolves.toBeDefined();
  });

  it('refuses when the database owner holds no lane role at all', async () => {
    const { rows } = await t.db.pool.query<{ me: string }>('select current_user::text as me');
    const owner = await role('plainowner', 'login');
    await t.db.pool.query(`alter database ${t.db.databaseName} owner to ${owner}`);
    try {
      const message = await refusal();
      expect(message).toContain(`role ${owner} can CREATE in schema public`);
      expect(message).toContain('[database owner]');
    } finally {
      await t.db.pool.query(`alter database ${t.db.databaseName} owner to ${rows[0]!.me}`);
    }
  });

  it.each([
    ['a lane role', LANE_ROLES.reader],
    ['an approver role', 'birth_lane_president'],
  ])(
    'refuses when a LOGIN member of %s (through another role) is granted CREATE on public',
    async (_what, laneRole) => {
      const middle = await role('middle', `nologin in role ${laneRole}`);
      const login = await role('login', `login in role ${middle}`);
      await t.db.pool.query(`grant create on schema public to ${login}`);
      try {
        const message = await refusal();
        expect(message).toContain(`role ${login} can CREATE in schema public`);
        expect(message).toContain(`member of ${laneRole}`);
        expect(message).toContain(`REVOKE CREATE ON SCHEMA "public" FROM "${login}";`);
      } finally {
        await t.db.pool.query(`revoke create on schema public from ${login}`);
      }
      await expect(installSteps(t.db.pool, contractSteps)).resolves.toBeDefined();
    },
  );
});
