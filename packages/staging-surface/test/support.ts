import { randomBytes } from 'node:crypto';
import { birthSteps } from '@birth-lane/birth';
import { certifySteps } from '@birth-lane/certify-consumer';
import { contractSteps, type Database } from '@birth-lane/contract';
import { inspectContractSteps } from '@birth-lane/inspect-contract';
import { defaultRuleSet, inspectionCompiler, ruleSetSteps } from '@birth-lane/inspect-producer';
import { type TestDatabase, useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll } from 'vitest';
import { type CreateSurfaceOptions, createSurface } from '../src/create-surface.js';
import { stagingSteps } from '../src/staging-steps.js';

/** The lane as the app installs it, as far as staging needs it, then the staging step. */
export const SETUP_SQL = [
  ...contractSteps,
  ...birthSteps,
  ...inspectContractSteps,
  ...certifySteps,
  ...ruleSetSteps,
  ...stagingSteps,
].map((step) => step.mutation);

/**
 * The test database with the staging step, whose surfaces are dropped (as the lane owner) after
 * the file: each surface has a role, and roles are cluster-wide, so a surface left in a dropped
 * test database would leave its bl_stage_<id> role on the server. This afterAll is registered
 * after the test kit's, so it runs before the database goes.
 */
export function useStagingDatabase(): ReturnType<typeof useTestDatabase> {
  const t = useTestDatabase({ setupSql: SETUP_SQL });
  afterAll(async () => {
    const { rows } = await t.db.pool.query<{ id: string }>(
      "select substr(nspname, 10) as id from pg_catalog.pg_namespace where nspname ~ '^bl_stage_[0-9a-f]{12}$'",
    );
    for (const { id } of rows)
      await t.db.pool.query('select birth_lane.drop_staging_surface($1::text)', [id]);
  });
  return t;
}

export const compiler = inspectionCompiler;
export const draftRuleSet = { kind: 'document', ruleSet: defaultRuleSet, source: 'test draft' } as const;

/** A row that passes every stage of the default rule set; override fields to plant a defect. */
export function goodRow(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    entity_code: `STG-${String(id).padStart(4, '0')}`,
    collection_name: 'fauna',
    species_code: 'SP-MAMMAL',
    dot_origin: 'dot://zoo/1',
    governance_role: 'governed',
    born_at: '2025-06-01T00:00:00Z',
    name: 'A cat',
    description: 'A small domesticated carnivorous mammal.',
    status: 'active',
    ...overrides,
  };
}

export function jsonl(rows: readonly Record<string, unknown>[]): string {
  return `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
}

/** A surface from fixture rows, judged by the default rule set as a draft. */
export function fixtureSurface(
  db: Database,
  rows: readonly Record<string, unknown>[],
  extra: Partial<CreateSurfaceOptions> = {},
) {
  return createSurface(db, {
    compiler,
    ruleSet: draftRuleSet,
    input: {
      kind: 'fixtures',
      fileName: 'rows.jsonl',
      text: jsonl(rows),
      format: 'jsonl',
      keepBadRows: true,
    },
    ...extra,
  });
}

/** Mints production rows directly (the registry's owner), governed and uncertified unless told. */
export async function seedRegistry(db: Database, rows: readonly Record<string, unknown>[]): Promise<void> {
  await db.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role, born_at,
                                        name, description, status)
     select entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status
       from jsonb_to_recordset($1::jsonb) as r(entity_code text, collection_name text, species_code text, dot_origin text,
            governance_role text, born_at timestamptz, name text, description text, status text)`,
    [JSON.stringify(rows)],
  );
}

export interface Login {
  readonly login: string;
  readonly password: string;
  readonly client: pg.Client;
}

/**
 * A LOGIN role granted `role` (a comma-separated list; null: none, PUBLIC's rights only), on its
 * own connection: session_user is that login, as for an attacker.
 */
export async function createLogin(db: TestDatabase, role: string | null): Promise<Login> {
  const login = `bl_s_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const membership = role === null ? '' : ` in role ${role}`;
  await db.pool.query(`create role ${login} login password '${password}'${membership}`);
  return { login, password, client: await db.connectAs(login, password) };
}

/** A pool whose every connection is `login` (as an operator's own tool would open). */
export function poolAs(db: TestDatabase, login: Login): pg.Pool {
  const url = new URL(db.connectionString);
  url.username = login.login;
  url.password = login.password;
  return new pg.Pool({ connectionString: url.toString(), max: 2 });
}

export async function dropLogins(db: TestDatabase, logins: readonly Login[]): Promise<void> {
  for (const { login, client } of logins) {
    await client.end().catch(() => undefined);
    await db.pool.query(`drop role if exists ${login}`);
  }
}

/** The rejection of a promise, to assert on its SQLSTATE; fails the test when it resolved. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; constraint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a refusal, but it succeeded');
}
