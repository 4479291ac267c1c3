import { contractSteps, diffCatalog, installSteps, snapshotCatalog } from '@birth-lane/contract';
import { describeStepConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { installPlanSteps } from '../src/index.js';

const [ledger] = installPlanSteps;
// The conformance kit needs the step's prerequisites (the contract) and not the step itself.
const contractOnly = useTestDatabase({
  setupSql: contractSteps.map((step) => step.mutation),
  name: 'ledger-steps',
});
describeStepConformance(
  ledger!.id,
  () => ledger!,
  () => contractOnly.db.pool,
);

describe('the install ledger step', () => {
  const t = useTestDatabase({ name: 'ledger-rollback' });

  it('creates exactly its footprint, and its rollback restores the catalog as it was', async () => {
    await installSteps(t.db.pool, contractSteps);
    const before = await snapshotCatalog(t.db.pool);
    await t.db.pool.query(ledger!.mutation);
    const after = await snapshotCatalog(t.db.pool);
    const diff = diffCatalog(before, after);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([]);
    const created = new Set(ledger!.footprint);
    expect(diff.added.filter((ref) => !created.has(ref))).toEqual([]);
    expect((await ledger!.successEvidence(t.db.pool)).ok).toBe(true);
    await t.db.pool.query(ledger!.rollback);
    expect(diffCatalog(before, await snapshotCatalog(t.db.pool))).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });
});
