import { describe, expect, it } from 'vitest';
import type { ProducerChannel, ProducerRunner } from '../ports/producer.js';
import type { ChannelName } from '../run-report.js';
import {
  checkNeverCallsRunner,
  checkNothingRunsAfterStop,
  checkRunsWhenProvoked,
  describeProducerChannelConformance,
} from './producer-channel-conformance.js';

/** A fake channel whose behaviour each test breaks in one way. */
class FakeChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  #runner: ProducerRunner | null = null;

  constructor(
    readonly name: ChannelName,
    private readonly flaws: { silent?: boolean; runsAs?: ChannelName; runsAfterStop?: boolean } = {},
  ) {}

  async start(runner: ProducerRunner): Promise<void> {
    this.#runner = runner;
  }

  async stop(): Promise<void> {
    if (!this.flaws.runsAfterStop) this.#runner = null;
  }

  /** What a birth, a request or a queued job does to a real channel. */
  async provoke(): Promise<void> {
    if (this.flaws.silent || this.#runner === null) return;
    await this.#runner.run({ channel: this.flaws.runsAs ?? this.name });
  }
}

const provoke = (channel: ProducerChannel) => (channel as FakeChannel).provoke();

describeProducerChannelConformance('a well-behaved fake', () => new FakeChannel('listen'), {
  provokeRun: provoke,
});
describeProducerChannelConformance('a fake that runs in the database', () => new FakeChannel('pg-cron'), {
  runsInDatabase: true,
});

// Each check must fail when its property is broken.
describe('the channel conformance checks catch', () => {
  it('a channel that never calls the runner when provoked', async () => {
    await expect(
      checkRunsWhenProvoked(new FakeChannel('listen', { silent: true }), provoke, 300),
    ).rejects.toThrow();
  });

  it('a channel that runs once at start (a catch-up) but not when provoked', async () => {
    const catchingUp = new FakeChannel('listen', { silent: true });
    const start = catchingUp.start.bind(catchingUp);
    catchingUp.start = async (runner) => {
      await start(runner);
      await runner.run({ channel: 'listen' });
    };
    await expect(checkRunsWhenProvoked(catchingUp, provoke, 300)).rejects.toThrow();
  });

  it('a channel that runs under another channel name', async () => {
    await expect(
      checkRunsWhenProvoked(new FakeChannel('listen', { runsAs: 'http' }), provoke, 300),
    ).rejects.toThrow();
  });

  it('a channel that still runs after stop', async () => {
    await expect(
      checkNothingRunsAfterStop(new FakeChannel('listen', { runsAfterStop: true }), provoke),
    ).rejects.toThrow();
  });

  it('a database-side channel that calls the runner', async () => {
    const calling = new FakeChannel('pg-cron');
    const start = calling.start.bind(calling);
    calling.start = async (runner) => {
      await start(runner);
      await calling.provoke();
    };
    await expect(checkNeverCallsRunner(calling)).rejects.toThrow();
  });
});
