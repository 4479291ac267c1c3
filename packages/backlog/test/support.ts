import { randomBytes } from 'node:crypto';
import { certifySteps } from '@birth-lane/certify-consumer';
import {
  APPROVER_DATABASE_ROLES,
  contractSteps,
  LANE_ROLES,
  quoteIdentifier,
  quoteLiteral,
} from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { inspectContractSteps } from '@birth-lane/inspect-contract';
import { activateRuleSet, defaultRuleSet, ruleSetSteps, saveRuleSet } from '@birth-lane/inspect-producer';
import type { TestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { BACKLOG_ROLE, backlogSteps } from '../src/index.js';

/** The whole lane a pass meets: contract, stud guard, certify consumer, producer runs, this block. */
export const SETUP_SQL = [
  ...contractSteps,
  ...inspectContractSteps,
  ...certifySteps,
  ...ruleSetSteps,
  ...backlogSteps,
].map((step) => step.mutation);

/** Saves and activates the default rule set the governed way (its own approval). */
export async function activateDefaultRuleSet(db: TestDatabase): Promise<void> {
  const { ruleSetHash } = await import('@birth-lane/contract');
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

const PASSWORD = randomBytes(18).toString('hex');

/**
 * One LOGIN role per person, so session_user is that person: the planner (governance), two
 * worker logins (birth_lane_backlog), the approvers, and an outsider with no lane role.
 */
export function laneLogins(db: () => TestDatabase) {
  const suffix = randomBytes(4).toString('hex');
  const people = {
    planner: { login: `bl_bk_${suffix}_plan`, roles: [LANE_ROLES.governance] },
    worker: { login: `bl_bk_${suffix}_work`, roles: [BACKLOG_ROLE] },
    otherWorker: { login: `bl_bk_${suffix}_work2`, roles: [BACKLOG_ROLE] },
    president: { login: `bl_bk_${suffix}_pres`, roles: [APPROVER_DATABASE_ROLES.president] },
    council1: { login: `bl_bk_${suffix}_c1`, roles: [APPROVER_DATABASE_ROLES.ai_council] },
    council2: { login: `bl_bk_${suffix}_c2`, roles: [APPROVER_DATABASE_ROLES.ai_council] },
    outsider: { login: `bl_bk_${suffix}_out`, roles: [] as string[] },
  } as const;
  type Person = keyof typeof people;
  const pools = new Map<Person, pg.Pool>();

  return {
    people,
    async create(): Promise<void> {
      for (const { login, roles } of Object.values(people)) {
        const member = roles.length > 0 ? ` in role ${roles.map(quoteIdentifier).join(', ')}` : '';
        await db().pool.query(
          `create role ${quoteIdentifier(login)} login password ${quoteLiteral(PASSWORD)}${member}`,
        );
      }
    },
    /** A pool logged in as that person (a Database, so the block's functions take it as they are). */
    pool(who: Person): pg.Pool {
      let pool = pools.get(who);
      if (!pool) {
        const url = new URL(db().connectionString);
        url.username = people[who].login;
        url.password = PASSWORD;
        pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
        pool.on('error', () => undefined);
        pools.set(who, pool);
      }
      return pool;
    },
    /** The URL a child process logs in with, as that person. */
    url(who: Person): string {
      const url = new URL(db().connectionString);
      url.username = people[who].login;
      url.password = PASSWORD;
      return url.toString();
    },
    async vote(requestId: string, who: Person, decision: 'approve' | 'reject' = 'approve'): Promise<void> {
      await this.pool(who).query('select birth_lane.cast_vote($1::bigint, $2::text)', [requestId, decision]);
    },
    /** president + two ai_council: a high-risk quorum, none of them the proposer. */
    async approve(requestId: string): Promise<void> {
      for (const who of ['president', 'council1', 'council2'] as const) await this.vote(requestId, who);
    },
    async drop(): Promise<void> {
      for (const pool of pools.values()) await pool.end().catch(() => undefined);
      pools.clear();
      await db().pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where usename = any($1::text[])`,
        [Object.values(people).map((person) => person.login)],
      );
      for (const { login } of Object.values(people))
        await db().pool.query(`drop role if exists ${quoteIdentifier(login)}`);
    },
  };
}
export type LaneLogins = ReturnType<typeof laneLogins>;

/**
 * Seeds `count` rows after the current ones, a deterministic mix: most pass every stage; every 7th
 * fails STAMP (no name), every 11th fails GATE (a species unlisted for its collection), every 13th
 * fails PEN (malformed entity code), every 17th is observed, every 19th is ambiguous (GATE set
 * without PEN: planted with triggers off, as a field registry holds them).
 */
export async function seedRows(db: TestDatabase, count: number, tag = 'S'): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('begin');
    await client.query("set local session_replication_role = 'replica'");
    await client.query(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role, born_at,
                                          name, description, status, inspect_gate)
       select case when n % 13 = 0 then lower($2::text) || n else $2::text || '-' || lpad(n::text, 9, '0') end,
              'fauna',
              case when n % 11 = 0 then 'SP-TREE' else 'SP-MAMMAL' end,
              'dot://seed/' || n,
              case when n % 17 = 0 then 'observed' else 'governed' end,
              '2025-01-01T00:00:00Z',
              case when n % 7 = 0 then null else 'row ' || n end,
              'a seeded backlog row',
              'active',
              case when n % 19 = 0 then timestamptz '2025-02-01T00:00:00Z' end
         from generate_series(1, $1::int) n`,
      [count, `${tag}${randomBytes(2).toString('hex').toUpperCase()}`],
    );
    await client.query('commit');
  } finally {
    await client.end();
  }
}

export interface StampedSet {
  readonly pen: string[];
  readonly stamp: string[];
  readonly gate: string[];
  readonly certified: string[];
}

/** Which rows carry which stamp (by id), and which are certified: the end state to compare. */
export async function stampedSet(db: TestDatabase): Promise<StampedSet> {
  const { rows } = await db.pool.query<{
    pen: string[];
    stamp: string[];
    gate: string[];
    certified: string[];
  }>(
    `select coalesce(array_agg(id::text order by id) filter (where inspect_pen is not null), '{}') as pen,
            coalesce(array_agg(id::text order by id) filter (where inspect_stamp is not null), '{}') as stamp,
            coalesce(array_agg(id::text order by id) filter (where inspect_gate is not null), '{}') as gate,
            coalesce(array_agg(id::text order by id) filter (where certified), '{}') as certified
       from public.birth_registry`,
  );
  return rows[0]!;
}

/** Failure evidence as (row, check) pairs, with how often each was recorded. */
export async function failureEvidence(db: TestDatabase, runId?: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ entry: string }>(
    `select row_id || ':' || check_id || ' x' || count(*) as entry
       from birth_lane.evidence
      where kind in ('inspection_failure', 'ambiguous_row') and ($1::uuid is null or run_id = $1::uuid)
      group by row_id, check_id order by row_id, check_id`,
    [runId ?? null],
  );
  return rows.map((row) => row.entry);
}

export async function idRange(db: TestDatabase): Promise<{ first: string; last: string }> {
  const { rows } = await db.pool.query<{ first: string; last: string }>(
    'select min(id)::text as first, max(id)::text as last from public.birth_registry',
  );
  return rows[0]!;
}

/** The rejection of a promise, for asserting on it; fails the test if it resolved. */
export async function refusal(promise: Promise<unknown>): Promise<Error & { code?: string; rule?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a refusal, but it succeeded');
}
