import { BirthLaneError, EXIT_CODES } from '@birth-lane/contract';
import { explainError } from '@birth-lane/contract/cli';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingCommand } from '../src/cli/staging-command.js';
import { type CreatedSurface, createSurface } from '../src/create-surface.js';
import { dropSurface } from '../src/drop-surface.js';
import { findSurfaceResidue } from '../src/find-surface-residue.js';
import { listSurfaces } from '../src/list-surfaces.js';
import { reportSurface } from '../src/report-surface.js';
import { runSurface } from '../src/run-surface.js';
import { surfaceRole, surfaceSchema, surfaceTable } from '../src/surface-id.js';
import { hostOn } from './host.js';
import {
  compiler,
  createLogin,
  draftRuleSet,
  dropLogins,
  fixtureSurface,
  goodRow,
  jsonl,
  type Login,
  poolAs,
  refusal,
  useStagingDatabase,
} from './support.js';

/**
 * Issue 11 review, findings 4 and 5: two staging logins A and B, each connected as itself. A
 * surface belongs to its creator (its own role); the lane owner owns every table, the manifest
 * and the guards, so no staging login can forge, backdate, unguard or drop what is not its own.
 */
const t = useStagingDatabase();
let a: Login;
let b: Login;
let reader: Login;
let nobody: Login;
let aPool: pg.Pool;
let bPool: pg.Pool;
let surface: CreatedSurface;

const VALID_ARGS = [
  '1.0.0',
  'a'.repeat(64),
  '{}',
  'fixtures:x.jsonl',
  '1 hour',
  JSON.stringify(Array.from({ length: 8 }, () => ({}))),
];
const CREATE_SQL =
  'select birth_lane.create_staging_surface($1::text, $2::text, $3::jsonb, $4::text, $5::interval, $6::jsonb) as id';

beforeAll(async () => {
  a = await createLogin(t.db, 'birth_lane_staging');
  b = await createLogin(t.db, 'birth_lane_staging');
  reader = await createLogin(t.db, 'birth_lane_reader');
  nobody = await createLogin(t.db, null);
  aPool = poolAs(t.db, a);
  bPool = poolAs(t.db, b);
  surface = await fixtureSurface(aPool, [goodRow(1), goodRow(2, { description: 'too short' })]);
  await runSurface(aPool, surface.surfaceId, { compiler });
});
afterAll(async () => {
  await aPool.end();
  await bPool.end();
  await dropLogins(t.db, [a, b, reader, nobody]);
});

const input = () => surfaceTable(surface.surfaceId, 'input');
const evidence = () => surfaceTable(surface.surfaceId, 'evidence');
const manifest = () => surfaceTable(surface.surfaceId, 'manifest');

describe("another staging login (B) cannot touch A's surface", () => {
  const attacks: [string, () => string][] = [
    ['read its input', () => `select * from ${input()}`],
    ['read its evidence', () => `select * from ${evidence()}`],
    ['write a candidate stamp', () => `update ${input()} set inspect_pen = now() where id = 2`],
    [
      'append evidence',
      () =>
        `insert into ${evidence()} (run_id, kind, rule_set_hash) values (gen_random_uuid(), 'run_report', 'x')`,
    ],
    [
      'backdate its manifest',
      () => `update ${manifest()} set expires_at = now() - interval '1 day', creator = session_user`,
    ],
    ['delete its manifest', () => `delete from ${manifest()}`],
    ['take its role', () => `set role ${surfaceRole(surface.surfaceId)}`],
    ['drop its schema', () => `drop schema ${surfaceSchema(surface.surfaceId)} cascade`],
    ['drop its input table', () => `drop table ${input()}`],
    [
      'drop it through the definer before it expired',
      () => `select birth_lane.drop_staging_surface('${surface.surfaceId}')`,
    ],
  ];
  for (const [what, sql] of attacks) {
    it(`${what}: refused (42501)`, async () => {
      expect((await refusal(b.client.query(sql()))).code).toBe('42501');
    });
  }

  it('run, report and drop through the block are refused, naming the creator; the surface is intact', async () => {
    for (const attempt of [
      () => runSurface(bPool, surface.surfaceId, { compiler }),
      () => reportSurface(bPool, surface.surfaceId),
      () => dropSurface(bPool, surface.surfaceId),
    ]) {
      const error = await refusal(attempt());
      expect(BirthLaneError.isInstance(error) && error.code).toBe('FORBIDDEN_ACTION');
      expect(error.message).toContain(a.login);
    }
    const report = await reportSurface(aPool, surface.surfaceId);
    expect(report.manifest.creator).toBe(a.login);
    expect(report.counts.rows).toBe(2);
  });

  it("lists A's manifest (no row count: not B's)", async () => {
    const listed = await listSurfaces(bPool);
    const mine = listed.surfaces.find((each) => each.manifest.id === surface.surfaceId);
    expect(mine?.manifest.creator).toBe(a.login);
    expect(mine?.rows).toBeNull();
    expect(
      (await listSurfaces(aPool)).surfaces.find((each) => each.manifest.id === surface.surfaceId)?.rows,
    ).toBe(2);
  });
});

