import type { ChannelLogger } from '@birth-lane/contract';
import type { FastifyBaseLogger } from 'fastify';

/**
 * The methods fastify requires of a `loggerInstance` (its own check, FST_ERR_LOG_INVALID_LOGGER_INSTANCE),
 * plus `level`: a pino logger has them all, the contract's ChannelLogger port only four of them.
 */
const PINO_SHAPE = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'child'] as const;

export type PinoShapedLogger = ChannelLogger & FastifyBaseLogger;

export function isPinoShaped(logger: ChannelLogger): logger is PinoShapedLogger {
  const candidate = logger as unknown as Record<string, unknown>;
  return (
    PINO_SHAPE.every((method) => typeof candidate[method] === 'function') &&
    typeof candidate['level'] === 'string'
  );
}

/**
 * The channel's logger, with `channel: "http"` on every line: a pino child when the logger is pino
 * (fastify then logs through the same child), otherwise a thin wrapper adding the field.
 */
export function channelLogger(logger: ChannelLogger): ChannelLogger {
  if (isPinoShaped(logger)) return logger.child({ channel: 'http' });
  const withChannel = (fields: Record<string, unknown>) => ({ channel: 'http', ...fields });
  return {
    debug: (fields, message) => logger.debug(withChannel(fields), message),
    info: (fields, message) => logger.info(withChannel(fields), message),
    warn: (fields, message) => logger.warn(withChannel(fields), message),
    error: (fields, message) => logger.error(withChannel(fields), message),
  };
}
