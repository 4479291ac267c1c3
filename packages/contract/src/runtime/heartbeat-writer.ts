import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { HeartbeatState } from '../heartbeat.js';
import type { Queryable } from '../ports/queryable.js';
import type { ChannelName } from '../run-report.js';
import { BEAT_HEARTBEAT_SQL } from '../sql/beat-heartbeat.js';
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
}

/**
 * The one heartbeat writer of every standing channel: it records this process in
 * `birth_lane.producer_heartbeats` at once and then every `intervalMs`, so `status` and the gate
 * policy can tell which producers stand and how recently they lived.
 *
 * Ordered: beats are written one after another, each carrying the state current when it is
 * written, so an older state can never land after a newer one (a periodic beat still in flight on
 * another pooled connection cannot make a stopped channel look alive again). After `stop()`,
 * nothing more is written.
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
      options.onError?.(error);
    } catch {
      // A failing error handler must not break the channel either.
    }
  };
  // Reads the state when the write starts, not when it was asked for: a queued beat always writes
  // the newest state, so the order of the rows follows the order of the calls.
  const write = async (): Promise<void> => {
    try {
      await withDeadline(
        db.query(BEAT_HEARTBEAT_SQL, [instanceId, channel, hostname(), process.pid, state, lastRunId]),
        beatTimeoutMs,
        'heartbeat write',
      );
    } catch (error) {
      report(error);
    }
  };
  const enqueue = (): Promise<void> => {
    queue = queue.then(write);
    return queue;
  };

  void enqueue();
  const timer = setInterval(() => {
    if (!stopped) void enqueue();
  }, options.intervalMs ?? 5000);
  timer.unref();

  return {
    instanceId,
    get state() {
      return state;
    },
    set(next, runId) {
      if (stopped) return queue;
      state = next;
      if (runId) lastRunId = runId;
      return enqueue();
    },
    stop() {
      if (stopped) return queue;
      stopped = true;
      clearInterval(timer);
      state = 'stopped';
      return enqueue();
    },
  };
}
