import {
  type ChannelDependencies,
  type HeartbeatWriter,
  type ProducerChannel,
  type ProducerRunner,
  startHeartbeat,
} from '@birth-lane/contract';
import type { IntervalSettings } from './interval-settings.js';

/**
 * A producer channel on a plain timer: every `everyMs` after the previous run ended, one run of the
 * producer over whatever is uncertified. At most one run is in flight; `stop` aborts it after its
 * batch in flight and writes the `stopped` heartbeat last. It reports as the `schedule` channel,
 * because that is what it is: a scheduled run, without pg-boss.
 */
export function createIntervalChannel(
  settings: IntervalSettings,
  dependencies: ChannelDependencies,
): ProducerChannel {
  const { db, logger } = dependencies;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let heartbeat: HeartbeatWriter | null = null;
  let stopping = false;

  const runOnce = async (runner: ProducerRunner): Promise<void> => {
    await heartbeat?.set('running');
    try {
      const report = await runner.run({
        channel: 'schedule',
        batchSize: settings.batchSize,
        signal: abort.signal,
      });
      logger.info(
        { runId: report.runId, outcome: report.outcome, scanned: report.scanned },
        'interval run finished',
      );
      await heartbeat?.set('idle', report.runId);
    } catch (error) {
      logger.error({ err: error }, 'interval run failed; the next tick tries again');
      await heartbeat?.set('idle');
    }
  };

  const schedule = (runner: ProducerRunner): void => {
    if (stopping) return;
    timer = setTimeout(() => {
      inFlight = runOnce(runner).finally(() => {
        inFlight = null;
        schedule(runner);
      });
    }, settings.everyMs);
  };

  return {
    specificationVersion: 'v1',
    name: 'schedule',
    async start(runner) {
      heartbeat = startHeartbeat(db, 'schedule', {
        intervalMs: settings.heartbeatIntervalMs,
        logger,
      });
      schedule(runner);
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await inFlight;
      await heartbeat?.stop();
    },
  };
}
