import { EXIT_CODES } from '@birth-lane/contract/cli';
import type { Command } from 'commander';

/**
 * Refuses a flag value the way commander refuses one its parser rejected (same words, same code),
 * for the checks that run in the action: they need libraries `--help` must not load.
 */
export function refuseFlag(command: Command, flag: string, value: string, problem: string): never {
  const option = command.options.find((candidate) => candidate.long === flag);
  command.error(`error: option '${option?.flags ?? flag}' argument '${value}' is invalid. ${problem}`, {
    exitCode: EXIT_CODES.usage,
    code: 'commander.invalidArgument',
  });
}
