import { pgCronSteps } from '@birth-lane/channel-pg-cron';
import {
  catalogSnapshotHash,
  compareFootprint,
  diffCatalog,
  plannedFootprint,
  type Step,
  snapshotCatalog,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { checkStep, type StepReport } from './footprint-check.js';

// A bare database: the install itself is under test.
const t = useTestDatabase({ setupSql: [], name: 'footprints' });

const steps: readonly Step[] = [...laneSteps, ...pgCronSteps];

describe('every install step: exact footprint, and a rollback that restores the catalog', () => {
  it('applies each step, compares the diff with its plan, rolls it back, re-applies it', async () => {
    const pool = t.db.pool;
    const start = await snapshotCatalog(pool);
    const problems: StepReport[] = [];
    let last = start;
    for (const step of steps) {
      const { report, after } = await checkStep(pool, step, { sharedCluster: true });
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
