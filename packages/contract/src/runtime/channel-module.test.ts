import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelModuleOf } from './channel-module.js';

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
