import type { Database } from '@birth-lane/contract';
import {
  applyBootstrap,
  applyPlan,
  buildInstallPlan,
  InstallStopError,
  rehearsalChain,
  rehearseSteps,
  type VerifyReport,
  verifyInstall,
} from '@birth-lane/install-plan';
import { finishLaneInstall, type LaneInstallation } from '../lane/install-lane.js';
import { planSteps } from '../lane/plan-steps.js';
import { RUNTIME_OBJECTS } from '../lane/runtime-objects.js';
import { approveStepsWithDemoLogins } from './demo-install-approvals.js';

export interface PlanInstallSummary {
  readonly planHash: string;
  readonly steps: number;
  readonly rehearsed: number;
  readonly approved: number;
  readonly applied: number;
  readonly bootstrap: number;
  readonly adopted: number;
  readonly alreadyInPlace: boolean;
  readonly verify: VerifyReport;
  readonly lane: Pick<LaneInstallation, 'ruleSet' | 'nextSteps' | 'penJudgement'>;
}

/**
 * The whole plan, the governed way: bootstrap steps (rehearsed, applied without approval while
 * approvals cannot exist yet), the previous release's steps adopted, every other pending step
 * rehearsed under ROLLBACK with the proof, approved one by one (by `approvals`, or by the demo
 * logins on the embedded demo database), applied with its approval, then verified.
 */
export async function installWithPlan(
  db: Database,
  options: { url: string; demoApprovals: boolean; approvals?: ReadonlyMap<string, string> },
): Promise<PlanInstallSummary> {
  const initial = await buildInstallPlan(db, planSteps);
  if (initial.counts.pending === 0 && initial.counts.adoptable === 0 && initial.counts.drift === 0) {
    const verify = await verifyInstall(db, planSteps, { runtimeObjects: RUNTIME_OBJECTS });
    return {
      planHash: initial.planHash,
      steps: planSteps.length,
      rehearsed: 0,
      approved: 0,
      applied: 0,
      bootstrap: 0,
      adopted: 0,
      alreadyInPlace: true,
      verify,
      lane: await finishLaneInstall(db),
    };
  }
  const bootstrap = await applyBootstrap(db, planSteps);
  const chain = await rehearsalChain(db, planSteps);
  const rehearsal = chain.length > 0 ? await rehearseSteps(db, chain) : null;
  const failed = rehearsal?.rehearsals.find((entry) => !entry.passed);
  if (failed)
    throw new InstallStopError(
      failed.stopCondition ?? 'step_not_rehearsed',
      failed.stepId,
      `its rehearsal failed: ${failed.failure}`,
    );
  const plan = await buildInstallPlan(db, planSteps);
  const pending = plan.steps.filter((step) => step.status === 'pending');
  const approvals = options.demoApprovals
    ? await approveStepsWithDemoLogins(db, options.url, pending)
    : new Map(options.approvals ?? []);
  const applied = await applyPlan(db, planSteps, { approvals });
  const verify = await verifyInstall(db, planSteps, { runtimeObjects: RUNTIME_OBJECTS });
  return {
    planHash: plan.planHash,
    steps: planSteps.length,
    rehearsed: bootstrap.applied.length + (rehearsal?.rehearsals.length ?? 0),
    approved: applied.applied.length,
    applied: bootstrap.applied.length + applied.applied.length,
    bootstrap: bootstrap.applied.length,
    adopted: bootstrap.adopted.length + applied.adopted.length,
    alreadyInPlace: false,
    verify,
    lane: await finishLaneInstall(db),
  };
}

/** The summary line `start` prints. */
export function summaryLine(summary: PlanInstallSummary): string {
  if (summary.alreadyInPlace)
    return `all ${summary.steps} steps already in place, verify ${summary.verify.ok ? 'passed' : 'FAILED'}`;
  return (
    `${summary.steps} steps: ${summary.rehearsed} rehearsed, ${summary.approved} approved (demo approvers), ` +
    `${summary.applied} applied (${summary.bootstrap} bootstrap)` +
    `${summary.adopted ? `, ${summary.adopted} adopted from the previous release` : ''}, verify ${summary.verify.ok ? 'passed' : 'FAILED'}`
  );
}
