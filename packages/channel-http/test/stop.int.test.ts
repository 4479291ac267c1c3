import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import type { HttpRoutePlugin } from '../src/index.js';
import {
  auth,
  contractSetupSql,
  heldRunner,
  jsonAuth,
  latestHttpHeartbeat,
  newChannel,
} from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-stop' });

describe('the heartbeat', () => {
  it('records the channel idle while it stands and stopped once it has stopped', async () => {
    const channel = newChannel(t);
    await channel.start(countingRunner());
    await expect.poll(async () => (await latestHttpHeartbeat(t.db))?.state).toBe('idle');
    await channel.stop();
    expect((await latestHttpHeartbeat(t.db))?.state).toBe('stopped');
  });
});

describe('a graceful stop', () => {
  it('aborts the run in flight and waits for it, still answering 503 meanwhile; stopped is the last beat', async () => {
    const channel = newChannel(t);
    const runner = heldRunner();
    await channel.start(runner);
    const base = channel.url;
    const started = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: '{"maxRows": 10}',
    });
    const { runId } = (await started.json()) as { runId: string };
    await expect.poll(() => runner.calls.length).toBe(1);
    await expect.poll(async () => (await latestHttpHeartbeat(t.db))?.state).toBe('running');

    const stopping = channel.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    // While the run in flight ends, new requests are still answered, and told the truth.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(health.headers.get('connection')).toBe('close');
    expect(await health.json()).toEqual({ status: 'stopping', database: 'unknown' });
    const refused = await fetch(`${base}/runs`, { method: 'POST', headers: auth });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'stopping' });
    expect(await (await fetch(`${base}/runs/${runId}`, { headers: auth })).json()).toMatchObject({
      status: 'running',
    });
    expect((await latestHttpHeartbeat(t.db))?.state).toBe('stopping');

    expect(runner.calls[0]!.signal?.aborted).toBe(true);
    // The run's batch in flight has not ended yet: neither has the stop.
    expect(stopped).toBe(false);
    runner.release();
    await stopping;
    // The stopped beat came after the run's own.
    expect(runner.finishedAt).not.toBeNull();
    expect(await latestHttpHeartbeat(t.db)).toMatchObject({ state: 'stopped' });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(runner.calls).toHaveLength(1);
    // Stopping twice is harmless.
    await channel.stop();
  });

  it('cuts a connection still busy closeGraceMs after the server stopped accepting', async () => {
    let requestArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      requestArrived = resolve;
    });
    // A route that never answers (as a hung console request would), added as a plugin.
    const hangingPlugin: HttpRoutePlugin = async (app) => {
      app.get('/hang', () => {
        requestArrived();
        return new Promise(() => {});
      });
    };
    const channel = newChannel(t, { closeGraceMs: 300 }, { plugins: [hangingPlugin] });
    await channel.start(countingRunner());
    const hanging = fetch(`${channel.url}/hang`, { headers: auth }).then(
      () => 'answered',
      () => 'cut',
    );
    await arrived;
    const began = performance.now();
    await channel.stop();
    const took = performance.now() - began;
    expect(await hanging).toBe('cut');
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5000);
    expect((await latestHttpHeartbeat(t.db))?.state).toBe('stopped');
  });
});

describe('start', () => {
  it('refuses a port already taken, naming it, and records no standing channel', async () => {
    const first = newChannel(t);
    await first.start(countingRunner());
    try {
      const port = Number(new URL(first.url).port);
      const second = newChannel(t, { port });
      await expect(second.start(countingRunner())).rejects.toThrow(
        new RegExp(`--port: cannot listen on 127\\.0\\.0\\.1:${port}`),
      );
    } finally {
      await first.stop();
    }
  });

  it('starts only once', async () => {
    const channel = newChannel(t);
    await channel.start(countingRunner());
    await expect(channel.start(countingRunner())).rejects.toThrow(/cannot start when standing/);
    await channel.stop();
  });
});

describe('start with a plugin that fails to load', () => {
  it('rejects with the plugin error and records the channel stopped, not standing', async () => {
    const broken: HttpRoutePlugin = async () => {
      throw new Error('the console could not load its assets');
    };
    const channel = newChannel(t, {}, { plugins: [broken] });
    await expect(channel.start(countingRunner())).rejects.toThrow('the console could not load its assets');
    expect((await latestHttpHeartbeat(t.db))?.state).toBe('stopped');
  });
});
