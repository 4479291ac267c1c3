import { randomBytes } from 'node:crypto';
import { birthSteps } from '@birth-lane/birth';
import { contractSteps, quoteIdentifier, quoteLiteral, ruleSetHash } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { activateRuleSet, defaultRuleSet, ruleSetSteps, saveRuleSet } from '@birth-lane/inspect-producer';
import type { TestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { gateSteps } from '../src/gate-steps.js';

/** The lane as a gate meets it: the contract, the birth block, the producer's rule sets, the gate. */
export const SETUP_SQL = [...contractSteps, ...birthSteps, ...ruleSetSteps, ...gateSteps].map(
  (step) => step.mutation,
);

/** Activates the default rule set the governed way (which compiles birth_lane.birth_pen_failures). */
export async function activateDefaultRuleSet(db: TestDatabase): Promise<void> {
  await saveRuleSet(db.pool, defaultRuleSet);
  const approvalId = await approveWithDemoLogins(
    db.pool,
    (login, password) => db.connectAs(login, password),
    {
      action: 'rule_set_activation',
      scope: { version: defaultRuleSet.version, hash: ruleSetHash(defaultRuleSet) },
    },
  );
  await activateRuleSet(db.pool, defaultRuleSet.version, { approvalId });
}

// Random per process: a login a crashed run leaves behind is no way into the server.
const PASSWORD = randomBytes(18).toString('hex');

/**
 * LOGIN roles for one test file (roles are cluster-wide, so the names carry a random suffix), each
 * a member of exactly the roles given: attacks run as real logins, not SET ROLE.
 */
export function testLogins<const Names extends string>(
  db: () => TestDatabase,
  roles: Record<Names, readonly string[]>,
) {
  const suffix = randomBytes(4).toString('hex');
  const logins = Object.fromEntries(
    Object.keys(roles).map((name) => [name, `bl_gate_${suffix}_${name}`]),
  ) as Record<Names, string>;
  const sessions = new Map<string, pg.Client>();
  return {
    logins,
    async create(): Promise<void> {
      for (const [name, memberOf] of Object.entries(roles) as [Names, readonly string[]][]) {
        const inRole = memberOf.length > 0 ? ` in role ${memberOf.map(quoteIdentifier).join(', ')}` : '';
        await db().pool.query(
          `create role ${quoteIdentifier(logins[name])} login password ${quoteLiteral(PASSWORD)}${inRole}`,
        );
      }
    },
    /** One session per login, kept open for the file. */
    async session(name: Names): Promise<pg.Client> {
      let client = sessions.get(name);
      if (!client) {
        client = await db().connectAs(logins[name], PASSWORD);
        sessions.set(name, client);
      }
      return client;
    },
    /** A new session of the login (it starts with the persisted settings as they are now). */
    fresh(name: Names): Promise<pg.Client> {
      return db().connectAs(logins[name], PASSWORD);
    },
    async drop(): Promise<void> {
      for (const client of sessions.values()) await client.end().catch(() => undefined);
      for (const login of Object.values(logins) as string[])
        await db().pool.query(
          `drop owned by ${quoteIdentifier(login)}; drop role if exists ${quoteIdentifier(login)}`,
        );
    },
  };
}

/** The rejection of a promise, for asserting on its SQLSTATE; fails the test if it resolved. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; constraint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; constraint?: string };
  }
  throw new Error('expected the database to refuse, but the statement succeeded');
}

/**
 * Runs `work` while the lane owner is a role that owns the database but is no superuser (the
 * flip and its owner check are owned by it, with what the flip needs), then puts everything back.
 * `work` gets the role's name; `grantSet()` runs the GRANT a superuser would.
 */
export async function withNonSuperuserOwner(
  db: TestDatabase,
  work: (owner: string, grantSet: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const owner = `bl_gate_owner_${randomBytes(4).toString('hex')}`;
  const role = quoteIdentifier(owner);
  const { rows } = await db.pool.query<{ original: string; me: string }>(
    'select pg_get_userbyid(datdba) as original, current_user::text as me from pg_database where datname = current_database()',
  );
  const database = quoteIdentifier(db.databaseName);
  const functions = [
    'birth_lane.flip_birth_gate(text,bigint,interval,interval)',
    'birth_lane.gate_owner_can_set_mode()',
  ];
  await db.pool.query(`create role ${role} nologin`);
  try {
    await db.pool.query(`alter database ${database} owner to ${role};
      grant usage on schema birth_lane to ${role};
      grant insert on birth_lane.evidence to ${role};
      grant usage on all sequences in schema birth_lane to ${role};
      grant execute on function birth_lane.persisted_gate_mode(), birth_lane.gate_flip_min_health_window() to ${role};
      ${functions.map((fn) => `alter function ${fn} owner to ${role};`).join('\n')}`);
    await work(owner, async () => {
      await db.pool.query(`grant set on parameter app.birth_gate_mode, app.bypass_birth_gate to ${role}`);
    });
  } finally {
    await db.pool.query(`${functions.map((fn) => `alter function ${fn} owner to ${quoteIdentifier(rows[0]!.me)};`).join('\n')}
      alter database ${database} owner to ${quoteIdentifier(rows[0]!.original)};
      revoke set on parameter app.birth_gate_mode, app.bypass_birth_gate from ${role};
      drop owned by ${role};
      drop role ${role};`);
  }
}
