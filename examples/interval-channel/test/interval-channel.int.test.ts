import {
  contractSteps,
  type Heartbeat,
  heartbeatSchema,
  parseChannelSettings,
  silentLogger,
} from '@birth-lane/contract';
import { countingRunner, describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { channelModule, createIntervalChannel } from '../src/index.js';

// The contract's steps give the test database `birth_lane.beat`, which the heartbeat calls.
const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation), name: 'interval-channel' });

const settings = (input: unknown) => parseChannelSettings('interval', channelModule.settingsSchema, input);

// A timer channel needs no provocation: its next tick is the run the kit waits for.
describeProducerChannelConformance(
  'interval channel (example)',
  () =>
    createIntervalChannel(settings({ everyMs: 20, heartbeatIntervalMs: 50 }), {
      db: t.db.pool,
      logger: silentLogger,
    }),
  { provokeRun: async () => undefined, runTimeoutMs: 2_000 },
);

describe('interval channel (example)', () => {
  it('refuses settings it does not understand, naming the field', () => {
    expect(() => settings({ everyMs: 1 })).toThrow(/everyMs.*at least 10 ms/s);
    expect(() => settings({ every: 100 })).toThrow(/every/);
  });

  it('stands with a heartbeat and writes `stopped` last', async () => {
    const channel = createIntervalChannel(settings({ everyMs: 20, heartbeatIntervalMs: 20 }), {
      db: t.db.pool,
      logger: silentLogger,
    });
    const runner = countingRunner();
    await channel.start(runner);
    await expect.poll(() => runner.calls.length, { timeout: 2_000 }).toBeGreaterThan(1);
    await channel.stop();
    const { rows } = await t.db.pool.query(
      `select instance_id as "instanceId", channel, host, pid, state, started_at as "startedAt",
              beat_at as "beatAt", last_run_id as "lastRunId"
         from birth_lane.producer_heartbeats`,
    );
    const beats: Heartbeat[] = rows.map((row) => heartbeatSchema.parse(row));
    // The conformance checks above ran channels in this database too: every one of them stopped.
    expect(beats.length).toBeGreaterThan(0);
    for (const beat of beats) expect(beat).toMatchObject({ channel: 'schedule', state: 'stopped' });
  });
});
