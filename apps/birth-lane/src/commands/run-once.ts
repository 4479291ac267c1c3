import { EXIT_CODES, exitCodeFor } from '@birth-lane/contract';
import { createProducer } from '@birth-lane/inspect-producer';
import { OnceChannel } from '../channels/once-channel.js';
import type { AppConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { stopRequested } from '../process/interrupt.js';

/** `birth-lane run`: the once channel. SIGTERM/SIGINT stop it after the batch in flight. */
export async function runOnceCommand(
  config: AppConfig,
  options: { maxRows?: number; batchSize?: number; json: boolean },
): Promise<number> {
  const database = await openDatabase(config);
  const channel = new OnceChannel({ maxRows: options.maxRows, batchSize: options.batchSize });
  // SIGINT/SIGTERM (see process/interrupt.ts): stop after the batch in flight; the report is written.
  const stop = () => void channel.stop();
  stopRequested.addEventListener('abort', stop, { once: true });
  if (stopRequested.aborted) stop();
  try {
    const producer = createProducer(database.pool, {
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    });
    await channel.start(producer);
    const report = channel.report;
    if (report === null) {
      // Stopped before the run began: nothing was read or stamped, so there is no report to write.
      process.stderr.write('birth-lane: stopped before the run began; nothing was inspected\n');
      return EXIT_CODES.stopped;
    }
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      process.stdout.write(
        `run ${report.runId}: ${report.outcome}; scanned ${report.scanned}, skipped ${report.skipped}, ambiguous ${report.ambiguous}; ` +
          `passed PEN ${report.passed.pen} STAMP ${report.passed.stamp} GATE ${report.passed.gate}; ` +
          `failed PEN ${report.failed.pen} STAMP ${report.failed.stamp} GATE ${report.failed.gate}` +
          `${report.detail ? ` (${report.detail})` : ''}\n`,
      );
    }
    return exitCodeFor(report.outcome);
  } finally {
    stopRequested.removeEventListener('abort', stop);
    await database.close();
  }
}
