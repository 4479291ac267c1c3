import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { HeartbeatState } from '../heartbeat.js';
import type { Queryable } from '../ports/queryable.js';
import type { ChannelName } from '../run-report.js';
import { BEAT_HEARTBEAT_SQL } from '../sql/beat-heartbeat.js';
import type { ChannelLogger } from './channel-logger.js';
import { withDeadline } from './deadline.js';

export interface HeartbeatWriter {
  readonly instanceId: string;
  /** The state most recently asked for (what the next periodic beat writes). */
  readonly state: HeartbeatState;
  /**
   * Records a state change now and keeps beating with it. Never rejects: a failed write goes to
   * `onError` and the next beat tries again.
   */
  set(state: HeartbeatState, lastRunId?: string): Promise<void>;
  /** Stops beating and records `stopped`, as the last write. Never rejects. */
  stop(): Promise<void>;
}

export interface HeartbeatOptions {
  /** Between periodic beats; default 5000 ms. */
  readonly intervalMs?: number;
  /** Longest a single beat may take before it is given up on and reported; default 5000 ms. */
  readonly beatTimeoutMs?: number;
  /** Told of every failed beat; the writer itself never throws. */
  readonly onError?: (error: unknown) => void;
  /** Without onError: where a failed beat is logged (warn); the next beat tries again. */
  readonly logger?: ChannelLogger;
}

/**
 * The one heartbeat writer of every standing channel: it records this process in
 * `birth_lane.producer_heartbeats` at once and then every `intervalMs`, so `status` and the gate
 * policy can tell which producers stand and how recently they lived.
 *
 * Ordered: beats are written one after another, each carrying the state current when it is
 * written, and a write starts only after the one before it has settled, so an older state can
 * never land after a newer one (a slow periodic beat cannot make a stopped channel look alive
 * again). A caller waits at most `beatTimeoutMs`; a hanging beat is reported and the writes
 * behind it wait in line. After `stop()`, nothing more is asked for.
 */
export function startHeartbeat(
  db: Queryable,
  channel: ChannelName,
  options: HeartbeatOptions = {},
): HeartbeatWriter {
  const instanceId = `${hostname()}:${process.pid}:${channel}:${randomUUID().slice(0, 8)}`;
  const beatTimeoutMs = options.beatTimeoutMs ?? 5000;
  let state: HeartbeatState = 'idle';
  let lastRunId: string | null = null;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();

  const report = (error: unknown): void => {
    try {
      if (options.onError) options.onError(error);
      else options.logger?.warn({ err: error }, 'heartbeat not written; the next beat tries again');
    } catch {
      // A failing error handler must not break the channel either.
    }
  };
  // Each write reads the state when it starts, not when it was asked for, so a queued beat always
  // writes the newest state; and the next write starts only once this one has really settled
  // (not merely timed out), so a slow beat can never commit after a newer one.
  const write = async (): Promise<void> => {
    try {
      await db.query(BEAT_HEARTBEAT_SQL, [instanceId, channel, hostname(), process.pid, state, lastRunId]);
    } catch (error) {
      report(error);
    }
  };
  let pending = 0;
  const enqueue = (): Promise<void> => {
    pending += 1;
    queue = queue.then(write).finally(() => {
      pending -= 1;
    });
    return queue;
  };
  // A caller waits at most beatTimeoutMs for its beat; a beat still hanging then is reported and
  // stays in line, where the writes behind it wait for it.
  const waitBounded = (written: Promise<void>): Promise<void> =>
    withDeadline(written, beatTimeoutMs, 'heartbeat write').catch(report);

  void enqueue();
  const timer = setInterval(() => {
    // No pile-up while the database is slow: a periodic beat only when none is waiting.
    if (!stopped && pending === 0) void enqueue();
  }, options.intervalMs ?? 5000);
  timer.unref();

  return {
    instanceId,
    get state() {
      return state;
    },
    set(next, runId) {
      if (stopped) return waitBounded(queue);
      state = next;
      if (runId) lastRunId = runId;
      return waitBounded(enqueue());
    },
    stop() {
      if (stopped) return waitBounded(queue);
      stopped = true;
      clearInterval(timer);
      state = 'stopped';
      return waitBounded(enqueue());
    },
  };
}
