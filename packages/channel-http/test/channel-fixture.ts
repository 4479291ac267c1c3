import { randomUUID } from 'node:crypto';
import {
  type ChannelLogger,
  contractSteps,
  type ProducerRunner,
  type ProducerRunOptions,
  type RunReport,
  silentLogger,
} from '@birth-lane/contract';
import { runReportFixture } from '@birth-lane/contract/testing';
import type { TestDatabase } from '@birth-lane/test-kit';
import { vi } from 'vitest';
import type { HttpChannelSettingsInput } from '../src/http-settings.js';
import { createHttpChannel, type HttpChannel, type HttpChannelDependencies } from '../src/index.js';

export const TOKEN = 'http-test-token-0123456789';
export const auth = { authorization: `Bearer ${TOKEN}` };
export const jsonAuth = { ...auth, 'content-type': 'application/json' };

/** The contract's database surfaces (the registry, the heartbeat table and beat function): all the channel touches. */
export const contractSetupSql = contractSteps.map((step) => step.mutation);

export function newChannel(
  t: { readonly db: TestDatabase },
  settings: Partial<HttpChannelSettingsInput> = {},
  dependencies: Partial<HttpChannelDependencies> = {},
): HttpChannel {
  return createHttpChannel(
    { port: 0, token: TOKEN, heartbeatIntervalMs: 200, ...settings },
    { db: t.db.pool, logger: silentLogger satisfies ChannelLogger, ...dependencies },
  );
}

/**
 * A runner whose run stays in flight until its signal aborts and the test calls `release()` (the
 * batch in flight ending), so "a run is in flight" and "the stop waits for it" are deterministic.
 */
export function heldRunner(): ProducerRunner & {
  calls: ProducerRunOptions[];
  finishedAt: number | null;
  release(): void;
} {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const runner = {
    specificationVersion: 'v1' as const,
    calls: [] as ProducerRunOptions[],
    finishedAt: null as number | null,
    release,
    async run(options: ProducerRunOptions): Promise<RunReport> {
      runner.calls.push(options);
      const startedAt = new Date();
      await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
      await released;
      runner.finishedAt = performance.now();
      return runReportFixture({
        runId: randomUUID(),
        channel: options.channel,
        outcome: 'stopped',
        startedAt,
        endedAt: new Date(),
        scanned: 0,
        passed: { pen: 0, stamp: 0, gate: 0 },
        failed: { pen: 0, stamp: 0, gate: 0 },
        detail: 'stopped on request',
      });
    },
  };
  return runner;
}

/** The newest heartbeat row of the http channel. */
export async function latestHttpHeartbeat(
  db: TestDatabase,
): Promise<{ state: string; last_run_id: string | null } | undefined> {
  const { rows } = await db.pool.query<{ state: string; last_run_id: string | null }>(
    `select state, last_run_id::text from birth_lane.producer_heartbeats
      where channel = 'http' order by started_at desc, beat_at desc limit 1`,
  );
  return rows[0];
}

/** One sample of Prometheus text, e.g. `sample(text, 'birth_lane_runs_total{outcome="completed"}')`. */
export function sample(text: string, series: string): string | undefined {
  return text
    .split('\n')
    .find((line) => line.startsWith(`${series} `))
    ?.slice(series.length + 1);
}

/** Polls `GET /runs/:id` until the run is no longer running. */
export async function finishedRun(base: string, id: string): Promise<Record<string, unknown>> {
  let run: Record<string, unknown> = {};
  await vi.waitFor(
    async () => {
      const response = await fetch(`${base}/runs/${id}`, { headers: auth });
      run = (await response.json()) as Record<string, unknown>;
      if (run['status'] === 'running') throw new Error(`run ${id} still running`);
    },
    { timeout: 20_000, interval: 50 },
  );
  return run;
}
