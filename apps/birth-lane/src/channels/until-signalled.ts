import type { ChannelLogger, ProducerChannel, ProducerRunner } from '@birth-lane/contract';
import { untilStopRequested } from '../process/interrupt.js';

/**
 * Starts a standing channel and keeps the process up until SIGTERM or SIGINT, then stops the
 * channel gracefully (it finishes or releases the batch in flight) and resolves.
 */
export async function runUntilSignalled(
  channel: ProducerChannel,
  runner: ProducerRunner,
  log: ChannelLogger,
): Promise<void> {
  // The process-wide handlers (process/interrupt.ts) turn the first SIGTERM/SIGINT into a stop
  // request; a second SIGTERM (systemd and Kubernetes send one to every process of the group)
  // does not kill the process mid-batch.
  const stopped = untilStopRequested();
  await channel.start(runner);
  log.info({}, 'channel standing');
  const signal = await stopped;
  log.info({ signal }, 'stopping channel');
  await channel.stop();
  log.info({}, 'channel stopped');
}
