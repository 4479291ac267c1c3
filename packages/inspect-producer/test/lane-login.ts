import { randomBytes } from 'node:crypto';
import type { TestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';

export interface LaneLogin {
  readonly login: string;
  readonly client: pg.Client;
}

/**
 * A LOGIN role granted one lane role and connected with its own client, so `session_user` is that
 * login: an attacker holding the role, not a superuser doing `set role`. Roles are cluster-wide,
 * so the name is random; the password makes it work on password servers (embedded PostgreSQL).
 */
export async function createLaneLogin(db: TestDatabase, laneRole: string): Promise<LaneLogin> {
  const login = `bl_b_${laneRole.replace(/^birth_lane_/, '')}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await db.pool.query(`create role ${login} login password '${password}' in role ${laneRole}`);
  return { login, client: await db.connectAs(login, password) };
}

/** Ends the logins' sessions and drops the roles (they own nothing). */
export async function dropLaneLogins(db: TestDatabase, logins: readonly LaneLogin[]): Promise<void> {
  for (const { login, client } of logins) {
    await client.end().catch(() => undefined);
    await db.pool.query(`drop role if exists ${login}`);
  }
}
