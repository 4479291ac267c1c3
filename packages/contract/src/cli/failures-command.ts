import { Command, InvalidArgumentError } from 'commander';
import { CliError } from './cli-error.js';
import type { CommandHost } from './command-host.js';
import { wholeNumberFlag } from './flags.js';

/** `birth-lane failures`: inspection failures on record, filtered, for people, jq or a spreadsheet. */
export function failuresCommand(host: CommandHost): Command {
  return new Command('failures')
    .description('inspection failures on record, newest first')
    .option('--run <id>', 'only this run (its id, as `birth-lane runs` shows it)', uuidFlag)
    .option('--since <age>', 'only recorded in the last 30s, 15m, 1h, 2d, …', durationFlag)
    .option('--check <id>', 'only this check, e.g. stamp.name.required')
    .option('--limit <n>', 'how many failures', wholeNumberFlag('--limit', 1, 1_000_000), 50)
    .option('--json', 'print {failures, more} as one JSON object')
    .option('--csv', 'print CSV (RFC 4180, a header line) for a spreadsheet')
    .action(
      async (options: {
        run?: string;
        since?: number;
        check?: string;
        limit: number;
        json?: boolean;
        csv?: boolean;
      }) => {
        if (options.json && options.csv)
          throw new CliError('usage', '--json and --csv exclude each other: pick one');
        if (options.run !== undefined && options.since !== undefined)
          throw new CliError('usage', '--run and --since exclude each other: pick one');
        const [{ withLaneReader }, { readFailures }, { failuresCsv, formatFailures }] = await Promise.all([
          import('./with-lane-reader.js'),
          import('../reading/failures-on-record.js'),
          import('./format-failures.js'),
        ]);
        process.exitCode = await withLaneReader(host, async (db) => {
          const result = await readFailures(db, {
            runId: options.run,
            sinceSeconds: options.since,
            checkId: options.check,
            limit: options.limit,
          });
          process.stdout.write(
            options.json
              ? `${JSON.stringify(result)}\n`
              : options.csv
                ? failuresCsv(result.failures)
                : `${formatFailures(result, { limit: options.limit, runId: options.run })}\n`,
          );
          return 0;
        });
      },
    );
}

function uuidFlag(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new InvalidArgumentError(
      `--run must be a run id (a UUID, as \`birth-lane runs\` shows it), got "${value}"`,
    );
  return value.toLowerCase();
}

function durationFlag(value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d|w)$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`--since must be an age such as 30s, 15m, 1h or 2d, got "${value}"`);
  return (
    Number(match[1]) *
    { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w']
  );
}
