import type { RunReport } from '@birth-lane/contract';
import pino from 'pino';
import type { AppConfig } from '../config.js';
import { createLogger, type Logger } from '../logging/logger.js';

export interface StandingOutput {
  readonly log: Logger;
  /** Prints a run report (with the job's ids, for the queue) as one JSON line on stdout under --json; without it the log line says it all. */
  readonly report: (
    report: RunReport,
    job?: { readonly jobId: string; readonly handedBackAs?: string },
  ) => void;
}

/**
 * Output of a standing command (schedule, worker). Logs are pino JSON lines on stdout; with
 * `--json`, stdout carries only the run reports (one RunReport object per line, for `jq` or a
 * collector) and the logs move to stderr so the two never mix.
 */
export function standingOutput(
  config: Pick<AppConfig, 'BIRTH_LANE_LOG_LEVEL'>,
  json: boolean,
  bindings: Record<string, unknown>,
): StandingOutput {
  if (!json) return { log: createLogger(config, bindings), report: () => undefined };
  const log = pino(
    { level: config.BIRTH_LANE_LOG_LEVEL, base: { app: 'birth-lane', pid: process.pid, ...bindings } },
    pino.destination({ fd: 2, sync: true }),
  );
  return {
    log,
    report: (report, job) =>
      process.stdout.write(`${JSON.stringify(job ? { ...report, ...job } : report)}\n`),
  };
}
