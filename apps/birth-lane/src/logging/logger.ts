import pino from 'pino';
import type { AppConfig } from '../config.js';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout (one object per line), for standing channels. */
export function createLogger(
  config: Pick<AppConfig, 'BIRTH_LANE_LOG_LEVEL'>,
  bindings: Record<string, unknown> = {},
): Logger {
  return pino({
    level: config.BIRTH_LANE_LOG_LEVEL,
    base: { app: 'birth-lane', pid: process.pid, ...bindings },
  });
}
