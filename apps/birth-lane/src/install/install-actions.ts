import { CliError } from '@birth-lane/contract/cli';
import {
  applyBootstrap,
  applyPlan,
  buildInstallPlan,
  InstallStopError,
  rehearsalChain,
  rehearseSteps,
  rollbackStep,
  verifyInstall,
} from '@birth-lane/install-plan';
import { errorContext } from '../command-host.js';
import { loadConfig } from '../config.js';
import { type OpenDatabase, openDatabase } from '../database/open-database.js';
import { finishLaneInstall } from '../lane/install-lane.js';
import { planSteps } from '../lane/plan-steps.js';
import { RUNTIME_OBJECTS } from '../lane/runtime-objects.js';
import { readApprovalFile } from './approval-file.js';
import { formatPlan, formatRehearsal, formatStep, formatVerify } from './format-plan.js';
import { installWithPlan, summaryLine } from './install-with-plan.js';

const out = (text: string) => process.stdout.write(text);
const json = (value: unknown) => out(`${JSON.stringify(value)}\n`);

/**
 * Runs one install subcommand on the app's database. A stop condition is printed with its name
 * (in --json as {"stopCondition", "step", "message"} on stdout) and exits with the stop code.
 */
async function withInstallDatabase(
  asJson: boolean,
  work: (database: OpenDatabase) => Promise<number>,
): Promise<void> {
  errorContext.needs = 'owner';
  const database = await openDatabase(loadConfig());
  try {
    process.exitCode = await work(database);
  } catch (error) {
    if (!InstallStopError.isInstance(error)) {
      // --json users get the refusal as JSON too (the text still goes to stderr with its exit code).
      if (asJson && error instanceof CliError)
        json({ database: database.source, error: error.kind, message: error.message });
      throw error;
    }
    if (asJson) json({ database: database.source, ...error.toJSON() });
    throw new CliError('stop_condition', `${error.message}\nnothing of this step was committed.`, {
      cause: error,
    });
  } finally {
    await database.close();
  }
}

export function printPlan(flags: { step?: string; all?: boolean; json?: boolean }): Promise<void> {
  return withInstallDatabase(flags.json === true, async ({ pool, source }) => {
    const plan = await buildInstallPlan(pool, planSteps);
    if (flags.step !== undefined) {
      const step = plan.steps.find((candidate) => candidate.id === flags.step);
      if (step === undefined)
        throw new CliError(
          'usage',
          `--step: the plan has no step "${flags.step}" (install plan --all lists them)`,
        );
      if (flags.json) json(step);
      else out(formatStep(step));
      return 0;
    }
    if (flags.json) json({ database: source, ...plan });
    else out(formatPlan(plan, { all: flags.all }));
    return 0;
  });
}

export const rehearseAction = (flags: { step?: string; json?: boolean }) =>
  withInstallDatabase(flags.json === true, async ({ pool }) => {
    const chain = await rehearsalChain(pool, planSteps, flags.step);
    if (chain.length === 0) {
      if (flags.json) json({ rehearsals: [], identical: true });
      else out('nothing to rehearse: every step is in place\n');
      return 0;
    }
    const report = await rehearseSteps(pool, chain);
    if (flags.json) json(report);
    else out(formatRehearsal(report));
    const failed = report.rehearsals.find((entry) => !entry.passed);
    if (failed)
      throw new InstallStopError(
        failed.stopCondition ?? 'step_not_rehearsed',
        failed.stepId,
        `its rehearsal failed (recorded; it blocks apply): ${failed.failure}`,
      );
    return 0;
  });

