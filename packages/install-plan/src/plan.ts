import { canonicalJson, type Queryable, type Step, sha256Hex } from '@birth-lane/contract';
import { plannedFootprint } from './catalog.js';
import { type ActiveApplication, type LedgerState, readLedger, rehearsalKey } from './install-ledger.js';
import { BOOTSTRAP_STEP_IDS } from './install-plan-steps.js';
import { legacyStepDigest, stepVersionHash } from './step-version.js';
import { STOP_CONDITIONS, type StopConditionName } from './stop-condition.js';

/**
 * Where a step stands: `applied` (this exact version is in place), `pending` (not applied),
 * `adoptable` (applied by the previous release's installer with this exact SQL: adopted, not
 * re-run), `drift` (an applied step whose definition changed since: never re-applied silently).
 */
export type StepStatus = 'applied' | 'pending' | 'adoptable' | 'drift';

export interface PlannedStep {
  readonly id: string;
  readonly title: string;
  readonly risk: Step['risk'];
  readonly bootstrap: boolean;
  readonly prerequisites: readonly string[];
  readonly versionHash: string;
  readonly status: StepStatus;
  readonly rehearsal: 'passed' | 'failed' | 'none';
  readonly applied: Pick<
    ActiveApplication,
    'kind' | 'approvalId' | 'appliedBy' | 'appliedAt' | 'versionHash'
  > | null;
  /** The live state the step expects, re-verified right before it runs. */
  readonly expects: string;
  /** Every catalog object it may create, change or remove. */
  readonly footprint: readonly string[];
  readonly stopConditions: readonly StopConditionName[];
  readonly successEvidence: string;
  readonly rollback: string;
  /** What approves it: none for a bootstrap step. */
  readonly approval: { action: 'install_step'; scope: { step: string; versionHash: string } } | null;
}

export interface InstallPlan {
  /** sha256 of the ordered step ids and version hashes: the plan an approval batch refers to. */
  readonly planHash: string;
  readonly steps: readonly PlannedStep[];
  readonly ledgerInstalled: boolean;
  readonly counts: Record<StepStatus, number>;
}

export function planHashOf(steps: readonly Step[]): string {
  return sha256Hex(canonicalJson(steps.map((step) => ({ id: step.id, versionHash: stepVersionHash(step) }))));
}

/** The plan for these steps against the live database and its ledger (read-only). */
export async function buildInstallPlan(db: Queryable, steps: readonly Step[]): Promise<InstallPlan> {
  return planFromLedger(steps, await readLedger(db));
}

export function planFromLedger(steps: readonly Step[], ledger: LedgerState): InstallPlan {
  assertOrdered(steps);
  const planned = steps.map((step): PlannedStep => {
    const versionHash = stepVersionHash(step);
    const active = ledger.active.get(step.id) ?? null;
    const bootstrap = BOOTSTRAP_STEP_IDS.includes(step.id);
    const footprint = [...plannedFootprint(step)];
    const rehearsal = ledger.rehearsals.get(rehearsalKey(step.id, versionHash));
    return {
      id: step.id,
      title: step.title,
      risk: step.risk,
      bootstrap,
      prerequisites: step.prerequisites,
      versionHash,
      status: statusOf(step, versionHash, active, ledger),
      rehearsal:
        rehearsal === undefined || (rehearsal.used && active === null)
          ? 'none'
          : rehearsal.passed
            ? 'passed'
            : 'failed',
      applied:
        active === null
          ? null
          : {
              kind: active.kind,
              approvalId: active.approvalId,
              appliedBy: active.appliedBy,
              appliedAt: active.appliedAt,
              versionHash: active.versionHash,
            },
      expects: `its ${footprint.length} planned objects all absent (fresh), all present (re-apply) or an earlier version's; its prerequisites applied`,
      footprint,
      stopConditions: (Object.keys(STOP_CONDITIONS) as StopConditionName[]).filter(
        (name) => !(bootstrap && name === 'approval_missing'),
      ),
      successEvidence: `every planned object present, and the catalog diff of the step within its ${footprint.length}-object footprint`,
      rollback: step.rollback,
      approval: bootstrap ? null : { action: 'install_step', scope: { step: step.id, versionHash } },
    };
  });
  const counts: Record<StepStatus, number> = { applied: 0, pending: 0, adoptable: 0, drift: 0 };
  for (const step of planned) counts[step.status] += 1;
  return { planHash: planHashOf(steps), steps: planned, ledgerInstalled: ledger.ledgerInstalled, counts };
}

function statusOf(
  step: Step,
  versionHash: string,
  active: ActiveApplication | null,
  ledger: LedgerState,
): StepStatus {
  if (active !== null) return active.versionHash === versionHash ? 'applied' : 'drift';
  const legacy = ledger.legacy.get(step.id);
  // Rolled back on the new ledger: the legacy row was removed with it, so this is only an install
  // by the previous release's installer.
  if (legacy === undefined) return 'pending';
  return legacy === legacyStepDigest(step) ? 'adoptable' : 'drift';
}

/** Every prerequisite in the plan comes earlier, and ids are unique: else the plan cannot be followed. */
function assertOrdered(steps: readonly Step[]): void {
  const seen = new Set<string>();
  const ids = new Set(steps.map((step) => step.id));
  for (const step of steps) {
    if (seen.has(step.id)) throw new Error(`install plan: step ${step.id} appears twice`);
    for (const prerequisite of step.prerequisites) {
      // A prerequisite outside this plan must already be applied; the step's checks say so when it runs.
      if (ids.has(prerequisite) && !seen.has(prerequisite))
        throw new Error(`install plan: ${step.id} needs ${prerequisite}, which does not come before it`);
    }
    seen.add(step.id);
  }
}