describe('the creator (A) cannot forge or unguard its own surface', () => {
  const attacks: [string, () => string][] = [
    ['set its manifest creator', () => `update ${manifest()} set creator = 'president_alice'`],
    [
      'backdate its manifest',
      () => `update ${manifest()} set created_at = '2020-01-01', expires_at = '2099-01-01'`,
    ],
    ['add a second manifest row', () => `insert into ${manifest()} select * from ${manifest()}`],
    [
      'insert evidence with a chosen id',
      () =>
        `insert into ${evidence()} (id, run_id, kind, rule_set_hash) overriding system value values (999, gen_random_uuid(), 'run_report', 'x')`,
    ],
    [
      'insert evidence with a chosen recorded_at',
      () =>
        `insert into ${evidence()} (run_id, kind, rule_set_hash, recorded_at) values (gen_random_uuid(), 'run_report', 'x', '2000-01-01')`,
    ],
    ['UPDATE evidence', () => `update ${evidence()} set message = 'rewritten'`],
    ['DELETE evidence', () => `delete from ${evidence()}`],
    ['TRUNCATE evidence', () => `truncate ${evidence()}`],
    [
      'disable the append-only trigger',
      () => `alter table ${evidence()} disable trigger evidence_no_truncate`,
    ],
    ['drop the append-only trigger', () => `drop trigger evidence_append_only on ${evidence()}`],
    ['drop the stud', () => `drop trigger input_inspect_stud on ${input()}`],
    ['load more rows after sealing', () => `insert into ${input()} (id) values (77)`],
    ['write a column other than the three stamps', () => `update ${input()} set certified = true`],
    [
      'create an object in the surface schema',
      () => `create table ${surfaceSchema(surface.surfaceId)}.extra (x int)`,
    ],
    ['drop its own schema directly', () => `drop schema ${surfaceSchema(surface.surfaceId)} cascade`],
  ];
  for (const [what, sql] of attacks) {
    it(`${what}: refused (42501)`, async () => {
      expect((await refusal(a.client.query(sql()))).code).toBe('42501');
    });
  }

  it('a plain insert of evidence gets the server id and time', async () => {
    const { rows } = await a.client.query<{ recent: boolean }>(
      `insert into ${evidence()} (run_id, kind, rule_set_hash) values (gen_random_uuid(), 'run_report', 'x')
       returning recorded_at > now() - interval '1 minute' as recent`,
    );
    expect(rows).toEqual([{ recent: true }]);
  });

  it('writes a candidate stamp only in order (the stud, BL001)', async () => {
    const error = await refusal(a.client.query(`update ${input()} set inspect_gate = now() where id = 2`));
    expect(error.code).toBe('BL001');
  });

  it('cannot seal its surface again (55000)', async () => {
    const error = await refusal(
      a.client.query('select birth_lane.seal_staging_surface($1::text)', [surface.surfaceId]),
    );
    expect(error.code).toBe('55000');
  });
});

