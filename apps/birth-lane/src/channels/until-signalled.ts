import type { ProducerChannel, ProducerRunner } from '@birth-lane/contract';
import type { Logger } from '../logging/logger.js';

/**
 * Starts a standing channel and keeps the process up until SIGTERM or SIGINT, then stops the
 * channel gracefully (it finishes or releases the batch in flight) and resolves.
 */
export async function runUntilSignalled(
  channel: ProducerChannel,
  runner: ProducerRunner,
  log: Logger,
): Promise<void> {
  let signalled!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    signalled = resolve;
  });
  // `on`, not `once`: a second SIGTERM (systemd and Kubernetes send one to every process of the
  // group) must not kill the process mid-batch; the first one already started a graceful stop.
  process.on('SIGTERM', signalled);
  process.on('SIGINT', signalled);
  try {
    await channel.start(runner);
    log.info({ channel: channel.name }, 'channel standing');
    const signal = await stopped;
    log.info({ channel: channel.name, signal }, 'stopping channel');
    await channel.stop();
    log.info({ channel: channel.name }, 'channel stopped');
  } finally {
    process.off('SIGTERM', signalled);
    process.off('SIGINT', signalled);
  }
}
