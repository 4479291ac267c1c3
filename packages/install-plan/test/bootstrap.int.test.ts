import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { applyBootstrap, buildInstallPlan, rehearseSteps } from '../src/index.js';
import { bootstrapSteps } from './support.js';

const t = useTestDatabase({});

describe('bootstrap on a fresh database', () => {
  it('rehearses the bootstrap chain with entry = exit, unrecorded while the ledger does not exist', async () => {
    const report = await rehearseSteps(t.db.pool, bootstrapSteps);
    expect(report.rehearsals.map((r) => [r.stepId, r.passed, r.failure])).toEqual(
      bootstrapSteps.map((step) => [step.id, true, null]),
    );
    expect(report.identical).toBe(true);
    expect(report.entryHash).toBe(report.exitHash);
    expect(report.recorded).toBe(false);
    const plan = await buildInstallPlan(t.db.pool, bootstrapSteps);
    expect(plan.ledgerInstalled).toBe(false);
  });

  it('applies the bootstrap steps in one transaction and records them', async () => {
    const report = await applyBootstrap(t.db.pool, bootstrapSteps);
    expect(report.applied.map((step) => [step.stepId, step.kind])).toEqual(
      bootstrapSteps.map((step) => [step.id, 'bootstrap']),
    );
    const plan = await buildInstallPlan(t.db.pool, bootstrapSteps);
    expect(plan.counts).toEqual({ applied: 5, pending: 0, adoptable: 0, drift: 0 });
    const again = await applyBootstrap(t.db.pool, bootstrapSteps);
    expect(again.applied).toEqual([]);
  });
});
