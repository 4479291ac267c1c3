import { pgCronSteps } from '@birth-lane/channel-pg-cron';
import {
  type CatalogSnapshot,
  catalogSnapshotHash,
  compareFootprint,
  diffCatalog,
  plannedFootprint,
  type Step,
  snapshotCatalog,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';

// A bare database: the install itself is under test.
const t = useTestDatabase({ setupSql: [], name: 'footprints' });

const steps: readonly Step[] = [...laneSteps, ...pgCronSteps];

/**
 * Roles are cluster-wide: other test databases on the same server use the lane's roles, so a
 * rollback here rightly leaves a role another database still depends on. Such a role may differ
 * between the pre-step snapshot and the one after the rollback; nothing else may.
 */
async function usedElsewhere(pool: pg.Pool, ref: string): Promise<boolean> {
  const match = /^role:(.+)$/.exec(ref);
  if (!match) return false;
  const { rows } = await pool.query<{ used: boolean }>(
    `select exists (
       select 1 from pg_shdepend d join pg_roles r on r.oid = d.refobjid
        where r.rolname = $1::text and d.refclassid = 'pg_authid'::regclass
          and d.dbid <> (select oid from pg_database where datname = current_database()))
     or exists (select 1 from pg_auth_members m join pg_roles r on r.oid in (m.roleid, m.member) where r.rolname = $1::text)
     as used`,
    [match[1]],
  );
  return rows[0]?.used === true;
}

/** What each step did beyond or short of its plan, and what its rollback failed to restore. */
interface StepReport {
  readonly id: string;
  readonly unplanned: readonly string[];
  readonly unrealised: readonly string[];
  readonly notRestored: readonly string[];
  readonly reapplyDiffers: readonly string[];
}

async function checkStep(pool: pg.Pool, step: Step): Promise<{ report: StepReport; after: CatalogSnapshot }> {
  const before = await snapshotCatalog(pool);
  await pool.query(step.mutation);
  const after = await snapshotCatalog(pool);
  const { unplanned, unrealised } = compareFootprint(step, diffCatalog(before, after), {
    alreadyPresent: Object.keys(before.objects),
  });

  await pool.query(step.rollback);
  const restored = diffCatalog(before, await snapshotCatalog(pool));
  const notRestored: string[] = [];
  // A field's own registry (adopted) stays whatever happens; an adopted role stays only while
  // another database uses it.
  const keptOnPurpose = (ref: string) => step.adopts?.includes(ref) === true && !ref.startsWith('role:');
  for (const ref of restored.added)
    if (!keptOnPurpose(ref) && !(await usedElsewhere(pool, ref))) notRestored.push(`added:${ref}`);
  for (const ref of restored.removed)
    if (!(await usedElsewhere(pool, ref))) notRestored.push(`removed:${ref}`);
  for (const ref of restored.changed) notRestored.push(`changed:${ref}`);

  await pool.query(step.mutation);
  const reapplied = await snapshotCatalog(pool);
  const again = diffCatalog(after, reapplied);
  const reapplyDiffers = [...again.added, ...again.removed, ...again.changed];
  return { report: { id: step.id, unplanned, unrealised, notRestored, reapplyDiffers }, after: reapplied };
}

describe('every install step: exact footprint, and a rollback that restores the catalog', () => {
  it('applies each step, compares the diff with its plan, rolls it back, re-applies it', async () => {
    const pool = t.db.pool;
    const start = await snapshotCatalog(pool);
    const problems: StepReport[] = [];
    let last = start;
    for (const step of steps) {
      const { report, after } = await checkStep(pool, step);
      last = after;
      if (
        report.unplanned.length +
          report.unrealised.length +
          report.notRestored.length +
          report.reapplyDiffers.length >
        0
      )
        problems.push(report);
    }
    expect(problems).toEqual([]);

    // Everything the install left in the catalog is in some step's footprint.
    const covered = new Set(steps.flatMap((step) => plannedFootprint(step)));
    const uncovered = diffCatalog(start, last).added.filter((ref) => !covered.has(ref));
    expect(uncovered).toEqual([]);
    expect(catalogSnapshotHash(last)).toBe(catalogSnapshotHash(await snapshotCatalog(pool)));
  });

  it('catches a step that does more than it planned (a grant and a table slipped into its SQL)', async () => {
    const pool = t.db.pool;
    const honest = steps.at(-1) as Step;
    await pool.query(honest.rollback);
    const overreaching: Step = {
      ...honest,
      mutation: `${honest.mutation};
        grant select on birth_lane.evidence to birth_lane_birth;
        create table birth_lane.footprint_probe (id int);`,
    };
    const before = await snapshotCatalog(pool);
    await pool.query(overreaching.mutation);
    const comparison = compareFootprint(overreaching, diffCatalog(before, await snapshotCatalog(pool)));
    expect(comparison).toEqual({
      unplanned: [
        'added:grant:table:birth_lane.evidence:birth_lane_birth:SELECT',
        'added:table:birth_lane.footprint_probe',
      ],
      unrealised: [],
    });
    await pool.query(
      'drop table birth_lane.footprint_probe; revoke select on birth_lane.evidence from birth_lane_birth',
    );
  });

  it('leaves no lane role or PUBLIC a write privilege on any table, and every definer function pinned and closed to PUBLIC', async () => {
    const { objects } = await snapshotCatalog(t.db.pool);
    const writes = Object.keys(objects).filter(
      (ref) =>
        /^grant:(table|column):/.test(ref) &&
        /:(birth_lane_[a-z_]+|PUBLIC):(INSERT|UPDATE|DELETE|TRUNCATE)$/.test(ref),
    );
    expect(writes).toEqual([]);

    const definers = Object.entries(objects).filter(
      ([ref, description]) => ref.startsWith('function:') && description['securityDefiner'] === true,
    );
    expect(definers.length).toBeGreaterThan(20);
    const unpinned = definers
      .filter(
        ([, description]) =>
          !(description['config'] as string[] | null)?.includes('search_path=pg_catalog, pg_temp'),
      )
      .map(([ref]) => ref);
    expect(unpinned).toEqual([]);
    // Two yes/no questions about the caller's own transaction, asked by invoker-rights triggers
    // as whoever writes the registry: open to all on purpose (see their SQL), nothing else.
    const openToAll = definers.map(([ref]) => ref).filter((ref) => objects[`grant:${ref}:PUBLIC:EXECUTE`]);
    expect(openToAll).toEqual([
      'function:birth_lane.promotion_pass_active(bigint)',
      'function:birth_lane.stamp_clear_sanctioned()',
    ]);
  });
});
