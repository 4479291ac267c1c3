import { type CommandHost, secondsFlag, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';

interface WorkerFlags {
  readonly teamSize: number;
  readonly batchSize?: number;
  readonly pollSeconds: number;
  readonly json?: boolean;
}

/**
 * `birth-lane worker`, the queue channel's second half (as many as you like, on any host): takes
 * the id-range jobs `enqueue-run` made and runs the producer over each, until SIGTERM/SIGINT.
 */
export function workerCommand(host: CommandHost): Command {
  return new Command('worker')
    .description(
      'the `queue` channel, part 2: take id-range jobs from birth-lane-runs and run the producer over each until SIGTERM, which finishes the batch in flight and hands the rest of its range back',
    )
    .option('--team-size <n>', 'jobs this process runs at once', wholeNumberFlag('--team-size', 1, 64), 1)
    .option(
      '--batch-size <n>',
      'initial rows per batch (adapted to stay inside the statement timeout)',
      wholeNumberFlag('--batch-size', 1, 50_000),
    )
    .option(
      '--poll-seconds <s>',
      'how often an idle team member asks for a job (a busy one asks again as soon as its job is done)',
      secondsFlag('--poll-seconds', 0.5, 600),
      2,
    )
    .option('--json', 'print each job run report as one JSON line on stdout (logs go to stderr)')
    .action(async (flags: WorkerFlags) => {
      const [library, { parseChannelSettings }] = await Promise.all([
        import('../index.js'),
        import('@birth-lane/contract'),
      ]);
      const settings = parseChannelSettings('queue', library.queueChannelSettingsSchema, {
        teamSize: flags.teamSize,
        batchSize: flags.batchSize,
        pollingIntervalSeconds: flags.pollSeconds,
      });
      host.needsRole('birth_lane_producer');
      const output = host.standingOutput({ json: flags.json === true, bindings: { channel: 'queue' } });
      // Each job in flight holds one connection for its batches and one briefly to settle the job.
      const database = await host.openDatabase({ poolSize: settings.teamSize * 2 + 2 });
      try {
        // The channel runs each job with one walker (concurrency 1, in id order): the team size is
        // the parallelism, and the rest of a stopped job's range stays exact.
        const runner = await host.createProducer(database.pool);
        const channel = library.createQueueChannel(settings, {
          db: database.pool,
          logger: output.log,
          connectionString: database.url,
          sessionOptions: database.sessionOptions,
          onReport: output.report,
        });
        await host.runUntilSignalled(channel, runner, output.log);
        process.exitCode = 0;
      } finally {
        await database.close();
      }
    });
}
