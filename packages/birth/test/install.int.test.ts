import { catalogObjectExists, contractSteps, installSteps } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { birthSteps } from '../src/birth-steps.js';

// A bare database: the steps themselves are under test.
const t = useTestDatabase({ setupSql: [] });

describe('birthSteps', () => {
  it('install after the contract steps, and re-applying them is a no-op', async () => {
    const first = await installSteps(t.db.pool, [...contractSteps, ...birthSteps]);
    expect(first.applied).toContain('birth/0001_birth');
    for (const ref of birthSteps[0]!.footprint) expect(await catalogObjectExists(t.db.pool, ref)).toBe(true);
    const second = await installSteps(t.db.pool, [...contractSteps, ...birthSteps]);
    expect(second.alreadyApplied).toContain('birth/0001_birth');
  });

  it('roll back completely, without touching the registry rows, and install again', async () => {
    await t.db.pool.query("select birth_lane.mint_birth('INS-001', 'species', 'test:install')");
    const step = birthSteps[0]!;
    await t.db.pool.query(step.rollback);
    for (const ref of step.footprint) expect(await catalogObjectExists(t.db.pool, ref)).toBe(false);
    const { rows } = await t.db.pool.query(
      "select count(*)::int as n, has_column_privilege('birth_lane_birth', 'public.birth_registry', 'name', 'select') as reads_name from public.birth_registry",
    );
    expect(rows[0]).toEqual({ n: 1, reads_name: false });

    expect((await step.reverify(t.db.pool)).ok).toBe(true);
    await t.db.pool.query(step.mutation);
    expect((await step.successEvidence(t.db.pool)).ok).toBe(true);
  });

  it('can be rehearsed inside BEGIN … ROLLBACK, leaving the catalog as it was', async () => {
    const step = birthSteps[0]!;
    const client = await t.db.connect();
    await client.query('begin');
    await client.query(step.rollback);
    await client.query('rollback');
    expect((await step.successEvidence(t.db.pool)).ok).toBe(true);
  });
});
