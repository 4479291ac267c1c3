import { catalogObjectExists, contractSteps, installSteps } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { gateSteps } from '../src/gate-steps.js';

// A bare database: the steps themselves are under test.
const t = useTestDatabase({ setupSql: [] });

describe('gateSteps', () => {
  it('install after the contract steps, re-apply as a no-op, roll back completely and install again', async () => {
    const first = await installSteps(t.db.pool, [...contractSteps, ...gateSteps]);
    expect(first.applied).toEqual(expect.arrayContaining(gateSteps.map((step) => step.id)));
    for (const step of gateSteps)
      for (const ref of step.footprint) expect(await catalogObjectExists(t.db.pool, ref)).toBe(true);
    const second = await installSteps(t.db.pool, [...contractSteps, ...gateSteps]);
    expect(second.alreadyApplied).toEqual(expect.arrayContaining(gateSteps.map((step) => step.id)));

    for (const step of [...gateSteps].reverse()) await t.db.pool.query(step.rollback);
    for (const step of gateSteps)
      for (const ref of step.footprint) expect(await catalogObjectExists(t.db.pool, ref)).toBe(false);
    for (const step of gateSteps) {
      expect((await step.reverify(t.db.pool)).ok).toBe(true);
      await t.db.pool.query(step.mutation);
      expect((await step.successEvidence(t.db.pool)).ok).toBe(true);
    }
  });
});
