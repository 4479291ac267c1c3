import { EXIT_CODES } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { stagingCommand } from '../src/cli/staging-command.js';
import { dropSurface } from '../src/drop-surface.js';
import { findSurfaceResidue } from '../src/find-surface-residue.js';
import { listSurfaces } from '../src/list-surfaces.js';
import { StagingResidueError } from '../src/staging-errors.js';
import { surfaceTable } from '../src/surface-id.js';
import { captured, hostOn } from './host.js';
import { fixtureSurface, goodRow, refusal, useStagingDatabase } from './support.js';

const t = useStagingDatabase();

describe('drop', () => {
  it('removes input, candidates, evidence and manifest in one move, and finds nothing left', async () => {
    const surface = await fixtureSurface(t.db.pool, [goodRow(1), goodRow(2, { name: null })]);
    const dropped = await dropSurface(t.db.pool, surface.surfaceId);
    expect(dropped.residue).toEqual([]);
    const { rows } = await t.db.pool.query(
      "select count(*)::int as n from pg_class where relname like '%' || $1::text || '%' or relnamespace::regnamespace::text like '%' || $1::text || '%'",
      [surface.surfaceId],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('a sabotaged drop (an object named after the surface outside its schema) is BAD-15, naming the leftover', async () => {
    const surface = await fixtureSurface(t.db.pool, [goodRow(1)]);
    await t.db.pool.query(`create table public.bl_stage_${surface.surfaceId}_copy (id bigint)`);
    const error = await refusal(dropSurface(t.db.pool, surface.surfaceId));
    expect(StagingResidueError.isInstance(error)).toBe(true);
    expect((error as StagingResidueError).residue).toEqual([
      `table public.bl_stage_${surface.surfaceId}_copy`,
    ]);
    expect(error.message).toContain('BAD-15');
    await t.db.pool.query(`drop table public.bl_stage_${surface.surfaceId}_copy`);
    expect(await findSurfaceResidue(t.db.pool, surface.surfaceId)).toEqual([]);
  });

  it('finds a row mentioning the surface in a shared lane table, and a role named after it', async () => {
    const surface = await fixtureSurface(t.db.pool, [goodRow(1)]);
    await dropSurface(t.db.pool, surface.surfaceId);
    // the lane owner writes a note; the writer-field guard takes the defaults
    await t.db.pool.query(
      "insert into birth_lane.evidence (kind, message) values ('note', 'left over from ' || $1::text)",
      [surface.surfaceId],
    );
    await t.db.pool.query(`create role bl_stage_${surface.surfaceId}_role nologin`);
    try {
      const residue = await findSurfaceResidue(t.db.pool, surface.surfaceId);
      expect(residue).toHaveLength(2);
      expect(residue).toContain(`role bl_stage_${surface.surfaceId}_role`);
      expect(residue.find((each) => each.startsWith('rows of birth_lane.evidence'))).toBeDefined();
    } finally {
      await t.db.pool.query(`drop role bl_stage_${surface.surfaceId}_role`);
    }
  });

  it('refuses an id that names no surface, and an id that is not one', async () => {
    expect((await refusal(dropSurface(t.db.pool, '0123456789ab'))).message).toContain(
      'No staging surface 0123456789ab',
    );
    expect((await refusal(dropSurface(t.db.pool, "x'; drop table x"))).message).toContain('surface id');
  });
});

describe('expired surfaces', () => {
  it('are listed with --expired and dropped in one command', async () => {
    const expired = await fixtureSurface(t.db.pool, [goodRow(1)]);
    const alive = await fixtureSurface(t.db.pool, [goodRow(1)]);
    await t.db.pool.query(
      `update ${surfaceTable(expired.surfaceId, 'manifest')} set expires_at = now() - interval '1 minute'`,
    );
    const listed = await listSurfaces(t.db.pool, { expired: true });
    expect(listed.surfaces.map((each) => each.manifest.id)).toEqual([expired.surfaceId]);

    const { stdout } = await captured(() =>
      stagingCommand(hostOn(t.db)).parseAsync(['drop', '--expired', '--json'], { from: 'user' }),
    );
    expect(process.exitCode).toBe(EXIT_CODES.completed);
    const printed = JSON.parse(stdout) as { dropped: { surfaceId: string }[]; residue: unknown[] };
    expect(printed.dropped.map((each) => each.surfaceId)).toEqual([expired.surfaceId]);
    expect(printed.residue).toEqual([]);
    const after = await listSurfaces(t.db.pool);
    expect(after.surfaces.map((each) => each.manifest.id)).toContain(alive.surfaceId);
    expect(after.surfaces.map((each) => each.manifest.id)).not.toContain(expired.surfaceId);
    await dropSurface(t.db.pool, alive.surfaceId);
  });

  it('a surface whose manifest is broken is reported as malformed, not a crash', async () => {
    const surface = await fixtureSurface(t.db.pool, [goodRow(1)]);
    await t.db.pool.query(
      `update ${surfaceTable(surface.surfaceId, 'manifest')} set readiness = '"tampered"'`,
    );
    const listed = await listSurfaces(t.db.pool);
    expect(listed.malformed.map((each) => each.schema)).toEqual([`bl_stage_${surface.surfaceId}`]);
    await dropSurface(t.db.pool, surface.surfaceId);
  });
});

describe('a drop never cascades out of its surface', () => {
  it('refuses while a production object depends on the surface, naming it, and drops nothing', async () => {
    const surface = await fixtureSurface(t.db.pool, [goodRow(1)]);
    await t.db.pool.query(
      `create view public.peek_at_staging as select id from ${surfaceTable(surface.surfaceId, 'input')}`,
    );
    const error = await refusal(dropSurface(t.db.pool, surface.surfaceId));
    expect(error.message).toMatch(/- view (public\.)?peek_at_staging\n/);
    const { rows } = await t.db.pool.query(
      "select to_regclass('public.peek_at_staging') is not null as view_kept, to_regnamespace($1::text) is not null as surface_kept",
      [`bl_stage_${surface.surfaceId}`],
    );
    expect(rows[0]).toEqual({ view_kept: true, surface_kept: true });
    await t.db.pool.query('drop view public.peek_at_staging');
    expect((await dropSurface(t.db.pool, surface.surfaceId)).residue).toEqual([]);
  });
});
