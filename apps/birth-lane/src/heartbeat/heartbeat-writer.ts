import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ChannelName, HeartbeatState, Queryable } from '@birth-lane/contract';

export interface HeartbeatWriter {
  readonly instanceId: string;
  /** Records a state change at once (and keeps beating with it). */
  set(state: HeartbeatState, lastRunId?: string): Promise<void>;
  /** Stops beating and records `stopped`. */
  stop(): Promise<void>;
}

/**
 * Writes this process's heartbeat to `birth_lane.producer_heartbeats` every `intervalMs`, so the
 * gate policy and `birth-lane status` can tell which producers stand and how recently they lived.
 * A failed beat is reported to `onError` and retried on the next tick; it never stops the channel.
 */
export async function startHeartbeat(
  db: Queryable,
  channel: ChannelName,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): Promise<HeartbeatWriter> {
  const instanceId = `${hostname()}:${process.pid}:${channel}:${randomUUID().slice(0, 8)}`;
  let state: HeartbeatState = 'idle';
  let lastRunId: string | null = null;
  // Beats run one after another: a periodic beat still in flight on another pooled connection
  // could otherwise commit after `stopped` and make a stopped channel look alive again.
  let previous: Promise<unknown> = Promise.resolve();
  const beat = (): Promise<unknown> => {
    const next = previous.then(() =>
      // birth_lane.beat sets the time from the server clock and the row's login from session_user.
      db.query(
        'select birth_lane.beat($1::text, $2::text, $3::text, $4::int, $5::text, $6::uuid, null::jsonb)',
        [instanceId, channel, hostname(), process.pid, state, lastRunId],
      ),
    );
    previous = next.catch(() => undefined);
    return next;
  };
  await beat();
  const timer = setInterval(() => {
    beat().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 5000);
  timer.unref();
  return {
    instanceId,
    async set(next, runId) {
      state = next;
      if (runId) lastRunId = runId;
      await beat();
    },
    async stop() {
      clearInterval(timer);
      state = 'stopped';
      await beat();
    },
  };
}
