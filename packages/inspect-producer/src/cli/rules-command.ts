import type { CommandHost } from '@birth-lane/contract/cli';
import { Command } from 'commander';

/**
 * `birth-lane rules list|show|check|save|activate|diff`: the versioned rule sets the producer
 * judges by. Saving stores a draft; only `activate` with an approval (rule_set_activation, scope
 * `{version, hash}`) makes one active, and it must run as the lane owner because it compiles the
 * inspection (birth_lane.inspect_batch) from the rule set.
 */
export function rulesCommand(host: CommandHost): Command {
  const rules = new Command('rules').description(
    'versioned rule sets: list, show, check a file (with a preview), save, activate (approval), diff',
  );
  // The rule-set store, its schemas and the preview load only when a subcommand runs.
  const actions = () => import('./rules-actions.js');

  rules
    .command('list')
    .description('stored rule sets, newest version first, and what the inspection is compiled for')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).listRules(host, flags);
    });

  rules
    .command('show <version>')
    .description('one stored rule set: status, hash and every check with what it demands')
    .option('--json', 'print the rule set as JSON')
    .action(async (version: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).showRules(host, version, flags);
    });

  rules
    .command('check <file>')
    .description(
      'validate a rule-set file (each error names the check and the rule), then preview it against the live registry, writing nothing',
    )
    .option('--top <n>', 'how many failing checks to list', '5')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: { top: string; json?: boolean }) => {
      process.exitCode = await (await actions()).checkRules(host, file, flags);
    });

  rules
    .command('save <file>')
    .description('store a rule-set file as a draft (a stored version never changes); activation is separate')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).saveRules(host, file, flags);
    });

  rules
    .command('activate <version>')
    .description(
      'make a stored rule set the active one, using a rule_set_activation approval for its version and hash (run as the lane owner)',
    )
    .requiredOption('--approval <id>', 'the approval request id (its quorum met, never used)')
    .option('--json', 'print the result as JSON')
    .action(async (version: string, flags: { approval: string; json?: boolean }) => {
      process.exitCode = await (await actions()).activateRules(host, version, flags);
    });

  rules
    .command('diff <a> <b>')
    .description('checks added, removed and changed per stage from a to b (each a stored version or a file)')
    .option('--json', 'print the diff as JSON')
    .action(async (a: string, b: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).diffRules(host, a, b, flags);
    });

  return rules;
}
