import type { ProducerChannel, ProducerRunner, RunReport } from '@birth-lane/contract';

/**
 * The `once` channel: one run, then done. Host cron or a systemd timer decides when; the exit
 * code (EXIT_CODES in the contract) tells them how it went. SIGTERM stops it after the batch in flight.
 */
export class OnceChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'once' as const;
  #report: RunReport | null = null;
  readonly #abort = new AbortController();

  constructor(private readonly options: { maxRows?: number; batchSize?: number } = {}) {}

  get report(): RunReport | null {
    return this.#report;
  }

  async start(runner: ProducerRunner): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#report = await runner.run({ channel: this.name, signal: this.#abort.signal, ...this.options });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
  }
}
