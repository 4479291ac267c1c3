import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ProducerChannel, ProducerRunner, ProducerRunOptions } from '../ports/producer.js';
import type { RunReport } from '../run-report.js';
import { CHANNEL_NAMES } from '../run-report.js';
import { runReportFixture } from './run-report-fixture.js';

/** A runner that only counts calls, for checking a channel's lifecycle (not the producer's work). */
export function countingRunner(): ProducerRunner & { readonly calls: ProducerRunOptions[] } {
  const calls: ProducerRunOptions[] = [];
  return {
    specificationVersion: 'v1',
    calls,
    async run(options): Promise<RunReport> {
      calls.push(options);
      const now = new Date();
      return runReportFixture({
        channel: options.channel,
        startedAt: now,
        endedAt: now,
        scanned: 0,
        passed: { pen: 0, stamp: 0, gate: 0 },
        failed: { pen: 0, stamp: 0, gate: 0 },
      });
    },
  };
}

/**
 * How the kit makes a channel do its work. A channel that runs the producer through the runner
 * says how to provoke a run (insert a birth, post a request, put a job on its queue); one whose
 * runs happen inside the database (pg_cron) says so, and is held to never calling the runner.
 * Without one of the two, "runs nothing after stop" would pass for a channel that never runs.
 */
export type ChannelProvocation =
  | {
      /** Makes the started channel start a run. After stop it may fail; it must not start one. */
      readonly provokeRun: (channel: ProducerChannel) => Promise<void>;
      /** How long a provoked run may take to reach the runner; 15 s unless given. */
      readonly runTimeoutMs?: number;
    }
  | { readonly runsInDatabase: true };

const QUIET_MS = 300;

/**
 * Fails unless a provoked run reaches the runner, under the channel's own name. Runs the channel
 * makes by itself once started (the listen channel's catch-up) do not count: only a run after the
 * provocation proves the channel heard it.
 */
export async function checkRunsWhenProvoked(
  channel: ProducerChannel,
  provokeRun: (channel: ProducerChannel) => Promise<void>,
  runTimeoutMs = 15_000,
): Promise<void> {
  const runner = countingRunner();
  await channel.start(runner);
  try {
    await sleep(QUIET_MS);
    const callsBefore = runner.calls.length;
    await provokeRun(channel);
    await expect
      .poll(() => runner.calls.length, { timeout: runTimeoutMs, interval: 50 })
      .toBeGreaterThan(callsBefore);
    for (const call of runner.calls) expect(call.channel).toBe(channel.name);
  } finally {
    await channel.stop();
  }
}

/** Fails if the channel starts a run once `stop` has resolved, even when provoked. */
export async function checkNothingRunsAfterStop(
  channel: ProducerChannel,
  provokeRun: (channel: ProducerChannel) => Promise<void>,
): Promise<void> {
  const runner = countingRunner();
  await channel.start(runner);
  await channel.stop();
  const callsAtStop = runner.calls.length;
  // A stopped channel may refuse the provocation itself (its server is closed, say): that is fine.
  await provokeRun(channel).catch(() => undefined);
  await sleep(QUIET_MS);
  expect(runner.calls.length).toBe(callsAtStop);
}

/** Fails if a channel whose runs happen in the database calls the runner at all. */
export async function checkNeverCallsRunner(channel: ProducerChannel): Promise<void> {
  const runner = countingRunner();
  await channel.start(runner);
  await sleep(QUIET_MS);
  await channel.stop();
  expect(runner.calls).toEqual([]);
}

/**
 * A channel must name itself, run through the runner under its own name when provoked (or, if its
 * runs happen in the database, never call the runner), start and stop cleanly, and start no run
 * after `stop` has resolved.
 */
export function describeProducerChannelConformance(
  name: string,
  makeChannel: () => ProducerChannel | Promise<ProducerChannel>,
  provocation: ChannelProvocation,
): void {
  describe(`ProducerChannel conformance: ${name}`, () => {
    it('declares specification v1 and a known channel name', async () => {
      const channel = await makeChannel();
      expect(channel.specificationVersion).toBe('v1');
      expect(CHANNEL_NAMES).toContain(channel.name);
    });

    if ('runsInDatabase' in provocation) {
      it('starts and stops, and never calls the runner (its runs happen in the database)', async () => {
        await checkNeverCallsRunner(await makeChannel());
      });
      return;
    }

    it(
      'runs through the runner under its own name when provoked',
      async () => {
        await checkRunsWhenProvoked(await makeChannel(), provocation.provokeRun, provocation.runTimeoutMs);
      },
      (provocation.runTimeoutMs ?? 15_000) + 10_000,
    );

    it('starts and stops, and runs nothing after stop, even when provoked', async () => {
      await checkNothingRunsAfterStop(await makeChannel(), provocation.provokeRun);
    });
  });
}
