import { setTimeout as sleep } from 'node:timers/promises';
import { birthSteps } from '@birth-lane/birth';
import {
  BIRTH_NOTIFY_CHANNEL,
  type ChannelLogger,
  contractSteps,
  type ListenPort,
  type ProducerRunner,
  type ProducerRunOptions,
  type Queryable,
  type RunOutcome,
  type RunReport,
  silentLogger,
} from '@birth-lane/contract';
import { describeProducerChannelConformance, runReportFixture } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it, vi } from 'vitest';
import { createListenChannel } from '../src/create-listen-channel.js';
import type { ListenChannelSettingsInput } from '../src/listen-settings.js';
import { pgListenPort } from '../src/pg-listen-port.js';

// The registry and the birth block's announcing trigger: a birth inserted here is announced on
// BIRTH_NOTIFY_CHANNEL exactly as in a lane, so these tests hold the channel to the real wire protocol.
const t = useTestDatabase({ setupSql: [...contractSteps, ...birthSteps].map((step) => step.mutation) });

const LISTENER = 'birth-lane listen channel test';
let nextCode = 1;

/** Inserts `count` births in ONE transaction (the trigger announces each); returns their ids. */
async function insertBirths(db: Queryable, count: number): Promise<string[]> {
  const first = nextCode;
  nextCode += count;
  const { rows } = await db.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, dot_origin)
     select 'ENT-' || lpad(($1::int + i)::text, 8, '0'), 'fauna', 'dot://listen-test'
       from generate_series(0, $2::int - 1) as i
     returning id::text`,
    [first, count],
  );
  return rows.map((row) => row.id);
}

async function listenerSessions(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and application_name = $1::text',
    [LISTENER],
  );
  return rows.map((row) => row.pid);
}

async function heartbeats(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    "select state from birth_lane.producer_heartbeats where channel = 'listen' order by beat_at",
  );
  return rows.map((row) => row.state);
}

interface RunnerScript {
  /** What the n-th run (from 0) does instead of completing at once. */
  readonly run?: (options: ProducerRunOptions, index: number) => Promise<RunOutcome | undefined>;
}

/**
 * A runner standing in for the producer: the channel decides when runs happen and over what, which
 * is what these tests look at. It records every call and how many overlap.
 */
function recordingRunner(script: RunnerScript = {}) {
  const calls: ProducerRunOptions[] = [];
  const startedAt: number[] = [];
  const state = { inFlight: 0, maxInFlight: 0, finished: 0 };
  const runner: ProducerRunner = {
    specificationVersion: 'v1',
    async run(options): Promise<RunReport> {
      const index = calls.push(options) - 1;
      startedAt.push(performance.now());
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        const outcome = (await script.run?.(options, index)) ?? 'completed';
        // As the producer reports it: without an active rule set nothing passed, under no hash.
        const unruled = { ruleSetVersion: null, ruleSetHash: null, passed: { pen: 0, stamp: 0, gate: 0 } };
        return runReportFixture({
          channel: 'listen',
          outcome,
          ...(outcome === 'source_recovery_required' ? unruled : {}),
        });
      } finally {
        state.inFlight -= 1;
        state.finished += 1;
      }
    },
  };
  const catchUps = (from = 0) => calls.slice(from).filter((call) => call.idFrom === undefined);
  /** True when some call from `from` on covers `id`: a catch-up, or a range holding it. */
  const covered = (id: string, from = 0) =>
    calls
      .slice(from)
      .some(
        (call) =>
          call.idFrom === undefined ||
          (BigInt(call.idFrom) <= BigInt(id) && BigInt(id) <= BigInt(call.idTo ?? call.idFrom)),
      );
  return { runner, calls, startedAt, state, catchUps, covered };
}

/** A logger that keeps every entry, for the tests that read the logs. */
function recordingLogger() {
  const entries: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      entries.push({ level, message, fields });
    };
  const logger: ChannelLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, entries, messages: () => entries.map((entry) => entry.message) };
}

function makeChannel(
  settings: ListenChannelSettingsInput = {},
  dependencies: { listen?: ListenPort; logger?: ChannelLogger; connectionString?: string } = {},
) {
  return createListenChannel(
    { heartbeatIntervalMs: 200, idleAfterMs: 50, ...settings },
    {
      db: t.db.pool,
      logger: dependencies.logger ?? silentLogger,
      listen:
        dependencies.listen ??
        pgListenPort({
          connectionString: dependencies.connectionString ?? t.db.connectionString,
          applicationName: LISTENER,
        }),
    },
  );
}

describe('the listen channel', () => {
  it('catches up at start, then runs each trickle birth alone within 100 ms of its commit (median)', async () => {
    await insertBirths(t.db.pool, 3);
    const watched = recordingRunner();
    const channel = makeChannel();
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.finished).toBe(1);
      expect(watched.calls[0]).toMatchObject({ channel: 'listen' });
      // Over everything uncertified, so the births from before it stood are inside it.
      expect(watched.calls[0]!.idFrom).toBeUndefined();

      const latencies: number[] = [];
      for (let birth = 0; birth < 10; birth += 1) {
        const [id] = await insertBirths(t.db.pool, 1); // autocommit: resolved = committed
        const committedAt = performance.now();
        await vi.waitFor(() => expect(watched.calls.some((call) => call.idFrom === id)).toBe(true), {
          timeout: 2000,
          interval: 2,
        });
        latencies.push(performance.now() - committedAt);
        await sleep(20 + birth * 3);
      }
      // Event-driven, not polled: the typical birth gets its run within 100 ms of its commit. The
      // median, not the maximum, because one birth can wait behind a busy CI machine; each one is
      // still bounded by the 2 s above.
      const median = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!;
      expect(median, `latencies (ms): ${latencies.map((ms) => ms.toFixed(1)).join(', ')}`).toBeLessThan(100);
      for (const call of watched.calls.slice(-10)) expect(call.idFrom).toBe(call.idTo);
      expect(watched.state.maxInFlight).toBe(1);
    } finally {
      await channel.stop();
    }
  });

  it('coalesces a burst of 2,000 births into far fewer runs, never more than one in flight', async () => {
    // Each run takes a while, as real ones do, so announcements pile up behind it.
    const watched = recordingRunner({
      run: async () => {
        await sleep(20);
        return undefined;
      },
    });
    const channel = makeChannel();
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.finished).toBe(1);
      const callsBefore = watched.calls.length;
      // 20 transactions of 100 births, back to back from 4 sessions: a burst of many commits.
      const ids = (
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            const mine: string[] = [];
            for (let i = 0; i < 5; i += 1) mine.push(...(await insertBirths(t.db.pool, 100)));
            return mine;
          }),
        )
      ).flat();
      expect(ids).toHaveLength(2000);
      await expect
        .poll(() => ids.every((id) => watched.covered(id, callsBefore)), { timeout: 20_000 })
        .toBe(true);
      await expect.poll(() => watched.state.inFlight).toBe(0);

      const burstRuns = watched.calls.length - callsBefore;
      expect(burstRuns).toBeGreaterThan(0);
      expect(burstRuns).toBeLessThanOrEqual(40);
      expect(watched.state.maxInFlight).toBe(1);
      expect(channel.stats.announced).toBe(2000);
      expect(watched.catchUps(callsBefore)).toEqual([]); // all of it announced, none caught up
    } finally {
      await channel.stop();
    }
  });

  it('reopens a terminated session with backoff, LISTENs again and catches up on births announced meanwhile', async () => {
    const watched = recordingRunner();
    const channel = makeChannel({ retryInitialMs: 300, retryMaxMs: 1000 });
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.finished).toBe(1);
      const [pid] = await listenerSessions(t.db.pool);
      expect(pid).toBeDefined();
      await t.db.pool.query('select pg_terminate_backend($1::int)', [pid]);
      await expect.poll(() => listenerSessions(t.db.pool), { interval: 5 }).toEqual([]);

      const callsWhileDown = watched.calls.length;
      const missed = await insertBirths(t.db.pool, 5); // announced to nobody
      await expect.poll(() => channel.stats.reconnects, { timeout: 5000 }).toBe(1);
      await expect.poll(() => missed.every((id) => watched.covered(id, callsWhileDown))).toBe(true);
      expect(watched.catchUps(callsWhileDown)).toHaveLength(1);
      expect(await listenerSessions(t.db.pool)).toHaveLength(1);

      // And it listens again: a new birth is announced and gets a run scoped to it.
      const [later] = await insertBirths(t.db.pool, 1);
      await expect
        .poll(() => watched.calls.some((call) => call.idFrom === later && call.idTo === later), {
          timeout: 2000,
        })
        .toBe(true);
    } finally {
      await channel.stop();
    }
    expect(await listenerSessions(t.db.pool)).toEqual([]);
  });

  it('treats a ping that does not answer in time as a lost session', async () => {
    // A silent network cut: the session looks open, but its next ping never answers.
    const real = pgListenPort({ connectionString: t.db.connectionString, applicationName: LISTENER });
    let hangNextPing = false;
    const listen: ListenPort = {
      specificationVersion: 'v1',
      async open(channel, handlers) {
        const session = await real.open(channel, handlers);
        return {
          ping: () => {
            if (!hangNextPing) return session.ping();
            hangNextPing = false;
            return new Promise<void>(() => {});
          },
          close: () => session.close(),
        };
      },
    };
    const watched = recordingRunner();
    const channel = makeChannel(
      { pingIntervalMs: 50, pingTimeoutMs: 100, retryInitialMs: 50, retryMaxMs: 100 },
      { listen },
    );
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.finished).toBe(1);
      const [first] = await listenerSessions(t.db.pool);
      hangNextPing = true;
      await expect.poll(() => channel.stats.reconnects, { timeout: 5000 }).toBe(1);
      // The silent session was closed, a new one stands, and it caught up.
      await expect.poll(() => listenerSessions(t.db.pool)).toHaveLength(1);
      expect(await listenerSessions(t.db.pool)).not.toContain(first);
      await expect.poll(() => watched.catchUps().length).toBe(2);
    } finally {
      await channel.stop();
    }
  });

  it('retries the same births with backoff when a run fails or finds no active rule set', async () => {
    const outcomes: Array<RunOutcome | 'throw'> = ['throw', 'source_recovery_required', 'completed'];
    const watched = recordingRunner({
      run: async (options) => {
        if (options.idFrom === undefined) return 'completed'; // the catch-up
        const next = outcomes.shift();
        if (next === 'throw') throw new Error('the database went away');
        return next;
      },
    });
    const { logger, entries } = recordingLogger();
    const channel = makeChannel({ retryInitialMs: 50, retryMaxMs: 100 }, { logger });
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.finished).toBe(1);
      const [id] = await insertBirths(t.db.pool, 1);
      await expect.poll(() => outcomes).toEqual([]);
      await expect.poll(() => watched.state.inFlight).toBe(0);
      expect(watched.calls.slice(1).map((call) => [call.idFrom, call.idTo])).toEqual([
        [id, id],
        [id, id],
        [id, id],
      ]);
      // Not at once: the first retry waits 25–50 ms, the next 50–100 ms (jittered doubling).
      const [, failedAt, firstRetryAt, secondRetryAt] = watched.startedAt;
      expect(firstRetryAt! - failedAt!).toBeGreaterThanOrEqual(20);
      expect(secondRetryAt! - firstRetryAt!).toBeGreaterThanOrEqual(45);
      expect(entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
        'run failed; will retry the same births',
        'run did not complete; will retry the same births',
      ]);
    } finally {
      await channel.stop();
    }
  });

  it('ignores an announcement whose payload is not a registry id', async () => {
    const watched = recordingRunner();
    const { logger, entries } = recordingLogger();
    const channel = makeChannel({}, { logger });
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.finished).toBe(1);
      for (const payload of ['not-an-id', '0', '007', '-5', '9223372036854775808'])
        await t.db.pool.query('select pg_notify($1::text, $2::text)', [BIRTH_NOTIFY_CHANNEL, payload]);
      await t.db.pool.query('select pg_notify($1::text, $2::text)', [
        BIRTH_NOTIFY_CHANNEL,
        '9223372036854775807',
      ]);
      await expect.poll(() => watched.calls.length).toBe(2);
      expect(watched.calls[1]).toMatchObject({ idFrom: '9223372036854775807', idTo: '9223372036854775807' });
      expect(channel.stats.announced).toBe(1);
      expect(
        entries
          .filter((entry) => entry.message === 'ignored an announcement whose payload is not a registry id')
          .map((entry) => entry.fields['payload']),
      ).toEqual(['not-an-id', '0', '007', '-5', '9223372036854775808']);
    } finally {
      await channel.stop();
    }
  });

  it('says running during a run, idle only idleAfterMs after the last, and logs a summary', async () => {
    await t.db.pool.query('delete from birth_lane.producer_heartbeats');
    let finishRun!: () => void;
    const watched = recordingRunner({
      run: () => new Promise((resolve) => (finishRun = () => resolve(undefined))),
    });
    const { logger, entries } = recordingLogger();
    const channel = makeChannel({ idleAfterMs: 600, summaryIntervalMs: 100 }, { logger });
    await channel.start(watched.runner);
    try {
      await expect.poll(() => watched.state.inFlight).toBe(1);
      await expect.poll(() => heartbeats(t.db.pool)).toEqual(['running']);
      finishRun();
      await expect.poll(() => watched.state.finished).toBe(1);
      await sleep(200);
      expect(await heartbeats(t.db.pool)).toEqual(['running']); // a run just ended: not idle yet
      await expect.poll(() => heartbeats(t.db.pool), { timeout: 2000 }).toEqual(['idle']);
      const summary = entries.find((entry) => entry.message === 'listen summary since the last one');
      expect(summary?.fields).toMatchObject({ runs: 1, announced: 0 });
    } finally {
      await channel.stop();
    }
  });

  it('fails start when it cannot open its session, and records a stopped heartbeat', async () => {
    const url = new URL(t.db.connectionString);
    url.pathname = '/birth_lane_no_such_database';
    const beatsBefore = await heartbeats(t.db.pool);
    const channel = makeChannel({}, { connectionString: url.toString() });
    await expect(channel.start(recordingRunner().runner)).rejects.toThrow(/birth_lane_no_such_database/);
    const beatsAfter = await heartbeats(t.db.pool);
    expect(beatsAfter).toHaveLength(beatsBefore.length + 1);
    expect(beatsAfter.every((state) => state === 'stopped')).toBe(true);
  });
});

describe('stopping the listen channel', () => {
  it('UNLISTENs, lets the run in flight finish its batch, starts nothing after, and says stopped last', async () => {
    await t.db.pool.query('delete from birth_lane.producer_heartbeats');
    const order: string[] = [];
    // The catch-up is "in a batch" until the channel aborts it; then it finishes that batch.
    const watched = recordingRunner({
      run: async (options) => {
        await new Promise((resolve) => options.signal?.addEventListener('abort', resolve, { once: true }));
        await sleep(500);
        order.push('run finished its batch');
        return 'stopped';
      },
    });
    const { logger, messages } = recordingLogger();
    const channel = makeChannel({}, { logger });
    await channel.start(watched.runner);
    await expect.poll(() => watched.state.inFlight).toBe(1);
    await expect.poll(() => heartbeats(t.db.pool)).toEqual(['running']);
    expect(await listenerSessions(t.db.pool)).toHaveLength(1);
    // A birth announced during the run is owed a run; once stop is asked for, it waits for the
    // next start's catch-up instead.
    await insertBirths(t.db.pool, 1);
    await expect.poll(() => channel.stats.announced).toBe(1);

    await channel.stop();
    order.push('stop resolved');
    expect(order).toEqual(['run finished its batch', 'stop resolved']);
    expect(watched.calls[0]!.signal?.aborted).toBe(true);
    expect(await listenerSessions(t.db.pool)).toEqual([]);
    expect(await heartbeats(t.db.pool)).toEqual(['stopped']);
    expect(messages()).toContain('run stopped after its batch in flight');
    expect(messages().at(-1)).toBe('listen channel stopped');

    await insertBirths(t.db.pool, 1);
    await sleep(300);
    expect(watched.calls).toHaveLength(1);
    await channel.start(watched.runner); // a stopped channel does not come back
    expect(watched.calls).toHaveLength(1);
    expect(await heartbeats(t.db.pool)).toEqual(['stopped']);
  });

  describeProducerChannelConformance('listen', () => makeChannel(), {
    provokeRun: async () => {
      await insertBirths(t.db.pool, 1);
    },
  });
});