describe('the per-surface role', () => {
  it('holds no write privilege outside its surface, no attribute, and only birth_lane_staging (SR-2 for it too)', async () => {
    const role = surfaceRole(surface.surfaceId);
    const { rows } = await t.db.pool.query<{
      writes: string[];
      login: boolean;
      super: boolean;
      member_of: string[];
    }>(
      `select coalesce((select array_agg(c.oid::regclass::text || ' ' || w.p order by 1)
                 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 cross join (values ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) w(p)
                where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname not in ('pg_catalog', 'information_schema')
                  and n.nspname <> $2::text
                  and case when w.p in ('INSERT', 'UPDATE', 'REFERENCES') then has_any_column_privilege($1::text, c.oid, w.p)
                           else has_table_privilege($1::text, c.oid, w.p) end), '{}') as writes,
              r.rolcanlogin as login, r.rolsuper as super,
              array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid) as member_of
         from pg_roles r where r.rolname = $1::text`,
      [role, surfaceSchema(surface.surfaceId)],
    );
    expect(rows).toEqual([{ writes: [], login: false, super: false, member_of: ['birth_lane_staging'] }]);
  });
});

describe('the definer functions refuse callers outside birth_lane_staging', () => {
  for (const [who, login] of [
    ['PUBLIC (a login with no lane role)', () => nobody],
    ['a non-staging lane role (birth_lane_reader)', () => reader],
  ] as const) {
    it(`${who}: create, seal and drop are refused (42501)`, async () => {
      const client = login().client;
      expect((await refusal(client.query(CREATE_SQL, VALID_ARGS))).code).toBe('42501');
      expect(
        (await refusal(client.query('select birth_lane.seal_staging_surface($1::text)', [surface.surfaceId])))
          .code,
      ).toBe('42501');
      expect(
        (await refusal(client.query('select birth_lane.drop_staging_surface($1::text)', [surface.surfaceId])))
          .code,
      ).toBe('42501');
    });
  }
});

describe('no path leaves a schema without a manifest (finding 5)', () => {
  it('a direct call makes the whole surface, manifest included, with the server creator and times', async () => {
    const { rows } = await b.client.query<{ id: string }>(CREATE_SQL, VALID_ARGS);
    const id = rows[0]!.id;
    const made = await t.db.pool.query(
      `select creator, created_at > now() - interval '1 minute' as recent, (expires_at - created_at)::text as ttl
         from ${surfaceTable(id, 'manifest')}`,
    );
    expect(made.rows).toEqual([{ creator: b.login, recent: true, ttl: '01:00:00' }]);
    const every = await t.db.pool.query<{ bare: string[] }>(
      `select coalesce(array_agg(nspname::text), '{}'::text[]) as bare from pg_namespace n
        where nspname like 'bl\\_stage\\_%' and to_regclass(format('%I.manifest', nspname)) is null`,
    );
    expect(every.rows[0]!.bare).toEqual([]);
  });

  it('a surface made by a direct call is never sealed: run and report refuse it, whatever was loaded into it', async () => {
    const { rows } = await b.client.query<{ id: string }>(CREATE_SQL, VALID_ARGS);
    const id = rows[0]!.id;
    for (const attempt of [() => runSurface(bPool, id, { compiler }), () => reportSurface(bPool, id)]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(BirthLaneError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/was never sealed/);
    }
    await dropSurface(bPool, id);
  });

  it('refuses bad parameters, naming the parameter, and creates nothing', async () => {
    const before = await t.db.pool.query(
      "select count(*)::int as n from pg_namespace where nspname like 'bl\\_stage\\_%'",
    );
    for (const [index, bad, name] of [
      [0, 'one', 'p_rule_set_version'],
      [1, 'x', 'p_rule_set_hash'],
      [3, 'anything', 'p_source'],
      [4, '31 days', 'p_ttl'],
      [4, '-1 day', 'p_ttl'],
      [5, '[]', 'p_readiness'],
    ] as const) {
      const args = [...VALID_ARGS];
      args[index] = bad;
      const error = await refusal(b.client.query(CREATE_SQL, args));
      expect(error.code).toBe('22023');
      expect(error.message).toContain(name);
    }
    const after = await t.db.pool.query(
      "select count(*)::int as n from pg_namespace where nspname like 'bl\\_stage\\_%'",
    );
    expect(after.rows).toEqual(before.rows);
  });

  it('a half-made surface (no manifest row) and a schema without a role are listed as malformed and droppable by any staging login', async () => {
    const half = (await b.client.query<{ id: string }>(CREATE_SQL, VALID_ARGS)).rows[0]!.id;
    await t.db.pool.query(`delete from ${surfaceTable(half, 'manifest')}`);
    const bare = 'abcdef012345';
    await t.db.pool.query(`create schema bl_stage_${bare}`);
    const listed = await listSurfaces(aPool);
    expect(listed.malformed.map((each) => each.schema)).toEqual(
      expect.arrayContaining([`bl_stage_${half}`, `bl_stage_${bare}`]),
    );
    const noRole = await refusal(runSurface(aPool, bare, { compiler }));
    expect(noRole.message).toContain('has no role of its own');
    // A did not create either
    expect((await dropSurface(aPool, half)).residue).toEqual([]);
    expect((await dropSurface(aPool, bare)).residue).toEqual([]);
  });
});

