import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { countingRunner } from '../testing/producer-channel-conformance.js';
import { channelModuleOf, checkModuleChannel, runnerForModuleChannel } from './channel-module.js';

const valid = {
  specificationVersion: 'v1',
  settingsSchema: z.object({}),
  createChannel: () => {
    throw new Error('not called here');
  },
};

describe('channelModuleOf', () => {
  it('takes `channelModule`, else the default export', () => {
    expect(channelModuleOf({ channelModule: valid }, 'x')).toBe(valid);
    expect(channelModuleOf({ default: valid }, 'x')).toBe(valid);
  });

  it('names the module and the missing export', () => {
    expect(() => channelModuleOf({ something: 1 }, '@acme/channel')).toThrow(
      /channel module @acme\/channel.*channelModule.*neither/s,
    );
  });

  it('names each wrong member', () => {
    let error: unknown;
    try {
      channelModuleOf(
        { channelModule: { specificationVersion: 'v2', settingsSchema: {}, createChannel: 1 } },
        'm',
      );
    } catch (caught) {
      error = caught;
    }
    const fields = (error as { issues: { field: string }[] }).issues.map((issue) => issue.field);
    expect(fields).toEqual([
      'channelModule.specificationVersion',
      'channelModule.settingsSchema',
      'channelModule.createChannel',
    ]);
  });
});

describe('a module channel held to its name', () => {
  const channelNamed = (name: string) =>
    ({ specificationVersion: 'v1', name, start: async () => {}, stop: async () => {} }) as never;

  it('refuses a name the database does not record runs under', () => {
    expect(() => checkModuleChannel(channelNamed('mine'), 'm')).toThrow(/made a channel named "mine"/);
    expect(checkModuleChannel(channelNamed('schedule'), 'm')).toMatchObject({ name: 'schedule' });
  });

  it('refuses a run under another channel name, and passes its own through', async () => {
    const inner = countingRunner();
    const runner = runnerForModuleChannel(inner, 'schedule', 'm');
    await expect(runner.run({ channel: 'http' })).rejects.toThrow(/asked for a run as "http"/);
    await runner.run({ channel: 'schedule' });
    expect(inner.calls.map((call) => call.channel)).toEqual(['schedule']);
  });
});
