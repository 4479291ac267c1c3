import type { Step } from '@birth-lane/contract';
import { INSTALL_LEDGER_STEP, installPlanSteps } from '@birth-lane/install-plan';
import { laneSteps } from './lane-steps.js';

/**
 * The install plan's steps, in order: the lane's steps with the install ledger right after the
 * roles (the last bootstrap step: approvals exist from then on). Every database change the lane's
 * install makes is one of these. The pg_cron channel's entry point is not: `pg-cron install`
 * applies it with the job, and only where pg_cron is loaded (elsewhere it installs nothing).
 */
export const planSteps: readonly Step[] = (() => {
  const rolesAt = laneSteps.findIndex((step) => step.id === 'contract/0004_roles');
  if (rolesAt < 0)
    throw new Error(`the lane has no contract/0004_roles step to put ${INSTALL_LEDGER_STEP} after`);
  return [...laneSteps.slice(0, rolesAt + 1), ...installPlanSteps, ...laneSteps.slice(rolesAt + 1)];
})();
