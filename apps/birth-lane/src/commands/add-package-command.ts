import type { Command } from 'commander';

/**
 * Adds a command a package built (`pgCronCommand(host)`) as if the program had made it with
 * `.command()`. Commander's addCommand passes down none of the program's settings, so a bad flag
 * would end the process through process.exit with code 1, printed without the `birth-lane:`
 * prefix and the pointer to --help, instead of reaching the program's error handling (exit 64).
 * A package's command line leaves these settings (exit, output, help) to the app.
 */
export function addPackageCommand(program: Command, command: Command): void {
  const inherit = (parent: Command, child: Command): void => {
    child.copyInheritedSettings(parent);
    for (const grandchild of child.commands) inherit(child, grandchild);
  };
  inherit(program, command);
  program.addCommand(command);
}
