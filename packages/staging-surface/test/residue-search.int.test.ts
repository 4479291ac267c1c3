import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurface } from '../src/create-surface.js';
import { dropSurface } from '../src/drop-surface.js';
import { findSurfaceResidue } from '../src/find-surface-residue.js';
import { runSurface } from '../src/run-surface.js';
import { StagingReadinessError, StagingResidueError } from '../src/staging-errors.js';
import { stagingSteps } from '../src/staging-steps.js';
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

const t = useStagingDatabase();

/** An operator holding only the staging and reader roles (BAD-15 was reported by one). */
let operator: Login;
let operatorPool: pg.Pool;
/** A login holding nothing: what PUBLIC may do. */
let nobody: Login;
/** A lane role without birth_lane_staging. */
let reader: Login;

beforeAll(async () => {
  operator = await createLogin(t.db, 'birth_lane_staging, birth_lane_reader');
  operatorPool = poolAs(t.db, operator);
  nobody = await createLogin(t.db, null);
  reader = await createLogin(t.db, 'birth_lane_reader');
  // A birth_lane table no staging or reader role may read, as the lane's own tables are
  // (promotion_in_progress, applied_steps): the search must still rule it out.
  await t.db.pool.query(
    'create table birth_lane.owner_only_notes (id bigserial primary key, note text not null)',
  );
  await t.db.pool.query('revoke all on birth_lane.owner_only_notes from public');
});
afterAll(async () => {
  await operatorPool.end();
  await dropLogins(t.db, [operator, nobody, reader]);
});

function surfaceFromOperator(rows: readonly Record<string, unknown>[]) {
  return createSurface(operatorPool, {
    compiler,
    ruleSet: draftRuleSet,
    input: { kind: 'fixtures', fileName: 'rows.jsonl', text: jsonl(rows), format: 'jsonl' },
  });
}

describe('a login holding only birth_lane_staging and birth_lane_reader', () => {
  it('cannot read every birth_lane table itself (why the search runs as the lane owner)', async () => {
    const error = await refusal(operator.client.query('select count(*) from birth_lane.owner_only_notes'));
    expect(error.code).toBe('42501');
  });

  it('creates, runs and drops a surface, and the residue check is clean', async () => {
    const surface = await surfaceFromOperator([goodRow(1), goodRow(2, { description: 'short' })]);
    const counts = await runSurface(operatorPool, surface.surfaceId, { compiler });
    expect(counts.passed).toEqual({ pen: 2, stamp: 1, gate: 1 });
    const dropped = await dropSurface(operatorPool, surface.surfaceId);
    expect(dropped.residue).toEqual([]);
    expect(await findSurfaceResidue(operatorPool, surface.surfaceId)).toEqual([]);
  });

  it('still finds sabotage: an object named after the surface, and rows mentioning it where the login cannot read', async () => {
    const surface = await surfaceFromOperator([goodRow(1)]);
    const id = surface.surfaceId;
    await t.db.pool.query(`create table public.bl_stage_${id}_copy (id bigint)`);
    await t.db.pool.query("insert into birth_lane.owner_only_notes (note) values ('copied ' || $1::text)", [
      id,
    ]);
    // a table without a bigint id: the row is named by its ctid
    await t.db.pool.query(
      "insert into birth_lane.producer_heartbeats (instance_id, channel, host, pid, state) values ('ghost-' || $1::text, 'once', 'h', 1, 'idle')",
      [id],
    );
    try {
      const error = await refusal(dropSurface(operatorPool, id));
      expect(StagingResidueError.isInstance(error)).toBe(true);
      expect((error as StagingResidueError).residue).toEqual([
        `table public.bl_stage_${id}_copy`,
        `rows of birth_lane.owner_only_notes mentioning ${id}: id 1`,
        `rows of birth_lane.producer_heartbeats mentioning ${id}: ctid (0,1)`,
      ]);
    } finally {
      await t.db.pool.query(`drop table public.bl_stage_${id}_copy`);
      await t.db.pool.query(
        'truncate birth_lane.owner_only_notes, birth_lane.producer_heartbeats restart identity',
      );
    }
    expect(await findSurfaceResidue(operatorPool, id)).toEqual([]);
  });

  it('searches every block of a table, one block range per statement', async () => {
    const surface = await fixtureSurface(t.db.pool, [goodRow(1)]);
    const id = surface.surfaceId;
    await dropSurface(t.db.pool, id);
    await t.db.pool.query(
      "insert into birth_lane.owner_only_notes (note) select repeat('x', 200) from generate_series(1, 300)",
    );
    await t.db.pool.query(
      "insert into birth_lane.owner_only_notes (note) values ('at the end: ' || $1::text)",
      [id],
    );
    try {
      const { rows } = await t.db.pool.query<{ blocks: number; last: number }>(
        `select (pg_relation_size('birth_lane.owner_only_notes') / 8192)::int as blocks,
                (select (ctid::text::point)[0]::int from birth_lane.owner_only_notes where note like 'at the end%') as last`,
      );
      expect(rows[0]!.blocks).toBeGreaterThan(3);
      expect(rows[0]!.last).toBe(rows[0]!.blocks - 1);
      const residue = await findSurfaceResidue(operatorPool, id, { blocksPerStatement: 1 });
      expect(residue).toEqual([`rows of birth_lane.owner_only_notes mentioning ${id}: id 301`]);
    } finally {
      await t.db.pool.query('truncate birth_lane.owner_only_notes restart identity');
    }
  });
});