describe('expiry (server time)', () => {
  it("B may drop A's surface once it has expired; schema and role go together", async () => {
    const other = await fixtureSurface(aPool, [goodRow(3)]);
    expect(BirthLaneError.isInstance(await refusal(dropSurface(bPool, other.surfaceId)))).toBe(true);
    // time passes: only the lane owner can move it
    await t.db.pool.query(
      `update ${surfaceTable(other.surfaceId, 'manifest')} set expires_at = now() - interval '1 second'`,
    );
    expect((await listSurfaces(bPool, { expired: true })).surfaces.map((each) => each.manifest.id)).toContain(
      other.surfaceId,
    );
    expect((await dropSurface(bPool, other.surfaceId)).residue).toEqual([]);
    const { rows } = await t.db.pool.query(
      'select count(*)::int as n from pg_roles where rolname = $1::text',
      [surfaceRole(other.surfaceId)],
    );
    expect(rows).toEqual([{ n: 0 }]);
    expect(await findSurfaceResidue(t.db.pool, other.surfaceId)).toEqual([]);
  });

  it('an unknown id is "no staging surface <id>"', async () => {
    for (const attempt of [
      () => dropSurface(bPool, '000000000000'),
      () => runSurface(bPool, '000000000000', { compiler }),
      () => reportSurface(bPool, '000000000000'),
    ]) {
      const error = await refusal(attempt());
      expect(BirthLaneError.isInstance(error) && error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain('No staging surface 000000000000');
    }
  });
});

describe('messages a staging login gets (findings 6 and 8)', () => {
  it('--rule-set VERSION without read on the rule-set store names the grant and the file alternative', async () => {
    const error = await refusal(
      fixtureSurface(aPool, [goodRow(1)], { ruleSet: { kind: 'version', version: '1.0.0' } }),
    );
    expect(BirthLaneError.isInstance(error) && error.code).toBe('FORBIDDEN_ACTION');
    expect(error.message).toContain('grant birth_lane_reader to <your login>');
    expect(error.message).toContain('--rule-set FILE');
  });

  it('an observed row loads without --keep-bad-rows (the run skips it); the refusal of bad rows says so', async () => {
    const loaded = await createSurface(aPool, {
      compiler,
      ruleSet: draftRuleSet,
      input: {
        kind: 'fixtures',
        fileName: 'obs.jsonl',
        text: jsonl([goodRow(1, { governance_role: 'observed' })]),
        format: 'jsonl',
      },
    });
    expect(loaded.loaded).toBe(1);
    expect((await runSurface(aPool, loaded.surfaceId, { compiler })).skipped).toBe(1);
    const error = await refusal(
      createSurface(aPool, {
        compiler,
        ruleSet: draftRuleSet,
        input: {
          kind: 'fixtures',
          fileName: 'bad.jsonl',
          text: jsonl([goodRow(1, { entity_code: null })]),
          format: 'jsonl',
        },
      }),
    );
    expect(error.message).toContain('such as observed, are loaded and counted as skipped');
  });

  it('staging drop <unknown id> exits 1 with "No staging surface <id>"', async () => {
    const error = await refusal(
      stagingCommand(hostOn(t.db)).parseAsync(['drop', '000000000000'], { from: 'user' }),
    );
    const explained = explainError(error);
    expect(explained.exitCode).toBe(EXIT_CODES.failed);
    expect(explained.message).toContain('No staging surface 000000000000');
  });
});
