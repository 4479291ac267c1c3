import {
  BIRTH_NOTIFY_CHANNEL,
  type ChannelDependencies,
  type ChannelLogger,
  type HeartbeatWriter,
  type ListenPort,
  type ListenSession,
  type ProducerChannel,
  type ProducerRunner,
  type RunReport,
  registryIdSchema,
  startHeartbeat,
  withDeadline,
} from '@birth-lane/contract';
import { Backoff } from './backoff.js';
import type { ListenChannelSettings } from './listen-settings.js';
import { type ListenWork, PendingBirths } from './pending-births.js';

export interface ListenChannelDependencies extends ChannelDependencies {
  /** Opens the dedicated sessions the channel LISTENs on (`pgListenPort` over `pg`). */
  readonly listen: ListenPort;
}

export interface ListenStats {
  /** Runs started (each appends its report to the evidence log). */
  readonly runs: number;
  /** Birth announcements received. */
  readonly announced: number;
  /** Sessions lost and opened again. */
  readonly reconnects: number;
  readonly lastReport: RunReport | null;
}

/**
 * The `listen` channel: inspects births as they are announced (the birth block's
 * `pg_notify(BIRTH_NOTIFY_CHANNEL, id)` on every registry insert), on one session of its own
 * opened through the contract's ListenPort, so it never touches a driver.
 *
 *  - Coalescing: at most one run is in flight; announcements that arrive meanwhile are folded
 *    into one id range, and the next run covers all of it. A trickle birth waits only
 *    `coalesceMs`; a burst of thousands per second costs a handful of runs, not thousands.
 *  - Catch-up: at start, and after every reconnect, one run over everything uncertified, so
 *    births announced while nobody listened are inspected too. LISTEN is issued first, so no
 *    birth falls between the catch-up and the first announcement.
 *  - A lost session (the port reports it, or a ping fails) is reopened with backoff; a failed run
 *    is retried with backoff over the same work.
 *  - stop(): UNLISTEN, the run in flight finishes its batch (its report says `stopped`), and the
 *    heartbeat says `stopped`.
 */
