import { type Database, plannedFootprint, type Step } from '@birth-lane/contract';
import { asStop, stopOnIdleSessions, stopUnlessInstaller } from './apply.js';
import { assertApprovalCoversRisk } from './approval-risk.js';
import { type CatalogSnapshot, catalogSnapshotHash, diffCatalog, snapshotCatalog } from './catalog.js';
import { readLedger } from './install-ledger.js';
import { InstallStopError } from './stop-condition.js';

export interface RollbackReport {
  readonly stepId: string;
  readonly versionHash: string;
  readonly approvalId: string;
  readonly rollbackId: string;
  /** The catalog after the rollback; equal to the one recorded before the step's apply (adopted steps have none). */
  readonly restoredHash: string;
  readonly restoredExactly: boolean | null;
}

/**
 * `install rollback --step S --approval A`: in one transaction, refuses while a step that depends
 * on S is in place (undo in reverse dependency order), runs S's rollback, checks the catalog now
 * equals, within S's footprint, the snapshot recorded just before S was applied (and that it touched nothing outside it), and records the rollback through the
 * ledger's definer function, which consumes an install_step approval with scope exactly
 * {step, versionHash, operation: "rollback"}. Any refusal rolls everything back.
 */
export async function rollbackStep(
  db: Database,
  steps: readonly Step[],
  stepId: string,
  approvalId: string,
): Promise<RollbackReport> {
  const step = steps.find((candidate) => candidate.id === stepId);
  if (step === undefined) throw new Error(`install plan has no step ${stepId}`);
  await stopUnlessInstaller(db, stepId);
  const connection = await db.connect();
  try {
    await connection.query('begin');
    try {
      await connection.query("select pg_advisory_xact_lock(hashtext('birth_lane.install'))");
      const ledger = await readLedger(connection);
      const active = ledger.active.get(stepId);
      if (active === undefined)
        throw new Error(`install step ${stepId} is not applied; nothing to roll back`);
      const dependants = [...ledger.active.values()].filter((other) =>
        steps.find((candidate) => candidate.id === other.stepId)?.prerequisites.includes(stepId),
      );
      if (dependants.length > 0)
        throw new Error(
          `install step ${stepId} is a prerequisite of ${dependants.map((other) => other.stepId).join(', ')}, still applied: roll those back first (reverse dependency order)`,
        );
      await assertApprovalCoversRisk(connection, step, approvalId);
      await stopOnIdleSessions(connection, stepId);
      const { rows } = await connection.query<{ kind: string; before_snapshot: CatalogSnapshot }>(
        'select kind, before_snapshot from birth_lane.install_applications where id = $1::bigint',
        [active.applicationId],
      );
      const beforeRollback = await snapshotCatalog(connection);
      await connection.query(step.rollback);
      const after = await snapshotCatalog(connection);
      const restoredHash = catalogSnapshotHash(after);
      // An adopted step has no recorded before-state (the previous installer kept none).
      let restoredExactly: boolean | null = null;
      if (rows[0]?.kind !== 'adopted') {
        const left = rollbackLeftovers(step, rows[0]!.before_snapshot, beforeRollback, after);
        if (left.length > 0)
          throw new InstallStopError(
            'footprint_exceeded',
            stepId,
            `the rollback did not restore the catalog recorded before the apply: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ` and ${left.length - 20} more` : ''}`,
          );
        restoredExactly = true;
      }
      const recorded = await connection.query<{ id: string }>(
        'select birth_lane.record_install_rollback($1::text, $2::text, $3::bigint, $4::text, $5::text)::text as id',
        [stepId, active.versionHash, approvalId, restoredHash, step.risk],
      );
      await connection.query('commit');
      return {
        stepId,
        versionHash: active.versionHash,
        approvalId,
        rollbackId: recorded.rows[0]!.id,
        restoredHash,
        restoredExactly,
      };
    } catch (error) {
      await connection.query('rollback');
      throw asStop(error, stepId);
    }
  } finally {
    connection.release();
  }
}

/**
 * What a rollback left wrong: within the step's footprint, any difference from the catalog recorded
 * before the step's apply; outside it, any difference from the catalog just before the rollback.
 * Steps applied later that do not depend on this one keep their objects, so the whole catalog is
 * not compared with the before-apply snapshot, only what this step planned to touch.
 */
function rollbackLeftovers(
  step: Step,
  beforeApply: CatalogSnapshot,
  beforeRollback: CatalogSnapshot,
  afterRollback: CatalogSnapshot,
): string[] {
  const footprint = new Set<string>([...plannedFootprint(step), ...(step.adopts ?? [])]);
  const changedRefs = (diff: ReturnType<typeof diffCatalog>) => [
    ...diff.added,
    ...diff.removed,
    ...diff.changed,
  ];
  const insideNotRestored = changedRefs(diffCatalog(beforeApply, afterRollback)).filter((ref) =>
    footprint.has(ref),
  );
  const outsideTouched = changedRefs(diffCatalog(beforeRollback, afterRollback)).filter(
    (ref) => !footprint.has(ref),
  );
  return [...new Set([...insideNotRestored, ...outsideTouched])].sort();
}
