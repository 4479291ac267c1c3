import type { CommandHost } from '@birth-lane/contract/cli';
import { Command } from 'commander';
import { DEFAULT_REFILE_LIMIT } from '../refile-limit.js';

/**
 * `refile-promotions`: files fresh promotion requests for canonical rows whose request lapsed. A
 * subcommand of the contract's `approvals` group (`approvalsCommand(host, { extraSubcommands })`),
 * where people look for promotion requests; it lives here because the certify consumer files them.
 */
export function refilePromotionsCommand(host: CommandHost): Command {
  return new Command('refile-promotions')
    .description(
      'file a fresh promotion request for each canonical row ready for one whose request lapsed (needs birth_lane_governance)',
    )
    .option('--limit <n>', 'at most this many rows (1 to 100000)', String(DEFAULT_REFILE_LIMIT))
    .option('--json', 'print {"filed": n} as JSON')
    .action(async (flags: { limit: string; json?: boolean }) => {
      const { refilePromotions } = await import('./refile-promotions-action.js');
      process.exitCode = await refilePromotions(host, flags);
    });
}
