import { adoptLegacySteps, buildInstallPlan, InstallStopError } from '@birth-lane/install-plan';
import type { OpenDatabase } from '../database/open-database.js';
import { finishLaneInstall, type LaneInstallation } from '../lane/install-lane.js';
import { planSteps } from '../lane/plan-steps.js';
import { formatPlan } from './format-plan.js';
import { installWithPlan, summaryLine } from './install-with-plan.js';

type Lane = Pick<LaneInstallation, 'ruleSet' | 'nextSteps' | 'penJudgement'>;

/**
 * `start`'s install. Embedded demo database: the whole plan with demo approvers, one summary line.
 * DATABASE_URL: go on only if every step is in place (applied through the plan, or by the
 * previous release's installer, adopted now); otherwise print the plan and stop.
 */
export async function installThroughPlan(
  database: OpenDatabase,
  say: (line: string) => void,
): Promise<{ stop: true } | { stop: false; lane: Lane }> {
  if (database.embedded) {
    try {
      const summary = await installWithPlan(database.pool, { url: database.url, demoApprovals: true });
      say(`install       ${summaryLine(summary)}`);
      return { stop: false, lane: summary.lane };
    } catch (error) {
      // A stop condition (drift after an upgrade, a session idle in transaction, …): named, exit 6.
      if (!InstallStopError.isInstance(error)) throw error;
      say(
        `install       ${error.message}; nothing of that step was committed (birth-lane install shows the plan)`,
      );
      return { stop: true };
    }
  }
  const plan = await buildInstallPlan(database.pool, planSteps);
  const inPlace = plan.steps.every(
    (step) => step.status === 'applied' || (step.status === 'adoptable' && plan.ledgerInstalled),
  );
  if (!inPlace) {
    say(formatPlan(plan).trimEnd());
    say(
      'stop          the install plan is not applied, and on DATABASE_URL nothing commits without its approvals: ' +
        'install apply --bootstrap, install rehearse, then install apply per step with an approval (apps/birth-lane/docs/install.md)',
    );
    return { stop: true };
  }
  const adopted = await adoptLegacySteps(database.pool, planSteps);
  say(
    `install       all ${plan.steps.length} steps already in place${adopted.length ? ` (${adopted.length} adopted from the previous release's install)` : ''}`,
  );
  return { stop: false, lane: await finishLaneInstall(database.pool) };
}
