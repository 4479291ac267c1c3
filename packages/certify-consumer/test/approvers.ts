import { randomBytes } from 'node:crypto';
import { APPROVER_DATABASE_ROLES, LANE_ROLES, quoteIdentifier, quoteLiteral } from '@birth-lane/contract';
import type { TestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';

// Random per process: a login a crashed run leaves behind is no way into the server.
const PASSWORD = randomBytes(18).toString('hex');

/**
 * One LOGIN role per person (unique to this test file: roles are cluster-wide), so each vote is cast
 * by its own login through birth_lane.cast_vote, as in production.
 */
export function approverLogins(db: () => TestDatabase) {
  const suffix = randomBytes(4).toString('hex');
  const people = {
    ops: { login: `bl_cc_${suffix}_ops`, role: LANE_ROLES.governance },
    president: { login: `bl_cc_${suffix}_pres`, role: APPROVER_DATABASE_ROLES.president },
    council1: { login: `bl_cc_${suffix}_c1`, role: APPROVER_DATABASE_ROLES.ai_council },
    council2: { login: `bl_cc_${suffix}_c2`, role: APPROVER_DATABASE_ROLES.ai_council },
    approver: { login: `bl_cc_${suffix}_m1`, role: APPROVER_DATABASE_ROLES.approver },
  } as const;
  type Person = keyof typeof people;
  const sessions = new Map<string, pg.Client>();
  const named = new Set<string>();

  async function session(login: string): Promise<pg.Client> {
    let client = sessions.get(login);
    if (!client) {
      client = await db().connectAs(login, PASSWORD);
      sessions.set(login, client);
    }
    return client;
  }

  return {
    people,
    /** Creates the logins; call in beforeAll. */
    async create(): Promise<void> {
      for (const { login, role } of Object.values(people)) {
        await db().pool.query(
          `create role ${quoteIdentifier(login)} login password ${quoteLiteral(PASSWORD)} in role ${quoteIdentifier(role)}`,
        );
      }
    },
    /** Creates (if absent) a login with exactly this name holding `role`, e.g. a look-alike of a proposer. */
    async createNamed(login: string, role: string): Promise<void> {
      named.add(login);
      await db().pool.query(`do $$ begin
          create role ${quoteIdentifier(login)} login password ${quoteLiteral(PASSWORD)} in role ${quoteIdentifier(role)};
        exception when duplicate_object or unique_violation then null; end $$`);
    },
    session,
    async vote(requestId: string, who: Person | string, decision: 'approve' | 'reject' = 'approve') {
      const login = who in people ? people[who as Person].login : who;
      await (await session(login)).query('select birth_lane.cast_vote($1::bigint, $2::text)', [
        requestId,
        decision,
      ]);
    },
    async propose(input: { action: string; scope: unknown; risk: string }): Promise<string> {
      const { rows } = await (await session(people.ops.login)).query<{ id: string }>(
        "select birth_lane.request_approval($1::text, $2::jsonb, $3::text, 'test')::text as id",
        [input.action, JSON.stringify(input.scope), input.risk],
      );
      return rows[0]!.id;
    },
    /**
     * Drops this file's logins, and the look-alikes made with createNamed; call in afterAll (their
     * votes keep the names, as text). A drop that fails is reported, naming the logins left behind.
     */
    async drop(): Promise<void> {
      for (const client of sessions.values()) await client.end().catch(() => undefined);
      const failures: string[] = [];
      for (const login of [...Object.values(people).map((person) => person.login), ...named]) {
        try {
          await db().pool.query(`drop role if exists ${quoteIdentifier(login)}`);
        } catch (error) {
          failures.push(`${login}: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new Error(`test logins left behind: ${failures.join('; ')}`);
    },
  };
}
