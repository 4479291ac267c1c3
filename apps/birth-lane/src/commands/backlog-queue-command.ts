import { EXIT_CODES } from '@birth-lane/contract';
import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command, InvalidArgumentError } from 'commander';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `birth-lane backlog enqueue <run-id> --workers N` and `birth-lane backlog queue-worker`: the
 * backlog pass fanned out over pg-boss (see src/backlog/backlog-queue.ts). Added to the backlog
 * block's command group by the app, which is where pg-boss is composed.
 */
export function backlogQueueCommands(host: CommandHost): Command[] {
  const queue = () => import('../backlog/backlog-queue.js');
  const enqueue = new Command('enqueue')
    .argument('<run-id>', 'a running backlog pass')
    .description(
      'put N worker jobs for a running pass on the pg-boss backlog queue (any queue-worker, any host, takes them)',
    )
    .option('--workers <n>', 'jobs to enqueue', wholeNumberFlag('--workers', 1, 64), 2)
    .option('--json', 'print {"jobs": [...]} as JSON')
    .action(async (runId: string, flags: { workers: number; json?: boolean }) => {
      if (!UUID.test(runId))
        throw new InvalidArgumentError(`<run-id> must be a pass's run id (a UUID), got "${runId}"`);
      const database = await host.openDatabase();
      try {
        const { log } = host.standingOutput({
          json: flags.json === true,
          bindings: { command: 'backlog enqueue' },
        });
        const jobs = await (await queue()).enqueueBacklogWorkers(runId, flags.workers, {
          connectionString: database.url,
          sessionOptions: database.sessionOptions,
          logger: log,
        });
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ jobs })}\n`
            : `${jobs.length} backlog worker job(s) enqueued for pass ${runId}\n`,
        );
        process.exitCode = EXIT_CODES.completed;
      } finally {
        await database.close();
      }
    });
  const worker = new Command('queue-worker')
    .description(
      'stand as a pg-boss worker of the backlog queue: each job runs one backlog worker on its pass',
    )
    .option('--team-size <n>', 'jobs taken at once', wholeNumberFlag('--team-size', 1, 16), 1)
    .option('--json', 'logs as JSON lines on stderr')
    .action(async (flags: { teamSize: number; json?: boolean }) => {
      const { stopRequested } = await import('../process/interrupt.js');
      const database = await host.openDatabase({ poolSize: flags.teamSize * 2 + 2 });
      try {
        const { log } = host.standingOutput({
          json: flags.json === true,
          bindings: { command: 'backlog queue-worker' },
        });
        await (await queue()).standBacklogQueueWorker(
          { teamSize: flags.teamSize, signal: stopRequested },
          {
            db: database.pool,
            connectionString: database.url,
            sessionOptions: database.sessionOptions,
            logger: log,
          },
        );
        process.exitCode = EXIT_CODES.completed;
      } finally {
        await database.close();
      }
    });
  return [enqueue, worker];
}
