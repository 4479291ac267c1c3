import type { z } from 'zod';
import { parseOrThrow } from '../parse.js';
import type { ProducerChannel } from '../ports/producer.js';
import type { Queryable } from '../ports/queryable.js';
import type { ChannelLogger } from './channel-logger.js';

/**
 * What every channel is given besides its settings: the database its heartbeat and helpers use and
 * a logger. A channel adds what else it needs (a listen port, a pool) to its own dependencies type.
 */
export interface ChannelDependencies {
  readonly db: Queryable;
  readonly logger: ChannelLogger;
}

/**
 * The one shape of a channel constructor: plain settings (checked by the channel's zod schema) and
 * live dependencies (connections, loggers) apart, so settings can come from flags, a file or the
 * environment and be validated in one place.
 */
export type ChannelFactory<Settings, Dependencies extends ChannelDependencies = ChannelDependencies> = (
  settings: Settings,
  dependencies: Dependencies,
) => ProducerChannel;

/**
 * Checks a channel's settings with its schema. A problem throws a ValidationError whose issues
 * name each field (`port`, `tuning.maxWaitMs`) and the rule it broke, under the subject
 * "<channel> channel settings".
 */
export function parseChannelSettings<S extends z.ZodType>(
  channel: string,
  schema: S,
  input: unknown,
): z.output<S> {
  return parseOrThrow(schema, input, `${channel} channel settings`);
}
