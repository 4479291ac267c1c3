import type { ChannelName, RunReport } from '../run-report.js';

export interface ProducerRunOptions {
  readonly channel: ChannelName;
  /** Rows per batch; the producer may shrink it to stay inside the statement timeout. */
  readonly batchSize?: number;
  /** Only rows with `idFrom <= id <= idTo` (a queue job's slice, a backlog pass's bound). */
  readonly idFrom?: string;
  readonly idTo?: string;
  /** Stop after this many rows scanned. */
  readonly maxRows?: number;
  /**
   * How many connections walk the run's rows at once. 1 walks strictly in id order, so "the rest
   * of the range" after a stop is exact (a queue job handing its remainder back relies on it).
   */
  readonly concurrency?: number;
  /** Aborting stops the run after the batch in flight; the report says `stopped`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { scanned: number; lastId: string | null }) => void;
}

/** The producer as channels see it: "read uncertified rows, write inspect stamps", whatever the trigger. */
export interface ProducerRunner {
  readonly specificationVersion: 'v1';
  run(options: ProducerRunOptions): Promise<RunReport>;
}

/**
 * When and how the producer runs (host cron, pg_cron, HTTP, a job queue, LISTEN/NOTIFY). A channel
 * only decides *when*; the same runner does the work. `start` resolves once the channel stands
 * (or, for one-shot channels, once the run is over); `stop` ends it gracefully.
 */
export interface ProducerChannel {
  readonly specificationVersion: 'v1';
  readonly name: ChannelName;
  start(runner: ProducerRunner): Promise<void>;
  stop(): Promise<void>;
}
