import { BIRTH_NOTIFY_CHANNEL } from '@birth-lane/birth';
import {
  type HeartbeatWriter,
  type ProducerChannel,
  type ProducerRunner,
  type Queryable,
  quoteIdentifier,
  type RunReport,
  startHeartbeat,
} from '@birth-lane/contract';
import type pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { Backoff } from './backoff.js';
import { type ListenWork, PendingBirths } from './pending-births.js';

export interface ListenChannelOptions {
  /**
   * Opens a NEW, connected session for LISTEN. Never a pooled one: a LISTEN belongs to its
   * session, and a pool would hand that session to other work or close it when idle.
   */
  readonly connect: () => Promise<pg.Client>;
  /** Where the heartbeat is written (the app's pool). */
  readonly db: Queryable;
  readonly log: Logger;
  /**
   * How long the first announcement waits for more before a run starts. Small: births of one
   * transaction arrive together anyway, and a trickle birth should be inspected at once.
   */
  readonly coalesceMs?: number;
  /** Initial rows per batch of each run (the producer adapts it). */
  readonly batchSize?: number;
  /** Reconnect (and failed-run retry) backoff. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** A silent TCP cut never ends the session by itself; a periodic ping on the listener does. */
  readonly pingIntervalMs?: number;
  readonly pingTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** The heartbeat says `idle` only after this long without a run, so a busy trickle does not flap it. */
  readonly idleAfterMs?: number;
  /** How often a summary of the runs is logged at info (each routine run is logged at debug). */
  readonly summaryIntervalMs?: number;
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

const DEFAULTS = {
  coalesceMs: 5,
  retryInitialMs: 100,
  retryMaxMs: 30_000,
  pingIntervalMs: 10_000,
  pingTimeoutMs: 5_000,
  heartbeatIntervalMs: 5_000,
  idleAfterMs: 1_000,
  summaryIntervalMs: 60_000,
};
const ID_PAYLOAD = /^[0-9]{1,19}$/;
const LISTEN_SQL = `listen ${quoteIdentifier(BIRTH_NOTIFY_CHANNEL)}`;
const UNLISTEN_SQL = `unlisten ${quoteIdentifier(BIRTH_NOTIFY_CHANNEL)}`;

/**
 * The `listen` channel: inspects births as they are announced (the birth block's
 * `pg_notify('birth_lane_birth', id)` on every registry insert), on one dedicated session.
 *
 *  - Coalescing: at most one run is in flight; announcements that arrive meanwhile are folded
 *    into one id range, and the next run covers all of it. A trickle birth waits only
 *    `coalesceMs`; a burst of thousands per second costs a handful of runs, not thousands.
 *  - Catch-up: at start, and after every reconnect, one run over everything uncertified, so
 *    births announced while nobody listened are inspected too. LISTEN is issued first, so no
 *    birth falls between the catch-up and the first announcement.
 *  - A lost session (error, end, or a ping that fails) is reopened with backoff; a failed run is
 *    retried with backoff over the same work.
 *  - stop(): UNLISTEN, the run in flight finishes its batch (its report says `stopped`), and the
 *    heartbeat says `stopped`.
 */
export class ListenChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'listen' as const;

  readonly #options: ListenChannelOptions;
  readonly #tuning: typeof DEFAULTS;
  readonly #log: Logger;
  readonly #pending = new PendingBirths();
  readonly #abort = new AbortController();
  readonly #reconnectBackoff: Backoff;
  readonly #runBackoff: Backoff;
  #runner: ProducerRunner | null = null;
  #starting: Promise<void> | null = null;
  #reconnecting: Promise<void> | null = null;
  #client: pg.Client | null = null;
  #heartbeat: HeartbeatWriter | null = null;
  #beats: Promise<void> = Promise.resolve();
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

