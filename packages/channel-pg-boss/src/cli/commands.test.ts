import { readFileSync } from 'node:fs';
import { type Database, type ProducerChannel, silentLogger } from '@birth-lane/contract';
import type { CommandHost } from '@birth-lane/contract/cli';
import { countingRunner } from '@birth-lane/contract/testing';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueChannel } from '../queue-channel.js';
import { ScheduleChannel } from '../schedule-channel.js';
import { enqueueRunCommand, scheduleCommand, workerCommand } from './index.js';

/** A host that records what a command asked of it, and runs no channel. */
function fakeHost() {
  const calls: string[] = [];
  const started: ProducerChannel[] = [];
  const host: CommandHost = {
    settings: () => ({ statementTimeoutMs: 5000 }),
    async openDatabase(options) {
      calls.push(`openDatabase ${JSON.stringify(options ?? {})}`);
      return {
        pool: {} as Database,
        url: 'postgres://birth_lane@db.internal/registry',
        sessionOptions: '-c search_path=pg_catalog,pg_temp',
        source: 'DATABASE_URL',
        close: async () => {
          calls.push('close');
        },
      };
    },
    async createProducer() {
      calls.push('createProducer');
      return countingRunner();
    },
    async inspectionCompiler() {
      throw new Error('not used');
    },
    standingOutput({ json, bindings }) {
      calls.push(`standingOutput json=${json} ${JSON.stringify(bindings)}`);
      return { log: silentLogger, report: () => undefined };
    },
    async runUntilSignalled(channel) {
      started.push(channel);
      calls.push('runUntilSignalled');
    },
    needsRole(role) {
      calls.push(`needsRole ${role}`);
    },
  };
  return { host, calls, started };
}

/** The commands in a program set up as the app sets up its own (exitOverride, output, help pointer). */
async function run(args: string[]) {
  const fake = fakeHost();
  let stderr = '';
  const program = new Command('birth-lane')
    .exitOverride()
    .showHelpAfterError('(run `birth-lane --help` or `birth-lane <command> --help` for usage)')
    .configureOutput({
      writeOut: () => undefined,
      writeErr: (text) => {
        stderr += text;
      },
      outputError: (message, write) => write(message.replace(/^error: /, 'birth-lane: ')),
    });
  for (const command of [scheduleCommand(fake.host), enqueueRunCommand(fake.host), workerCommand(fake.host)])
    program.addCommand(command.copyInheritedSettings(program));
  const error = await program.parseAsync(args, { from: 'user' }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  return { ...fake, stderr, error };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('flags refused before anything is opened, in the words of a flag parser', () => {
  it.each([
    [['schedule'], "birth-lane: required option '--cron <expression>' not specified"],
    [
      ['schedule', '--cron', '*/10 * * * * *'],
      "birth-lane: option '--cron <expression>' argument '*/10 * * * * *' is invalid. --cron has 6 fields, but pg-boss fires a schedule at most once a minute (no seconds field); use five fields: minute hour day-of-month month day-of-week, got \"*/10 * * * * *\"",
    ],
    [
      ['schedule', '--cron', '61 * * * *'],
      "birth-lane: option '--cron <expression>' argument '61 * * * *' is invalid. --cron is not valid: Constraint error, got value 61 expected range 0-59, got \"61 * * * *\"",
    ],
    [
      ['schedule', '--cron', '* * * * *', '--tz', 'Mars/Base'],
      "birth-lane: option '--tz <zone>' argument 'Mars/Base' is invalid. --tz \"Mars/Base\" is not an IANA time zone such as UTC or Europe/Berlin",
    ],
    [
      ['enqueue-run', '--chunk-ids', '0'],
      "birth-lane: option '--chunk-ids <n>' argument '0' is invalid. --chunk-ids must be a whole number from 1 to 1000000000, got \"0\"",
    ],
    [
      ['worker', '--team-size', 'many'],
      "birth-lane: option '--team-size <n>' argument 'many' is invalid. --team-size must be a whole number from 1 to 64, got \"many\"",
    ],
  ])('%j', async (args, message) => {
    const { error, stderr, calls } = await run(args);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toMatch(/^commander\./);
    expect(stderr).toBe(
      `${message}\n(run \`birth-lane --help\` or \`birth-lane <command> --help\` for usage)\n`,
    );
    expect(calls).toEqual([]);
  });
});

describe('flags become the channel settings', () => {
  it('schedule: the expression trimmed, the zone, the limits, the run budget in seconds', async () => {
    const { error, calls, started } = await run([
      'schedule',
      '--cron',
      ' */5 * * * * ',
      '--tz',
      'Europe/Berlin',
      '--max-rows',
      '10',
      '--batch-size',
      '500',
      '--max-run-minutes',
      '3',
      '--json',
    ]);
    expect(error).toBeNull();
    expect(calls).toEqual([
      'needsRole birth_lane_producer',
      'standingOutput json=true {"channel":"schedule"}',
      'openDatabase {}',
      'createProducer',
      'runUntilSignalled',
      'close',
    ]);
    expect(started[0]).toBeInstanceOf(ScheduleChannel);
    expect((started[0] as ScheduleChannel).settings).toMatchObject({
      cron: '*/5 * * * *',
      timeZone: 'Europe/Berlin',
      maxRows: 10,
      batchSize: 500,
      runBudgetSeconds: 180,
    });
    expect(process.exitCode).toBe(0);
  });

  it('worker: the team size, the poll interval, and a pool of two connections per team member and two more', async () => {
    const { error, calls, started } = await run([
      'worker',
      '--team-size',
      '3',
      '--poll-seconds',
      '0.5',
      '--batch-size',
      '200',
    ]);
    expect(error).toBeNull();
    expect(calls).toEqual([
      'needsRole birth_lane_producer',
      'standingOutput json=false {"channel":"queue"}',
      'openDatabase {"poolSize":8}',
      'createProducer',
      'runUntilSignalled',
      'close',
    ]);
    expect(started[0]).toBeInstanceOf(QueueChannel);
    expect((started[0] as QueueChannel).settings).toMatchObject({
      teamSize: 3,
      pollingIntervalSeconds: 0.5,
      batchSize: 200,
    });
  });
});

describe('importing ./cli', () => {
  /** The modules a file loads when it is imported: static imports that are not type-only, followed through relative ones. */
  function staticImports(file: URL, seen = new Set<string>()): Set<string> {
    const source = readFileSync(file, 'utf8');
    for (const [, typeOnly, specifier] of source.matchAll(
      /^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gm,
    )) {
      if (typeOnly || !specifier) continue;
      if (!specifier.startsWith('.')) seen.add(specifier);
      else {
        const target = new URL(specifier.replace(/\.js$/, '.ts'), file);
        if (!seen.has(target.href)) {
          seen.add(target.href);
          staticImports(target, seen);
        }
      }
    }
    return seen;
  }

  it('loads only commander and @birth-lane/contract/cli (the library, pg-boss and cron-parser wait for a command to run)', () => {
    const packages = [...staticImports(new URL('./index.ts', import.meta.url))].filter(
      (specifier) => !specifier.startsWith('file:') && !specifier.startsWith('node:'),
    );
    expect(packages.sort()).toEqual(['@birth-lane/contract/cli', 'commander']);
  });
});
