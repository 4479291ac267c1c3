import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ProducerChannel, ProducerRunner } from '../ports/producer.js';
import { CHANNEL_NAMES, type ChannelName } from '../run-report.js';
import type { ChannelFactory } from './channel-settings.js';

/**
 * What a module must export for the app to run it as a channel by configuration
 * (`birth-lane channel --module <specifier>`): the schema of its settings and its factory. A
 * channel written outside this repository exports one of these as `channelModule` (or as its
 * default export) and proves itself with the producer-channel conformance kit.
 */
export interface ChannelModule<Settings = unknown> {
  readonly specificationVersion: 'v1';
  /** Checks and completes the settings (defaults); any zod 4 schema, or anything with the same safeParse. */
  readonly settingsSchema: z.ZodType<Settings>;
  readonly createChannel: ChannelFactory<Settings>;
}

const channelModuleShape = z.object({
  specificationVersion: z.literal('v1', { error: "must be 'v1'" }),
  settingsSchema: z.custom<z.ZodType>(
    (value) => typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function',
    'must be a zod schema (an object with safeParse)',
  ),
  createChannel: z.custom<ChannelFactory<unknown>>(
    (value) => typeof value === 'function',
    'must be a function (settings, dependencies) => ProducerChannel',
  ),
});

/**
 * Picks the ChannelModule out of an imported module namespace (`channelModule`, else the default
 * export) and checks its shape; a problem names the module and the missing or wrong member.
 */
export function channelModuleOf(namespace: Record<string, unknown>, specifier: string): ChannelModule {
  const candidate = namespace['channelModule'] ?? namespace['default'];
  if (candidate === undefined) {
    throw new ValidationError(`channel module ${specifier}`, [
      {
        field: 'channelModule',
        rule: 'required',
        message: 'the module exports neither `channelModule` nor a default export (a ChannelModule)',
      },
    ]);
  }
  const result = channelModuleShape.safeParse(candidate);
  if (!result.success) {
    throw new ValidationError(
      `channel module ${specifier}`,
      result.error.issues.map((issue) => ({
        field: `channelModule.${issue.path.map(String).join('.')}`,
        rule: issue.code === 'invalid_type' ? 'required' : 'shape',
        message: issue.message,
      })),
    );
  }
  return candidate as ChannelModule;
}

/**
 * The channel a module made, checked before it starts: its name must be one the database records
 * runs and heartbeats under (CHANNEL_NAMES), else the first run would fail deep in the producer.
 */
export function checkModuleChannel(channel: ProducerChannel, specifier: string): ProducerChannel {
  if (!(CHANNEL_NAMES as readonly string[]).includes(channel.name)) {
    throw new ValidationError(`channel module ${specifier}`, [
      {
        field: 'channel.name',
        rule: 'one_of',
        message: `made a channel named "${channel.name}"; a channel's name must be one of ${CHANNEL_NAMES.join(', ')}`,
      },
    ]);
  }
  return channel;
}

/**
 * The producer as a module's channel gets it: a run asked for under another channel's name is
 * refused, naming the module, instead of failing as a database error inside the producer.
 */
export function runnerForModuleChannel(
  runner: ProducerRunner,
  channel: ChannelName,
  specifier: string,
): ProducerRunner {
  return {
    specificationVersion: runner.specificationVersion,
    run(options) {
      if (options.channel === channel) return runner.run(options);
      return Promise.reject(
        new ValidationError(`channel module ${specifier}`, [
          {
            field: 'runner.run.channel',
            rule: 'own_channel',
            message: `asked for a run as "${options.channel}", but its channel is "${channel}": pass { channel: '${channel}' }`,
          },
        ]),
      );
    },
  };
}
