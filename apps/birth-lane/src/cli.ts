/**
 * `birth-lane`: the composition root's command line. Each command validates its flags and the
 * environment, opens the one database (DATABASE_URL, else the embedded one), wires the blocks
 * through their ports, and exits with a meaningful code (EXIT_CODES).
 *
 * Start-up stays fast: this file loads only commander; each command imports what it uses when it
 * runs (`await import(...)` in its action), so `status` never loads pg-boss or the channels.
 */
import { readFileSync } from 'node:fs';
import { backlogCommand } from '@birth-lane/backlog/cli';
import { canonicalCommand, refilePromotionsCommand } from '@birth-lane/certify-consumer/cli';
import { httpCommand } from '@birth-lane/channel-http/cli';
import { listenCommand } from '@birth-lane/channel-listen/cli';
import { enqueueRunCommand, scheduleCommand, workerCommand } from '@birth-lane/channel-pg-boss/cli';
import { pgCronCommand } from '@birth-lane/channel-pg-cron/cli';
import { EXIT_CODES } from '@birth-lane/contract';
import {
  approvalsCommand,
  approversCommand,
  explainCommand,
  explainError,
  failuresCommand,
  runsCommand,
  stackOf,
  wholeNumberFlag,
} from '@birth-lane/contract/cli';
import { releaseEmbeddedLeaseSync } from '@birth-lane/embedded-postgres/lease';
import { gateCommand } from '@birth-lane/gate-policy/cli';
import { rulesCommand } from '@birth-lane/inspect-producer/cli';
import { proveCommand } from '@birth-lane/no-touch-prover/cli';
import { stagingCommand } from '@birth-lane/staging-surface/cli';
import { stampsCommand } from '@birth-lane/stamp-mapping/cli';
import { Command } from 'commander';
import { commandHost, errorContext } from './command-host.js';
import { addPackageCommand } from './commands/add-package-command.js';
import { backlogQueueCommands } from './commands/backlog-queue-command.js';
import { registerChannelCommand } from './commands/channel-command.js';
import { registerDbCommand } from './commands/db-command.js';
import { installCommand } from './commands/install-command.js';
import { installSignalHandlers } from './process/interrupt.js';

// src/cli.ts and dist/cli.js both sit one directory below the package root.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The program and its conventions. */
function createProgram(): Command {
  return new Command('birth-lane')
    .description('Inspect and certify the births of a PostgreSQL entity registry, safely.')
    .version(version, '-V, --version', 'print the version and exit')
    .option('--debug', 'print the stack trace of an unexpected error')
    .showHelpAfterError('(run `birth-lane --help` or `birth-lane <command> --help` for usage)')
    .configureOutput({
      // The one problem, not the whole help text; the pointer to --help follows it.
      outputError: (message, write) => write(message.replace(/^error: /, 'birth-lane: ')),
    })
    .exitOverride();
}

const program = createProgram();
program.addHelpText(
  'after',
  '\nExit codes: 0 done, 1 failed, 2 no active rule set, 3 stopped early (signal, limit),\n' +
    '4 no-touch proof FAIL, 5 no-touch proof INCONCLUSIVE (prove compare and pilot: 0 only on PASS),\n' +
    '64 usage, 69 database unavailable or lane not installed, 70 internal error, 77 permission denied.\n' +
    'Environment: DATABASE_URL (else the embedded PostgreSQL in .birth-lane/), BIRTH_LANE_* (see README).',
);

program
  .command('start')
  .description(
    'the main job: install the lane (embedded PostgreSQL unless DATABASE_URL is set), seed a demo registry if empty, inspect it, summarise',
  )
  .option(
    '--rows <n>',
    'births to seed when the registry is empty',
    wholeNumberFlag('--rows', 1, 5_000_000),
    300_000,
  )
  .option('--json', 'print the summary as one JSON object')
  .action(async (options: { rows: number; json?: boolean }) => {
    const [{ startCommand }, { loadConfig }] = await Promise.all([
      import('./commands/start.js'),
      import('./config.js'),
    ]);
    errorContext.needs = 'owner';
    process.exitCode = await startCommand(loadConfig(), { rows: options.rows, json: options.json === true });
  });

// The gated install plan (issue 14): plan, rehearse, apply, verify, rollback.
addPackageCommand(program, installCommand());

program
  .command('run')
  .alias('once')
  .description('the `once` channel: one producer run, then exit (for host cron or a systemd timer)')
  .option('--max-rows <n>', 'stop after this many rows', wholeNumberFlag('--max-rows'))
  .option(
    '--batch-size <n>',
    'initial rows per batch (adapted to stay inside the statement timeout)',
    wholeNumberFlag('--batch-size', 1, 50_000),
  )
  .option('--json', 'print the run report as JSON')
  .action(async (options: { maxRows?: number; batchSize?: number; json?: boolean }) => {
    const [{ runOnceCommand }, { loadConfig }] = await Promise.all([
      import('./commands/run-once.js'),
      import('./config.js'),
    ]);
    errorContext.needs = 'birth_lane_producer';
    process.exitCode = await runOnceCommand(loadConfig(), {
      maxRows: options.maxRows,
      batchSize: options.batchSize,
      json: options.json === true,
    });
  });