export class ListenChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'listen' as const;

  readonly #settings: ListenChannelSettings;
  readonly #dependencies: ListenChannelDependencies;
  readonly #log: ChannelLogger;
  readonly #pending = new PendingBirths();
  readonly #abort = new AbortController();
  readonly #reconnectBackoff: Backoff;
  readonly #runBackoff: Backoff;
  #runner: ProducerRunner | null = null;
  #starting: Promise<void> | null = null;
  #reconnecting: Promise<void> | null = null;
  #session: ListenSession | null = null;
  #heartbeat: HeartbeatWriter | null = null;
  #beatState: 'idle' | 'running' | 'stopping' | null = null;
  #inFlight: Promise<void> | null = null;
  #runTimer: NodeJS.Timeout | null = null;
  #retryNotBefore = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #pingTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #summaryTimer: NodeJS.Timeout | null = null;
  #stopping = false;
  #stopped: Promise<void> | null = null;
  #stats = { runs: 0, announced: 0, reconnects: 0, lastReport: null as RunReport | null };
  #window = { runs: 0, announced: 0, scanned: 0, slowestMs: 0 };

  /** Takes settings already checked by `listenChannelSettingsSchema`; `createListenChannel` checks them. */
  constructor(settings: ListenChannelSettings, dependencies: ListenChannelDependencies) {
    this.#settings = settings;
    this.#dependencies = dependencies;
    this.#log = dependencies.logger;
    this.#reconnectBackoff = new Backoff(settings.retryInitialMs, settings.retryMaxMs);
    this.#runBackoff = new Backoff(settings.retryInitialMs, settings.retryMaxMs);
  }

  get stats(): ListenStats {
    return { ...this.#stats };
  }

  /** Resolves once LISTEN stands and the catch-up is scheduled; rejects if the first session cannot be opened. */
  async start(runner: ProducerRunner): Promise<void> {
    if (this.#stopping) return;
    if (this.#starting)
      throw new Error('the listen channel is already started; create one channel per start');
    this.#starting = this.#start(runner);
    try {
      await this.#starting;
    } catch (error) {
      // Fail fast on a first session that cannot be opened (a wrong URL, missing rights): the
      // service manager restarts the process; the heartbeat must not claim a standing listener.
      await this.stop();
      throw error;
    }
  }

  async #start(runner: ProducerRunner): Promise<void> {
    this.#runner = runner;
    this.#heartbeat = startHeartbeat(this.#dependencies.db, this.name, {
      intervalMs: this.#settings.heartbeatIntervalMs,
      logger: this.#log,
    });
    this.#beatState = 'idle';
    await this.#listen();
    this.#summaryTimer = setInterval(() => this.#logSummary(), this.#settings.summaryIntervalMs);
    this.#summaryTimer.unref();
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    // A start or a reconnect under way finishes opening its session; this closes it below.
    await this.#starting?.catch(() => undefined);
    await this.#reconnecting;
    for (const timer of [this.#runTimer, this.#reconnectTimer, this.#idleTimer])
      clearTimeout(timer ?? undefined);
    clearInterval(this.#pingTimer ?? undefined);
    clearInterval(this.#summaryTimer ?? undefined);
    if (this.#heartbeat) this.#beat('stopping');
    // The producer stops after the batch in flight; the rows of that batch are finished, not cut.
    this.#abort.abort();
    const session = this.#session;
    this.#session = null;
    // The port ends the session even when UNLISTEN fails, and bounds both.
    await session
      ?.close()
      .catch((error: unknown) =>
        this.#log.warn({ err: error }, 'UNLISTEN failed; the session is closed anyway'),
      );
    await this.#inFlight;
    // The writer is ordered: `stopped` lands after every state set before it.
    await this.#heartbeat?.stop();
    this.#logSummary();
    this.#log.info({ ...this.stats, lastReport: undefined }, 'listen channel stopped');
  }

  /** Opens a session, LISTENs, and owes a catch-up over everything uncertified. */
  async #listen(): Promise<void> {
    // The port reports a loss only once open has resolved (before, open rejects instead).
    let session: ListenSession | undefined;
    session = await this.#dependencies.listen.open(BIRTH_NOTIFY_CHANNEL, {
      onNotification: (payload) => this.#announced(payload),
      onLost: (error) => {
        if (session) this.#lost(session, error);
      },
    });
    // A stop asked for meanwhile waits for this open (#starting, #reconnecting) and then closes it.
    this.#session = session;
    const listening = session;
    this.#pingTimer = setInterval(() => void this.#ping(listening), this.#settings.pingIntervalMs);
    this.#pingTimer.unref();
    this.#log.info(
      { notifyChannel: BIRTH_NOTIFY_CHANNEL },
      'listening for births; catching up on everything uncertified',
    );
    this.#pending.requestCatchUp();
    this.#schedule(0);
  }

  #announced(payload: string): void {
    if (!registryIdSchema.safeParse(payload).success) {
      this.#log.warn({ payload }, 'ignored an announcement whose payload is not a registry id');
      return;
    }
    this.#stats.announced += 1;
    this.#window.announced += 1;
    this.#pending.add(BigInt(payload));
    this.#schedule(this.#settings.coalesceMs);
  }

  async #ping(session: ListenSession): Promise<void> {
    try {
      await withDeadline(session.ping(), this.#settings.pingTimeoutMs, 'ping');
    } catch (error) {
      this.#lost(session, error);
    }
  }

  #lost(session: ListenSession, error: unknown): void {
    if (this.#session !== session) return; // already handled, or stopping
    this.#session = null;
    clearInterval(this.#pingTimer ?? undefined);
    void session.close().catch(() => undefined);
    if (this.#stopping) return;
    this.#log.warn({ err: error }, 'lost the listening session; reconnecting');
    this.#reconnectLater();
  }

  #reconnectLater(): void {
    const delayMs = this.#reconnectBackoff.next();
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#stopping) return;
      this.#reconnecting = this.#reconnect().finally(() => {
        this.#reconnecting = null;
      });
    }, delayMs);
  }

  async #reconnect(): Promise<void> {
    try {
      await this.#listen();
      this.#reconnectBackoff.reset();
      this.#stats.reconnects += 1;
    } catch (error) {
      this.#log.warn(
        { err: error, attempt: this.#reconnectBackoff.attempts },
        'reconnecting failed; trying again',
      );
      if (!this.#stopping) this.#reconnectLater();
    }
  }

  /** Starts the next run after `delayMs`, unless one is in flight or scheduled (it will pick this work up). */
  #schedule(delayMs: number): void {
    if (this.#stopping || this.#inFlight || this.#runTimer || this.#pending.isEmpty) return;
    const wait = Math.max(delayMs, this.#retryNotBefore - Date.now());
    this.#runTimer = setTimeout(() => {
      this.#runTimer = null;
      this.#runNext();
    }, wait);
  }

  #runNext(): void {
    if (this.#stopping || this.#inFlight) return;
    const work = this.#pending.take();
    if (!work) return;
    this.#inFlight = this.#run(work).finally(() => {
      this.#inFlight = null;
      // Births announced during the run have waited already: no further coalescing delay.
      this.#schedule(0);
      if (this.#pending.isEmpty && !this.#stopping) this.#idleSoon();
    });
  }

  async #run(work: ListenWork): Promise<void> {
    clearTimeout(this.#idleTimer ?? undefined);
    this.#beat('running');
    this.#stats.runs += 1;
    this.#window.runs += 1;
    const began = performance.now();
    const scope = work.kind === 'range' ? { idFrom: work.idFrom.toString(), idTo: work.idTo.toString() } : {};
    try {
      const report = await this.#runner!.run({
        channel: this.name,
        signal: this.#abort.signal,
        ...scope,
        ...(this.#settings.batchSize ? { batchSize: this.#settings.batchSize } : {}),
      });
      const elapsedMs = Math.round(performance.now() - began);
      this.#stats.lastReport = report;
      this.#window.scanned += report.scanned + report.skipped;
      this.#window.slowestMs = Math.max(this.#window.slowestMs, elapsedMs);
      const fields = {
        runId: report.runId,
        work: work.kind,
        ...scope,
        ...(work.kind === 'range' ? { births: work.births } : {}),
        outcome: report.outcome,
        scanned: report.scanned,
        certifiable: report.passed.gate,
        skipped: report.skipped,
        elapsedMs,
      };
      if (report.outcome === 'completed') {
        this.#runBackoff.reset();
        this.#retryNotBefore = 0;
        if (work.kind === 'catch-up') this.#log.info(fields, 'catch-up run finished');
        else this.#log.debug(fields, 'run finished');
      } else if (report.outcome === 'stopped') {
        this.#log.info(fields, 'run stopped after its batch in flight');
      } else {
        // No active rule set (or a failure reported without a throw): nothing was stamped, so
        // the same births are owed again once the cause is fixed.
        this.#retryLater(work);
        this.#log.error(
          { ...fields, detail: report.detail },
          'run did not complete; will retry the same births',
        );
      }
    } catch (error) {
      if (!this.#stopping) this.#retryLater(work);
      this.#log.error({ err: error, work: work.kind, ...scope }, 'run failed; will retry the same births');
    }
  }

  #retryLater(work: ListenWork): void {
    this.#pending.restore(work);
    this.#retryNotBefore = Date.now() + this.#runBackoff.next();
  }

  #idleSoon(): void {
    clearTimeout(this.#idleTimer ?? undefined);
    this.#idleTimer = setTimeout(() => this.#beat('idle'), this.#settings.idleAfterMs);
    this.#idleTimer.unref();
  }

  /** Records a state change (the writer orders the writes and reports failures to onError). */
  #beat(state: 'idle' | 'running' | 'stopping'): void {
    if (state === this.#beatState) return;
    this.#beatState = state;
    void this.#heartbeat?.set(state, this.#stats.lastReport?.runId);
  }

  #logSummary(): void {
    const window = this.#window;
    if (window.runs === 0 && window.announced === 0) return;
    this.#log.info(
      {
        runs: window.runs,
        announced: window.announced,
        scanned: window.scanned,
        slowestRunMs: window.slowestMs,
      },
      'listen summary since the last one',
    );
    this.#window = { runs: 0, announced: 0, scanned: 0, slowestMs: 0 };
  }
}
