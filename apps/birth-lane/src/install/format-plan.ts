import type { InstallPlan, PlannedStep, RehearsalReport, VerifyReport } from '@birth-lane/install-plan';

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

/**
 * The plan at a glance: one line per step not yet in place (an upgrade shows only what is new),
 * what each needs next, and how to see the rest. `all` lists applied steps too.
 */
export function formatPlan(plan: InstallPlan, options: { all?: boolean } = {}): string {
  const { counts } = plan;
  const lines = [
    `install plan ${plan.planHash.slice(0, 12)}   ${plan.steps.length} steps: ${counts.applied} applied, ${counts.pending} to apply` +
      `${counts.adoptable ? `, ${counts.adoptable} applied by the previous release (adopted at the next apply)` : ''}` +
      `${counts.drift ? `, ${counts.drift} DRIFTED` : ''}`,
  ];
  const shown = plan.steps.filter((step) => options.all || step.status !== 'applied');
  if (shown.length === 0) {
    lines.push(`all ${plan.steps.length} steps already in place`);
    return `${lines.join('\n')}\n`;
  }
  lines.push('');
  lines.push(
    `${pad('step', 46)} ${pad('status', 9)} ${pad('risk', 6)} ${pad('rehearsal', 9)} ${pad('objects', 7)} approval`,
  );
  for (const step of shown) {
    lines.push(
      `${pad(step.id, 46)} ${pad(step.status, 9)} ${pad(step.risk, 6)} ${pad(step.rehearsal, 9)} ${pad(String(step.footprint.length), 7)} ${approvalCell(step)}`,
    );
  }
  if (!options.all && counts.applied > 0) lines.push(`(${counts.applied} applied steps not shown: --all)`);
  const drift = plan.steps.filter((step) => step.status === 'drift');
  if (drift.length > 0) {
    lines.push('');
    lines.push(
      `DRIFT: ${drift.map((step) => step.id).join(', ')} changed since applied; nothing is re-applied silently. A new version of a block adds new numbered steps; roll the step back (install rollback) to apply its new version.`,
    );
  }
  lines.push('');
  lines.push(nextMove(plan));
  lines.push(
    'one step in full (objects, stop conditions, evidence, rollback): install plan --step <id>; everything: --json',
  );
  return `${lines.join('\n')}\n`;
}

function approvalCell(step: PlannedStep): string {
  if (step.bootstrap) return 'none (bootstrap)';
  if (step.status === 'applied')
    return step.applied?.approvalId ? `#${step.applied.approvalId}` : (step.applied?.kind ?? '');
  return `install_step {"step":"${step.id}","versionHash":"${step.versionHash.slice(0, 12)}…"}`;
}

function nextMove(plan: InstallPlan): string {
  const pending = plan.steps.filter((step) => step.status === 'pending');
  if (pending.some((step) => step.bootstrap))
    return 'next: install apply --bootstrap   (the steps approvals need: applied without approval, only before any approved step)';
  if (pending.some((step) => step.rehearsal !== 'passed'))
    return 'next: install rehearse   (every pending step under BEGIN … ROLLBACK, with the proof)';
  if (pending.length > 0)
    return 'next: request an install_step approval per step (approvals request --action install_step --scope \'{"step":…,"versionHash":…}\'), then install apply --step <id> --approval <id>';
  return 'next: install verify';
}

/** One step in full: everything the plan knows about it. */
export function formatStep(step: PlannedStep): string {
  return (
    [
      `${step.id}   ${step.title}`,
      `status          ${step.status}${step.applied ? ` (${step.applied.kind} by ${step.applied.appliedBy} at ${step.applied.appliedAt})` : ''}`,
      `version hash    ${step.versionHash}`,
      `risk            ${step.risk}${step.bootstrap ? ', bootstrap (applied before approvals can exist)' : ''}`,
      `prerequisites   ${step.prerequisites.join(', ') || 'none'}`,
      `expects         ${step.expects}`,
      `rehearsal       ${step.rehearsal}`,
      `approval        ${step.approval ? `install_step ${JSON.stringify(step.approval.scope)}` : 'none (bootstrap)'}`,
      `stop conditions ${step.stopConditions.join(', ')}`,
      `evidence        ${step.successEvidence}`,
      `footprint       ${step.footprint.length} objects:`,
      ...step.footprint.map((ref) => `  ${ref}`),
      'rollback:',
      ...step.rollback.split('\n').map((line) => `  ${line}`),
    ].join('\n') + '\n'
  );
}

export function formatRehearsal(report: RehearsalReport): string {
  const lines = report.rehearsals.map(
    (entry) =>
      `${entry.passed ? 'passed' : 'FAILED'}  ${pad(entry.stepId, 44)} ${entry.changed} objects changed inside${entry.failure ? `; ${entry.stopCondition ?? 'failure'}: ${entry.failure}` : ''}`,
  );
  lines.push(
    `proof: catalog on entry ${report.entryHash.slice(0, 12)}, on exit ${report.exitHash.slice(0, 12)}: ${report.identical ? 'identical' : 'DIFFERENT'}` +
      `${report.recorded ? ' (recorded on the install ledger)' : ' (not recorded: the ledger is not installed yet; install apply --bootstrap rehearses and records)'}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatVerify(report: VerifyReport): string {
  const lines = report.checks.map(
    (check) => `${check.ok ? 'ok  ' : 'FAIL'}  ${pad(check.name, 28)} ${check.observed}`,
  );
  for (const check of report.checks)
    for (const object of check.objects.slice(0, 30)) if (!check.ok) lines.push(`        ${object}`);
  lines.push(
    `verify ${report.ok ? 'passed' : 'FAILED'} (plan ${report.planHash.slice(0, 12)}, live catalog ${report.liveHash.slice(0, 12)})`,
  );
  return `${lines.join('\n')}\n`;
}
