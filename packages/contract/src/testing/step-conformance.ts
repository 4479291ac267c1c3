import { describe, expect, it } from 'vitest';
import { catalogSnapshotHash, diffCatalog, snapshotCatalog } from '../catalog-snapshot.js';
import { plannedFootprint } from '../footprint.js';
import type { Database } from '../ports/queryable.js';
import type { Step } from '../ports/step.js';

/**
 * An install step must re-verify before it runs, prove success after, and be rehearsable inside
 * BEGIN … ROLLBACK with the catalog identical before and after. `makeDatabase` gives a database
 * holding the step's prerequisites and not the step itself.
 */
export function describeStepConformance(
  name: string,
  makeStep: () => Step,
  makeDatabase: () => Database | Promise<Database>,
): void {
  describe(`Step conformance: ${name}`, () => {
    it('is well formed', () => {
      const step = makeStep();
      expect(step.specificationVersion).toBe('v1');
      expect(step.id).toMatch(/^[a-z0-9-]+\/[0-9]{4}_[a-z0-9_]+$/);
      expect(step.mutation.trim().length).toBeGreaterThan(0);
      expect(step.rollback.trim().length).toBeGreaterThan(0);
      // It plans to touch something: create, change or remove (a revoke-only step creates nothing).
      expect(plannedFootprint(step).length).toBeGreaterThan(0);
    });

    it('rehearses inside BEGIN … ROLLBACK with the catalog identical before and after', async () => {
      const step = makeStep();
      const db = await makeDatabase();
      const connection = await db.connect();
      try {
        // The whole install state, grants and role memberships included (catalog-snapshot.ts).
        const before = await snapshotCatalog(connection);
        expect((await step.reverify(connection)).ok).toBe(true);
        await connection.query('begin');
        await connection.query(step.mutation);
        const evidence = await step.successEvidence(connection);
        await connection.query('rollback');
        expect(evidence.ok).toBe(true);
        const after = await snapshotCatalog(connection);
        expect(diffCatalog(before, after)).toEqual({ added: [], removed: [], changed: [] });
        expect(catalogSnapshotHash(after)).toBe(catalogSnapshotHash(before));
      } finally {
        connection.release();
      }
    });
  });
}
