import { Command, InvalidArgumentError } from 'commander';

// The install plan and the database load when a subcommand runs, not for --help.
const actions = () => import('../install/install-actions.js');

const APPROVAL_ID = /^[1-9][0-9]{0,18}$/;
const approvalFlag = (value: string) => {
  if (!APPROVAL_ID.test(value))
    throw new InvalidArgumentError(`--approval must be an approval request id, got "${value}"`);
  return value;
};

interface ApplyFlags {
  step?: string;
  approval?: string;
  all?: boolean;
  approvalPerStepFrom?: string;
  bootstrap?: boolean;
  demoApprovals?: boolean;
  json?: boolean;
}

/** `birth-lane install …`: the install plan's front door. Alone it prints the plan. */
export function installCommand(): Command {
  const install = new Command('install')
    .description(
      'the gated install plan: plan | rehearse | apply | verify | rollback (alone: print the plan)',
    )
    // The JSON form is `install plan --json` (an option here would take the subcommands' --json).
    .action(async () => (await actions()).printPlan({}));

  install
    .command('plan')
    .description(
      'every step: prerequisites, expected state, footprint, stop conditions, evidence, rollback; with the plan hash',
    )
    .option('--step <id>', 'one step in full')
    .option('--all', 'list applied steps too (the default lists only what is not in place)')
    .option('--json', 'print the plan as JSON (every step, every object)')
    .action(async (flags: { step?: string; all?: boolean; json?: boolean }) =>
      (await actions()).printPlan(flags),
    );

  install
    .command('rehearse')
    .description(
      'run every pending step (or one with its pending prerequisites) inside BEGIN … ROLLBACK, with the catalog proof entry = exit, recorded',
    )
    .option('--step <id>', 'rehearse this step')
    .option('--json', 'print the rehearsal as JSON')
    .action(async (flags: { step?: string; json?: boolean }) => (await actions()).rehearseAction(flags));

  install
    .command('apply')
    .description(
      'apply steps, each in one transaction with its own approval, a passed rehearsal, re-verify, no idle-in-transaction session, and the footprint check',
    )
    .option('--step <id>', 'apply this step')
    .option(
      '--approval <id>',
      'its install_step approval (scope {"step": id, "versionHash": h})',
      approvalFlag,
    )
    .option('--all', 'apply every pending step')
    .option(
      '--approval-per-step-from <file>',
      'with --all: {"approvals": [{"step", "versionHash", "approval"}]}',
    )
    .option(
      '--bootstrap',
      'apply only the bootstrap steps (approvals cannot exist before them); refused once an approved step was applied',
    )
    .option(
      '--demo-approvals',
      'with --all, on the EMBEDDED demo database only: demo logins approve each step',
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: ApplyFlags) => (await actions()).applyAction(flags));

  install
    .command('verify')
    .description(
      'after all steps: every step in place at its version, and the live catalog equals the one recorded after the last apply',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (flags: { json?: boolean }) => (await actions()).verifyAction(flags));

  install
    .command('rollback')
    .description(
      'undo one step (reverse dependency order) with its own approval (scope {"step", "versionHash", "operation": "rollback"}); the catalog must equal the one before its apply',
    )
    .requiredOption('--step <id>', 'the step to undo')
    .requiredOption('--approval <id>', 'its install_step rollback approval', approvalFlag)
    .option('--json', 'print the result as JSON')
    .action(async (flags: { step: string; approval: string; json?: boolean }) =>
      (await actions()).rollbackAction(flags),
    );
  return install;
}
