import { type CommandHost, registryIdFlag, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command, InvalidArgumentError } from 'commander';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function runIdFlag(flag: string) {
  return (value: string): string => {
    if (!UUID.test(value))
      throw new InvalidArgumentError(`${flag} must be a pass's run id (a UUID), got "${value}"`);
    return value.toLowerCase();
  };
}
const runIdArgument = runIdFlag('<run-id>');

/**
 * `birth-lane backlog …`: the governed backlog pass (B5). `plan` files the approval request for a
 * bounded range; `run` starts a pass on an approval that met quorum (or `--resume`s one) with N
 * worker processes; `work` is one worker (what each of those processes, or a pg-boss job, runs);
 * `pause`/`resume`, `status`, `revoke` (an approver withdraws the yes), `rollback` (own approval).
 */
export interface BacklogCommandOptions {
  /** Subcommands the app adds to the group (the pg-boss fan-out, which this block may not depend on). */
  readonly extraSubcommands?: readonly Command[];
}

export function backlogCommand(host: CommandHost, options: BacklogCommandOptions = {}): Command {
  const backlog = new Command('backlog').description(
    'the governed backlog pass: an approved, bounded range inspected by resumable workers, rolled back by run',
  );
  const actions = () => import('./backlog-actions.js');

  backlog
    .command('plan')
    .description('measure a bounded range and file its backlog_pass approval request (you are the proposer)')
    .requiredOption('--from-id <id>', 'first registry id of the range', registryIdFlag('--from-id'))
    .requiredOption('--to-id <id>', 'last registry id of the range', registryIdFlag('--to-id'))
    .option(
      '--max-rows <n>',
      'at most this many in-scope rows (the range ends at the n-th)',
      wholeNumberFlag('--max-rows', 1, 100_000_000),
    )
    .option('--reason <text>', 'why, for the approvers (default: the range and row count)')
    .option('--json', 'print the plan as JSON')
    .action(async (flags) => {
      process.exitCode = await (await actions()).plan(host, flags);
    });

  backlog
    .command('run')
    .description('start a pass on an approval that met quorum (--approval), or resume one (--resume)')
    .option('--approval <id>', 'the backlog_pass approval request', registryIdFlag('--approval'))
    .option('--resume <run-id>', 'resume this pass from its cursors', runIdFlag('--resume'))
    .option(
      '--workers <n>',
      'worker processes on this host (more on other hosts: `backlog work <run-id>`)',
      wholeNumberFlag('--workers', 1, 32),
      1,
    )
    .option(
      '--batch-size <n>',
      'first batch size; batches then aim at ~400 ms each',
      wholeNumberFlag('--batch-size', 1, 20_000),
      2000,
    )
    .option('--json', 'print the final status as JSON')
    .action(async (flags) => {
      process.exitCode = await (await actions()).run(host, flags);
    });

  backlog
    .command('work <run-id>')
    .description('one worker of a running pass, in this process (run it on any host, or from a pg-boss job)')
    .option('--batch-size <n>', 'first batch size', wholeNumberFlag('--batch-size', 1, 20_000), 2000)
    .option('--json', 'print the outcome as JSON')
    .action(async (runId: string, flags) => {
      process.exitCode = await (await actions()).work(host, runIdArgument(runId), flags);
    });

  backlog
    .command('pause <run-id>')
    .description('pause a running pass: workers leave after the batch in flight; nothing stays open')
    .option('--json', 'print the status as JSON')
    .action(async (runId: string, flags) => {
      process.exitCode = await (await actions()).pause(host, runIdArgument(runId), flags);
    });

  backlog
    .command('resume <run-id>')
    .description('mark a paused pass running again (then `backlog run --resume <run-id>` starts workers)')
    .option('--json', 'print the status as JSON')
    .action(async (runId: string, flags) => {
      process.exitCode = await (await actions()).resume(host, runIdArgument(runId), flags);
    });

  backlog
    .command('status [run-id]')
    .description('passes (or one): scope, done, rate, ETA, state')
    .option('--json', 'print as JSON')
    .action(async (runId: string | undefined, flags) => {
      process.exitCode = await (await actions()).status(
        host,
        runId === undefined ? undefined : runIdArgument(runId),
        flags,
      );
    });

  backlog
    .command('revoke <approval-id>')
    .description('withdraw a backlog_pass approval (approver roles); its pass stops before the next batch')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print {"revoked": id} as JSON')
    .action(async (approvalId: string, flags) => {
      process.exitCode = await (await actions()).revoke(
        host,
        registryIdFlag('<approval-id>')(approvalId),
        flags,
      );
    });

  backlog
    .command('rollback')
    .description(
      'clear exactly the stamps one pass set, on uncertified rows (needs a backlog_rollback approval, scope {"runId": …})',
    )
    .requiredOption('--run <run-id>', 'the pass to roll back', runIdFlag('--run'))
    .requiredOption('--approval <id>', 'the backlog_rollback approval request', registryIdFlag('--approval'))
    .option('--json', 'print the rollback report as JSON')
    .action(async (flags) => {
      process.exitCode = await (await actions()).rollback(host, flags);
    });

  for (const extra of options.extraSubcommands ?? []) backlog.addCommand(extra);
  return backlog;
}
