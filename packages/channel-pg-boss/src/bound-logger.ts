import type { ChannelLogger } from '@birth-lane/contract';

/** A logger that adds `bindings` (a job's id) to every line, as pino's `child` would. */
export function boundLogger(logger: ChannelLogger, bindings: Record<string, unknown>): ChannelLogger {
  return {
    debug: (fields, message) => logger.debug({ ...bindings, ...fields }, message),
    info: (fields, message) => logger.info({ ...bindings, ...fields }, message),
    warn: (fields, message) => logger.warn({ ...bindings, ...fields }, message),
    error: (fields, message) => logger.error({ ...bindings, ...fields }, message),
  };
}
