import { Command } from 'commander';
import type { CommandHost } from './command-host.js';
import { wholeNumberFlag } from './flags.js';

/** `birth-lane runs`: the latest producer runs on record, from any shell. */
export function runsCommand(host: CommandHost): Command {
  return new Command('runs')
    .description('the latest producer runs on record (from the evidence log), newest first')
    .option('--limit <n>', 'how many runs', wholeNumberFlag('--limit', 1, 10_000), 20)
    .option('--json', 'print {runs, malformed} as one JSON object')
    .action(async (options: { limit: number; json?: boolean }) => {
      const [{ withLaneReader }, { readRuns }, { formatRuns }] = await Promise.all([
        import('./with-lane-reader.js'),
        import('../reading/runs-on-record.js'),
        import('./format-runs.js'),
      ]);
      process.exitCode = await withLaneReader(host, async (db) => {
        const onRecord = await readRuns(db, { limit: options.limit });
        process.stdout.write(options.json ? `${JSON.stringify(onRecord)}\n` : `${formatRuns(onRecord)}\n`);
        return 0;
      });
    });
}
