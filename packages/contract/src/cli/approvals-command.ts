import { Command } from 'commander';
import type { CommandHost } from './command-host.js';

export interface ApprovalsCommandOptions {
  /**
   * Subcommands other blocks add to the group, e.g. the certify consumer's `refile-promotions`
   * (the contract cannot import a block). Listed before `list`, where they always stood in
   * `approvals --help`.
   */
  readonly extraSubcommands?: readonly Command[];
}

/**
 * `birth-lane approvals request|vote|show|list`: the approval requests and votes of the contract's
 * approval gate (S1). Whoever the host's database logs in as is the proposer or the voter: the
 * database takes the name from the login (session_user), never from a flag.
 */
export function approvalsCommand(host: CommandHost, options: ApprovalsCommandOptions = {}): Command {
  const approvals = new Command('approvals').description(
    'approval requests and votes (S1): propose, vote as your own login, show, list',
  );
  // The work and its modules (schemas, the gate) load only when a subcommand runs.
  const actions = () => import('./approvals-actions.js');

  approvals
    .command('request')
    .description(
      'propose an action on a scope; you (the DATABASE_URL login) are the proposer and cannot vote on it',
    )
    .requiredOption(
      '--action <action>',
      'backlog_pass, backlog_rollback, gate_flip, stamp_materialisation, install_step or rule_set_activation ' +
        '(promotion requests are filed by the certify consumer; see refile-promotions)',
    )
    .requiredOption('--scope <json>', 'what exactly is approved, a JSON object, e.g. \'{"rowId":"42"}\'')
    .requiredOption('--risk <risk>', 'low, medium or high; not below the action minimum')
    .requiredOption('--reason <text>', 'why')
    .option(
      '--expires-in <duration>',
      'how long the request stays open: 90m, 12h, 7d (1 minute to 30 days)',
      '7d',
    )
    .option('--json', 'print the request as JSON (with its id)')
    .action(async (flags) => {
      process.exitCode = await (await actions()).requestApproval(host, flags);
    });

  approvals
    .command('vote <id>')
    .description('vote on a request as your own login, in an approver role it holds (default: the strongest)')
    .option('--approve', 'approve the request')
    .option('--reject', 'reject it (a reject stands until the request closes; it cannot be withdrawn)')
    .option('--comment <text>', 'a comment recorded with the vote')
    .option('--as <role>', 'the approver role to vote in: president, ai_council or approver')
    .option('--json', 'print the request after the vote as JSON')
    .action(async (id: string, flags) => {
      process.exitCode = await (await actions()).voteOnApproval(host, id, flags);
    });

  approvals
    .command('show <id>')
    .description('a request, its votes, whether it meets quorum now and what is still missing')
    .option('--json', 'print as JSON: quorumMet, missing, votes, expiresAt, usedAt, ...')
    .action(async (id: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).showApproval(host, id, flags);
    });

  for (const extra of options.extraSubcommands ?? []) approvals.addCommand(extra);

  approvals
    .command('list')
    .description('approval requests, newest first (at most 200)')
    .option('--open', 'only requests that are neither expired nor used')
    .option('--json', 'print as a JSON array')
    .action(async (flags: { open?: boolean; json?: boolean }) => {
      process.exitCode = await (await actions()).listApprovals(host, flags);
    });

  return approvals;
}