  constructor(options: ListenChannelOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#tuning = {
      coalesceMs: options.coalesceMs ?? DEFAULTS.coalesceMs,
      retryInitialMs: options.retryInitialMs ?? DEFAULTS.retryInitialMs,
      retryMaxMs: options.retryMaxMs ?? DEFAULTS.retryMaxMs,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      pingTimeoutMs: options.pingTimeoutMs ?? DEFAULTS.pingTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
      idleAfterMs: options.idleAfterMs ?? DEFAULTS.idleAfterMs,
      summaryIntervalMs: options.summaryIntervalMs ?? DEFAULTS.summaryIntervalMs,
    };
    this.#reconnectBackoff = new Backoff(this.#tuning.retryInitialMs, this.#tuning.retryMaxMs);
    this.#runBackoff = new Backoff(this.#tuning.retryInitialMs, this.#tuning.retryMaxMs);
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
    this.#heartbeat = await startHeartbeat(this.#options.db, this.name, {
      intervalMs: this.#tuning.heartbeatIntervalMs,
      onError: (error) => this.#log.warn({ err: error }, 'heartbeat failed; retrying on the next beat'),
    });
    this.#beatState = 'idle';
    if (this.#stopping) return;
    await this.#listen();
    this.#summaryTimer = setInterval(() => this.#logSummary(), this.#tuning.summaryIntervalMs);
    this.#summaryTimer.unref();
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    // A start or a reconnect under way sees #stopping and gives its session back; wait for it.
    await this.#starting?.catch(() => undefined);
    await this.#reconnecting;
    for (const timer of [this.#runTimer, this.#reconnectTimer, this.#idleTimer])
      clearTimeout(timer ?? undefined);
    clearInterval(this.#pingTimer ?? undefined);
    clearInterval(this.#summaryTimer ?? undefined);
    if (this.#heartbeat) this.#beat('stopping');
    // The producer stops after the batch in flight; the rows of that batch are finished, not cut.
    this.#abort.abort();
    const client = this.#client;
    this.#client = null;
    if (client) {
      try {
        await withTimeout(client.query(UNLISTEN_SQL), this.#tuning.pingTimeoutMs, 'UNLISTEN');
      } catch (error) {
        this.#log.warn({ err: error }, 'UNLISTEN failed; closing the session anyway');
      }
      await this.#close(client);
    }
    await this.#inFlight;
    await this.#beats;
    if (this.#heartbeat) {
      await this.#heartbeat
        .stop()
        .catch((error: unknown) => this.#log.warn({ err: error }, 'could not record the stopped heartbeat'));
    }
    this.#logSummary();
    this.#log.info({ ...this.stats, lastReport: undefined }, 'listen channel stopped');
  }

  /** Opens a session, LISTENs, and owes a catch-up over everything uncertified. */
  async #listen(): Promise<void> {
    const client = await this.#options.connect();
    client.on('notification', (message) => this.#announced(message.channel, message.payload));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the session ended')));
    try {
      await withTimeout(client.query(LISTEN_SQL), this.#tuning.pingTimeoutMs, 'LISTEN');
    } catch (error) {
      await this.#close(client);
      throw error;
    }
    if (this.#stopping) {
      await this.#close(client);
      return;
    }
    this.#client = client;
    this.#pingTimer = setInterval(() => void this.#ping(client), this.#tuning.pingIntervalMs);
    this.#pingTimer.unref();
    this.#log.info(
      { notifyChannel: BIRTH_NOTIFY_CHANNEL },
      'listening for births; catching up on everything uncertified',
    );
    this.#pending.requestCatchUp();
    this.#schedule(0);
  }

  #announced(channel: string, payload: string | undefined): void {
    if (channel !== BIRTH_NOTIFY_CHANNEL || this.#stopping) return;
    if (payload === undefined || !ID_PAYLOAD.test(payload)) {
      this.#log.warn({ payload }, 'ignored an announcement whose payload is not a registry id');
      return;
    }
    this.#stats.announced += 1;
    this.#window.announced += 1;
    this.#pending.add(BigInt(payload));
    this.#schedule(this.#tuning.coalesceMs);
  }

  async #ping(client: pg.Client): Promise<void> {
    try {
      await withTimeout(client.query('select 1'), this.#tuning.pingTimeoutMs, 'ping');
    } catch (error) {
      this.#lost(client, error);
    }
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return; // already handled, or stopping
    this.#client = null;
    clearInterval(this.#pingTimer ?? undefined);
    void this.#close(client);
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
        ...(this.#options.batchSize ? { batchSize: this.#options.batchSize } : {}),
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
    this.#idleTimer = setTimeout(() => this.#beat('idle'), this.#tuning.idleAfterMs);
    this.#idleTimer.unref();
  }

  /** Heartbeat writes are chained so an older state can never land after a newer one. */
  #beat(state: 'idle' | 'running' | 'stopping'): void {
    if (state === this.#beatState) return;
    this.#beatState = state;
    const heartbeat = this.#heartbeat;
    const runId = this.#stats.lastReport?.runId;
    if (!heartbeat) return;
    this.#beats = this.#beats
      .then(() => heartbeat.set(state, runId))
      .catch((error: unknown) => this.#log.warn({ err: error, state }, 'could not record the heartbeat'));
  }

  async #close(client: pg.Client): Promise<void> {
    client.removeAllListeners();
    // A closing session may still report an error; it must not crash the process.
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
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

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
