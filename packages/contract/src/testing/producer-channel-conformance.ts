import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProducerChannel, ProducerRunner, ProducerRunOptions } from '../ports/producer.js';
import type { RunReport } from '../run-report.js';
import { CHANNEL_NAMES } from '../run-report.js';

/** A runner that only counts calls, for checking a channel's lifecycle (not the producer's work). */
export function countingRunner(): ProducerRunner & { readonly calls: ProducerRunOptions[] } {
  const calls: ProducerRunOptions[] = [];
  return {
    specificationVersion: 'v1',
    calls,
    async run(options): Promise<RunReport> {
      calls.push(options);
      const now = new Date();
      return {
        runId: randomUUID(),
        ruleSetVersion: '1.0.0',
        ruleSetHash: 'b'.repeat(64),
        channel: options.channel,
        outcome: 'completed',
        startedAt: now,
        endedAt: now,
        scanned: 0,
        passed: { pen: 0, stamp: 0, gate: 0 },
        failed: { pen: 0, stamp: 0, gate: 0 },
        skipped: 0,
        ambiguous: 0,
      };
    },
  };
}

/**
 * A channel must name itself, start and stop cleanly, pass its own name to the runner, and start
 * no run after `stop` has resolved.
 */
export function describeProducerChannelConformance(
  name: string,
  makeChannel: () => ProducerChannel | Promise<ProducerChannel>,
): void {
  describe(`ProducerChannel conformance: ${name}`, () => {
    it('declares specification v1 and a known channel name', async () => {
      const channel = await makeChannel();
      expect(channel.specificationVersion).toBe('v1');
      expect(CHANNEL_NAMES).toContain(channel.name);
    });

    it('starts and stops, and runs nothing after stop', async () => {
      const channel = await makeChannel();
      const runner = countingRunner();
      await channel.start(runner);
      await channel.stop();
      for (const call of runner.calls) expect(call.channel).toBe(channel.name);
      const callsAtStop = runner.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runner.calls.length).toBe(callsAtStop);
    });
  });
}
