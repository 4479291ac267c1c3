import { CliError, wholeNumberFlag } from '@birth-lane/contract/cli';
import { type Command, InvalidArgumentError } from 'commander';
import { errorContext } from '../errors/error-boundary.js';

/**
 * Reading the evidence after the run, from any shell: `runs`, `failures`, `explain`. Each works
 * on whatever database the environment names (the embedded one is started or joined as needed).
 */
export function registerEvidenceCommands(program: Command): void {
  program
    .command('runs')
    .description('the latest producer runs on record (from the evidence log), newest first')
    .option('--limit <n>', 'how many runs', wholeNumberFlag('--limit', 1, 10_000), 20)
    .option('--json', 'print {runs, malformed} as one JSON object')
    .action(async (options: { limit: number; json?: boolean }) => {
      process.exitCode = await withReader(async (db) => {
        const { readRuns, formatRuns } = await import('../evidence/read-runs.js');
        const onRecord = await readRuns(db, { limit: options.limit });
        process.stdout.write(options.json ? `${JSON.stringify(onRecord)}\n` : `${formatRuns(onRecord)}\n`);
        return 0;
      });
    });

  program
    .command('failures')
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
        process.exitCode = await withReader(async (db) => {
          const { readFailures, failuresCsv, formatFailures } = await import('../evidence/read-failures.js');
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

  program
    .command('explain')
    .description(
      "one row's story: its stamps and when, its failures with the rule set, whether it is ambiguous and why, its promotion request and votes, and what would make it certifiable",
    )
    .argument('<entity_code>', 'the row, by entity_code')
    .option('--json', 'print the story as one JSON object')
    .action(async (entityCode: string, options: { json?: boolean }) => {
      process.exitCode = await withReader(async (db) => {
        const [{ explainRow, formatStory }, { loadActiveRuleSet }] = await Promise.all([
          import('../evidence/explain-row.js'),
          import('@birth-lane/inspect-producer'),
        ]);
        const active = await loadActiveRuleSet(db);
        const story = await explainRow(db, entityCode, active.ok ? active.hash : null);
        if (story === null) {
          process.stderr.write(`birth-lane: no registry row has entity_code "${entityCode}"\n`);
          return 1;
        }
        process.stdout.write(options.json ? `${JSON.stringify(story)}\n` : `${formatStory(story)}\n`);
        return 0;
      });
    });
}

/** Opens the database as a reader, checks the lane is there and readable, runs, closes. */
async function withReader(
  work: (db: import('pg').Pool & import('@birth-lane/contract').Database) => Promise<number>,
): Promise<number> {
  errorContext.needs = 'birth_lane_reader';
  const [{ loadConfig }, { openDatabase }, { requireLaneReadable }] = await Promise.all([
    import('../config.js'),
    import('../database/open-database.js'),
    import('../lane/require-lane.js'),
  ]);
  const database = await openDatabase(loadConfig(), { poolSize: 2 });
  try {
    await requireLaneReadable(database.pool);
    return await work(database.pool);
  } finally {
    await database.close();
  }
}

function uuidFlag(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new InvalidArgumentError(
      `--run must be a run id (a UUID, as \`birth-lane runs\` shows it), got "${value}"`,
    );
  return value.toLowerCase();
}

function durationFlag(value: string): number {
  // Inline (not imported from read-failures) so flag parsing loads nothing but this file.
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d|w)$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`--since must be an age such as 30s, 15m, 1h or 2d, got "${value}"`);
  return (
    Number(match[1]) *
    { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w']
  );
}
