import { Command } from 'commander';
import type { CommandHost } from './command-host.js';

/**
 * `birth-lane approvers grant|revoke|list`: an approver is a login that holds birth_lane_president,
 * birth_lane_ai_council or birth_lane_approver. Granting is an administrator's act (it needs
 * CREATEROLE or ADMIN OPTION on the role), done as plain GRANT/REVOKE so the database keeps the
 * one record of who may vote in which role.
 */
export function approversCommand(host: CommandHost): Command {
  const approvers = new Command('approvers').description(
    'who may vote on approvals, and in which role (database role memberships)',
  );
  const actions = () => import('./approvers-actions.js');

  for (const verb of ['grant', 'revoke'] as const) {
    approvers
      .command(`${verb} <login>`)
      .description(
        verb === 'grant'
          ? 'make a login an approver in a role (run as an administrator)'
          : 'take an approver role away from a login (its past votes stay on record)',
      )
      .requiredOption('--as <role>', 'president, ai_council or approver')
      .option('--json', 'print the result as JSON')
      .action(async (login: string, flags: { as: string; json?: boolean }) => {
        process.exitCode = await (await actions()).changeApproverMembership(host, verb, login, flags);
      });
  }

  approvers
    .command('list')
    .description('logins holding each approver role (superusers, who can vote in any role, are listed apart)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).listApprovers(host, flags);
    });

  return approvers;
}
