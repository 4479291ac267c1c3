import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRolesIfUnusedSql } from '../src/rollback-sql.js';

// Roles are cluster-wide: every name here is random, and every role is dropped afterwards.
const t = useTestDatabase({ setupSql: ['create table public.reference_point (id int)'] });
const suffix = randomBytes(4).toString('hex');
const name = (label: string) => `birth_lane_fp_${label}_${suffix}`;
const made: string[] = [];

async function createRole(label: string, attributes = 'nologin'): Promise<string> {
  const role = name(label);
  await t.db.pool.query(`create role ${role} ${attributes}`);
  made.push(role);
  return role;
}

async function exists(role: string): Promise<boolean> {
  const { rows } = await t.db.pool.query('select 1 from pg_roles where rolname = $1::text', [role]);
  return rows.length === 1;
}

afterAll(async () => {
  for (const role of made) {
    await t.db.pool.query(`drop owned by ${role}`).catch(() => undefined);
    await t.db.pool.query(`drop role if exists ${role}`);
  }
});

describe('dropRolesIfUnusedSql', () => {
  it('drops a role created after the reference that nothing uses, and keeps every other', async () => {
    const older = await createRole('older');
    // The reference point: a relation created after `older`, before the others (oids are one counter).
    await t.db.pool.query('create table public.after_older (id int)');
    const unused = await createRole('unused');
    const granted = await createRole('granted');
    await t.db.pool.query(`grant select on public.reference_point to ${granted}`);
    const member = await createRole('member');
    const holder = await createRole('holder');
    await t.db.pool.query(`grant ${member} to ${holder}`);
    const login = await createRole('login', 'login');
    const commented = await createRole('commented');
    await t.db.pool.query(`comment on role ${commented} is 'set up by hand'`);

    await t.db.pool.query(
      dropRolesIfUnusedSql([older, unused, granted, member, login, commented], {
        createdAfter: 'public.after_older',
      }),
    );

    expect(await exists(unused)).toBe(false);
    expect(await exists(older)).toBe(true);
    expect(await exists(granted)).toBe(true);
    expect(await exists(member)).toBe(true);
    expect(await exists(login)).toBe(true);
    expect(await exists(commented)).toBe(true);
  });

  it('drops nothing when the reference relation is missing', async () => {
    const unused = await createRole('noref');
    await t.db.pool.query(dropRolesIfUnusedSql([unused], { createdAfter: 'public.no_such_relation' }));
    expect(await exists(unused)).toBe(true);
  });
});