program
  .command('pilot')
  .description(
    'rehearse on a disposable staging surface and prove production untouched: snapshot, create, run, report, drop, snapshot, verdict (exit 0 only on PASS)',
  )
  .option(
    '--sample <n>',
    'copy up to n uncertified governed rows into the surface (default 1,000)',
    wholeNumberFlag('--sample', 1, 100_000),
  )
  .option('--fixtures <file>', 'load the surface from a .jsonl or .csv file instead')
  .option('--keep-bad-rows', 'keep fixture rows production would refuse or skip, as deliberate bad input')
  .option('--rule-set <version|file>', "judge by a stored version or a rule-set file (default: production's)")
  .option(
    '--kg-tables <a,b>',
    'knowledge-graph tables whose counts NT-5 watches (default universal_edges,provenance)',
  )
  .option('--markdown <file>', 'also write the proof as Markdown for a change request')
  .option('--json', 'print the pilot (staging report and proof) as one JSON object')
  .action(async (flags: import('./commands/pilot.js').PilotFlags) => {
    const { pilotCommand } = await import('./commands/pilot.js');
    errorContext.needs = 'birth_lane_reader';
    process.exitCode = await pilotCommand(flags);
  });

program
  .command('status')
  .description(
    'the whole story: registry counts, backlog by cause, top failing checks, pending promotions, rule set, gate mode, last runs, standing producers',
  )
  .option('--json', 'print the status as JSON')
  .action(async (options: { json?: boolean }) => {
    const [{ statusCommand }, { loadConfig }] = await Promise.all([
      import('./commands/status.js'),
      import('./config.js'),
    ]);
    errorContext.needs = 'birth_lane_reader';
    process.exitCode = await statusCommand(loadConfig(), { json: options.json === true });
  });

// Reading the evidence after the run: runs, failures, explain.
addPackageCommand(program, runsCommand(commandHost));
addPackageCommand(program, failuresCommand(commandHost));
addPackageCommand(program, explainCommand(commandHost));
// The embedded database, kept up for psql: db start|stop|status|url.
registerDbCommand(program);
// A channel from another package, named by configuration (docs/replacing-a-block.md).
registerChannelCommand(program);

// Standing channels: each registers its own command (see src/commands/<channel>-command.ts).
addPackageCommand(program, scheduleCommand(commandHost));
addPackageCommand(program, enqueueRunCommand(commandHost));
addPackageCommand(program, workerCommand(commandHost));
addPackageCommand(program, pgCronCommand(commandHost));
addPackageCommand(program, listenCommand(commandHost));
// addCommand does not pass the program's settings down (output, exit override): copy them.
addPackageCommand(program, httpCommand(commandHost));

// Governance, from the blocks that own what it governs: the contract's approval gate, the
// producer's rule sets, the certify consumer's canonical collections (and its re-filing of lapsed
// promotion requests, under `approvals`).
addPackageCommand(
  program,
  approvalsCommand(commandHost, { extraSubcommands: [refilePromotionsCommand(commandHost)] }),
);
addPackageCommand(program, approversCommand(commandHost));
addPackageCommand(program, rulesCommand(commandHost));
addPackageCommand(program, canonicalCommand(commandHost));
addPackageCommand(program, stagingCommand(commandHost));
// The no-production-touch proof: snapshot production, compare two snapshots (NT-1…NT-8).
addPackageCommand(program, proveCommand(commandHost));
// The birth gate (B7) and the lifecycle stamps (B6), each from its block.
addPackageCommand(program, gateCommand(commandHost));
addPackageCommand(program, stampsCommand(commandHost));
// The governed backlog pass (B5): plan, run (N worker processes), work, pause, resume, status, revoke, rollback.
addPackageCommand(
  program,
  backlogCommand(commandHost, { extraSubcommands: backlogQueueCommands(commandHost) }),
);

const debug = process.argv.includes('--debug');
installSignalHandlers(releaseEmbeddedLeaseSync);

if (process.argv.length <= 2) {
  // A bare `birth-lane` is a usage error: show what there is, exit 64.
  process.stderr.write(program.helpInformation());
  process.exitCode = EXIT_CODES.usage;
} else {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function reportError(error: unknown): number {
  const code = (error as { code?: string } | null)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // Commander printed the problem already; help and version are not errors.
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    // `help [command]` asked for help (0); a group named without its subcommand is a usage error.
    if (code === 'commander.help')
      return (error as { exitCode?: number }).exitCode === 0 ? 0 : EXIT_CODES.usage;
    return EXIT_CODES.usage;
  }
  const explained = explainError(error, errorContext);
  process.stderr.write(`birth-lane: ${explained.message}\n`);
  if (debug) process.stderr.write(`${stackOf(error)}\n`);
  return explained.exitCode;
}
