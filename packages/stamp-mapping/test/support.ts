import { randomBytes } from 'node:crypto';
import { certifySteps } from '@birth-lane/certify-consumer';
import { contractSteps, quoteIdentifier, quoteLiteral } from '@birth-lane/contract';
import type { TestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { stampMappingSteps } from '../src/stamp-mapping-steps.js';

/** The lane as the stamp mapping meets it: the contract, the certify consumer (its guard and pass), this block. */
export const SETUP_SQL = [...contractSteps, ...certifySteps, ...stampMappingSteps].map(
  (step) => step.mutation,
);

const PASSWORD = randomBytes(18).toString('hex');

/** LOGIN roles for one test file, each a member of exactly the roles given. */
export function testLogins<const Names extends string>(
  db: () => TestDatabase,
  roles: Record<Names, readonly string[]>,
) {
  const suffix = randomBytes(4).toString('hex');
  const logins = Object.fromEntries(
    Object.keys(roles).map((name) => [name, `bl_stamp_${suffix}_${name}`]),
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
    async session(name: Names): Promise<pg.Client> {
      let client = sessions.get(name);
      if (!client) {
        client = await db().connectAs(logins[name], PASSWORD);
        sessions.set(name, client);
      }
      return client;
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

let sequence = 0;
/** Mints a row as the owner and, when `certify`, stamps it in order so the certify consumer certifies it. */
export async function registryRow(
  db: pg.Pool,
  options: {
    certify: boolean;
    /** Values already there before any materialisation (set before certification). */
    canonicalAddress?: string;
    owner?: string;
    governanceRole?: 'governed' | 'observed';
  },
): Promise<string> {
  sequence += 1;
  const { rows } = await db.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, dot_origin, name, description, status, governance_role)
     values ($1::text, ' Fauna ', 'dot://test', 'n', 'd', 'active', $2::text) returning id::text`,
    [`STAMP-${String(sequence).padStart(4, '0')}`, options.governanceRole ?? 'governed'],
  );
  const id = rows[0]!.id;
  const presetSql: string[] = [];
  if (options.canonicalAddress !== undefined || options.owner !== undefined)
    presetSql.push(
      'update public.birth_registry set canonical_address = $2::text, owner = $3::text where id = $1::bigint',
    );
  // The certify trigger certifies governed rows only; a field registry may hold certified observed ones.
  if (options.certify && options.governanceRole === 'observed')
    presetSql.push(
      'update public.birth_registry set certified = true, certified_at = now() where id = $1::bigint and $2::text is null and $3::text is null',
    );
  if (presetSql.length > 0) {
    // Field data that predates the lane: written past the lane's guards (triggers off for this
    // one statement, as a superuser), the way a registry installed over arrives.
    const client = await db.connect();
    try {
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      for (const sql of presetSql)
        await client.query(sql, [id, options.canonicalAddress ?? null, options.owner ?? null]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }
  if (options.certify)
    for (const column of ['inspect_pen', 'inspect_stamp', 'inspect_gate'])
      await db.query(`update public.birth_registry set ${column} = clock_timestamp() where id = $1::bigint`, [
        id,
      ]);
  return id;
}

/** The rejection of a promise; fails the test if it resolved. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; constraint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; constraint?: string };
  }
  throw new Error('expected a refusal, but it succeeded');
}