describe('the residue search functions', () => {
  const calls = {
    staging_surface_residue: 'select * from birth_lane.staging_surface_residue($1::text)',
    staging_surface_rows_mentioning:
      "select * from birth_lane.staging_surface_rows_mentioning($1::text, 'evidence', 0, 1)",
  };

  for (const [name, sql] of Object.entries(calls)) {
    it(`${name}: PUBLIC and a lane role without birth_lane_staging may not execute it (42501)`, async () => {
      for (const login of [nobody, reader]) {
        const error = await refusal(login.client.query(sql, ['0123456789ab']));
        expect(error.code, login.login).toBe('42501');
      }
    });

    it(`${name}: the staging role and the owner may`, async () => {
      await operator.client.query('set role birth_lane_staging');
      try {
        expect((await operator.client.query(sql, ['0123456789ab'])).rows).toEqual([]);
      } finally {
        await operator.client.query('reset role');
      }
      expect((await t.db.pool.query(sql, ['0123456789ab'])).rows).toEqual([]);
    });

    it(`${name}: refuses anything but a surface id (22023), naming the parameter`, async () => {
      const malformed = [
        '%',
        '_',
        '',
        '0123456789AB',
        '0123456789a',
        '0123456789abc',
        '0123456789ab\n',
        ' 0123456789ab',
      ];
      for (const id of [...malformed, null]) {
        const error = await refusal(operator.client.query(sql, [id]));
        expect(error.code, JSON.stringify(id)).toBe('22023');
        expect(error.message).toContain('p_surface_id must be a staging surface id');
      }
    });
  }

  it('searches only tables of birth_lane, in bounded block ranges', async () => {
    const sql =
      'select * from birth_lane.staging_surface_rows_mentioning($1::text, $2::text, $3::bigint, $4::integer)';
    const refused = [
      ['birth_registry', 0, 1],
      ['public.birth_registry', 0, 1],
      ['pg_authid', 0, 1],
      ['evidence_pkey', 0, 1],
      ['birth_lane.evidence', 0, 1],
      ['evidence', -1, 1],
      ['evidence', 0, 0],
      ['evidence', 0, 2049],
      ['evidence', 4294967295, 1],
    ] as const;
    for (const [table, first, blocks] of refused) {
      const error = await refusal(operator.client.query(sql, ['0123456789ab', table, first, blocks]));
      expect(error.code, `${table} ${first} ${blocks}`).toBe('22023');
    }
  });
});

describe('readiness and install', () => {
  it('SR-7 refuses the residue search were it VOLATILE (it could then write as the owner)', async () => {
    await t.db.pool.query('alter function birth_lane.staging_surface_residue(text) volatile');
    try {
      const error = await refusal(fixtureSurface(t.db.pool, [goodRow(1)]));
      expect(StagingReadinessError.isInstance(error)).toBe(true);
      const failed = (error as StagingReadinessError).failed;
      expect(failed.map((check) => check.id)).toEqual(['SR-7']);
      expect(failed[0]!.observed).toContain('birth_lane.staging_surface_residue(text)');
    } finally {
      await t.db.pool.query('alter function birth_lane.staging_surface_residue(text) stable');
    }
  });

  it('without the residue search the check stops and SR-1 refuses; an install made before it is upgraded in place', async () => {
    const step = stagingSteps[0]!;
    const missing = 'apply the install step staging-surface/0001_staging again';
    try {
      // Half gone: the check stops rather than search no table.
      await t.db.pool.query(
        'drop function birth_lane.staging_surface_rows_mentioning(text, text, bigint, integer)',
      );
      expect((await refusal(findSurfaceResidue(t.db.pool, '0123456789ab'))).message).toContain(missing);
      await t.db.pool.query('drop function birth_lane.staging_surface_residue(text)');
      expect((await refusal(findSurfaceResidue(t.db.pool, '0123456789ab'))).message).toContain(missing);

      const error = await refusal(fixtureSurface(t.db.pool, [goodRow(1)]));
      const failed = (error as StagingReadinessError).failed;
      expect(failed.map((check) => check.id)).toEqual(['SR-1']);
      expect(failed[0]!.observed).toContain('residue search');
      // An install from before surfaces had their own roles: the bare schema creator and the
      // search; the step upgrades it in place (and drops the bare creator).
      await t.db.pool.query(`drop function birth_lane.create_staging_surface(text, text, jsonb, text, interval, jsonb);
        drop function birth_lane.seal_staging_surface(text); drop function birth_lane.drop_staging_surface(text);
        create function birth_lane.create_staging_schema() returns text language sql as 'select null::text'`);
      await t.db.pool.query(step.mutation);
      await t.db.pool.query(`drop function birth_lane.create_staging_surface(text, text, jsonb, text, interval, jsonb);
        drop function birth_lane.seal_staging_surface(text); drop function birth_lane.drop_staging_surface(text);
        create function birth_lane.create_staging_schema() returns text language sql as 'select null::text'`);
      const verified = await step.reverify(t.db.pool);
      expect(verified).toMatchObject({ ok: true });
      expect(verified.observed).toContain('earlier version');
    } finally {
      await t.db.pool.query(step.mutation);
    }
    expect(
      (await t.db.pool.query("select to_regprocedure('birth_lane.create_staging_schema()') is null as gone"))
        .rows,
    ).toEqual([{ gone: true }]);
    expect(await step.successEvidence(t.db.pool)).toMatchObject({ ok: true });
  });
});
