import type { ChannelLogger, HeartbeatWriter, ProducerRunner } from '@birth-lane/contract';
import type { HttpRun, RunHistory } from './run-history.js';
import type { RunMetrics } from './run-metrics.js';
import type { RunRequest } from './run-request.js';

/** What became of a `POST /runs`. */
export type RunAdmission =
  | { readonly kind: 'accepted'; readonly run: HttpRun }
  | { readonly kind: 'busy'; readonly running: HttpRun }
  | { readonly kind: 'closed' };

export interface RunDeskParts {
  readonly runner: ProducerRunner;
  readonly history: RunHistory;
  readonly metrics: RunMetrics;
  readonly heartbeat: HeartbeatWriter;
  readonly log: ChannelLogger;
}

/**
 * Where the agent API hands its run requests: one run at a time (two runs over the same
 * uncertified rows would only contend for the same row locks), each in the background with the
 * channel's abort signal, recorded in the history, the metrics and the heartbeat.
 */
export class RunDesk {
  readonly #parts: RunDeskParts;
  readonly #abort = new AbortController();
  #inFlight: Promise<void> | null = null;
  #open = true;

  constructor(parts: RunDeskParts) {
    this.#parts = parts;
  }

  /** False once the channel is stopping: /healthz and `POST /runs` then answer 503. */
  get accepting(): boolean {
    return this.#open;
  }

  find(id: string): HttpRun | undefined {
    return this.#parts.history.get(id);
  }

  admit(request: RunRequest): RunAdmission {
    if (!this.#open) return { kind: 'closed' };
    const running = this.#parts.history.running;
    if (running) return { kind: 'busy', running };
    const run = this.#parts.history.begin(request);
    this.#inFlight = this.#execute(run).finally(() => {
      this.#inFlight = null;
    });
    return { kind: 'accepted', run };
  }

  /**
   * Admits nothing more and aborts the run in flight (the producer ends it after its batch, as
   * `stopped`); resolves once that run has ended.
   */
  close(): Promise<void> {
    this.#open = false;
    this.#abort.abort();
    return this.#inFlight ?? Promise.resolve();
  }

  async #execute(run: HttpRun): Promise<void> {
    const { runner, history, metrics, heartbeat, log } = this.#parts;
    metrics.runStarted();
    await heartbeat.set('running');
    log.info({ httpRunId: run.id, request: run.request }, 'run started');
    const began = performance.now();
    const seconds = () => (performance.now() - began) / 1000;
    try {
      const report = await runner.run({
        channel: 'http',
        ...run.request,
        signal: this.#abort.signal,
        onProgress: (progress) => {
          run.progress = progress;
        },
      });
      history.finish(run, report);
      metrics.runFinished(report, seconds());
      log.info(
        { httpRunId: run.id, runId: report.runId, outcome: run.status, scanned: report.scanned },
        'run ended',
      );
    } catch (error) {
      history.fail(run, error);
      metrics.runThrew(seconds(), run.endedAt ?? new Date());
      log.error({ httpRunId: run.id, err: error }, 'run failed');
    }
    // Only a report that passed the contract's schema names a run id the evidence log knows.
    await heartbeat.set(this.#open ? 'idle' : 'stopping', run.report?.runId);
  }
}
