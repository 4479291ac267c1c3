import { secondsFlag, wholeNumberFlag } from '@birth-lane/contract/cli';
import type { Command } from 'commander';
import type { AppConfig } from '../config.js';
import { errorContext } from '../errors/error-boundary.js';
import type { EnqueuedRun } from '../jobs/run-queue.js';
import { RUN_QUEUE } from '../jobs/run-queue-name.js';

export interface WorkerCommandOptions {
  readonly teamSize: number;
  readonly batchSize?: number;
  readonly pollSeconds: number;
  readonly json?: boolean;
}

/**
 * The queue channel's two commands: `enqueue-run` splits one run into id-range jobs, and
 * `worker` (as many as you like, on any host) takes the jobs and runs the producer over each.
 */
export function registerQueueCommand(program: Command): void {
  program
    .command('enqueue-run')
    .description(
      'the `queue` channel, part 1: split one producer run into id-range jobs on the pg-boss queue birth-lane-runs (schema pgboss) for `birth-lane worker` processes to take',
    )
    .option(
      '--chunk-ids <n>',
      'ids per job (a range of registry ids; one job = one run report)',
      wholeNumberFlag('--chunk-ids', 1, 1_000_000_000),
      50_000,
    )
    .option('--json', 'print the parent run key, job ids and ranges as JSON')
    .action(async (options: { chunkIds: number; json?: boolean }) => {
      const { loadConfig } = await import('../config.js');
      errorContext.needs = 'birth_lane_producer';
      process.exitCode = await enqueueRunCommand(loadConfig(), {
        chunkIds: options.chunkIds,
        json: options.json === true,
      });
    });

  program
    .command('worker')
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
    .action(async (options: WorkerCommandOptions) => {
      const { loadConfig } = await import('../config.js');
      errorContext.needs = 'birth_lane_producer';
      process.exitCode = await workerCommand(loadConfig(), options);
    });
}

export async function enqueueRunCommand(
  config: AppConfig,
  options: { chunkIds: number; json: boolean },
): Promise<number> {
  const [{ openDatabase }, { startBoss, stopBoss }, { enqueueRun }, { standingOutput }] = await Promise.all([
    import('../database/open-database.js'),
    import('../jobs/pg-boss.js'),
    import('../jobs/run-queue.js'),
    import('./standing-output.js'),
  ]);
  // pg-boss's own complaints go to stderr: stdout is the answer (text or JSON).
  const { log } = standingOutput(config, true, { command: 'enqueue-run' });
  const database = await openDatabase(config, { poolSize: 2 });
  try {
    const boss = await startBoss({
      connectionString: database.url,
      applicationName: 'birth-lane-enqueue-run',
      log,
      maxConnections: 2,
      supervise: false,
    });
    try {
      const run = await enqueueRun(database.pool, boss, { chunkIds: options.chunkIds });
      process.stdout.write(
        options.json ? `${JSON.stringify({ queue: RUN_QUEUE, ...run })}\n` : describeEnqueued(run),
      );
      return 0;
    } finally {
      await stopBoss(boss);
    }
  } finally {
    await database.close();
  }
}

export async function workerCommand(config: AppConfig, options: WorkerCommandOptions): Promise<number> {
  const [{ createProducer }, { QueueChannel }, { runUntilSignalled }, { openDatabase }, { standingOutput }] =
    await Promise.all([
      import('@birth-lane/inspect-producer'),
      import('../channels/queue-channel.js'),
      import('../channels/until-signalled.js'),
      import('../database/open-database.js'),
      import('./standing-output.js'),
    ]);
  const output = standingOutput(config, options.json === true, { channel: 'queue' });
  const { log } = output;
  // Each job in flight holds one connection for its batches and one briefly to settle the job.
  const database = await openDatabase(config, { poolSize: options.teamSize * 2 + 2 });
  database.pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  try {
    // One walker per job: the team size is the parallelism, and the walk stays in id order.
    const runner = createProducer(database.pool, {
      concurrency: 1,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    });
    const channel = new QueueChannel(
      {
        teamSize: options.teamSize,
        batchSize: options.batchSize,
        pollingIntervalSeconds: options.pollSeconds,
      },
      { db: database.pool, connectionString: database.url, log, onReport: output.report },
    );
    await runUntilSignalled(channel, runner, log);
    return 0;
  } finally {
    await database.close();
  }
}

function describeEnqueued(run: EnqueuedRun): string {
  if (run.parentRunKey === null) return 'nothing to enqueue: no uncertified governed row\n';
  const first = run.jobs[0]!;
  const last = run.jobs[run.jobs.length - 1]!;
  const shown = run.jobs.slice(0, 20).map((job) => `  job ${job.jobId}  ids ${job.idFrom}..${job.idTo}\n`);
  return (
    `enqueued run ${run.parentRunKey}: ${run.jobs.length} job(s) of up to ${run.chunkIds.toLocaleString('en')} ids ` +
    `over ids ${first.idFrom}..${last.idTo} on queue ${RUN_QUEUE}\n` +
    shown.join('') +
    (run.jobs.length > shown.length
      ? `  … and ${run.jobs.length - shown.length} more (--json lists them all)\n`
      : '') +
    'start workers with: birth-lane worker [--team-size N]\n'
  );
}
