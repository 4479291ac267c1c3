/**
 * `birth-lane`: the composition root's command line. Each command validates its flags and the
 * environment, opens the one database (DATABASE_URL, else the embedded one), wires the blocks
 * through their ports, and exits with a meaningful code.
 */
import { BirthLaneError, ValidationError } from '@birth-lane/contract';
import { Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES } from './channels/exit-codes.js';
import { registerApprovalsCommand } from './commands/approvals-command.js';
import { registerApproversCommand } from './commands/approvers-command.js';
import { registerCanonicalCommand } from './commands/canonical-command.js';
import { registerHttpCommand } from './commands/http-command.js';
import { installCommand } from './commands/install.js';
import { registerListenCommand } from './commands/listen-command.js';
import { registerPgCronCommand } from './commands/pg-cron-command.js';
import { registerQueueCommand } from './commands/queue-command.js';
import { registerRulesCommand } from './commands/rules-command.js';
import { runOnceCommand } from './commands/run-once.js';
import { registerScheduleCommand } from './commands/schedule-command.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { loadConfig } from './config.js';

/** A positive integer flag; the error names the flag and the rule. */
export function positiveInteger(flag: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}

const program = new Command('birth-lane')
  .description('Inspect and certify the births of a PostgreSQL entity registry, safely.')
  .showHelpAfterError()
  .exitOverride();

program
  .command('start')
  .description(
    'the main job: install the lane (embedded PostgreSQL unless DATABASE_URL is set), seed a demo registry if empty, inspect it, summarise',
  )
  .option(
    '--rows <n>',
    'births to seed when the registry is empty',
    positiveInteger('--rows', 5_000_000),
    300_000,
  )
  .option('--json', 'print the summary as one JSON object')
  .action(async (options: { rows: number; json?: boolean }) => {
    process.exitCode = await startCommand(loadConfig(), { rows: options.rows, json: options.json === true });
  });

program
  .command('install')
  .description(
    'apply the lane install steps (idempotent); with no active rule set, save the default as a draft and say how to activate it (an approval is needed)',
  )
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    process.exitCode = await installCommand(loadConfig(), { json: options.json === true });
  });

program
  .command('run')
  .alias('once')
  .description('the `once` channel: one producer run, then exit (for host cron or a systemd timer)')
  .option('--max-rows <n>', 'stop after this many rows', positiveInteger('--max-rows'))
  .option(
    '--batch-size <n>',
    'initial rows per batch (adapted to stay inside the statement timeout)',
    positiveInteger('--batch-size', 50_000),
  )
  .option('--json', 'print the run report as JSON')
  .action(async (options: { maxRows?: number; batchSize?: number; json?: boolean }) => {
    process.exitCode = await runOnceCommand(loadConfig(), {
      maxRows: options.maxRows,
      batchSize: options.batchSize,
      json: options.json === true,
    });
  });

program
  .command('status')
  .description(
    'registry counts, backlog and its age, active rule set, gate mode, last runs, standing producers',
  )
  .option('--json', 'print the status as JSON')
  .action(async (options: { json?: boolean }) => {
    process.exitCode = await statusCommand(loadConfig(), { json: options.json === true });
  });

// Standing channels: each registers its own command (see src/commands/<channel>-command.ts).
registerScheduleCommand(program);
registerQueueCommand(program);
registerPgCronCommand(program);
registerListenCommand(program);
registerHttpCommand(program);
registerApprovalsCommand(program);
registerApproversCommand(program);
registerRulesCommand(program);
registerCanonicalCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

function reportError(error: unknown): number {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // Commander printed the problem already; help and version are not errors.
    return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help'
      ? 0
      : EXIT_CODES.usage;
  }
  if (ValidationError.isInstance(error)) {
    process.stderr.write(`birth-lane: ${error.message}\n`);
    return EXIT_CODES.usage;
  }
  if (BirthLaneError.isInstance(error)) {
    process.stderr.write(`birth-lane: ${error.code}: ${error.message}\n`);
    return EXIT_CODES.failed;
  }
  process.stderr.write(
    `birth-lane: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_CODES.failed;
}
