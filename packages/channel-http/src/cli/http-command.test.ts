import { type ProducerChannel, silentLogger, ValidationError } from '@birth-lane/contract';
import type { CommandHost, HostDatabase } from '@birth-lane/contract/cli';
import { countingRunner } from '@birth-lane/contract/testing';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { httpCommand } from './http-command.js';

/** A host that records what the command asks of it; the channel is handed over, never started. */
function recordingHost(httpToken: string | undefined) {
  const asked: string[] = [];
  const handed: { channel?: ProducerChannel } = {};
  const database: HostDatabase = {
    pool: { query: async () => ({ rows: [], rowCount: 0 }), connect: async () => ({}) } as never,
    url: 'postgres://unused',
    source: 'test',
    close: async () => {
      asked.push('close');
    },
  };
  const host: CommandHost = {
    settings: () => ({ httpToken, statementTimeoutMs: 5000 }),
    openDatabase: async () => {
      asked.push('openDatabase');
      return database;
    },
    createProducer: async () => countingRunner(),
    inspectionCompiler: async () => {
      throw new Error('not used');
    },
    standingOutput: () => ({ log: silentLogger, report: () => undefined }),
    runUntilSignalled: async (channel) => {
      asked.push('runUntilSignalled');
      handed.channel = channel;
    },
    needsRole: (role) => {
      asked.push(`needs ${role}`);
    },
  };
  return { host, asked, handed };
}

function program(host: CommandHost): Command {
  const quiet = { writeErr: () => undefined };
  return new Command('birth-lane')
    .exitOverride()
    .addCommand(httpCommand(host).exitOverride().configureOutput(quiet));
}

describe('httpCommand', () => {
  it('is `serve`, also `http`, with --port 8080 and --host 127.0.0.1 by default', () => {
    const command = httpCommand(recordingHost(undefined).host);
    expect(command.name()).toBe('serve');
    expect(command.aliases()).toEqual(['http']);
    expect(command.opts()).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(command.helpInformation()).toMatch(/needs BIRTH_LANE_HTTP_TOKEN/);
  });

  it('refuses to run without BIRTH_LANE_HTTP_TOKEN, before it opens any database', async () => {
    const { host, asked } = recordingHost(undefined);
    const error = await program(host)
      .parseAsync(['serve'], { from: 'user' })
      .catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toMatchObject([
      { field: 'BIRTH_LANE_HTTP_TOKEN', rule: 'required' },
    ]);
    expect(asked).not.toContain('openDatabase');
  });

  it('refuses a port out of range, naming the flag', async () => {
    const { host } = recordingHost('a-token-of-sixteen-chars');
    await expect(program(host).parseAsync(['http', '--port', '70000'], { from: 'user' })).rejects.toThrow(
      '--port must be a whole number from 0 to 65535, got "70000"',
    );
  });

  it('runs the http channel on the host database as birth_lane_producer, then closes the database', async () => {
    const { host, asked, handed } = recordingHost('a-token-of-sixteen-chars');
    await program(host).parseAsync(['http', '--port', '0'], { from: 'user' });
    expect(asked).toEqual(['needs birth_lane_producer', 'openDatabase', 'runUntilSignalled', 'close']);
    expect(handed.channel).toMatchObject({ name: 'http', specificationVersion: 'v1' });
  });
});
