import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurface } from '../src/create-surface.js';
import { StagingReadinessError } from '../src/staging-errors.js';
import {
  compiler,
  createLogin,
  draftRuleSet,
  dropLogins,
  fixtureSurface,
  goodRow,
  jsonl,
  type Login,
  refusal,
  seedRegistry,
  useStagingDatabase,
} from './support.js';

const t = useStagingDatabase();
let staging: Login;
let outsider: Login;
let productionId: string;

beforeAll(async () => {
  await seedRegistry(t.db.pool, [goodRow(1)]);
  productionId = (await t.db.pool.query<{ id: string }>('select id::text from public.birth_registry'))
    .rows[0]!.id;
  staging = await createLogin(t.db, 'birth_lane_staging');
  outsider = await createLogin(t.db, 'birth_lane_reader');
});
afterAll(() => dropLogins(t.db, [staging, outsider]));

describe('a login holding birth_lane_staging cannot write production', () => {
  const attacks: [string, string][] = [
    ['UPDATE a stamp', 'update public.birth_registry set inspect_pen = now() where id = $1::bigint'],
    ['UPDATE certified', 'update public.birth_registry set certified = true where id = $1::bigint'],
    ['UPDATE a canonical column', "update public.birth_registry set owner = 'me' where id = $1::bigint"],
    [
      'INSERT a row',
      "insert into public.birth_registry (entity_code, collection_name, dot_origin) select 'X-' || $1::text || '999', 'c', 'd'",
    ],
    ['DELETE a row', 'delete from public.birth_registry where id = $1::bigint'],
    ['TRUNCATE the registry', 'truncate public.birth_registry /* $1 unused */ -- '],
    ['append evidence', "insert into birth_lane.evidence (kind, message) select 'note', $1::text"],
    [
      'call mint_birth',
      "select birth_lane.mint_birth('X-' || $1::text || '001', 'c', 'd', 'governed', null, null, null, null, null)",
    ],
    ['call inspect_batch', 'select * from birth_lane.inspect_batch(gen_random_uuid(), $1::bigint, null, 10)'],
    ['call begin_run', "select birth_lane.begin_run('once' || $1::text)"],
    ['call cast_vote', "select birth_lane.cast_vote($1::bigint, 'approve', 'president', 'yes')"],
    ['call promote', 'select birth_lane.promote($1::bigint, 1::bigint)'],
    ['draw a registry id', "select nextval('public.birth_registry_id_seq') + $1::bigint"],
  ];
  for (const [what, sql] of attacks) {
    it(`${what}: refused for lack of privilege (42501)`, async () => {
      const values = sql.includes('$1') && !sql.startsWith('truncate') ? [productionId] : [];
      const error = await refusal(staging.client.query(sql, values));
      expect(error.code).toBe('42501');
    });
  }

  it('nor after SET ROLE birth_lane_staging (as the block runs), and production is unchanged', async () => {
    await staging.client.query('set role birth_lane_staging');
    const error = await refusal(staging.client.query('update public.birth_registry set inspect_pen = now()'));
    expect(error.code).toBe('42501');
    await staging.client.query('reset role');
    const { rows } = await t.db.pool.query('select inspect_pen, certified from public.birth_registry');
    expect(rows).toEqual([{ inspect_pen: null, certified: false }]);
  });
});

describe('the surface creator', () => {
  it('refuses a login that does not hold birth_lane_staging', async () => {
    const error = await refusal(
      outsider.client.query(
        `select birth_lane.create_staging_surface('1.0.0', repeat('a', 64), '{}', 'sample:1', '1 hour',
           (select jsonb_agg(i) from generate_series(1, 8) i))`,
      ),
    );
    expect(error.code).toBe('42501');
  });

  it('records the creator from session_user: a login creating through its own pool is named, not the pool owner', async () => {
    const url = new URL(t.db.connectionString);
    url.username = staging.login;
    url.password = staging.password;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    try {
      // the reader-less login can create: rule-set resolution needs no store for a document rule set
      const created = await createSurface(pool, {
        compiler,
        ruleSet: draftRuleSet,
        input: { kind: 'fixtures', fileName: 'one.jsonl', text: jsonl([goodRow(7)]), format: 'jsonl' },
      });
      expect(created.manifest.creator).toBe(staging.login);
    } finally {
      await pool.end();
    }
  });
});

describe('readiness refuses to create a surface', () => {
  it('SR-2: when the staging role has been given a write privilege on production (nothing is created)', async () => {
    await t.db.pool.query('grant update (inspect_pen) on public.birth_registry to birth_lane_staging');
    try {
      const before = await surfaceSchemas();
      const error = await refusal(fixtureSurface(t.db.pool, [goodRow(1)]));
      expect(StagingReadinessError.isInstance(error)).toBe(true);
      const failed = (error as StagingReadinessError).failed;
      expect(failed.map((check) => check.id)).toEqual(['SR-2']);
      expect(failed[0]!.observed).toContain('public.birth_registry UPDATE');
      expect(await surfaceSchemas()).toEqual(before);
    } finally {
      await t.db.pool.query('revoke update (inspect_pen) on public.birth_registry from birth_lane_staging');
    }
  });

  it('SR-7: when a volatile SECURITY DEFINER lane function is executable by the staging role', async () => {
    await t.db.pool.query('grant execute on function birth_lane.begin_run(text) to birth_lane_staging');
    try {
      const error = await refusal(fixtureSurface(t.db.pool, [goodRow(1)]));
      expect((error as StagingReadinessError).failed.map((check) => check.id)).toEqual(['SR-7']);
      expect((error as StagingReadinessError).failed[0]!.observed).toContain('birth_lane.begin_run(text)');
    } finally {
      await t.db.pool.query('revoke execute on function birth_lane.begin_run(text) from birth_lane_staging');
    }
  });
});

async function surfaceSchemas(): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ nspname: string }>(
    "select nspname from pg_namespace where nspname like 'bl\\_stage\\_%' order by 1",
  );
  return rows.map((row) => row.nspname);
}
