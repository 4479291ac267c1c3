import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';
import type { EnqueuedRun } from '../enqueue-run.js';
import { RUN_QUEUE } from '../run-queue-name.js';

/**
 * `birth-lane enqueue-run`, the queue channel's first half: splits one run into id-range jobs for
 * `birth-lane worker` processes to take.
 */
export function enqueueRunCommand(host: CommandHost): Command {
  return new Command('enqueue-run')
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
    .action(async (flags: { chunkIds: number; json?: boolean }) => {
      const [library, { parseOrThrow }] = await Promise.all([
        import('../index.js'),
        import('@birth-lane/contract'),
      ]);
      const settings = parseOrThrow(
        library.enqueueRunSettingsSchema,
        { chunkIds: flags.chunkIds },
        'enqueue-run settings',
      );
      host.needsRole('birth_lane_producer');
      // pg-boss's own complaints go to stderr: stdout is the answer (text or JSON).
      const { log } = host.standingOutput({ json: true, bindings: { command: 'enqueue-run' } });
      const database = await host.openDatabase({ poolSize: 2 });
      try {
        const run = await library.enqueueRun(settings, {
          db: database.pool,
          logger: log,
          connectionString: database.url,
          sessionOptions: database.sessionOptions,
        });
        process.stdout.write(
          flags.json ? `${JSON.stringify({ queue: RUN_QUEUE, ...run })}\n` : describeEnqueued(run),
        );
        process.exitCode = 0;
      } finally {
        await database.close();
      }
    });
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
