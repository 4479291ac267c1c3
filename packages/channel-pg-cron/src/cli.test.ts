import type { CommandHost } from '@birth-lane/contract/cli';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { pgCronCommand } from './cli.js';

/** A host whose database must not be opened: flag errors are settled before it. */
function hostThatMustNotOpen(): CommandHost & { opened: number } {
  const host = {
    opened: 0,
    settings: () => ({ statementTimeoutMs: 5000 }),
    openDatabase: async () => {
      host.opened += 1;
      throw new Error('the database must not be opened');
    },
    createProducer: async () => {
      throw new Error('not used');
    },
    standingOutput: () => {
      throw new Error('not used');
    },
    runUntilSignalled: async () => undefined,
    needsRole: () => undefined,
    inspectionCompiler: async () => {
      throw new Error('not used');
    },
  };
  return host;
}

/** Throws commander's errors instead of exiting, and keeps what it would print. */
function captured(command: Command): { command: Command; output: string[] } {
  const output: string[] = [];
  const quiet = (each: Command) => {
    each
      .exitOverride()
      .configureOutput({ writeOut: (text) => output.push(text), writeErr: (text) => output.push(text) });
    for (const child of each.commands) quiet(child);
  };
  quiet(command);
  return { command, output };
}

describe('pgCronCommand', () => {
  it('offers install, uninstall and status, with the install flags and their defaults', () => {
    const pgCron = pgCronCommand(hostThatMustNotOpen());
    expect(pgCron.name()).toBe('pg-cron');
    expect(pgCron.commands.map((command) => command.name())).toEqual(['install', 'uninstall', 'status']);
    const help = pgCron.commands[0]!.helpInformation();
    expect(help).toContain('--schedule <cron>');
    expect(help).toContain('(default: "*/1 * * * *")');
    expect(help).toMatch(/--batch-size <n>\s+rows per batch \(1 to 50000\) \(default: 2000\)/);
    expect(help).toMatch(/--time-budget-ms <ms>[\s\S]*\(default: 3000\)/);
  });

  it.each([
    [['--batch-size', '0'], /--batch-size must be a whole number from 1 to 50000, got "0"/],
    [['--time-budget-ms', 'soon'], /--time-budget-ms must be a whole number from 100 to 600000/],
    [['--schedule', '* * * *'], /--schedule must be five cron fields/],
  ])('refuses install %j naming the flag, before opening any database', async (flags, message) => {
    const host = hostThatMustNotOpen();
    const { command, output } = captured(pgCronCommand(host));
    await expect(command.parseAsync(['install', ...flags], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
    expect(output.join('')).toMatch(message);
    expect(host.opened).toBe(0);
  });
});