export const applyAction = (flags: {
  step?: string;
  approval?: string;
  all?: boolean;
  approvalPerStepFrom?: string;
  bootstrap?: boolean;
  demoApprovals?: boolean;
  json?: boolean;
}) => {
  const modes = [flags.step !== undefined, flags.all === true, flags.bootstrap === true].filter(
    Boolean,
  ).length;
  if (modes !== 1) throw new CliError('usage', 'give exactly one of --step <id>, --all, --bootstrap');
  if (flags.step !== undefined && flags.approval === undefined)
    throw new CliError(
      'usage',
      '--step needs --approval <id> (an install_step approval for that step version)',
    );
  if (flags.all && !flags.approvalPerStepFrom && !flags.demoApprovals)
    throw new CliError(
      'usage',
      '--all needs --approval-per-step-from <file> (or --demo-approvals on the embedded database)',
    );
  return withInstallDatabase(flags.json === true, async (database) => {
    if (flags.bootstrap) {
      const report = await applyBootstrap(database.pool, planSteps);
      // An upgrade whose every step is now in place (adopted) completes like a last apply.
      const after = await buildInstallPlan(database.pool, planSteps);
      const lane =
        after.counts.pending === 0 && after.counts.drift === 0
          ? await finishLaneInstall(database.pool)
          : null;
      if (flags.json) json({ database: database.source, ...report, lane });
      else {
        out(
          `${report.applied.length ? `bootstrap: ${report.applied.length} steps rehearsed and applied without approval (${report.applied.map((step) => step.stepId).join(', ')}); from now on every step needs its own approval` : 'bootstrap: nothing to apply, the bootstrap steps are in place'}` +
            `${report.adopted.length ? `\nadopted from the previous release: ${report.adopted.length} steps (${report.adopted.join(', ')})` : ''}\n`,
        );
        if (lane?.penJudgement.outcome === 'compiled')
          out(
            `compiled the birth gate's PEN judgement from the active rule set ${lane.penJudgement.version}; it was missing (an install from before the gate policy)\n`,
          );
        out(
          `${after.counts.pending === 0 ? 'every step is in place: run install verify' : `${after.counts.pending} steps still to apply: install rehearse, then install apply per step with an approval`}\n`,
        );
      }
      return 0;
    }
    if (flags.demoApprovals) {
      if (!database.embedded)
        throw new CliError(
          'usage',
          '--demo-approvals approves without asking anyone: only on the embedded demo database, never with DATABASE_URL',
        );
      const summary = await installWithPlan(database.pool, { url: database.url, demoApprovals: true });
      if (flags.json) json({ database: database.source, ...summary });
      else out(`install  ${summaryLine(summary)}\n`);
      return summary.verify.ok ? 0 : 1;
    }
    const plan = await buildInstallPlan(database.pool, planSteps);
    const approvals = flags.approvalPerStepFrom
      ? readApprovalFile(flags.approvalPerStepFrom, plan)
      : new Map([[flags.step!, flags.approval!]]);
    const report = await applyPlan(database.pool, planSteps, { approvals, only: flags.step });
    const after = await buildInstallPlan(database.pool, planSteps);
    const lane = after.counts.pending === 0 ? await finishLaneInstall(database.pool) : null;
    if (flags.json) json({ database: database.source, ...report, lane });
    else {
      if (
        flags.step !== undefined &&
        report.applied.length === 0 &&
        report.alreadyInPlace.includes(flags.step)
      )
        out(`already in place  ${flags.step}: nothing applied, the approval was not used\n`);
      for (const step of report.applied)
        out(
          `applied  ${step.stepId}  with approval #${step.approvalId}  (catalog ${step.beforeHash.slice(0, 12)} → ${step.afterHash.slice(0, 12)})\n`,
        );
      if (report.adopted.length)
        out(`adopted  ${report.adopted.length} steps the previous release applied\n`);
      out(
        `${after.counts.pending === 0 ? 'every step is in place: run install verify' : `${after.counts.pending} steps still to apply`}\n`,
      );
      if (lane && !lane.ruleSet.active)
        out(
          `rule set ${lane.ruleSet.version} saved as a draft; activating it needs an approval:\n${lane.nextSteps.map((step, index) => `  ${index + 1}. ${step}`).join('\n')}\n`,
        );
    }
    return 0;
  });
};

export const verifyAction = (flags: { json?: boolean }) =>
  withInstallDatabase(flags.json === true, async ({ pool, source }) => {
    const report = await verifyInstall(pool, planSteps, { runtimeObjects: RUNTIME_OBJECTS });
    if (flags.json) json({ database: source, ...report });
    else out(formatVerify(report));
    return report.ok ? 0 : 1;
  });

export const rollbackAction = (flags: { step: string; approval: string; json?: boolean }) =>
  withInstallDatabase(flags.json === true, async ({ pool, source }) => {
    const report = await rollbackStep(pool, planSteps, flags.step, flags.approval);
    if (flags.json) json({ database: source, ...report });
    else
      out(
        `rolled back  ${report.stepId}  with approval #${report.approvalId}; catalog ${report.restoredHash.slice(0, 12)}` +
          `${report.restoredExactly === null ? ' (adopted step: no recorded before-state to compare)' : ', equal to the one recorded before its apply'}\n`,
      );
    return 0;
  });
