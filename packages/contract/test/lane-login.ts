import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface LaneLogin {
  readonly login: string;
  readonly client: pg.Client;
}

/**
 * A LOGIN role granted one lane role, connected with its own client, so `session_user` is that
 * login (an attacker holding the role, not `set role`). Roles are cluster-wide: the name is random.
 * Works on trust servers and on password ones (embedded PostgreSQL).
 */
export async function createLaneLogin(
  admin: pg.Pool,
  connectionString: string,
  laneRole: string,
): Promise<LaneLogin> {
  const login = `bl_attack_${laneRole.replace(/^birth_lane_/, '')}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await admin.query(`create role ${login} login password '${password}' in role ${laneRole}`);
  const url = new URL(connectionString);
  url.username = login;
  url.password = password;
  const client = new pg.Client({ connectionString: url.toString() });
  client.on('error', () => undefined);
  await client.connect();
  return { login, client };
}

export async function dropLaneLogins(admin: pg.Pool, logins: readonly LaneLogin[]): Promise<void> {
  for (const { login, client } of logins) {
    await client.end().catch(() => undefined);
    await admin.query(`drop owned by ${login}`).catch(() => undefined);
    await admin.query(`drop role if exists ${login}`);
  }
}
