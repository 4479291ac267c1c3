import type { Database, Step } from '@birth-lane/contract';
import { catalogSnapshotHash, snapshotCatalog } from './catalog.js';
import { readLedger } from './install-ledger.js';
import { planFromLedger } from './plan.js';
import { legacyStepDigest, stepVersionHash } from './step-version.js';

/**
 * Upgrades from the previous release: a step its installer recorded in birth_lane.applied_steps
 * with exactly this SQL is adopted onto the install ledger as applied (it is not re-run, and no
 * approval existed then). The ledger's function checks the digest against applied_steps itself.
 * Needs the ledger installed; returns the adopted step ids.
 */
export async function adoptLegacySteps(db: Database, steps: readonly Step[]): Promise<string[]> {
  const plan = planFromLedger(steps, await readLedger(db));
  const adoptable = steps.filter(
    (step) => plan.steps.find((entry) => entry.id === step.id)?.status === 'adoptable',
  );
  if (adoptable.length === 0 || !plan.ledgerInstalled) return [];
  const connection = await db.connect();
  try {
    await connection.query('begin');
    try {
      const snapshot = await snapshotCatalog(connection);
      const snapshotHash = catalogSnapshotHash(snapshot);
      const snapshotJson = JSON.stringify(snapshot);
      for (const step of adoptable) {
        await connection.query(
          'select birth_lane.adopt_install_step($1::text, $2::text, $3::text, $4::text[], $5::text, $6::text, $7::jsonb)',
          [
            step.id,
            stepVersionHash(step),
            legacyStepDigest(step),
            step.prerequisites,
            plan.planHash,
            snapshotHash,
            snapshotJson,
          ],
        );
      }
      await connection.query('commit');
    } catch (error) {
      await connection.query('rollback');
      throw error;
    }
  } finally {
    connection.release();
  }
  return adoptable.map((step) => step.id);
}
