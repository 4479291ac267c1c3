import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../src/ports/queryable.js';
import { quoteIdentifier, quoteLiteral } from '../../src/sql-identifier.js';

/**
 * The password of this process's test logins: random, so a login a crashed run left behind is no
 * way into the server (roles are cluster-wide, and the repository is public).
 */
export const TEST_PASSWORD = randomBytes(18).toString('hex');

/** A unique suffix per test file: roles are cluster-wide, test databases are not. */
export const loginSuffix = (): string => randomBytes(4).toString('hex');

/**
 * Creates a LOGIN role (with a password, for servers that ask for one) holding `roles`, so a client
 * connected as it has session_user = `login`. The name is used exactly as given (look-alikes too).
 */
export async function createLogin(
  admin: Queryable,
  login: string,
  roles: readonly string[],
): Promise<string> {
  await admin.query(`create role ${quoteIdentifier(login)} login password ${quoteLiteral(TEST_PASSWORD)}`);
  for (const role of roles) await admin.query(`grant ${quoteIdentifier(role)} to ${quoteIdentifier(login)}`);
  // PostgreSQL silently cuts a name longer than 63 bytes: the test would then act as someone else.
  const { rows } = await admin.query('select 1 from pg_catalog.pg_roles where rolname = $1::text', [login]);
  if (rows.length !== 1)
    throw new Error(`login ${JSON.stringify(login)} was not created under that exact name`);
  return login;
}

/**
 * Drops test logins; a drop that fails is reported (thrown, naming every login left behind), never
 * swallowed. Votes and requests keep login names as text, so dropping is always possible.
 */
export async function dropLogins(admin: Queryable, logins: readonly string[]): Promise<void> {
  const failures: string[] = [];
  for (const login of logins) {
    try {
      await admin.query(`drop role if exists ${quoteIdentifier(login)}`);
    } catch (error) {
      failures.push(`${login}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`test logins left behind: ${failures.join('; ')}`);
}
